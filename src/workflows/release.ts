// `/hotfix release` (runbook 004 steps 3-5): the release form's inputs are the
// release workflow's (version, commit, parent, justification, ticket, risk,
// waivers). This file reads GitHub for the form's defaults and, once the form
// is confirmed, records the request and queues the steps of
// src/effects/github-release.ts (ancestry and gates, then tag + GitHub release
// or the policy's release workflow) in one transaction.
import { evaluateGates, type GateVerdict, gatesFrom, waiverProblems, waiverRulesFor, withRequired } from "../domain/gates.js";
import { releaseRefusal } from "../domain/lane-guards.js";
import { shortSha } from "../domain/names.js";
import { type ParentRelease, parentNotFound } from "../domain/parent-release.js";
import type { ValidRelease } from "../domain/release.js";
import { type NextVersion, nextHotfixVersion } from "../domain/versions.js";
import { githubRelease } from "../effects/github-release.js";
import { addEffects, queueSync, stamp } from "../effects/outbox.js";
import { type IncidentWithRoles, lockIncident, stepsUnderWay } from "../store/incidents.js";
import type { Db } from "../store/prisma.js";
import { recordEvent, type Tx } from "../store/timeline.js";
import { waiverFacts } from "../store/waivers.js";
import { runWatched } from "../store/workflow-runs.js";
import { approverIds } from "./approvers.js";
import type { WorkflowContext } from "./context.js";
import { githubOrRefuse } from "./lane-support.js";
import { requirePermission } from "./permissions.js";
import { RefusedError } from "./refused.js";

/** Inline errors for the waiver ids typed in the release form (runbook 004's waiver troubleshooting). */
export async function checkNamedWaivers(ctx: WorkflowContext, codes: string[], hotfixTag: string): Promise<string | undefined> {
  if (codes.length === 0) return undefined;
  const found = await waiverFacts(ctx.prisma, { codes, approvers: await approverIds(ctx) });
  const missing = codes.filter((code) => !found.some((w) => w.code === code));
  if (missing.length) return `No waiver ${missing.join(", ")}. Waivers are requested with their approvals first.`;
  const rules = waiverRulesFor(ctx.config.policy, hotfixTag, ctx.now());
  for (const waiver of found) {
    const problems = waiverProblems(waiver, rules);
    if (problems.length) return `${waiver.code} cannot be used: ${problems.join("; ")}.`.slice(0, 300);
  }
  return undefined;
}

export interface ReleaseDefaults {
  parent?: ParentRelease;
  next?: NextVersion;
  commit?: string;
  branch?: string | null;
  /** compare parent...commit, when both are known. */
  ancestry?: { status: string; aheadBy: number } | null;
  verdict?: GateVerdict;
  mode: "release" | "workflow";
  workflow: string | null;
  /** Active waivers that cover a gate of the default commit. */
  waivers: string[];
  problems: string[];
}

export function releaseMode(ctx: WorkflowContext): { mode: "release" | "workflow"; workflow: string | null } {
  const workflow = ctx.config.policy.github.releaseWorkflow;
  return workflow ? { mode: "workflow", workflow } : { mode: "release", workflow: null };
}

/** The guard of a release, the same for the form and under the lock. */
async function guardRelease(db: Db | Tx, incident: IncidentWithRoles): Promise<void> {
  const inFlight = (await stepsUnderWay(db, incident.id, githubRelease.underWay)) > 0 || (await runWatched(db, incident.id, "release"));
  const refusal = releaseRefusal(incident, inFlight);
  if (refusal) throw new RefusedError(refusal);
}

/** Refuses when `actor` cannot release now (not the commander or a release captain, wrong phase, released already, a release in flight). */
export async function refuseRelease(ctx: WorkflowContext, incident: IncidentWithRoles, actor: string): Promise<void> {
  await requirePermission(ctx, actor, "release", incident);
  await guardRelease(ctx.prisma, incident);
}

/** Reads GitHub for the form's defaults and what to show before acting: parent, next version, fix commit, ancestry, gates. */
export async function releaseDefaults(ctx: WorkflowContext, incident: IncidentWithRoles): Promise<ReleaseDefaults> {
  const gh = githubOrRefuse(ctx);
  const { policy } = ctx.config;
  const problems: string[] = [];
  const parent = await gh.reads.parentRelease(policy.github.tagPattern, incident.parentTag, policy.github.versioning);
  if (!parent) problems.push(incident.parentTag ? parentNotFound(incident.parentTag) : "No parent release found; type the parent tag.");
  let next: NextVersion | undefined;
  if (parent) {
    try {
      next = nextHotfixVersion(parent.tag, parent.tags, policy.github.versioning);
      if (next.skipped.length)
        problems.push(
          `${next.skipped.join(", ")} exist${next.skipped.length === 1 ? "s" : ""} already, so the next version is ${next.tag}.`,
        );
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  let commit = incident.fixSha ?? undefined;
  if (!commit && incident.hotfixBranch) commit = (await gh.reads.getRefSha(`heads/${incident.hotfixBranch}`))?.sha;
  let ancestry: ReleaseDefaults["ancestry"];
  let verdict: GateVerdict | undefined;
  let waivers: string[] = [];
  if (commit && parent) {
    const compared = await gh.reads.compareCommits(parent.sha, commit);
    ancestry = compared ? { status: compared.status, aheadBy: compared.aheadBy } : null;
    if (next) {
      const checks = await gh.reads.commitChecks(commit);
      const required = policy.github.requiredChecks ?? (await gh.reads.requiredChecks((await gh.repository()).defaultBranch));
      verdict = evaluateGates(
        withRequired(gatesFrom(checks.checkRuns, checks.statuses), required),
        await waiverFacts(ctx.prisma, { approvers: await approverIds(ctx) }),
        waiverRulesFor(policy, next.tag, ctx.now()),
      );
      waivers = verdict.waiversUsed;
    }
  }
  return {
    ...(parent ? { parent } : {}),
    ...(next ? { next } : {}),
    ...(commit ? { commit } : {}),
    branch: incident.hotfixBranch,
    ...(ancestry !== undefined ? { ancestry } : {}),
    ...(verdict ? { verdict } : {}),
    ...releaseMode(ctx),
    waivers,
    problems,
  };
}

/** The form was submitted and valid: record the request and queue the checks and the release, in one transaction. */
export async function requestRelease(
  ctx: WorkflowContext,
  incident: IncidentWithRoles,
  release: ValidRelease,
  actor: string,
  requestKey: string,
): Promise<{ queued: boolean }> {
  await requirePermission(ctx, actor, "release", incident);
  const { mode, workflow } = releaseMode(ctx);
  const id = `${requestKey}`.replace(/[^A-Za-z0-9_-]/g, "") || stamp(ctx.now());
  return ctx.prisma.$transaction(async (tx) => {
    const current = await lockIncident(tx, incident.id);
    // A replayed or double-clicked submit of the same form queues nothing new.
    if (await githubRelease.requested(tx, incident.id, id)) return { queued: false };
    // Under the lock: two forms submitted at once queue one release.
    await guardRelease(tx, current);
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "release_requested",
      summary: `Release ${release.tag} requested from ${release.parentTag} at ${shortSha(release.commit)} (risk ${release.riskLevel})${mode === "workflow" ? ` via ${workflow}` : ""}`,
      actor,
      occurredAt: ctx.now(),
      data: { ...release, mode, workflow },
    });
    await addEffects(tx, incident.id, githubRelease.steps({ ...release, actor, mode, workflow }, id));
    await queueSync(ctx, tx, incident.id);
    return { queued: true };
  });
}
