// The release stands: the incident records it (and moves to deploying) and the
// card is refreshed, once. Used by a direct release (github-release.ts) and by
// a watched release workflow run that succeeded (github-runs.ts).
import type { AppContext } from "../context.js";
import { canMove, type PhaseName } from "../domain/phase.js";
import type { TimelineKind } from "../domain/timeline.js";
import { lockIncident } from "../store/incidents.js";
import type { Prisma } from "../store/prisma.js";
import { recordEvent, recordOnce, type Tx } from "../store/timeline.js";
import { addEffects, queueSync } from "./outbox.js";
import { warRoom } from "./war-room.js";

export interface ReleasedFields {
  tag: string;
  version: string;
  parentTag: string;
  parentSha: string | null;
  commit: string;
  releaseId: number | null;
  releaseUrl: string | null;
  actor: string;
}

/** Records the release on the incident; `onceKey` makes a re-run record nothing twice. */
export async function recordReleased(
  ctx: AppContext,
  incidentId: string,
  onceKey: string,
  fields: ReleasedFields,
  event: { kind: TimelineKind; summary: string; data: Prisma.InputJsonObject },
  tx?: Tx,
): Promise<boolean> {
  const work = async (t: Tx) => {
    const current = await lockIncident(t, incidentId);
    const from: PhaseName = current.phase;
    const toDeploying = canMove(from, "deploying") && ["declared", "preparing", "fixing"].includes(from);
    await t.incident.update({
      where: { id: incidentId },
      data: {
        version: fields.version,
        releaseTag: fields.tag,
        releaseId: fields.releaseId,
        releaseUrl: fields.releaseUrl,
        fixSha: fields.commit,
        parentTag: fields.parentTag,
        ...(fields.parentSha ? { parentSha: fields.parentSha } : {}),
        rolledBackAt: null,
        ...(toDeploying ? { phase: "deploying" } : {}),
      },
    });
    const recorded = await recordOnce(t, onceKey, { incidentId, actor: fields.actor, occurredAt: ctx.now(), ...event });
    if (recorded && toDeploying) {
      await recordEvent(t, {
        incidentId,
        kind: "phase_changed",
        summary: `Phase ${from} -> deploying: ${fields.tag} released`,
        occurredAt: ctx.now(),
        data: { from, to: "deploying" },
      });
    }
    await addEffects(t, incidentId, [warRoom.refreshCard(onceKey)]);
    await queueSync(ctx, t, incidentId);
    return recorded;
  };
  return tx ? work(tx) : ctx.prisma.$transaction(work);
}
