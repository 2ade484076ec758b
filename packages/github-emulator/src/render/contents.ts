// The contents API's view of files and directories at a ref.
import type { Sha } from "../git/objects.js";
import type { EmulatedRepo } from "../repo.js";
import { escapePath } from "./links.js";

function entryBase(repo: EmulatedRepo, path: string, ref: string, type: "file" | "dir", sha: Sha, size: number) {
  const { links } = repo.ctx;
  const escaped = escapePath(path);
  const self = links.repoApi(repo.fullName, `/contents/${escaped}?ref=${encodeURIComponent(ref)}`);
  const html = links.repoWeb(repo.fullName, `/${type === "dir" ? "tree" : "blob"}/${escapePath(ref)}/${escaped}`);
  const git = links.repoApi(repo.fullName, `/git/${type === "dir" ? "trees" : "blobs"}/${sha}`);
  return {
    name: path.split("/").pop() ?? path,
    path,
    sha,
    size,
    url: self,
    html_url: html,
    git_url: git,
    download_url: type === "file" ? links.repoWeb(repo.fullName, `/raw/${escapePath(ref)}/${escaped}`) : null,
    type,
    _links: { self, git, html },
  };
}

/**
 * A file with its content in base64, wrapped at 60 characters with "\n" as
 * GitHub sends it (clients must strip the newlines before decoding).
 */
export function fileJson(repo: EmulatedRepo, path: string, ref: string, sha: Sha, content: Buffer) {
  const base64 = content.toString("base64").replace(/.{60}/g, "$&\n");
  return {
    ...entryBase(repo, path, ref, "file", sha, content.length),
    content: base64.endsWith("\n") || base64 === "" ? base64 : `${base64}\n`,
    encoding: "base64",
  };
}

export function dirEntryJson(repo: EmulatedRepo, path: string, ref: string, type: "file" | "dir", sha: Sha, size: number) {
  return entryBase(repo, path, ref, type, sha, size);
}
