// This process as an outbox worker: an instance id with a heartbeat. Every
// tick it renews the heartbeat and hands back the steps of workers that are
// gone (so a crash costs seconds, not a lease and a sweep); at start-up it
// does so at once, and re-runs jobs a dead process had fetched (timers that
// came due while the bot was down fire now: late, not lost). A worker that
// cannot renew its heartbeat stops claiming steps until it can again.
import { randomUUID } from "node:crypto";
import os from "node:os";
import type { AppContext } from "../context.js";
import {
  goneInstances,
  registerInstance,
  releaseOrphansOf,
  releaseStepsOf,
  removeInstance,
  renewInstance,
} from "../store/worker-instances.js";
import { SYNC_QUEUE } from "./side-effects.js";

export interface WorkerInstanceOptions {
  /** How often the heartbeat is renewed (default 1 s). */
  heartbeatMs?: number;
  /** A heartbeat older than this means the worker is gone (default 6 s). */
  staleMs?: number;
  /** pg-boss queues whose fetched jobs are re-run when their process is gone. */
  queues: string[];
}

export interface WorkerInstance {
  readonly id: string;
  /** False while the heartbeat cannot be renewed: claim nothing new. */
  healthy(): boolean;
  /** "incidentId|key" of the steps this process is running now (the runner keeps it). */
  readonly runningHere: Map<string, number>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function createWorkerInstance(ctx: AppContext, options: WorkerInstanceOptions): WorkerInstance {
  const id = randomUUID();
  const hostname = os.hostname();
  const heartbeatMs = options.heartbeatMs ?? 1_000;
  const staleMs = options.staleMs ?? 6_000;
  const log = ctx.logger.child({ component: "worker", instance: id });
  let lastBeat = 0;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;
  let stopped = false;
  const runningHere = new Map<string, number>();

  const facts = () => ({ id, hostname, pid: process.pid, heartbeatAt: ctx.now() });

  /** Hands back what gone workers held; with nobody else alive, re-runs the jobs they had fetched. */
  async function reclaim(atStart: boolean): Promise<void> {
    const now = ctx.now();
    const { gone, alive } = await goneInstances(ctx.prisma, {
      me: id,
      hostname,
      staleBefore: new Date(now.getTime() - staleMs),
      pidAlive,
    });
    const released = await releaseStepsOf(ctx.prisma, [id, ...alive], gone, now);
    // Ours in the database but not running here: a final write that failed (the database went away mid-step).
    const orphans = atStart ? [] : await releaseOrphansOf(ctx.prisma, id, runningHere);
    const incidents = [...new Set([...released, ...orphans])];
    for (const incidentId of incidents) await ctx.jobs.send(SYNC_QUEUE, { incidentId });
    if (incidents.length) log.info({ incidents: incidents.length, gone }, "took over the steps of a worker that is gone");
    if (atStart && alive.length === 0) await rerunOrphanedJobs();
  }

  /** Jobs left "active" by a dead process would wait out their expiry: fail them now so pg-boss retries them at once. */
  async function rerunOrphanedJobs(): Promise<void> {
    const rows = await ctx.prisma.$queryRawUnsafe<Array<{ id: string; name: string }>>(
      `SELECT id::text AS id, name FROM pgboss.job WHERE state = 'active' AND name = ANY($1::text[])`,
      options.queues,
    );
    const byQueue = new Map<string, string[]>();
    for (const row of rows) byQueue.set(row.name, [...(byQueue.get(row.name) ?? []), row.id]);
    for (const [name, ids] of byQueue) {
      await ctx.jobs.boss.fail(name, ids, { reason: "the process running it is gone" });
      log.info({ queue: name, jobs: ids.length }, "re-running jobs a dead process had fetched");
    }
  }

  async function tick(): Promise<void> {
    try {
      await renewInstance(ctx.prisma, facts());
      lastBeat = Date.now();
      await reclaim(false);
    } catch (error) {
      // Not swallowed: logged, and healthy() turns false once the heartbeat is stale, so this worker claims nothing new.
      log.error({ err: error, sinceLastBeatMs: Date.now() - lastBeat }, "worker heartbeat failed");
    }
  }

  return {
    id,
    runningHere,
    healthy: () => !stopped && Date.now() - lastBeat < staleMs,
    async start() {
      await registerInstance(ctx.prisma, facts());
      lastBeat = Date.now();
      await reclaim(true);
      timer = setInterval(() => {
        ticking ??= tick().finally(() => {
          ticking = undefined;
        });
      }, heartbeatMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await ticking;
      await removeInstance(ctx.prisma, id).catch((error: unknown) => log.warn({ err: error }, "could not deregister the worker"));
    },
  };
}
