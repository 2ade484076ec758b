// The incident's outbox: side effects written in the caller's transaction,
// and the job that runs them, queued in that same transaction.
import type { Prisma } from "../store/prisma.js";
import type { Tx } from "../store/timeline.js";
import type { WorkflowContext } from "./context.js";

export const SYNC_QUEUE = "incident.sync";

/** Queue the run of an incident's outbox inside the caller's transaction. */
export async function queueSync(ctx: WorkflowContext, tx: Tx, incidentId: string): Promise<void> {
  await ctx.jobs.send(SYNC_QUEUE, { incidentId }, { tx });
}

export async function addEffects(
  tx: Tx,
  incidentId: string,
  effects: Array<{ key: string; params?: Prisma.InputJsonValue }>,
): Promise<void> {
  await tx.sideEffect.createMany({
    data: effects.map((e) => ({ incidentId, key: e.key, params: e.params ?? {} })),
    skipDuplicates: true,
  });
}

/** A unique suffix for repeated effects: each refresh, update or request is its own set of keys. */
export function stamp(now: Date): string {
  return `${now.getTime().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}
