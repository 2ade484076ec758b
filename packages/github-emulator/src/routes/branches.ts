// Branches: list, read, protect and read the protection, and the merges endpoint (merge a branch or
// sha into a branch with a real merge commit).
import { HttpError, notFound } from "../errors.js";
import type { BranchProtection } from "../model.js";
import { checkProtectedWrite } from "../protection.js";
import { commitJson } from "../render/commits.js";
import { escapePath } from "../render/links.js";
import { branchJson, branchListItemJson, protectionJson } from "../render/refs.js";
import { paginate } from "./paginate.js";
import { type Handler, optionalString, str } from "./types.js";

export const listBranches: Handler = (ctx) => {
  const wanted = ctx.query.protected;
  const branches = ctx.repo
    .branchNames()
    .filter((name) => wanted === undefined || ctx.repo.protections.has(name) === wanted)
    .map((name) => branchListItemJson(ctx.repo, name, ctx.repo.branchHead(name) as string));
  const page = paginate(ctx, branches);
  return { status: 200, body: page.items, headers: page.headers };
};

export const getBranch: Handler = (ctx) => {
  const name = str(ctx.params.branch);
  const sha = ctx.repo.branchHead(name);
  if (!sha) throw notFound("Branch not found");
  return { status: 200, body: branchJson(ctx.repo, name, sha) };
};

export const getBranchProtection: Handler = (ctx) => {
  const name = str(ctx.params.branch);
  if (!ctx.repo.branchHead(name)) throw notFound("Branch not found");
  const protection = ctx.repo.protections.get(name);
  if (!protection) throw notFound("Branch not protected");
  return { status: 200, body: protectionJson(ctx.repo, name, protection) };
};

export const updateBranchProtection: Handler = (ctx) => {
  const name = str(ctx.params.branch);
  if (!ctx.repo.branchHead(name)) throw notFound("Branch not found");
  const body = ctx.body as {
    required_status_checks: { strict: boolean; contexts: string[]; checks?: Array<{ context: string; app_id?: number }> } | null;
    enforce_admins: boolean | null;
    required_pull_request_reviews: Record<string, unknown> | null;
    restrictions: { users: string[]; teams: string[]; apps?: string[] } | null;
    required_linear_history?: boolean;
    allow_force_pushes?: boolean | null;
    allow_deletions?: boolean;
    block_creations?: boolean;
    required_conversation_resolution?: boolean;
    lock_branch?: boolean;
    allow_fork_syncing?: boolean;
  };
  const checks = body.required_status_checks;
  const protection: BranchProtection = {
    requiredStatusChecks: checks
      ? {
          strict: checks.strict,
          contexts: checks.checks ? checks.checks.map((c) => c.context) : checks.contexts,
          checks: checks.checks ?? checks.contexts.map((context) => ({ context })),
        }
      : null,
    enforceAdmins: body.enforce_admins === true,
    requiredPullRequestReviews: body.required_pull_request_reviews,
    restrictions: body.restrictions,
    requiredLinearHistory: body.required_linear_history === true,
    allowForcePushes: body.allow_force_pushes === true,
    allowDeletions: body.allow_deletions === true,
    blockCreations: body.block_creations === true,
    requiredConversationResolution: body.required_conversation_resolution === true,
    lockBranch: body.lock_branch === true,
    allowForkSyncing: body.allow_fork_syncing === true,
  };
  ctx.repo.protections.set(name, protection);
  return { status: 200, body: protectionJson(ctx.repo, name, protection) };
};

/**
 * POST /merges. `base` must be a branch; `head` a branch or a commit sha.
 * 204 when head is already in base; otherwise a merge commit with parents
 * [base, head], even when base could simply fast-forward (GitHub never
 * fast-forwards here; a client wanting ff-only moves the ref itself).
 */
export const mergeBranch: Handler = (ctx) => {
  const base = str(ctx.body.base);
  const head = str(ctx.body.head);
  const baseSha = ctx.repo.branchHead(base);
  if (!baseSha) throw notFound("Base does not exist");
  const headSha = ctx.repo.branchHead(head) ?? (/^[0-9a-f]{7,40}$/.test(head) ? ctx.repo.objects.commitByPrefix(head)?.sha : undefined);
  if (!headSha) throw notFound("Head does not exist");
  const message = optionalString(ctx.body.commit_message) ?? `Merge ${head} into ${base}`;
  const outcome = ctx.repo.mergeCommits(baseSha, headSha, message, ctx.actor);
  if (outcome.kind === "up-to-date") return { status: 204 };
  if (outcome.kind === "conflict") throw new HttpError(409, "Merge conflict");
  checkProtectedWrite(ctx.repo, { branch: base, to: outcome.sha, via: "merges" });
  ctx.repo.setRef(`refs/heads/${base}`, outcome.sha);
  const commit = ctx.repo.objects.commit(outcome.sha);
  if (!commit) throw new Error("merge commit vanished");
  return {
    status: 201,
    body: commitJson(ctx.repo, commit, { files: true }),
    headers: { location: ctx.repo.ctx.links.repoApi(ctx.repo.fullName, `/commits/${escapePath(outcome.sha)}`) },
  };
};
