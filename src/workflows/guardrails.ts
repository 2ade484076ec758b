// Guardrails (runbook 000 §2, runbook 001 §2): the thresholds an incident is
// watched with — the policy's, or tuned for this incident with `/hotfix
// guardrails` — and the stability window's restart on a breach.
//
// Tuning ticks "guardrails tuned" on runbook 001's checklist (timeline kind
// guardrails_tuned), posts the thresholds and the dashboard links in the war
// room, and records them, in one transaction.
import { describeGuardrails, type GuardrailThresholds, guardrailsToPolicy, parseGuardrails } from "../domain/guardrails.js";
import { guardrailEffects } from "../effects/guardrails.js";
import { addEffects, queueSync, stamp } from "../effects/outbox.js";
import { warRoom } from "../effects/war-room.js";
import { type IncidentWithRoles, lockIncident } from "../store/incidents.js";
import type { Prisma } from "../store/prisma.js";
import { recordEvent, type Tx } from "../store/timeline.js";
import type { WorkflowContext } from "./context.js";
import { STABILITY_QUEUE, type StabilityJob } from "./deploy.js";
import { requirePermission } from "./permissions.js";
import { RefusedError } from "./refused.js";

/** The thresholds this incident is watched with: tuned ones over the policy's, else the policy's. */
export function incidentThresholds(ctx: WorkflowContext, incident: Pick<IncidentWithRoles, "guardrails">): GuardrailThresholds {
  const base = ctx.config.policy.guardrails;
  if (incident.guardrails === null || incident.guardrails === undefined) return base;
  const parsed = parseGuardrails(incident.guardrails, base);
  // What was stored was validated when saved; a row that no longer parses falls back to the policy rather than to nothing.
  return parsed.ok ? parsed.value : base;
}

export interface GuardrailTuning {
  /** The policy's written form: `{ errorRate: { above: "2%", for: "10m" } | null, ... }`. */
  thresholds: unknown;
  /** The service alerts are matched by; empty: none. */
  service: string | null;
}

export type TuningResult = { ok: true; thresholds: GuardrailThresholds } | { ok: false; errors: string[] };

/** `/hotfix guardrails` saved: validate, then store, record, post and tick the checklist in one transaction. */
export async function tuneGuardrails(
  ctx: WorkflowContext,
  incident: IncidentWithRoles,
  tuning: GuardrailTuning,
  actor: string,
): Promise<TuningResult> {
  await requirePermission(ctx, actor, "tune_guardrails", incident);
  if (incident.completedAt || incident.phase === "closed")
    throw new RefusedError("This hotfix is over; its guardrails are no longer watched.");
  const parsed = parseGuardrails(tuning.thresholds, ctx.config.policy.guardrails);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const service = tuning.service?.trim() || null;
  if (service && (service.length > 200 || !/^[\w.@:/-]+$/.test(service)))
    return { ok: false, errors: ["service: letters, digits and . _ - : / @ only, at most 200 characters"] };
  const thresholds = parsed.value;
  const written = guardrailsToPolicy(thresholds) as Prisma.InputJsonObject;
  const lines = describeGuardrails(thresholds);
  const now = ctx.now();
  const { links } = ctx.config.policy;
  await ctx.prisma.$transaction(async (tx) => {
    const current = await lockIncident(tx, incident.id);
    await tx.incident.update({ where: { id: incident.id }, data: { guardrails: written, service } });
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "guardrails_tuned",
      summary: `Guardrails tuned${service ? ` for ${service}` : ""}: ${lines.length ? lines.join("; ") : "every threshold off"}`,
      actor,
      occurredAt: now,
      data: { thresholds: written, service, previousService: current.service, links },
    });
    const id = stamp(now);
    await addEffects(tx, incident.id, [
      guardrailEffects.post({ kind: "tuned", number: current.number, by: actor, service, thresholds: lines, links }, id),
      warRoom.refreshCard(`guardrails-${id}`),
    ]);
    await queueSync(ctx, tx, incident.id);
  });
  return { ok: true, thresholds };
}

/**
 * A breach at `at` restarts the stability window of an incident deployed to
 * production: it now ends one policy window after the breach. The window only
 * ever moves later (a late or old alert never shortens it). Returns the new
 * end, or null when nothing moved. Call under the incident's lock.
 */
export async function restartStabilityWindow(
  ctx: WorkflowContext,
  tx: Tx,
  current: IncidentWithRoles,
  at: Date,
  reason: string,
): Promise<Date | null> {
  if (!current.productionDeployedAt || current.completedAt || current.rolledBackAt) return null;
  const now = ctx.now();
  // A sender's clock ahead of ours must not push the window further than a breach now would.
  const from = Math.max(Math.min(at.getTime(), now.getTime()), current.productionDeployedAt.getTime());
  const endsAt = new Date(from + ctx.config.policy.stability.window.ms);
  if (current.stabilityEndsAt && endsAt.getTime() <= current.stabilityEndsAt.getTime()) return null;
  await tx.incident.update({ where: { id: current.id }, data: { stabilityEndsAt: endsAt } });
  await recordEvent(tx, {
    incidentId: current.id,
    kind: "stability_window_restarted",
    summary: `Stability window restarted by a breach (${reason}): now ends ${endsAt.toISOString()}`,
    occurredAt: now,
    data: { previousEndsAt: current.stabilityEndsAt?.toISOString() ?? null, endsAt: endsAt.toISOString(), breachAt: at.toISOString() },
  });
  // The timer for the old end finds the incident's end moved and says nothing (fireStabilityWindow: "stale").
  const job: StabilityJob = { incidentId: current.id, endsAt: endsAt.toISOString() };
  await ctx.jobs.send(STABILITY_QUEUE, job, { tx, startAfter: endsAt, singletonKey: `${current.id}:${job.endsAt}` });
  return endsAt;
}
