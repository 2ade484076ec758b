// Releases: list, latest, by tag, create (creating the tag when published),
// update (e.g. mark a rolled-back release as prerelease).
import { notFound, validationFailed } from "../errors.js";
import { isValidRefName } from "../git/refnames.js";
import type { Release } from "../model.js";
import { isoSeconds } from "../render/links.js";
import { releaseJson } from "../render/releases.js";
import type { EmulatedRepo } from "../repo.js";
import { paginate } from "./paginate.js";
import { type Handler, optionalString, type RouteContext, str } from "./types.js";

type MakeLatest = "true" | "false" | "legacy";

/** Newest first by created_at (the tagged commit's date), then by id. */
export const listReleases: Handler = (ctx) => {
  const releases = [...ctx.repo.releases].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
  const page = paginate(
    ctx,
    releases.map((r) => releaseJson(ctx.repo, r)),
  );
  return { status: 200, body: page.items, headers: page.headers };
};

export const getLatestRelease: Handler = (ctx) => {
  const latest = ctx.repo.latestRelease();
  if (!latest) throw notFound();
  return { status: 200, body: releaseJson(ctx.repo, latest) };
};

/** Published releases only: a draft is not found by tag. */
export const getReleaseByTag: Handler = (ctx) => {
  const release = ctx.repo.releases.find((r) => r.tagName === str(ctx.params.tag) && !r.draft);
  if (!release) throw notFound();
  return { status: 200, body: releaseJson(ctx.repo, release) };
};

function checkTagName(repo: EmulatedRepo, tag: string, except?: Release): void {
  if (!isValidRefName(`refs/tags/${tag}`)) throw validationFailed({ resource: "Release", code: "invalid", field: "tag_name" });
  if (repo.releases.some((r) => r.tagName === tag && r !== except))
    throw validationFailed({ resource: "Release", code: "already_exists", field: "tag_name" });
}

function checkDiscussion(ctx: RouteContext): void {
  // Discussions are off in emulated repositories, so no category name exists.
  if (ctx.body.discussion_category_name !== undefined) throw notFound();
}

function releaseNotes(ctx: RouteContext, tag: string): string {
  const previous = ctx.repo.latestRelease();
  const compare = previous ? `${previous.tagName}...${tag}` : undefined;
  return compare
    ? `**Full Changelog**: ${ctx.repo.ctx.links.repoWeb(ctx.repo.fullName, `/compare/${compare}`)}`
    : `**Full Changelog**: ${ctx.repo.ctx.links.repoWeb(ctx.repo.fullName, `/commits/${tag}`)}`;
}

export const createRelease: Handler = (ctx) => {
  const tag = str(ctx.body.tag_name);
  checkTagName(ctx.repo, tag);
  checkDiscussion(ctx);
  const targetCommitish = optionalString(ctx.body.target_commitish) ?? ctx.repo.defaultBranch;
  const existingTag = ctx.repo.resolveTagCommit(tag);
  const target = existingTag ?? ctx.repo.resolve(targetCommitish);
  if (!target) throw validationFailed({ resource: "Release", code: "invalid", field: "target_commitish" });
  const generate = ctx.body.generate_release_notes === true;
  const body = optionalString(ctx.body.body);
  const release = ctx.repo.createRelease({
    tagName: tag,
    target,
    targetCommitish,
    name: optionalString(ctx.body.name) ?? (generate ? tag : null),
    body: generate ? [body, releaseNotes(ctx, tag)].filter(Boolean).join("\n\n") : (body ?? null),
    draft: ctx.body.draft === true,
    prerelease: ctx.body.prerelease === true,
    author: ctx.actor,
  });
  ctx.repo.markLatest(release, (optionalString(ctx.body.make_latest) as MakeLatest | undefined) ?? "true");
  return {
    status: 201,
    body: releaseJson(ctx.repo, release),
    headers: { location: ctx.repo.ctx.links.repoApi(ctx.repo.fullName, `/releases/${release.id}`) },
  };
};

export const updateRelease: Handler = (ctx) => {
  const release = ctx.repo.releases.find((r) => r.id === ctx.params.release_id);
  if (!release) throw notFound();
  checkDiscussion(ctx);
  const body = ctx.body;
  const tag = optionalString(body.tag_name);
  if (tag !== undefined && tag !== release.tagName) checkTagName(ctx.repo, tag, release);
  const commitish = optionalString(body.target_commitish);
  if (commitish !== undefined && !ctx.repo.resolve(commitish))
    throw validationFailed({ resource: "Release", code: "invalid", field: "target_commitish" });
  const wasDraft = release.draft;
  if (tag !== undefined) release.tagName = tag;
  if (commitish !== undefined) release.targetCommitish = commitish;
  if (body.name !== undefined) release.name = str(body.name);
  if (body.body !== undefined) release.body = str(body.body);
  if (typeof body.prerelease === "boolean") release.prerelease = body.prerelease;
  if (typeof body.draft === "boolean") release.draft = body.draft;
  const now = isoSeconds(ctx.now);
  release.updatedAt = now;
  const published = wasDraft && !release.draft;
  if (published) {
    release.publishedAt = now;
    if (!ctx.repo.refs.has(`refs/tags/${release.tagName}`)) {
      const target = ctx.repo.resolve(release.targetCommitish);
      if (!target) throw validationFailed({ resource: "Release", code: "invalid", field: "target_commitish" });
      ctx.repo.setRef(`refs/tags/${release.tagName}`, target.sha);
    }
  }
  if (release.draft) release.publishedAt = null;
  const makeLatest = optionalString(body.make_latest) as MakeLatest | undefined;
  // "Defaults to true for newly published releases"; otherwise only an explicit value changes it.
  ctx.repo.markLatest(release, makeLatest ?? (published ? "true" : undefined));
  return { status: 200, body: releaseJson(ctx.repo, release) };
};
