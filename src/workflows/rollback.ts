// `/hotfix rollback [reason]` (runbook 004, "Rollback Procedure"; runbook
// 002): show the rollback points, then on confirmation record the rollback,
// move the incident back to fixing, and queue GitHub (mark the release
// pre-release with the runbook's warning) and the announcements.
import { rollbackRefusal } from "../domain/lane-guards.js";
import { canMove } from "../domain/phase.js";
import { githubRollback } from "../effects/github-rollback.js";
import { addEffects, queueSync, stamp } from "../effects/outbox.js";
import { warRoom } from "../effects/war-room.js";
import { type IncidentWithRoles, lockIncident } from "../store/incidents.js";
import type { Milestone } from "../store/prisma.js";
import { recordEvent } from "../store/timeline.js";
import type { WorkflowContext } from "./context.js";
import { githubOrRefuse } from "./lane-support.js";
import { requirePermission } from "./permissions.js";
import { RefusedError } from "./refused.js";

export interface RollbackPreview {
  tag: string;
  releaseUrl: string | null;
  /** Where production goes back to: the parent release. */
  target: { tag: string; sha: string | null } | null;
  points: Milestone[];
}

/** The guard, for the preview and again under the lock; returns the release to roll back. */
function guardRollback(incident: IncidentWithRoles): string {
  const refusal = rollbackRefusal(incident);
  if (refusal || !incident.releaseTag) throw new RefusedError(refusal ?? "There is no release to roll back yet.");
  return incident.releaseTag;
}

export async function previewRollback(ctx: WorkflowContext, incident: IncidentWithRoles, actor: string): Promise<RollbackPreview> {
  githubOrRefuse(ctx);
  const tag = guardRollback(incident);
  await requirePermission(ctx, actor, "rollback", incident);
  const points = await ctx.prisma.milestone.findMany({ where: { incidentId: incident.id }, orderBy: { createdAt: "desc" } });
  return {
    tag,
    releaseUrl: incident.releaseUrl,
    target: incident.parentTag ? { tag: incident.parentTag, sha: incident.parentSha } : null,
    points,
  };
}

/** Confirmed: record the rollback and queue GitHub and the announcements, in one transaction. */
export async function requestRollback(ctx: WorkflowContext, incident: IncidentWithRoles, actor: string, reason?: string): Promise<void> {
  githubOrRefuse(ctx);
  const tag = guardRollback(incident);
  await requirePermission(ctx, actor, "rollback", incident);
  const now = ctx.now();
  const id = stamp(now);
  const announce = ctx.config.policy.severity[incident.severity].announce;
  const message = {
    kind: "rolled_back" as const,
    number: incident.number,
    tag,
    actor,
    reason: reason ?? null,
    parentTag: incident.parentTag,
    parentSha: incident.parentSha,
  };
  await ctx.prisma.$transaction(async (tx) => {
    // Under the incident's lock: the phase moved back from is the one there now, and the release is the one confirmed.
    const current = await lockIncident(tx, incident.id);
    if (current.releaseTag !== tag)
      throw new RefusedError(`The release is ${current.releaseTag ?? "gone"} now, not ${tag}; run \`/hotfix rollback\` again.`);
    guardRollback(current);
    const back = canMove(current.phase, "fixing") && current.phase !== "fixing";
    const { count } = await tx.incident.updateMany({
      where: { id: incident.id, rolledBackAt: null },
      data: { rolledBackAt: now, ...(back ? { phase: "fixing" } : {}) },
    });
    if (count === 0) throw new RefusedError(`${tag} was rolled back already.`);
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "rolled_back",
      summary: `Rolled back ${tag}${reason ? `: ${reason}` : ""}; production back to ${incident.parentTag ?? "the previous release"}`,
      actor,
      occurredAt: now,
      data: { tag, reason: reason ?? null, rollbackTo: incident.parentTag, rollbackSha: incident.parentSha },
    });
    if (back) {
      await recordEvent(tx, {
        incidentId: incident.id,
        kind: "phase_changed",
        summary: `Phase ${current.phase} -> fixing: rolled back`,
        actor,
        occurredAt: now,
        data: { from: current.phase, to: "fixing" },
      });
    }
    const deployWorkflow = ctx.config.policy.github.deployWorkflow;
    await addEffects(tx, incident.id, [
      githubRollback.markPrerelease({ tag, actor, parentTag: incident.parentTag }, id),
      // Runbook 002 "redeploy previous tag": dispatched and watched, or the exact step said in the war room.
      ...(deployWorkflow && incident.parentTag
        ? [githubRollback.redeploy({ parentTag: incident.parentTag, workflow: deployWorkflow, actor }, id)]
        : [warRoom.post({ kind: "redeploy_by_hand", parentTag: incident.parentTag }, `redeploy:${id}`)]),
      warRoom.post(message, `rollback:${id}`),
      ...announce.map((channel) => warRoom.post(message, `rollback:${id}`, channel)),
      warRoom.refreshCard(`rollback-${id}`),
    ]);
    await queueSync(ctx, tx, incident.id);
  });
}
