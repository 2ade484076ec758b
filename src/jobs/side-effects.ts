// Runs an incident's outbox: the SideEffect rows its workflows wrote in the
// same transaction as their state change. Each effect is claimed with a lease
// (so two workers never run it at once, and a dead worker's claim runs out),
// runs once its dependencies are done, and records its result. A failing
// effect never blocks the others; it is retried by the job, and reported when
// it gives up. An effect found "running" with an expired lease was cut off
// mid-call: it runs with `ambiguous: true` and must check before repeating.

//
// The runner knows steps only as `EffectDefinition`s with unchecked params:
// the typed steps live in src/effects/ and app.ts hands them in (jobs/ never
// imports effects/ or workflows/).

import type { AppContext } from "../context.js";
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
  dependsOn(key: string): string[];
  run(ctx: AppContext, run: EffectRun): Promise<Record<string, unknown>>;
}

/** Tells people a step failed for good (the effects layer renders and posts it). */
export type FailureReporter = (ctx: AppContext, incident: IncidentWithRoles, what: string, why: string) => Promise<void>;

export class PermanentEffectError extends Error {}

export interface RunOptions {
  leaseMs?: number;
  maxAttempts?: number;
  /** Called once a step gives up, after the timeline records it. */
  reportFailure?: FailureReporter;
}

export interface RunReport {
  done: string[];
  failed: string[];
  waiting: string[];
}

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

export async function runIncidentEffects(
  ctx: AppContext,
  incidentId: string,
  definitions: EffectDefinition[],
  options: RunOptions = {},
): Promise<RunReport> {
  const leaseMs = options.leaseMs ?? 60_000;
  const maxAttempts = options.maxAttempts ?? 6;
  const report: RunReport = { done: [], failed: [], waiting: [] };
  const log = ctx.logger.child({ incidentId });
  // Effects done in this run unlock their dependents, so loop until no progress.
  for (let pass = 0; pass < 20; pass++) {
    const all = await ctx.prisma.sideEffect.findMany({ where: { incidentId }, orderBy: { createdAt: "asc" } });
    const status = new Map(all.map((e) => [e.key, e.status]));
    const results = new Map(all.filter((e) => e.status === "done").map((e) => [e.key, (e.result ?? {}) as Record<string, unknown>]));
    const open = all.filter((e) => e.status === "pending" || e.status === "running");
    report.waiting = [];
    if (open.length === 0) break;
    let progressed = false;
    for (const effect of open) {
      const definition = definitionFor(definitions, effect.key);
      if (!definition) {
        report.waiting.push(effect.key);
        continue;
      }
      const deps = definition.dependsOn(effect.key);
      const failedDep = deps.find((d) => status.get(d) === "failed");
      if (failedDep) {
        await ctx.prisma.sideEffect.update({
          where: { incidentId_key: { incidentId, key: effect.key } },
          data: { status: "failed", lastError: `skipped: ${failedDep} failed` },
        });
        status.set(effect.key, "failed");
        report.failed.push(effect.key);
        continue;
      }
      if (deps.some((d) => status.get(d) !== "done" && status.has(d))) {
        report.waiting.push(effect.key);
        continue;
      }
      const now = ctx.now();
      const claim = await ctx.prisma.sideEffect.updateMany({
        where: {
          incidentId,
          key: effect.key,
          OR: [{ status: "pending" }, { status: "running", leaseUntil: { lt: now } }],
        },
        data: { status: "running", attempts: { increment: 1 }, leaseUntil: new Date(now.getTime() + leaseMs) },
      });
      if (claim.count === 0) {
        report.waiting.push(effect.key);
        continue;
      }
      const incident = await findIncident(ctx.prisma, incidentId);
      if (!incident) return report;
      const params: unknown = effect.params ?? {};
      // Our claim is the attempt number we set: if another worker took the step
      // over (our lease ran out), its claim bumped it, and our writes below lose.
      const claimed = { incidentId, key: effect.key, status: "running", attempts: effect.attempts + 1 };
      // Renew the lease while the step runs: a slow call (retries, a rate-limit
      // wait) must not look like a dead worker. A crashed worker stops renewing.
      const heartbeat = setInterval(
        () => {
          ctx.prisma.sideEffect
            .updateMany({ where: claimed, data: { leaseUntil: new Date(ctx.now().getTime() + leaseMs) } })
            .catch(() => undefined);
        },
        Math.max(50, Math.floor(leaseMs / 3)),
      );
      try {
        const result = await definition.run(ctx, { incident, effect, params, ambiguous: effect.status === "running", results });
        failpoint("unrecorded", effect.key);
        clearInterval(heartbeat);
        const { count } = await ctx.prisma.sideEffect.updateMany({
          where: claimed,
          data: { status: "done", result: result as Json, lastError: null, leaseUntil: null },
        });
        if (count === 0) {
          log.warn({ effect: effect.key }, "another worker took this step over; its outcome stands");
          report.waiting.push(effect.key);
          continue;
        }
        ctx.metrics.sideEffects.inc({ effect: definition.prefix, outcome: "done" });
        status.set(effect.key, "done");
        results.set(effect.key, result);
        report.done.push(effect.key);
        progressed = true;
        failpoint("recorded", effect.key);
      } catch (error) {
        clearInterval(heartbeat);
        const attempts = effect.attempts + 1;
        const giveUp = isPermanent(error) || attempts >= maxAttempts;
        const message = errorText(error);
        log.warn({ effect: effect.key, attempts, err: error }, giveUp ? "side effect failed for good" : "side effect failed; will retry");
        ctx.metrics.sideEffects.inc({ effect: definition.prefix, outcome: giveUp ? "failed" : "retry" });
        const { count } = await ctx.prisma.sideEffect.updateMany({
          where: claimed,
          data: { status: giveUp ? "failed" : "pending", lastError: message.slice(0, 1000), leaseUntil: null },
        });
        if (count === 0) {
          report.waiting.push(effect.key);
        } else if (giveUp) {
          status.set(effect.key, "failed");
          report.failed.push(effect.key);
          await reportFailure(ctx, incident, definition.describe(effect.key, params), message, options.reportFailure);
        } else {
          report.waiting.push(effect.key);
        }
      }
    }
    if (!progressed) break;
  }
  return report;
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
