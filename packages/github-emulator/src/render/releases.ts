// Releases as the REST API shows them. Drafts have no public tag page yet, so
// GitHub gives them an `untagged-...` web link; we do the same.
import type { Release } from "../model.js";
import type { EmulatedRepo } from "../repo.js";
import { escapePath, nodeId } from "./links.js";
import { simpleUser } from "./users.js";

export function releaseJson(repo: EmulatedRepo, release: Release) {
  const { links } = repo.ctx;
  const api = (path: string) => links.repoApi(repo.fullName, path);
  const tagPath = escapePath(release.tagName);
  return {
    url: api(`/releases/${release.id}`),
    assets_url: api(`/releases/${release.id}/assets`),
    // Uploads go to a separate host on GitHub; here they would stay on the emulator (not emulated).
    upload_url: `${links.apiBase}/uploads/repos/${repo.fullName}/releases/${release.id}/assets{?name,label}`,
    html_url: release.draft
      ? links.repoWeb(repo.fullName, `/releases/tag/untagged-${release.id.toString(16)}`)
      : links.repoWeb(repo.fullName, `/releases/tag/${tagPath}`),
    id: release.id,
    author: simpleUser(release.author, links),
    node_id: nodeId("Release", release.id),
    tag_name: release.tagName,
    target_commitish: release.targetCommitish,
    name: release.name,
    draft: release.draft,
    immutable: false,
    prerelease: release.prerelease,
    created_at: release.createdAt,
    updated_at: release.updatedAt,
    published_at: release.publishedAt,
    assets: [],
    tarball_url: release.draft ? null : api(`/tarball/${tagPath}`),
    zipball_url: release.draft ? null : api(`/zipball/${tagPath}`),
    body: release.body,
  };
}
