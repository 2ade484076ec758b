// Pull requests: open (with GitHub's validation of head/base and duplicates),
// read and list (mergeability computed on the real graph), update (title,
// body, base, close and reopen), and merge by merge commit, squash or rebase.
import { HttpError, notFound, validationFailed } from "../errors.js";
import { commitsBetween, isAncestor, mergeBase } from "../git/graph.js";
import { mergeSnapshots } from "../git/merge.js";
import type { Sha } from "../git/objects.js";
import type { PullRequest } from "../model.js";
import { checkProtectedWrite } from "../protection.js";
import { isoSeconds } from "../render/links.js";
import { pullJson } from "../render/pulls.js";
import { WEB_FLOW } from "../users.js";
import { paginate } from "./paginate.js";
import { type Handler, optionalString, type RouteContext, str } from "./types.js";

function findPull(ctx: RouteContext): PullRequest {
  const pr = ctx.repo.pulls.find((p) => p.number === ctx.params.pull_number);
  if (!pr) throw notFound();
  return ctx.repo.refreshPull(pr);
}

export const getPull: Handler = (ctx) => ({ status: 200, body: pullJson(ctx.repo, findPull(ctx)) });

/**
 * GET /pulls: `state` (default open), `head` as "owner:branch" (GitHub ignores
 * a head without the owner, so do we), `base`, `sort` and `direction`
 * (default desc for created, asc otherwise), paginated.
 */
export const listPulls: Handler = (ctx) => {
  const repo = ctx.repo;
  const q = ctx.query;
  const state = str(q.state ?? "open");
  const head = optionalString(q.head);
  const [headOwner, headBranch] = head?.includes(":") ? head.split(":", 2) : [undefined, undefined];
  const sort = str(q.sort ?? "created");
  const direction = optionalString(q.direction) ?? (sort === "created" ? "desc" : "asc");
  const comments = (pr: PullRequest) => repo.comments.filter((c) => c.issueNumber === pr.number).length;
  const key: Record<string, (pr: PullRequest) => number | string> = {
    created: (pr) => pr.createdAt,
    updated: (pr) => pr.updatedAt,
    popularity: comments,
    // How long a pull request has been open: the oldest first when ascending.
    "long-running": (pr) => pr.createdAt,
  };
  const by = key[sort] ?? key.created;
  const pulls = repo.pulls
    .map((pr) => repo.refreshPull(pr))
    .filter((pr) => state === "all" || pr.state === state)
    .filter((pr) => headOwner === undefined || (headOwner.toLowerCase() === repo.owner.login.toLowerCase() && pr.head === headBranch))
    .filter((pr) => q.base === undefined || pr.base === q.base)
    .sort((a, b) => {
      const [x, y] = [by?.(a) ?? 0, by?.(b) ?? 0];
      const order = x < y ? -1 : x > y ? 1 : a.number - b.number;
      return direction === "asc" ? order : -order;
    });
  const page = paginate(ctx, pulls);
  return { status: 200, headers: page.headers, body: page.items.map((pr) => pullJson(repo, pr)) };
};

/**
 * PATCH /pulls/{n}: title, body, base, maintainer_can_modify, and `state`
 * to close or reopen. A merged pull request cannot be reopened, a closed one
 * cannot change base, and reopening needs the head branch and no other open
 * pull request for the same branches (GitHub's 422s).
 */
export const updatePull: Handler = (ctx) => {
  const repo = ctx.repo;
  const pr = findPull(ctx);
  const body = ctx.body ?? {};
  const state = optionalString(body.state);
  const base = optionalString(body.base);
  if (base !== undefined && base !== pr.base) {
    if (pr.state === "closed" && state !== "open") {
      throw validationFailed({
        resource: "PullRequest",
        code: "custom",
        message: "Cannot change the base branch of a closed pull request.",
      });
    }
    const baseSha = repo.branchHead(base);
    if (!baseSha) throw validationFailed({ resource: "PullRequest", code: "invalid", field: "base" });
    pr.base = base;
    pr.baseSha = baseSha;
  }
  if (state === "open" && pr.state === "closed") {
    if (pr.merged)
      throw validationFailed({
        resource: "PullRequest",
        code: "custom",
        message: "state cannot be changed. The pull request cannot be reopened.",
      });
    const headSha = repo.branchHead(pr.head);
    if (!headSha)
      throw validationFailed({ resource: "PullRequest", code: "custom", message: "state cannot be changed. The head branch was deleted." });
    if (repo.pulls.some((p) => p !== pr && p.state === "open" && p.head === pr.head && p.base === pr.base)) {
      throw validationFailed({
        resource: "PullRequest",
        code: "custom",
        message: `state cannot be changed. A pull request already exists for ${repo.owner.login}:${pr.head}.`,
      });
    }
    pr.state = "open";
    pr.closedAt = null;
    repo.refreshPull(pr);
  } else if (state === "closed" && pr.state === "open") {
    pr.state = "closed";
    pr.closedAt = isoSeconds(ctx.now);
  }
  if (typeof body.title === "string") pr.title = body.title;
  if (typeof body.body === "string") pr.body = body.body;
  if (typeof body.maintainer_can_modify === "boolean") pr.maintainerCanModify = body.maintainer_can_modify;
  pr.updatedAt = isoSeconds(ctx.now);
  return { status: 200, body: pullJson(repo, pr) };
};

export const createPull: Handler = (ctx) => {
  const repo = ctx.repo;
  const issueNumber = typeof ctx.body.issue === "number" ? ctx.body.issue : undefined;
  const issue = issueNumber !== undefined ? repo.issues.find((i) => i.number === issueNumber) : undefined;
  if (issueNumber !== undefined && !issue) throw validationFailed({ resource: "PullRequest", code: "invalid", field: "issue" });
  const title = optionalString(ctx.body.title) ?? issue?.title;
  if (!title) throw validationFailed({ resource: "PullRequest", code: "missing_field", field: "title" });
  // "owner:branch" names a branch in this repository when owner is ours; forks are not emulated.
  const [headOwner, headBranch] = str(ctx.body.head).includes(":")
    ? str(ctx.body.head).split(":", 2)
    : [repo.owner.login, str(ctx.body.head)];
  const base = str(ctx.body.base);
  const headSha = headOwner?.toLowerCase() === repo.owner.login.toLowerCase() && headBranch ? repo.branchHead(headBranch) : undefined;
  if (!headSha || !headBranch) throw validationFailed({ resource: "PullRequest", code: "invalid", field: "head" });
  const baseSha = repo.branchHead(base);
  if (!baseSha) throw validationFailed({ resource: "PullRequest", code: "invalid", field: "base" });
  if (repo.pulls.some((p) => p.state === "open" && p.head === headBranch && p.base === base)) {
    throw validationFailed({
      resource: "PullRequest",
      code: "custom",
      message: `A pull request already exists for ${repo.owner.login}:${headBranch}.`,
    });
  }
  if (commitsBetween(repo.objects, baseSha, headSha).length === 0) {
    throw validationFailed({ resource: "PullRequest", code: "custom", message: `No commits between ${base} and ${headBranch}` });
  }
  const pr = repo.openPullRequest({ head: headBranch, base, title, draft: ctx.body.draft === true });
  pr.body = optionalString(ctx.body.body) ?? issue?.title ?? null;
  if (issue) {
    // The issue becomes the pull request (same number).
    repo.issues.splice(repo.issues.indexOf(issue), 1);
    pr.number = issue.number;
  }
  pr.maintainerCanModify = ctx.body.maintainer_can_modify === true;
  pr.user = ctx.actor;
  return { status: 201, body: pullJson(repo, pr), headers: { location: repo.ctx.links.repoApi(repo.fullName, `/pulls/${pr.number}`) } };
};

export const mergePull: Handler = (ctx) => {
  const repo = ctx.repo;
  const pr = findPull(ctx);
  const body = ctx.body ?? {};
  if (pr.state !== "open") throw new HttpError(405, "Pull Request is not mergeable");
  if (pr.draft) throw new HttpError(405, "Pull Request is still a draft");
  const expected = optionalString(body.sha);
  if (expected !== undefined && expected !== pr.headSha)
    throw new HttpError(409, "Head branch was modified. Review and try the merge again.");
  const method = optionalString(body.merge_method) ?? "merge";
  const title = optionalString(body.commit_title);
  const details = optionalString(body.commit_message);
  let sha: Sha;
  if (method === "merge") {
    const message = `${title ?? `Merge pull request #${pr.number} from ${repo.owner.login}/${pr.head}`}\n\n${details ?? pr.title}`;
    const outcome = repo.mergeCommits(pr.baseSha, pr.headSha, message, ctx.actor);
    if (outcome.kind === "conflict") throw new HttpError(405, "Pull Request is not mergeable");
    sha = outcome.kind === "merged" ? outcome.sha : pr.baseSha;
  } else if (method === "squash") {
    const merged = repo.threeWay(pr.baseSha, pr.headSha);
    if (!merged.ok) throw new HttpError(405, "Pull Request is not mergeable");
    const fork = mergeBase(repo.objects, pr.baseSha, pr.headSha) ?? pr.baseSha;
    const listed = commitsBetween(repo.objects, fork, pr.headSha).map((c) => `* ${c.message}`);
    sha = repo.objects.writeCommit({
      parents: [pr.baseSha],
      files: merged.files,
      message: `${title ?? `${pr.title} (#${pr.number})`}\n\n${details ?? listed.join("\n\n")}`,
      author: repo.signature(ctx.actor, ctx.now),
      committer: repo.signature(WEB_FLOW, ctx.now),
    });
  } else {
    sha = rebase(ctx, pr);
  }
  checkProtectedWrite(repo, { branch: pr.base, to: sha, via: "pull-request", pull: pr });
  repo.setRef(`refs/heads/${pr.base}`, sha);
  repo.closePullAsMerged(pr, sha, ctx.actor);
  pr.updatedAt = isoSeconds(ctx.now);
  return { status: 200, body: { sha, merged: true, message: "Pull Request successfully merged" } };
};

/** Replays the pull request's commits onto the base (cherry-picks), keeping authors, as "Rebase and merge" does. */
function rebase(ctx: RouteContext, pr: PullRequest): Sha {
  const repo = ctx.repo;
  const fork = mergeBase(repo.objects, pr.baseSha, pr.headSha) ?? pr.baseSha;
  let tip = pr.baseSha;
  for (const commit of commitsBetween(repo.objects, fork, pr.headSha)) {
    const parent = commit.parents[0];
    if (commit.parents.length > 1 || !parent) throw new HttpError(405, "Pull Request is not mergeable");
    if (isAncestor(repo.objects, commit.sha, tip)) continue;
    const current = repo.objects.commit(tip)?.files ?? new Map();
    const before = repo.objects.commit(parent)?.files ?? new Map();
    const merged = mergeSnapshots(repo.objects, before, current, commit.files);
    if (!merged.ok) throw new HttpError(405, "Pull Request is not mergeable");
    tip = repo.objects.writeCommit({
      parents: [tip],
      files: merged.files,
      message: commit.message,
      author: commit.author,
      committer: repo.signature(WEB_FLOW, ctx.now),
    });
  }
  return tip;
}
