// git/refs: read, list by prefix, create, move (fast-forward unless forced)
// and delete references, with GitHub's answers for each refusal.
import { HttpError, notFound, unprocessable } from "../errors.js";
import { isAncestor } from "../git/graph.js";
import { SHA_PATTERN } from "../git/objects.js";
import { isValidRefName } from "../git/refnames.js";
import { checkProtectedWrite } from "../protection.js";
import { escapePath, isoSeconds } from "../render/links.js";
import { refJson } from "../render/refs.js";
import type { EmulatedRepo } from "../repo.js";
import { type Handler, type RouteContext, str } from "./types.js";

/** GitHub answers 409 on ref endpoints while a repository has no commits at all. */
export function requireNotEmpty(repo: EmulatedRepo): void {
  if (repo.refs.size === 0) throw new HttpError(409, "Git Repository is empty.");
}

/** The `{ref}` parameter is "heads/x" or "tags/y"; a leading "refs/" is not accepted by GitHub's lookup. */
function fullRef(ctx: RouteContext): string {
  return `refs/${str(ctx.params.ref)}`;
}

export const getRef: Handler = (ctx) => {
  requireNotEmpty(ctx.repo);
  const ref = fullRef(ctx);
  const sha = ctx.repo.refs.get(ref);
  if (!sha) throw notFound();
  return { status: 200, body: refJson(ctx.repo, ref, sha) };
};

export const listMatchingRefs: Handler = (ctx) => {
  requireNotEmpty(ctx.repo);
  const prefix = fullRef(ctx);
  const refs = [...ctx.repo.refs].filter(([name]) => name.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { status: 200, body: refs.map(([name, sha]) => refJson(ctx.repo, name, sha)) };
};

/** A ref and a ref "below" it cannot both exist (refs/heads/a vs refs/heads/a/b): git stores refs as files. */
function clashes(repo: EmulatedRepo, ref: string): boolean {
  return [...repo.refs.keys()].some((existing) => existing.startsWith(`${ref}/`) || ref.startsWith(`${existing}/`));
}

function checkTarget(ctx: RouteContext, ref: string, sha: string): void {
  const object = SHA_PATTERN.test(sha) ? ctx.repo.objects.get(sha) : undefined;
  if (!object) throw unprocessable("Object does not exist");
  // git refuses to point a branch at anything but a commit.
  if (ref.startsWith("refs/heads/") && object.type !== "commit") throw unprocessable("Reference update failed");
}

export const createRef: Handler = (ctx) => {
  const ref = str(ctx.body.ref);
  const sha = str(ctx.body.sha);
  if (!ref.startsWith("refs/") || ref.split("/").length < 3) {
    throw unprocessable("Reference name must contain at least three slash-separated components.");
  }
  if (!isValidRefName(ref)) throw unprocessable(`${ref} is not a valid ref name.`);
  checkTarget(ctx, ref, sha);
  if (ctx.repo.refs.has(ref)) throw unprocessable("Reference already exists");
  if (clashes(ctx.repo, ref)) throw unprocessable("Reference update failed");
  ctx.repo.setRef(ref, sha);
  return {
    status: 201,
    body: refJson(ctx.repo, ref, sha),
    headers: { location: ctx.repo.ctx.links.repoApi(ctx.repo.fullName, `/git/${escapePath(ref)}`) },
  };
};

export const updateRef: Handler = (ctx) => {
  const ref = fullRef(ctx);
  const sha = str(ctx.body.sha);
  const force = ctx.body.force === true;
  const current = ctx.repo.refs.get(ref);
  if (!current) throw unprocessable("Reference does not exist");
  checkTarget(ctx, ref, sha);
  const objects = ctx.repo.objects;
  const before = objects.peelToCommit(current);
  const after = objects.peelToCommit(sha);
  const fastForward =
    current === sha ||
    (before !== undefined && after !== undefined && current === before.sha && isAncestor(objects, before.sha, after.sha));
  if (!fastForward && !force) throw unprocessable("Update is not a fast forward");
  if (ref.startsWith("refs/heads/")) checkProtectedWrite(ctx.repo, { branch: ref.slice("refs/heads/".length), to: sha, via: "ref" });
  ctx.repo.setRef(ref, sha);
  return { status: 200, body: refJson(ctx.repo, ref, sha) };
};

export const deleteRef: Handler = (ctx) => {
  const ref = fullRef(ctx);
  if (!ctx.repo.refs.has(ref)) throw unprocessable("Reference does not exist");
  const branch = ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : undefined;
  if (branch === ctx.repo.defaultBranch) throw unprocessable("Cannot delete the default branch");
  const protection = branch ? ctx.repo.protections.get(branch) : undefined;
  if (protection && !protection.allowDeletions) throw unprocessable("Cannot delete this protected branch");
  ctx.repo.deleteRef(ref);
  if (branch) {
    // GitHub closes open pull requests whose head branch disappears.
    for (const pr of ctx.repo.pulls.filter((p) => p.state === "open" && p.head === branch)) {
      const now = isoSeconds(ctx.now);
      Object.assign(pr, { state: "closed", closedAt: now, updatedAt: now });
    }
  }
  return { status: 204 };
};
