// A single commit, and compare (base...head): ahead/behind/identical/diverged
// computed on the real graph, commits oldest first, files against the merge base.
import { HttpError, notFound, unprocessable } from "../errors.js";
import { commitsBetween, mergeBase } from "../git/graph.js";
import type { CommitObject } from "../git/objects.js";
import { commitJson, fileChangesJson } from "../render/commits.js";
import type { EmulatedRepo } from "../repo.js";
import { paginate } from "./paginate.js";
import { requireNotEmpty } from "./refs.js";
import { type Handler, str } from "./types.js";

export const getCommit: Handler = (ctx) => {
  requireNotEmpty(ctx.repo);
  const ref = str(ctx.params.ref);
  const commit = ctx.repo.resolve(ref);
  if (!commit) throw unprocessable(`No commit found for SHA: ${ref}`);
  return { status: 200, body: commitJson(ctx.repo, commit, { files: true }) };
};

/** "main", "acme:main" or "acme:payments:main" -> the commit, within this repository only (no forks here). */
function resolveSide(repo: EmulatedRepo, side: string): CommitObject | undefined {
  const parts = side.split(":");
  const ref = parts.pop() ?? "";
  if (parts[0] !== undefined && parts[0].toLowerCase() !== repo.owner.login.toLowerCase()) return undefined;
  if (parts[1] !== undefined && parts[1].toLowerCase() !== repo.name.toLowerCase()) return undefined;
  return repo.resolve(ref);
}

/** Without page/per_page GitHub lists at most 250 commits; with them, it paginates the commits. */
const UNPAGINATED_LIMIT = 250;

export const compareCommits: Handler = (ctx) => {
  const basehead = str(ctx.params.basehead);
  const threeDot = basehead.includes("...");
  const [baseName, headName] = basehead.split(threeDot ? "..." : "..");
  if (!baseName || !headName || (threeDot && basehead.split("...").length !== 2)) throw notFound();
  const base = resolveSide(ctx.repo, baseName);
  const head = resolveSide(ctx.repo, headName);
  if (!base || !head) throw notFound();
  const objects = ctx.repo.objects;
  const forkPoint = mergeBase(objects, base.sha, head.sha);
  if (!forkPoint) throw new HttpError(404, `No common ancestor between ${baseName} and ${headName}.`);
  const ahead = commitsBetween(objects, base.sha, head.sha);
  const behind = commitsBetween(objects, head.sha, base.sha);
  const status =
    ahead.length === 0 && behind.length === 0 ? "identical" : behind.length === 0 ? "ahead" : ahead.length === 0 ? "behind" : "diverged";
  const paginated = ctx.rawQuery.has("page") || ctx.rawQuery.has("per_page");
  const page = paginated ? paginate(ctx, ahead) : { items: ahead.slice(0, UNPAGINATED_LIMIT), headers: {} };
  const firstPage = !paginated || Number(ctx.query.page ?? 1) <= 1;
  // Three dots diff head against the merge base (what a pull request shows); two dots against base itself.
  const diffFrom = threeDot ? (objects.commit(forkPoint) as CommitObject) : base;
  const { links } = ctx.repo.ctx;
  const owner = ctx.repo.owner.login;
  const mergeBaseCommit = objects.commit(forkPoint) as CommitObject;
  return {
    status: 200,
    headers: page.headers,
    body: {
      url: links.repoApi(ctx.repo.fullName, `/compare/${basehead}`),
      html_url: links.repoWeb(ctx.repo.fullName, `/compare/${basehead}`),
      permalink_url: links.repoWeb(ctx.repo.fullName, `/compare/${owner}:${base.sha}...${owner}:${head.sha}`),
      diff_url: links.repoWeb(ctx.repo.fullName, `/compare/${basehead}.diff`),
      patch_url: links.repoWeb(ctx.repo.fullName, `/compare/${basehead}.patch`),
      base_commit: commitJson(ctx.repo, base),
      merge_base_commit: commitJson(ctx.repo, mergeBaseCommit),
      status,
      ahead_by: ahead.length,
      behind_by: behind.length,
      total_commits: ahead.length,
      commits: page.items.map((commit) => commitJson(ctx.repo, commit)),
      files: firstPage ? fileChangesJson(ctx.repo, head.sha, diffFrom.files, head.files).slice(0, 300) : [],
    },
  };
};
