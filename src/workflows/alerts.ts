// Alert intake (runbook 000 §2, runbook 001 §2): an alert from Sentry or
// Alertmanager, or metric samples the bot evaluates itself, is matched to the
// active incident(s) of its service (the incident's `service`, set on
// declare or in `/hotfix guardrails`). Per incident, in one transaction under
// its lock: a breach is recorded (GuardrailBreach + timeline), deduplicated by
// the sender's key, posted in the war room mentioning the on-call, and it
// restarts the stability window; a resolved alert closes its breach and is
// recorded too.
import type { AlertSignal, MetricsReport } from "../domain/alert-signals.js";
import { type GuardrailBreach as EvaluatedBreach, evaluateGuardrails } from "../domain/guardrails.js";
import { guardrailEffects } from "../effects/guardrails.js";
import { addEffects, queueSync, stamp } from "../effects/outbox.js";
import { warRoom } from "../effects/war-room.js";
import {
  activeIncidentsOfService,
  breachAt,
  latestBaseline,
  openBreach,
  SAMPLE_RETENTION_MS,
  samplesSince,
  saveBaseline,
  storeSamples,
} from "../store/guardrails.js";
import { type IncidentWithRoles, lockIncident } from "../store/incidents.js";
import type { Prisma } from "../store/prisma.js";
import { recordEvent, type Tx } from "../store/timeline.js";
import type { WorkflowContext } from "./context.js";
import { incidentThresholds, restartStabilityWindow } from "./guardrails.js";

export type AlertResult = "breach" | "duplicate" | "recovered" | "resolved";

export interface AlertOutcome {
  service: string;
  key: string;
  status: AlertSignal["status"];
  incidents: Array<{ number: number; result: AlertResult; stabilityEndsAt: string | null }>;
}

interface NewBreach {
  source: string;
  fingerprint: string;
  name: string;
  service: string;
  metric: string;
  value: number | null;
  threshold: string | null;
  startedAt: Date;
  firedAt: Date;
  resolvedAt: Date | null;
  description: string | null;
  url: string | null;
  data: Prisma.InputJsonObject;
}

/** Records one breach on one incident (under its lock); "duplicate" when this alert's breach is recorded already. */
async function recordBreach(
  ctx: WorkflowContext,
  tx: Tx,
  incident: IncidentWithRoles,
  b: NewBreach,
): Promise<{ result: "breach" | "duplicate"; stabilityEndsAt: Date | null }> {
  const current = await lockIncident(tx, incident.id);
  // The sender repeats a firing alert (Alertmanager's repeat_interval, a retried delivery): one breach while it is open.
  if ((await openBreach(tx, current.id, b.source, b.fingerprint)) || (await breachAt(tx, current.id, b.source, b.fingerprint, b.startedAt)))
    return { result: "duplicate", stabilityEndsAt: null };
  await tx.guardrailBreach.create({
    data: {
      incidentId: current.id,
      source: b.source,
      metric: b.metric,
      value: b.value,
      threshold: b.threshold,
      fingerprint: b.fingerprint,
      startedAt: b.startedAt,
      resolvedAt: b.resolvedAt,
      data: b.data,
    },
  });
  await recordEvent(tx, {
    incidentId: current.id,
    kind: "guardrail_breached",
    summary: `Guardrail breached: ${b.name} (${b.source}, ${b.service})${b.description ? `: ${b.description}` : ""}`,
    occurredAt: b.firedAt,
    data: { source: b.source, service: b.service, key: b.fingerprint, name: b.name, value: b.value, url: b.url, ...b.data },
  });
  const stabilityEndsAt = await restartStabilityWindow(ctx, tx, current, b.firedAt, `${b.name} from ${b.source}`);
  const { oncall } = ctx.config.policy.people;
  const id = stamp(ctx.now());
  await addEffects(tx, current.id, [
    guardrailEffects.post(
      {
        kind: "breach",
        number: current.number,
        source: b.source,
        service: b.service,
        name: b.name,
        description: b.description,
        url: b.url,
        oncall: { usergroup: oncall.usergroup ?? null, users: oncall.users },
        stabilityEndsAt: stabilityEndsAt?.toISOString() ?? null,
        windowText: ctx.config.policy.stability.window.text,
        resolved: b.resolvedAt !== null,
      },
      id,
    ),
    ...(stabilityEndsAt ? [warRoom.refreshCard(`breach-${id}`)] : []),
  ]);
  await queueSync(ctx, tx, current.id);
  return { result: "breach", stabilityEndsAt };
}

/** Closes the open breach of this alert on this incident; "resolved" (recorded as received) when none was open. */
async function recordRecovery(
  ctx: WorkflowContext,
  tx: Tx,
  incident: IncidentWithRoles,
  r: { source: string; fingerprint: string; name: string; service: string; at: Date; url: string | null },
): Promise<"recovered" | "resolved" | "duplicate"> {
  const current = await lockIncident(tx, incident.id);
  const open = await openBreach(tx, current.id, r.source, r.fingerprint);
  if (!open) {
    // A resolved alert we never saw fire (sent before the incident existed, or resent): recorded once, nothing else.
    const seen = await tx.timelineEvent.findFirst({
      where: { incidentId: current.id, kind: "alert_received", data: { path: ["resolvedKey"], equals: `${r.source}:${r.fingerprint}` } },
      select: { id: true },
    });
    const closed = await tx.guardrailBreach.findFirst({ where: { incidentId: current.id, source: r.source, fingerprint: r.fingerprint } });
    if (seen || closed) return "duplicate";
    await recordEvent(tx, {
      incidentId: current.id,
      kind: "alert_received",
      summary: `Resolved alert received: ${r.name} (${r.source}, ${r.service}); no open breach of it was recorded`,
      occurredAt: r.at,
      data: { source: r.source, service: r.service, key: r.fingerprint, status: "resolved", resolvedKey: `${r.source}:${r.fingerprint}` },
    });
    return "resolved";
  }
  await tx.guardrailBreach.update({ where: { id: open.id }, data: { resolvedAt: r.at } });
  await recordEvent(tx, {
    incidentId: current.id,
    kind: "guardrail_recovered",
    summary: `Guardrail recovered: ${r.name} (${r.source}, ${r.service})`,
    occurredAt: r.at,
    data: { source: r.source, service: r.service, key: r.fingerprint, breachId: open.id, url: r.url },
  });
  await addEffects(tx, current.id, [
    guardrailEffects.post(
      { kind: "recovered", number: current.number, source: r.source, service: r.service, name: r.name, url: r.url },
      stamp(ctx.now()),
    ),
  ]);
  await queueSync(ctx, tx, current.id);
  return "recovered";
}

/** One alert from Sentry or Alertmanager, applied to every active incident of its service. */
export async function receiveAlert(ctx: WorkflowContext, signal: AlertSignal): Promise<AlertOutcome> {
  const incidents = await activeIncidentsOfService(ctx.prisma, signal.service);
  const outcome: AlertOutcome = { service: signal.service, key: signal.key, status: signal.status, incidents: [] };
  for (const incident of incidents) {
    const result = await ctx.prisma.$transaction(async (tx) => {
      if (signal.status === "resolved") {
        const r = await recordRecovery(ctx, tx, incident, {
          source: signal.source,
          fingerprint: signal.key,
          name: signal.name,
          service: signal.service,
          at: signal.endsAt ?? ctx.now(),
          url: signal.url ?? null,
        });
        return { result: r, stabilityEndsAt: null };
      }
      // A Sentry issue alert is one event, not a state: it restarts the window but has no "resolved" to wait for.
      const pointEvent = signal.source === "sentry" && signal.key.startsWith("sentry-issue:");
      return recordBreach(ctx, tx, incident, {
        source: signal.source,
        fingerprint: signal.key,
        name: signal.name,
        service: signal.service,
        metric: signal.name,
        value: signal.value ?? null,
        threshold: null,
        startedAt: signal.startsAt,
        firedAt: signal.startsAt,
        resolvedAt: pointEvent ? signal.startsAt : null,
        description: signal.value !== undefined ? `value ${signal.value}` : null,
        url: signal.url ?? null,
        data: {},
      });
    });
    outcome.incidents.push({
      number: incident.number,
      result: result.result,
      stabilityEndsAt: result.stabilityEndsAt?.toISOString() ?? null,
    });
  }
  return outcome;
}

export interface MetricsOutcome {
  service: string;
  stored: number;
  incidents: Array<{
    number: number;
    state: string;
    breaches: number;
    recovered: number;
    skipped: string[];
    stabilityEndsAt: string | null;
  }>;
}

const breachKey = (b: EvaluatedBreach) => `${b.threshold}:${b.windowStart.toISOString()}`;

/**
 * Metric samples (POST /webhooks/alerts/metrics): kept per service, then each
 * active incident of the service is evaluated with its own thresholds over
 * its recent samples. A breaching run is one breach (keyed by threshold and
 * the run's start), recorded once; when its run ends, it is recovered.
 */
export async function receiveMetrics(ctx: WorkflowContext, report: MetricsReport): Promise<MetricsOutcome> {
  const now = ctx.now();
  const stored = await ctx.prisma.$transaction(async (tx) => {
    const count = await storeSamples(tx, report.service, report.samples, now);
    if (report.baseline) await saveBaseline(tx, report.service, report.baseline, now);
    return count;
  });
  const baseline = report.baseline ?? (await latestBaseline(ctx.prisma, report.service));
  const outcome: MetricsOutcome = { service: report.service, stored, incidents: [] };
  for (const incident of await activeIncidentsOfService(ctx.prisma, report.service)) {
    // From shortly before the incident was declared: older runs are history, not this hotfix's breaches.
    const since = new Date(Math.max(now.getTime() - SAMPLE_RETENTION_MS, incident.declaredAt.getTime() - 3_600_000));
    const samples = await samplesSince(ctx.prisma, report.service, since);
    const evaluation = evaluateGuardrails(incidentThresholds(ctx, incident), samples, baseline, now);
    let breaches = 0;
    let recovered = 0;
    let stabilityEndsAt: Date | null = null;
    for (const b of evaluation.breaches) {
      const fingerprint = breachKey(b);
      await ctx.prisma.$transaction(async (tx) => {
        const existing = await breachAt(tx, incident.id, "metrics", fingerprint, b.windowStart);
        if (!existing) {
          const r = await recordBreach(ctx, tx, incident, {
            source: "metrics",
            fingerprint,
            name: b.threshold,
            service: report.service,
            metric: b.metric,
            value: b.observed,
            threshold: b.threshold,
            startedAt: b.windowStart,
            firedAt: b.firedAt,
            resolvedAt: b.resolvedAt,
            description: b.description,
            url: null,
            data: { limit: b.limit, observed: b.observed, samples: b.samples },
          });
          if (r.result === "breach") breaches += 1;
          if (r.stabilityEndsAt) stabilityEndsAt = r.stabilityEndsAt;
        } else if (existing.resolvedAt === null && b.resolvedAt) {
          const r = await recordRecovery(ctx, tx, incident, {
            source: "metrics",
            fingerprint,
            name: b.threshold,
            service: report.service,
            at: b.resolvedAt,
            url: null,
          });
          if (r === "recovered") recovered += 1;
        }
      });
    }
    outcome.incidents.push({
      number: incident.number,
      state: evaluation.state,
      breaches,
      recovered,
      skipped: evaluation.skipped.map((s) => `${s.threshold}: ${s.reason}`),
      stabilityEndsAt: stabilityEndsAt ? (stabilityEndsAt as Date).toISOString() : null,
    });
  }
  return outcome;
}
