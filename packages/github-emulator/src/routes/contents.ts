// The contents API: read a file or directory at a ref; create or update a
// file as a new commit, guarded by the blob sha the client last saw.
import { HttpError, notFound, unprocessable } from "../errors.js";
import type { Sha } from "../git/objects.js";
import { checkProtectedWrite } from "../protection.js";
import { gitUser } from "../render/commits.js";
import { dirEntryJson, fileJson } from "../render/contents.js";
import { isoSeconds, nodeId } from "../render/links.js";
import { type Handler, optionalString, str } from "./types.js";

export const getContent: Handler = (ctx) => {
  const path = str(ctx.params.path).replace(/^\/+|\/+$/g, "");
  const ref = optionalString(ctx.query.ref) ?? ctx.repo.defaultBranch;
  const commit = ctx.repo.resolve(ref);
  if (!commit) throw notFound(`No commit found for the ref ${ref}`);
  const blob = commit.files.get(path);
  if (blob) {
    const content = ctx.repo.objects.blob(blob)?.content ?? Buffer.alloc(0);
    return { status: 200, body: fileJson(ctx.repo, path, ref, blob, content) };
  }
  const prefix = path === "" ? "" : `${path}/`;
  const children = new Map<string, { type: "file" | "dir"; files: Map<string, Sha> }>();
  for (const [file, sha] of commit.files) {
    if (!file.startsWith(prefix)) continue;
    const rest = file.slice(prefix.length);
    const [name = "", ...deeper] = rest.split("/");
    const entry = children.get(name) ?? { type: deeper.length > 0 ? "dir" : "file", files: new Map() };
    entry.files.set(deeper.length > 0 ? deeper.join("/") : name, sha);
    children.set(name, entry);
  }
  if (children.size === 0) throw notFound();
  const entries = [...children]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, entry]) => {
      const childPath = `${prefix}${name}`;
      if (entry.type === "file") {
        const sha = entry.files.get(name) as Sha;
        return dirEntryJson(ctx.repo, childPath, ref, "file", sha, ctx.repo.objects.blob(sha)?.content.length ?? 0);
      }
      return dirEntryJson(ctx.repo, childPath, ref, "dir", ctx.repo.objects.writeTree(entry.files), 0);
    });
  return { status: 200, body: entries };
};

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const createOrUpdateFile: Handler = (ctx) => {
  const path = str(ctx.params.path).replace(/^\/+/, "");
  const branch = optionalString(ctx.body.branch) ?? ctx.repo.defaultBranch;
  const head = ctx.repo.branchHead(branch);
  if (!head) throw notFound(`Branch ${branch} not found`);
  const encoded = str(ctx.body.content).replace(/\s+/g, "");
  if (!BASE64.test(encoded) || encoded.length % 4 === 1) throw unprocessable("content is not valid Base64");
  const parent = ctx.repo.objects.commit(head);
  if (!parent) throw new Error(`branch ${branch} does not point at a commit`);
  const existing = parent.files.get(path);
  const given = optionalString(ctx.body.sha);
  if (existing && given === undefined) throw unprocessable('Invalid request.\n\n"sha" wasn\'t supplied.');
  if (existing && given !== existing) throw new HttpError(409, `${path} does not match ${given}`);
  if ([...parent.files.keys()].some((file) => file.startsWith(`${path}/`) || path.startsWith(`${file}/`))) {
    throw unprocessable(`Invalid request.\n\n"path" conflicts with an existing file or directory.`);
  }
  const content = Buffer.from(encoded, "base64");
  const files = ctx.repo.applyChanges(parent.files, { [path]: content });
  type Person = { name: string; email: string; date?: string };
  const committerGiven = ctx.body.committer as Person | undefined;
  const authorGiven = (ctx.body.author as Person | undefined) ?? committerGiven;
  const person = (who: Person | undefined) =>
    who ? { name: who.name, email: who.email, date: isoSeconds(who.date ?? ctx.now) } : ctx.repo.signature(ctx.actor, ctx.now);
  const sha = ctx.repo.writeCommit({
    parents: [head],
    files,
    message: str(ctx.body.message),
    author: person(authorGiven),
    committer: person(committerGiven),
  });
  checkProtectedWrite(ctx.repo, { branch, to: sha, via: "contents" });
  ctx.repo.setRef(`refs/heads/${branch}`, sha);
  const commit = ctx.repo.objects.commit(sha);
  if (!commit) throw new Error("commit vanished");
  const blob = files.get(path) as Sha;
  const { links } = ctx.repo.ctx;
  const file = fileJson(ctx.repo, path, branch, blob, content);
  const { content: _encoded, encoding: _encoding, ...fileWithoutContent } = file;
  return {
    status: existing ? 200 : 201,
    body: {
      content: fileWithoutContent,
      commit: {
        sha,
        node_id: nodeId("Commit", `${ctx.repo.id}:${sha}`),
        url: links.repoApi(ctx.repo.fullName, `/git/commits/${sha}`),
        html_url: links.repoWeb(ctx.repo.fullName, `/commit/${sha}`),
        author: gitUser(commit.author),
        committer: gitUser(commit.committer),
        tree: { sha: commit.tree, url: links.repoApi(ctx.repo.fullName, `/git/trees/${commit.tree}`) },
        message: commit.message,
        parents: commit.parents.map((p) => ({
          sha: p,
          url: links.repoApi(ctx.repo.fullName, `/git/commits/${p}`),
          html_url: links.repoWeb(ctx.repo.fullName, `/commit/${p}`),
        })),
        verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
      },
    },
  };
};
