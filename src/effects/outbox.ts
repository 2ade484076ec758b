// The incident's outbox: rows made by the constructors in src/effects/,
// written in the caller's transaction together with the job that runs them.
import type { AppContext } from "../context.js";
import { SYNC_QUEUE } from "../jobs/side-effects.js";
import type { Tx } from "../store/timeline.js";
import type { OutboxRow } from "./define.js";

/** Queue the run of an incident's outbox inside the caller's transaction. */
export async function queueSync(ctx: Pick<AppContext, "jobs">, tx: Tx, incidentId: string): Promise<void> {
  await ctx.jobs.send(SYNC_QUEUE, { incidentId }, { tx });
}

/** Adds outbox rows; a row whose key exists already is skipped (a replay queues nothing twice). Returns how many were new. */
export async function addEffects(tx: Tx, incidentId: string, rows: OutboxRow[]): Promise<number> {
  const { count } = await tx.sideEffect.createMany({
    data: rows.map((row) => ({ incidentId, key: row.key, params: row.params })),
    skipDuplicates: true,
  });
  return count;
}

/** A unique id for repeated steps: each refresh, update or request is its own set of rows. */
export function stamp(now: Date): string {
  return `${now.getTime().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}
