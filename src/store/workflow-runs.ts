// Dispatched workflow runs the bot watches (src/effects/github-runs.ts), read
// from the timeline: a run is watched from its "dispatched" event until the
// event that ends it. No table of its own: the timeline already says it.
import type { TimelineKind } from "../domain/timeline.js";
import type { Db } from "./prisma.js";
import type { Tx } from "./timeline.js";

export type WatchedPurpose = "release" | "rollback";

const KINDS: Record<WatchedPurpose, { started: TimelineKind; ended: TimelineKind[] }> = {
  release: { started: "release_dispatched", ended: ["released", "release_run_failed"] },
  rollback: { started: "rollback_dispatched", ended: ["rollback_redeployed", "rollback_run_failed"] },
};

/** Whether a run of this purpose was dispatched and has not ended yet. */
export async function runWatched(db: Db | Tx, incidentId: string, purpose: WatchedPurpose): Promise<boolean> {
  const { started, ended } = KINDS[purpose];
  const latest = await db.timelineEvent.findFirst({
    where: { incidentId, kind: { in: [started, ...ended] } },
    orderBy: { id: "desc" },
    select: { kind: true },
  });
  return latest?.kind === started;
}
