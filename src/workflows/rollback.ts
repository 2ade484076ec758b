// `/hotfix rollback [reason]` (runbook 004, "Rollback Procedure"; runbook
// 002): show the rollback points, then on confirmation mark the release as a
// pre-release on GitHub with the runbook's warning appended to its notes,
// record it, move the incident back to fixing, and announce it.
import { incidentLabel } from "../domain/names.js";
import { canMove, type PhaseName } from "../domain/phase.js";
import { escapeMrkdwn } from "../domain/render/block-kit.js";
import { rollbackWarning, short, withRollbackWarning } from "../domain/render/release-lane.js";
import { nextHotfixVersion } from "../domain/versions.js";
import { listTagNames, releaseByTag, updateRelease } from "../integrations/github.js";
import { type EffectDefinition, PermanentEffectError } from "../jobs/side-effects.js";
import type { IncidentWithRoles } from "../store/incidents.js";
import type { Milestone } from "../store/prisma.js";
import { recordEvent } from "../store/timeline.js";
import { requireReleaseCaptain } from "./complete.js";
import type { WorkflowContext } from "./context.js";
import { RefusedError } from "./incident-updates.js";
import { githubForEffect, githubOrRefuse, lockIncident, onGitHub, recordOnce, requireActive, sayOnce } from "./lane-support.js";
import { addEffects, queueSync, stamp } from "./outbox.js";

export interface RollbackPreview {
  tag: string;
  releaseUrl: string | null;
  /** Where production goes back to: the parent release. */
  target: { tag: string; sha: string | null } | null;
  points: Milestone[];
}

const ROLLBACK_WHAT = "roll back the release: it marks it pre-release and sends production back to the parent";

function refuseRollback(incident: IncidentWithRoles): string {
  requireActive(incident, "rolling back");
  if (!incident.releaseTag) throw new RefusedError("There is no release to roll back yet (`/hotfix release` makes one).");
  if (incident.rolledBackAt)
    throw new RefusedError(`${incident.releaseTag} was rolled back already, at ${incident.rolledBackAt.toISOString()}.`);
  return incident.releaseTag;
}

export async function previewRollback(ctx: WorkflowContext, incident: IncidentWithRoles, actor: string): Promise<RollbackPreview> {
  githubOrRefuse(ctx);
  const tag = refuseRollback(incident);
  await requireReleaseCaptain(ctx, incident, actor, ROLLBACK_WHAT);
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
  const tag = refuseRollback(incident);
  await requireReleaseCaptain(ctx, incident, actor, ROLLBACK_WHAT);
  const now = ctx.now();
  const s = stamp(now);
  let back = canMove(incident.phase as PhaseName, "fixing") && incident.phase !== "fixing";
  const target = incident.parentTag
    ? `*${incident.parentTag}*${incident.parentSha ? ` (\`${short(incident.parentSha)}\`)` : ""}`
    : "the previous release";
  const text =
    `:rewind: *${incidentLabel(incident.number)} ${tag} rolled back* by <@${actor}>${reason ? `: ${escapeMrkdwn(reason)}` : ""}. ` +
    `Production goes back to ${target}; the release is marked pre-release on GitHub with a rollback warning. The fix continues in the war room.`;
  const announce = ctx.config.policy.severity[incident.severity].announce;
  await ctx.prisma.$transaction(async (tx) => {
    // Under the incident's lock: the phase moved back from is the one there now, and the release is the one confirmed.
    const current = await lockIncident(tx, incident.id);
    if (current.releaseTag !== tag)
      throw new RefusedError(`The release is ${current.releaseTag ?? "gone"} now, not ${tag}; run \`/hotfix rollback\` again.`);
    back = canMove(current.phase as PhaseName, "fixing") && current.phase !== "fixing";
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
    await addEffects(tx, incident.id, [
      { key: `gh-rollback:${s}`, params: { tag, actor, parentTag: incident.parentTag } },
      { key: `post:rollback:${s}`, params: { text } },
      ...announce.map((channel) => ({ key: `post:rollback:${s}:${channel}`, params: { text, channel } })),
      { key: `card-refresh:rollback-${s}` },
    ]);
    await queueSync(ctx, tx, incident.id);
  });
}

const WARNING_START = "**WARNING: This release has been rolled back.";

const markPrerelease: EffectDefinition = {
  prefix: "gh-rollback",
  describe: (_k, p) => `mark ${String(p.tag)} as pre-release on GitHub`,
  dependsOn: () => ["channel"],
  async run(ctx, run) {
    const gh = githubForEffect(ctx);
    const tag = String(run.params.tag);
    const release = await onGitHub(`read the release ${tag}`, () => releaseByTag(gh, tag));
    if (!release) {
      throw new PermanentEffectError(
        `there is no published GitHub release for ${tag} (if the release workflow has not published it yet, mark it by hand: gh release edit ${tag} --prerelease)`,
      );
    }
    const alreadyWarned = (release.body ?? "").includes(WARNING_START);
    let next: string | undefined;
    if (!alreadyWarned && typeof run.params.parentTag === "string") {
      const tags = (await onGitHub("list tags", () => listTagNames(gh))).map((t) => t.name);
      try {
        next = nextHotfixVersion(run.params.parentTag, [...tags, tag], ctx.config.policy.github.versioning).tag;
      } catch {
        next = undefined;
      }
    }
    const body = alreadyWarned ? (release.body ?? "") : withRollbackWarning(release.body, rollbackWarning(next));
    const changed = !release.prerelease || !alreadyWarned;
    if (changed) await onGitHub(`edit the release ${tag}`, () => updateRelease(gh, release.id, { prerelease: true, body }));
    await ctx.prisma.$transaction(async (tx) => {
      await recordOnce(tx, run.effect.key, {
        incidentId: run.incident.id,
        kind: "release_marked_prerelease",
        summary: `GitHub release ${tag} marked pre-release with the rollback warning`,
        actor: typeof run.params.actor === "string" ? run.params.actor : null,
        occurredAt: ctx.now(),
        data: { tag, releaseId: release.id, url: release.htmlUrl },
      });
    });
    await sayOnce(
      ctx,
      run,
      `:warning: <${release.htmlUrl}|${tag}> is now a *pre-release* on GitHub, its notes ending with the rollback warning.`,
    );
    return { tag, releaseId: release.id, changed };
  },
};

export const ROLLBACK_EFFECTS: EffectDefinition[] = [markPrerelease];
