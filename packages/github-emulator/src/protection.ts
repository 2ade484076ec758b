// What branch protection refuses, checked before a write moves a protected
// branch. Admins bypass the rules unless `enforce_admins` is on; locking,
// force pushes and deletions are refused for everyone. Required reviews mean
// a branch only moves through a pull request merge.
import { HttpError } from "./errors.js";
import { isAncestor } from "./git/graph.js";
import type { Sha } from "./git/objects.js";
import type { BranchProtection, PullRequest } from "./model.js";
import type { EmulatedRepo } from "./repo.js";

export interface BranchWrite {
  branch: string;
  /** The commit the branch would point at. */
  to: Sha;
  /** How the write arrives; GitHub words (and numbers) its refusals differently per endpoint. */
  via: "ref" | "merges" | "contents" | "pull-request";
  pull?: PullRequest;
}

/** Throws GitHub's refusal when protection forbids the write; returns quietly otherwise. */
export function checkProtectedWrite(repo: EmulatedRepo, write: BranchWrite): void {
  const rules = repo.protections.get(write.branch);
  if (!rules) return;
  const status = write.via === "ref" ? 422 : write.via === "pull-request" ? 405 : 409;
  const refuse = (reason: string) => {
    throw new HttpError(status, write.via === "ref" ? `Protected branch update failed for refs/heads/${write.branch}: ${reason}` : reason);
  };
  if (rules.lockBranch) refuse("Cannot update a locked branch.");
  const current = repo.branchHead(write.branch);
  if (current && !isAncestor(repo.objects, current, write.to) && !rules.allowForcePushes) refuse("Cannot force-push to this branch");
  if (repo.ctx.actorIsAdmin && !rules.enforceAdmins) return;
  if (rules.requiredPullRequestReviews) {
    if (write.via !== "pull-request") refuse("Changes must be made through a pull request.");
    const needed = requiredApprovals(rules);
    if ((write.pull?.approvals.length ?? 0) < needed)
      refuse(`At least ${needed} approving review${needed === 1 ? " is" : "s are"} required by reviewers with write access.`);
  }
  const checks = rules.requiredStatusChecks;
  if (checks) {
    // A pull request is judged by its head commit; a direct write by the commit it lands.
    const judged = write.pull?.headSha ?? write.to;
    const missing = repo.failingContexts(judged, checks.contexts);
    const first = missing[0];
    if (first) {
      const known = [...repo.latestStatuses(judged).map((s) => s.context), ...repo.checkRunsFor(judged).map((r) => r.name)].includes(first);
      refuse(`Required status check "${first}" is ${known ? "failing" : "expected"}.`);
    }
    if (checks.strict && write.pull && !isAncestor(repo.objects, write.pull.baseSha, write.pull.headSha))
      refuse("Head branch is out of date with the base branch.");
  }
}

function requiredApprovals(rules: BranchProtection): number {
  const count = rules.requiredPullRequestReviews?.required_approving_review_count;
  return typeof count === "number" ? count : 1;
}
