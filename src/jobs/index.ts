// Every durable job the product runs, defined in one place.

import type { WorkflowContext } from "../workflows/context.js";
import { fireStabilityWindow, STABILITY_QUEUE, type StabilityJob } from "../workflows/deploy.js";
import { SYNC_QUEUE } from "../workflows/outbox.js";
import { RELEASE_LANE_EFFECTS } from "../workflows/release-effects.js";
import { fireSlaReminder, SLA_QUEUE, type SlaReminderJob } from "../workflows/sla.js";
import { WAR_ROOM_EFFECTS } from "../workflows/war-room.js";
import type { JobQueue } from "./queue.js";
import { type EffectDefinition, pendingError, runIncidentEffects } from "./side-effects.js";

export const SWEEP_QUEUE = "outbox.sweep";

export function allEffects(): EffectDefinition[] {
  return [...WAR_ROOM_EFFECTS, ...RELEASE_LANE_EFFECTS];
}

export interface JobOptions {
  /** How long a claimed effect stays its worker's before another may take it over. */
  effectLeaseMs?: number;
}

export function defineJobs(queue: JobQueue, ctx: WorkflowContext, options: JobOptions = {}): void {
  const effects = allEffects();
  queue.define<{ incidentId: string }>({
    name: SYNC_QUEUE,
    retryLimit: 10,
    retryDelaySeconds: 1,
    expireInSeconds: 120,
    concurrency: 8,
    async handler({ incidentId }) {
      const report = await runIncidentEffects(ctx, incidentId, effects, options.effectLeaseMs ? { leaseMs: options.effectLeaseMs } : {});
      const pending = pendingError(report);
      ctx.metrics.jobRuns.inc({ queue: SYNC_QUEUE, outcome: pending ? "retry" : "done" });
      if (pending) throw pending;
    },
  });
  queue.define<SlaReminderJob>({
    name: SLA_QUEUE,
    retryLimit: 5,
    async handler(job) {
      await fireSlaReminder(ctx, job);
      ctx.metrics.jobRuns.inc({ queue: SLA_QUEUE, outcome: "done" });
    },
  });
  queue.define<StabilityJob>({
    name: STABILITY_QUEUE,
    retryLimit: 5,
    async handler(job) {
      await fireStabilityWindow(ctx, job);
      ctx.metrics.jobRuns.inc({ queue: STABILITY_QUEUE, outcome: "done" });
    },
  });
  queue.define<{ olderThanMs?: number }>({
    name: SWEEP_QUEUE,
    retryLimit: 1,
    async handler({ olderThanMs }) {
      await sweepOutbox(ctx, olderThanMs ?? 30_000);
    },
  });
}

/**
 * Safety net for effects whose job was lost (a crash between commit and the
 * worker, or a job that ran out of retries while Slack was down): re-queue
 * the incident. Runs at start-up and every minute.
 */
export async function sweepOutbox(ctx: WorkflowContext, olderThanMs: number): Promise<number> {
  const before = new Date(ctx.now().getTime() - olderThanMs);
  const stuck = await ctx.prisma.sideEffect.findMany({
    where: {
      OR: [
        { status: "pending", updatedAt: { lt: before } },
        { status: "running", leaseUntil: { lt: ctx.now() } },
      ],
    },
    distinct: ["incidentId"],
    select: { incidentId: true },
  });
  for (const { incidentId } of stuck) await ctx.jobs.send(SYNC_QUEUE, { incidentId });
  return stuck.length;
}
