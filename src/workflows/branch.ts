// `/hotfix branch [name] [from <tag>]` (runbooks 000, 001, 004 step 1): find
// the parent release, show it, and on confirmation queue the GitHub steps
// (src/effects/github-branch.ts): create the hotfix branch from it with the
// policy's name, protect it, say so in the war room. With
// `github.branchOnDeclare` the same steps join the declare transaction.
import { incidentLabel, sanitizeRefName, shortSha } from "../domain/names.js";
import { describeSource, type ParentRelease, type ParentSource, parentNotFound, policyBranchName } from "../domain/parent-release.js";
import { githubBranch } from "../effects/github-branch.js";
import { addEffects, queueSync, stamp } from "../effects/outbox.js";
import { type IncidentWithRoles, lockIncident, stepsUnderWay } from "../store/incidents.js";
import { recordEvent, type Tx } from "../store/timeline.js";
import type { WorkflowContext } from "./context.js";
import { githubOrRefuse, requireActive } from "./lane-support.js";
import { requirePermission } from "./permissions.js";
import { RefusedError } from "./refused.js";

export type { ParentRelease, ParentSource } from "../domain/parent-release.js";

export interface BranchPreview {
  parent: ParentRelease;
  branch: string;
  /** The branch exists already: at the parent's commit (adopted) or elsewhere (refused). */
  existing?: { sha: string; sameCommit: boolean };
  protect: boolean;
}

/** The guard of `/hotfix branch`, checked for the preview and again under the lock: open, not branched, no branch under way. */
async function refuseBranch(db: Parameters<typeof stepsUnderWay>[0], incident: IncidentWithRoles): Promise<void> {
  requireActive(incident, "cutting a hotfix branch");
  if (incident.hotfixBranch)
    throw new RefusedError(
      `${incidentLabel(incident.number)} already has its hotfix branch \`${incident.hotfixBranch}\` (from ${incident.parentTag ?? "?"}).`,
    );
  if ((await stepsUnderWay(db, incident.id, githubBranch.underWay)) > 0)
    throw new RefusedError("The hotfix branch is being created already; watch the war room.");
}

/** What `/hotfix branch` would do, read from GitHub, shown before anything is created. */
export async function previewBranch(
  ctx: WorkflowContext,
  incident: IncidentWithRoles,
  request: { name?: string; parent?: string },
  actor: string,
): Promise<BranchPreview> {
  const gh = githubOrRefuse(ctx);
  await requirePermission(ctx, actor, "branch", incident);
  await refuseBranch(ctx.prisma, incident);
  const { tagPattern: pattern, versioning } = ctx.config.policy.github;
  const parent = await gh.reads.parentRelease(pattern, request.parent ?? incident.parentTag, versioning);
  if (!parent) {
    throw new RefusedError(
      request.parent
        ? parentNotFound(request.parent)
        : `No parent release found in ${gh.fullName}: no GA semver tag matches \`${pattern}\` and there is no GitHub release. Name one: \`/hotfix branch from <tag>\`.`,
    );
  }
  const branch = request.name ? sanitizeRefName(request.name) : policyBranchName(ctx.config.policy, incident, parent, ctx.now());
  if (!branch) throw new RefusedError(`\`${request.name}\` cannot be a branch name.`);
  const found = await gh.reads.getRefSha(`heads/${branch}`);
  // Issue 8.6: the bot protects, merges back and deletes only a branch it created for this incident.
  if (found)
    throw new RefusedError(
      `The branch \`${branch}\` exists already (at \`${shortSha(found.sha)}\`): the bot only works on a branch it creates, since it protects, merges back and deletes it. Name a new one: \`/hotfix branch <name>\`.`,
    );
  return {
    parent,
    branch,
    protect: ctx.config.policy.github.protectBranch,
  };
}

export interface BranchRequest {
  branch: string;
  parentTag: string;
  parentSha: string;
  source: ParentSource;
}

/** The user confirmed: record it and queue the GitHub steps, in one transaction. */
export async function requestBranch(
  ctx: WorkflowContext,
  incident: IncidentWithRoles,
  request: BranchRequest,
  actor: string,
): Promise<void> {
  githubOrRefuse(ctx);
  await requirePermission(ctx, actor, "branch", incident);
  const { policy } = ctx.config;
  await ctx.prisma.$transaction(async (tx) => {
    // Under the incident's lock: a double click or two people at once queue one branch.
    await refuseBranch(tx, await lockIncident(tx, incident.id));
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "branch_requested",
      summary: `Hotfix branch ${request.branch} requested from ${request.parentTag} (${shortSha(request.parentSha)}), ${describeSource(request.source, policy.github.tagPattern).replace(/`/g, "")}`,
      actor,
      occurredAt: ctx.now(),
      data: { ...request },
    });
    await addEffects(tx, incident.id, githubBranch.create({ ...request, protect: policy.github.protectBranch, actor }, stamp(ctx.now())));
    await queueSync(ctx, tx, incident.id);
  });
}

/**
 * `github.branchOnDeclare`: the hotfix branch joins a new incident's outbox
 * in the declare transaction itself (it runs once the war room exists).
 */
export async function queueBranchOnDeclare(ctx: WorkflowContext, tx: Tx, incidentId: string): Promise<void> {
  const { policy } = ctx.config;
  if (!policy.github.branchOnDeclare || !ctx.github) return;
  await addEffects(tx, incidentId, githubBranch.create({ auto: true, protect: policy.github.protectBranch }, "declare"));
  await recordEvent(tx, {
    incidentId,
    kind: "branch_requested",
    summary: "Hotfix branch requested automatically at declare (policy github.branchOnDeclare)",
    occurredAt: ctx.now(),
    data: { auto: true },
  });
}
