// Runs an incident's outbox: the SideEffect rows its workflows wrote in the
// same transaction as their state change. Each effect is claimed with a lease
// (so two workers never run it at once, and a dead worker's claim runs out),
// runs once its dependencies are done, and records its result. A failing
// effect never blocks the others; it is retried with a growing backoff (minutes,
// not seconds) and reported when it gives up. Any failure whose outcome is
// unknown (timeout, 5xx, reset, lost answer, a crash mid-call) marks the step
// `ambiguous`: the next attempt looks before acting. `attempts` only grows (it
// is the fencing token: a stale worker's late write never wins); `failures`
// counts toward giving up and is what `/hotfix retry` resets.

//
// The runner knows steps only as `EffectDefinition`s with unchecked params:
// the typed steps live in src/effects/ and app.ts hands them in (jobs/ never
// imports effects/ or workflows/).

import type { AppContext } from "../context.js";
import { callOutcome } from "../integrations/outcome.js";
import { countingSlackWrites } from "../integrations/slack-pacing.js";
import { findIncident, type IncidentWithRoles } from "../store/incidents.js";
import { Prisma, type SideEffect } from "../store/prisma.js";
import { recordEvent } from "../store/timeline.js";

export type Json = Prisma.InputJsonValue;

/** The queue that runs an incident's outbox; workflows send to it inside their transaction. */
export const SYNC_QUEUE = "incident.sync";

export interface EffectRun<P = unknown> {
  incident: IncidentWithRoles;
  effect: SideEffect;
  /** The row's params as stored; a typed step parses them (src/effects/define.ts). */
  params: P;
  /** A previous attempt died mid-call: look before acting again. */
  ambiguous: boolean;
  /** Results of the effects already done, by key. */
  results: Map<string, Record<string, unknown>>;
}

export interface EffectDefinition {
  /** Key prefix this definition handles: "channel", "announce:" ... */
  prefix: string;
  describe(key: string, params: unknown): string;
  /** Keys of steps that must be done first (a key the incident has no step for is not waited for). */
  dependsOn(key: string, params: unknown): string[];
  /**
   * True when the step may run alongside the incident's other steps: nothing
   * it does has an order people see against theirs (a topic, invitations,
   * bookmarks, the first announcements in other channels). Steps without it
   * run one after another in the order they were queued, so messages in a
   * channel keep the order of what caused them.
   */
  concurrent?(key: string, params: unknown): boolean;
  run(ctx: AppContext, run: EffectRun): Promise<Record<string, unknown>>;
}

/** Tells people a step failed for good (the effects layer renders and posts it). */
export type FailureReporter = (ctx: AppContext, incident: IncidentWithRoles, what: string, why: string) => Promise<void>;

export class PermanentEffectError extends Error {}

export interface RunOptions {
  leaseMs?: number;
  /** Failures (since the last success or retry) before a step gives up and is reported. */
  maxFailures?: number;
  /** Wait before the next try after `failures` failures (default backoffDelay). */
  backoff?: (failures: number) => number;
  /** The worker instance claiming steps (its death frees them at once). */
  ownerId?: string;
  /** False while this worker cannot renew its heartbeat: it claims nothing new. */
  canClaim?: () => boolean;
  /** "incidentId|key" of the steps this process runs now (counted: two runs of one incident may look at one step). */
  runningHere?: Map<string, number>;
  /** Called once a step gives up, after the timeline records it. */
  reportFailure?: FailureReporter;
}

export interface RunReport {
  done: string[];
  failed: string[];
  waiting: string[];
  /** The earliest time a backed-off (or rate-limited) step may run again. */
  nextAt?: Date;
}

/** 2 s, 6 s, 18 s, 54 s, 2.7 min, then 5 min: eight failures take about 14 minutes before a step is reported. */
export function backoffDelay(failures: number, baseMs = 2_000): number {
  return Math.min(baseMs * 3 ** Math.max(0, failures - 1), 150 * baseMs);
}

export const DEFAULT_MAX_FAILURES = 8;

/** The worker lost its claim (taken over, or its lease could not be renewed): it stops and lets go. */
export class LeaseLostError extends Error {}

const SLACK_PERMANENT = new Set([
  "missing_scope",
  "not_authed",
  "invalid_auth",
  "account_inactive",
  "token_revoked",
  "channel_not_found",
  "is_archived",
  "restricted_action",
  "invalid_blocks",
  "not_allowed_token_type",
]);

export function isPermanent(error: unknown): boolean {
  if (error instanceof PermanentEffectError) return true;
  const data = (error as { data?: { error?: string }; code?: string }).data;
  return (error as { code?: string }).code === "slack_webapi_platform_error" && SLACK_PERMANENT.has(data?.error ?? "");
}

export function errorText(error: unknown): string {
  const slack = (error as { data?: { error?: string } }).data?.error;
  return slack ?? (error instanceof Error ? error.message : String(error));
}

function definitionFor(definitions: EffectDefinition[], key: string): EffectDefinition | undefined {
  return definitions.find((d) => key === d.prefix || key.startsWith(d.prefix.endsWith(":") ? d.prefix : `${d.prefix}:`));
}

/**
 * Failpoints for the crash-recovery tests (never set in production):
 * HOTFIX_CRASH_AT="recorded:<key>" kills the process right after the effect is
 * recorded; "unrecorded:<key>" right after its call succeeded but before it is
 * recorded, the case a retry must detect instead of repeating.
 */
function failpoint(stage: "recorded" | "unrecorded", key: string): void {
  if (process.env.HOTFIX_CRASH_AT === `${stage}:${key}`) process.kill(process.pid, "SIGKILL");
}

/** A step still to do, as a pass sees it. */
interface Open {
  effect: SideEffect;
  definition: EffectDefinition | undefined;
  concurrent: boolean;
}

/** One read of the incident's steps and what this run did with them. */
interface Pass {
  status: Map<string, string>;
  results: Map<string, Record<string, unknown>>;
  /** Concurrent steps started in this pass. */
  alongside: Array<Promise<boolean>>;
  /** Something was done: the next pass may find steps that were waiting for it. */
  progressed: boolean;
}

export async function runIncidentEffects(
  ctx: AppContext,
  incidentId: string,
  definitions: EffectDefinition[],
  options: RunOptions = {},
): Promise<RunReport> {
  const leaseMs = options.leaseMs ?? 60_000;
  const maxFailures = options.maxFailures ?? DEFAULT_MAX_FAILURES;
  const backoff = options.backoff ?? ((n: number) => backoffDelay(n));
  const report: RunReport = { done: [], failed: [], waiting: [] };
  const log = ctx.logger.child({ incidentId });
  const later = (at: Date) => {
    if (!report.nextAt || at < report.nextAt) report.nextAt = at;
  };
  // Effects done in this run unlock their dependents, so loop until no progress.
  for (let round = 0; round < 20; round++) {
    const all = await ctx.prisma.sideEffect.findMany({ where: { incidentId }, orderBy: { seq: "asc" } });
    const pass: Pass = {
      status: new Map(all.map((e) => [e.key, e.status])),
      results: new Map(all.filter((e) => e.status === "done").map((e) => [e.key, (e.result ?? {}) as Record<string, unknown>])),
      alongside: [],
      progressed: false,
    };
    // Each open step's definition and whether it runs alongside, looked up (and its params parsed) once per pass.
    const open: Open[] = all
      .filter((e) => e.status === "pending" || e.status === "running")
      .map((effect) => {
        const definition = definitionFor(definitions, effect.key);
        return { effect, definition, concurrent: definition?.concurrent?.(effect.key, effect.params ?? {}) === true };
      });
    report.waiting = [];
    report.nextAt = undefined;
    if (open.length === 0) break;
    // Concurrent steps start as soon as their dependencies are done — at the start of the pass, or the moment an
    // ordered step they wait for is done — and run alongside the ordered ones, which run one at a time in the
    // order queued. The pass ends when all have settled.
    let unstarted = open.filter((o) => o.concurrent);
    const startReady = async (lastLook: boolean) => {
      const blocked: Open[] = [];
      for (const step of unstarted) if ((await consider(pass, step, lastLook)) === "blocked") blocked.push(step);
      unstarted = blocked;
    };
    let thrown: { error: unknown } | undefined;
    try {
      await startReady(false);
      for (const step of open.filter((o) => !o.concurrent)) {
        await consider(pass, step, true);
        if (unstarted.length) await startReady(false);
      }
      await startReady(true);
    } catch (error) {
      thrown = { error };
    }
    // Nothing is left running when this returns or throws: the steps alongside are awaited either way.
    for (const settled of await Promise.allSettled(pass.alongside)) {
      if (settled.status === "fulfilled") pass.progressed ||= settled.value;
      else thrown ??= { error: settled.reason };
    }
    if (thrown) throw thrown.error;
    if (!pass.progressed) break;
  }
  return report;

  /**
   * Runs one step if it can run now: an ordered step to its end, a concurrent
   * one started and left in `alongside`. "blocked": a dependency is not done
   * yet (recorded as waiting only on the last look).
   */
  async function consider(pass: Pass, { effect, definition, concurrent }: Open, lastLook: boolean): Promise<"blocked" | "seen"> {
    if (!definition) {
      report.waiting.push(effect.key);
      return "seen";
    }
    const deps = definition.dependsOn(effect.key, effect.params ?? {});
    const failedDep = deps.find((d) => pass.status.get(d) === "failed");
    if (failedDep) {
      await ctx.prisma.sideEffect.updateMany({
        where: { incidentId, key: effect.key, status: effect.status, attempts: effect.attempts },
        data: { status: "failed", lastError: `skipped: ${failedDep} failed` },
      });
      pass.status.set(effect.key, "failed");
      report.failed.push(effect.key);
      return "seen";
    }
    if (deps.some((d) => pass.status.get(d) !== "done" && pass.status.has(d))) {
      if (lastLook) report.waiting.push(effect.key);
      return "blocked";
    }
    const now = ctx.now();
    if (effect.status === "pending" && effect.notBefore && effect.notBefore > now) {
      later(effect.notBefore);
      return "seen";
    }
    if ((effect.status === "running" && (!effect.leaseUntil || effect.leaseUntil >= now)) || (options.canClaim && !options.canClaim())) {
      report.waiting.push(effect.key);
      return "seen";
    }
    const here = `${incidentId}|${effect.key}`;
    // Marked before the claim, so the orphan check never mistakes a step being claimed for one left behind.
    const running = options.runningHere;
    running?.set(here, (running.get(here) ?? 0) + 1);
    const step = runClaimed(effect, definition, pass.status, pass.results).finally(() => {
      const left = (running?.get(here) ?? 1) - 1;
      if (left > 0) running?.set(here, left);
      else running?.delete(here);
    });
    if (concurrent) {
      // Awaited at the end of the pass; until then a failure (the database gone, say) must not count as unhandled.
      step.catch(() => undefined);
      pass.alongside.push(step);
    } else if (await step) pass.progressed = true;
    return "seen";
  }

  async function runClaimed(
    effect: SideEffect,
    definition: EffectDefinition,
    status: Map<string, string>,
    results: Map<string, Record<string, unknown>>,
  ): Promise<boolean> {
    const now = ctx.now();
    // Found running with its lease gone: cut off mid-call, outcome unknown.
    const ambiguous = effect.ambiguous || effect.status === "running";
    const attempt = effect.attempts + 1;
    // The claim is conditional on the row being exactly as read: a second worker's claim or a reclaim in between makes it miss.
    const claim = await ctx.prisma.sideEffect.updateMany({
      where: { incidentId, key: effect.key, status: effect.status, attempts: effect.attempts },
      data: {
        status: "running",
        attempts: attempt,
        ambiguous,
        ownerId: options.ownerId ?? null,
        leaseUntil: new Date(now.getTime() + leaseMs),
      },
    });
    if (claim.count === 0) {
      report.waiting.push(effect.key);
      return false;
    }
    const incident = await findIncident(ctx.prisma, incidentId);
    if (!incident) return false;
    const params: unknown = effect.params ?? {};
    // Our claim is the attempt number we set: if another worker took the step
    // over, its claim bumped it, and our writes below lose.
    const claimed = { incidentId, key: effect.key, status: "running", attempts: attempt };
    const lease = holdLease(ctx, claimed, leaseMs);
    let writesBeforeFailure = 0;
    try {
      const run = countingSlackWrites(() => definition.run(ctx, { incident, effect, params, ambiguous, results }));
      const settled = await Promise.race([run, lease.lost]);
      writesBeforeFailure = settled.writes;
      if (settled.failed) throw settled.error;
      const result = settled.result as Record<string, unknown>;
      failpoint("unrecorded", effect.key);
      lease.stop();
      const { count } = await ctx.prisma.sideEffect.updateMany({
        where: claimed,
        data: {
          status: "done",
          result: result as Json,
          lastError: null,
          leaseUntil: null,
          ownerId: null,
          ambiguous: false,
          failures: 0,
          notBefore: null,
        },
      });
      if (count === 0) {
        log.warn({ effect: effect.key }, "another worker took this step over; its outcome stands");
        report.waiting.push(effect.key);
        return false;
      }
      ctx.metrics.sideEffects.inc({ effect: definition.prefix, outcome: "done" });
      status.set(effect.key, "done");
      results.set(effect.key, result);
      report.done.push(effect.key);
      failpoint("recorded", effect.key);
      return true;
    } catch (error) {
      lease.stop();
      if (error instanceof LeaseLostError) {
        // Not ours any more (or we cannot tell): write nothing; whoever takes it over looks first.
        log.warn({ effect: effect.key, err: error }, "lost the claim on a step; letting it go");
        report.waiting.push(effect.key);
        return false;
      }
      const outcome = callOutcome(error, ctx.now().getTime());
      const message = errorText(error);
      const rateLimited = outcome.retryAfterMs !== undefined;
      // A rate limit is Slack (or GitHub, Linear) saying "later": not a failure of the step.
      const failures = rateLimited ? effect.failures : effect.failures + 1;
      const giveUp = isPermanent(error) || failures >= maxFailures;
      const retryAt = new Date(ctx.now().getTime() + (outcome.retryAfterMs ?? backoff(failures)));
      log.warn(
        { effect: effect.key, attempt, failures, ambiguous: !outcome.definite, err: error },
        giveUp ? "side effect failed for good" : "side effect failed; will retry",
      );
      ctx.metrics.sideEffects.inc({ effect: definition.prefix, outcome: giveUp ? "failed" : rateLimited ? "rate_limited" : "retry" });
      const { count } = await ctx.prisma.sideEffect.updateMany({
        where: claimed,
        data: {
          status: giveUp ? "failed" : "pending",
          lastError: message.slice(0, 1000),
          leaseUntil: null,
          ownerId: null,
          failures,
          // Unknown outcome, or a refusal after an earlier call of this attempt had acted: the next attempt (even
          // after /hotfix retry) looks before acting.
          ambiguous: ambiguous || !outcome.definite || writesBeforeFailure > 0,
          notBefore: giveUp ? null : retryAt,
        },
      });
      if (count === 0) {
        report.waiting.push(effect.key);
      } else if (giveUp) {
        status.set(effect.key, "failed");
        report.failed.push(effect.key);
        await reportFailure(ctx, incident, definition.describe(effect.key, params), message, options.reportFailure);
      } else {
        later(retryAt);
      }
    }
    return false;
  }
}

interface HeldLease {
  /** Rejects with LeaseLostError when the claim is gone or cannot be renewed before it runs out. */
  lost: Promise<never>;
  stop(): void;
}

/**
 * Renews the lease while the step runs: a slow call must not look like a dead
 * worker. A renewal that finds the claim gone (taken over), or renewals that
 * keep failing until the lease has run out, end the step here: the worker lets
 * go rather than finish a step that may be running elsewhere.
 */
function holdLease(
  ctx: AppContext,
  claimed: { incidentId: string; key: string; status: string; attempts: number },
  leaseMs: number,
): HeldLease {
  let reject: (error: Error) => void = () => undefined;
  const lost = new Promise<never>((_, r) => {
    reject = r;
  });
  lost.catch(() => undefined);
  let heldUntil = ctx.now().getTime() + leaseMs;
  let stopped = false;
  const timer = setInterval(
    () => {
      const until = ctx.now().getTime() + leaseMs;
      ctx.prisma.sideEffect
        .updateMany({ where: claimed, data: { leaseUntil: new Date(until) } })
        .then(({ count }) => {
          if (stopped) return;
          if (count === 0) reject(new LeaseLostError(`step ${claimed.key} was taken over`));
          else heldUntil = until;
        })
        .catch((error: unknown) => {
          if (stopped) return;
          ctx.logger.error({ err: error, effect: claimed.key }, "could not renew a step's lease");
          if (ctx.now().getTime() >= heldUntil) reject(new LeaseLostError(`lease on ${claimed.key} ran out: ${errorText(error)}`));
        });
    },
    Math.max(50, Math.floor(leaseMs / 3)),
  );
  return {
    lost,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

/** Records the failure on the timeline, then lets the effects layer tell people. */
async function reportFailure(
  ctx: AppContext,
  incident: IncidentWithRoles,
  what: string,
  why: string,
  reporter: FailureReporter | undefined,
): Promise<void> {
  await recordEvent(ctx.prisma, {
    incidentId: incident.id,
    kind: "step_failed",
    summary: `${what} failed: ${why}`,
    data: { what, why },
  });
  try {
    await reporter?.(ctx, incident, what, why);
  } catch (error) {
    ctx.logger.warn({ err: error }, "could not report a failed step");
  }
}

export function pendingError(report: RunReport): Error | undefined {
  return report.waiting.length ? new Error(`effects not done yet: ${report.waiting.join(", ")}`) : undefined;
}

export { Prisma };
