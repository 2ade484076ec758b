// Durable jobs and timers on Postgres (pg-boss), on the app's own database.
// Every side effect on Slack, GitHub or Linear and every timer goes through
// here, so a crash or a second replica never loses or repeats one: a job is
// fetched by one worker at a time (SKIP LOCKED), retried with backoff when it
// throws, and per-key policies keep two runs of the same work from overlapping.

import { fromPrisma, type Job, PgBoss, type PrismaTransactionLike, type QueuePolicy } from "pg-boss";
import type { Logger } from "pino";

export interface QueueDefinition<T> {
  name: string;
  /** "stately": at most one queued and one active job per singletonKey. */
  policy?: QueuePolicy;
  retryLimit?: number;
  retryDelaySeconds?: number;
  expireInSeconds?: number;
  concurrency?: number;
  handler: (data: T, job: Job<T>) => Promise<void>;
}

export interface SendOptions {
  singletonKey?: string;
  startAfter?: Date;
  /**
   * Or this long from now by the database's clock (whole seconds, at least
   * one): a short delay computed on this host stays right whatever the skew
   * between this host's clock and the database's.
   */
  delayMs?: number;
  /** Send inside this Prisma transaction: the job exists if and only if it commits. */
  tx?: PrismaTransactionLike;
}

export interface JobQueue {
  define<T extends object>(definition: QueueDefinition<T>): void;
  start(): Promise<void>;
  send<T extends object>(name: string, data: T, options?: SendOptions): Promise<string | null>;
  /** Stop fetching, let running handlers finish (up to timeoutMs), close. */
  stop(timeoutMs?: number): Promise<void>;
  boss: PgBoss;
}

export function createJobQueue(options: { connectionString: string; logger: Logger; pollingIntervalSeconds?: number }): JobQueue {
  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema: "pgboss",
    max: 5,
    // Workers wake on NOTIFY the moment a job is sent; polling stays as the floor.
    useListenNotify: true,
  });
  const log = options.logger.child({ component: "jobs" });
  boss.on("error", (error) => log.error({ err: error }, "job queue error"));
  const definitions = new Map<string, QueueDefinition<object>>();
  let started = false;

  return {
    boss,
    define(definition) {
      if (started) throw new Error(`queue ${definition.name} defined after start`);
      definitions.set(definition.name, definition as unknown as QueueDefinition<object>);
    },
    async start() {
      await boss.start();
      for (const def of definitions.values()) {
        await boss.createQueue(def.name, {
          policy: def.policy ?? "standard",
          retryLimit: def.retryLimit ?? 8,
          retryDelay: def.retryDelaySeconds ?? 2,
          retryBackoff: true,
          retryDelayMax: 300,
          expireInSeconds: def.expireInSeconds ?? 300,
          notify: true,
        });
        await boss.work<object>(
          def.name,
          {
            batchSize: 1,
            localConcurrency: def.concurrency ?? 4,
            pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
            // Retries and timers are not announced by NOTIFY; they are found by polling.
            notifyPollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
          },
          async ([job]) => {
            if (!job) return;
            const started = Date.now();
            try {
              await def.handler(job.data, job);
              log.debug({ queue: def.name, jobId: job.id, ms: Date.now() - started }, "job done");
            } catch (error) {
              log.warn({ queue: def.name, jobId: job.id, err: error }, "job failed; it will be retried");
              throw error;
            }
          },
        );
      }
      started = true;
    },
    async send(name, data, sendOptions = {}) {
      return boss.send(name, data, {
        ...(sendOptions.singletonKey ? { singletonKey: sendOptions.singletonKey } : {}),
        ...(sendOptions.startAfter ? { startAfter: sendOptions.startAfter } : {}),
        ...(sendOptions.delayMs !== undefined && sendOptions.delayMs > 0
          ? { startAfter: Math.max(1, Math.ceil(sendOptions.delayMs / 1000)) }
          : {}),
        ...(sendOptions.tx ? { db: fromPrisma(sendOptions.tx) } : {}),
      });
    },
    async stop(timeoutMs = 20_000) {
      await boss.stop({ graceful: true, timeout: timeoutMs, close: true });
    },
  };
}
