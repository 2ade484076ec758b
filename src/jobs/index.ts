// Every durable job the product runs. app.ts hands in the outbox's steps (the
// effect registry from src/effects/) and the timers (from the workflows):
// jobs/ knows neither folder, only these shapes.

import type { AppContext } from "../context.js";
import type { JobQueue } from "./queue.js";
import { backoffDelay, type EffectDefinition, type FailureReporter, pendingError, runIncidentEffects, SYNC_QUEUE } from "./side-effects.js";
import type { WorkerInstance } from "./worker-instance.js";

export const SWEEP_QUEUE = "outbox.sweep";

/** The outbox's steps and how a step that gave up is reported. */
export interface EffectRegistry {
  steps: EffectDefinition[];
  reportFailure: FailureReporter;
}

/** A durable timer (SLA reminder, stability window ...): a queue and what to do when a job of it fires. */
export interface TimerDefinition {
  name: string;
  retryLimit?: number;
  /** The job's data as stored: the timer parses it. */
  fire(ctx: AppContext, data: unknown): Promise<unknown>;
}

export interface JobOptions {
  /** How long a claimed effect stays its worker's before another may take it over. */
  effectLeaseMs?: number;
  /** First backoff after a failed step (then x3 per failure, at most 150x); default 2 s. Tests shorten it. */
  effectBackoffMs?: number;
  /** This process as a worker (its id is the owner of the steps it claims). */
  instance?: () => WorkerInstance | undefined;
}

export function defineJobs(
  queue: JobQueue,
  ctx: AppContext,
  registry: EffectRegistry,
  timers: TimerDefinition[],
  options: JobOptions = {},
): void {
  queue.define<{ incidentId: string }>({
    name: SYNC_QUEUE,
    retryLimit: 10,
    retryDelaySeconds: 1,
    expireInSeconds: 120,
    concurrency: 8,
    async handler({ incidentId }) {
      const instance = options.instance?.();
      const base = options.effectBackoffMs;
      const report = await runIncidentEffects(ctx, incidentId, registry.steps, {
        reportFailure: registry.reportFailure,
        ...(options.effectLeaseMs ? { leaseMs: options.effectLeaseMs } : {}),
        ...(base ? { backoff: (n: number) => backoffDelay(n, base) } : {}),
        ...(instance ? { ownerId: instance.id, canClaim: instance.healthy, runningHere: instance.runningHere } : {}),
      });
      // Steps backing off (or told to wait by a rate limit) run again when their time comes, from a durable delayed job.
      // As a delay, not a time: pg-boss starts it by the database's clock, which need not agree with ours.
      if (report.nextAt) await ctx.jobs.send(SYNC_QUEUE, { incidentId }, { delayMs: report.nextAt.getTime() - ctx.now().getTime() });
      const pending = pendingError(report);
      ctx.metrics.jobRuns.inc({ queue: SYNC_QUEUE, outcome: pending ? "retry" : "done" });
      if (pending) throw pending;
    },
  });
  for (const t of timers) {
    queue.define<object>({
      name: t.name,
      retryLimit: t.retryLimit ?? 5,
      async handler(job) {
        await t.fire(ctx, job);
        ctx.metrics.jobRuns.inc({ queue: t.name, outcome: "done" });
      },
    });
  }
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
export async function sweepOutbox(ctx: AppContext, olderThanMs: number): Promise<number> {
  const before = new Date(ctx.now().getTime() - olderThanMs);
  const stuck = await ctx.prisma.sideEffect.findMany({
    where: {
      OR: [
        { status: "pending", updatedAt: { lt: before }, OR: [{ notBefore: null }, { notBefore: { lte: ctx.now() } }] },
        { status: "running", leaseUntil: { lt: ctx.now() } },
      ],
    },
    distinct: ["incidentId"],
    select: { incidentId: true },
  });
  for (const { incidentId } of stuck) await ctx.jobs.send(SYNC_QUEUE, { incidentId });
  return stuck.length;
}
