// SLA clocks: reminders at 50 % and 90 % of the SLA and at breach, as durable
// timers. A reminder names the deadline it was set for; when severity moves
// the deadline, old timers find a different deadline and stay silent.
import { z } from "zod";
import { commanderOf } from "../domain/incident.js";
import { isOpen } from "../domain/phase.js";
import { slaReminders } from "../domain/severity.js";
import { addEffects, queueSync } from "../effects/outbox.js";
import { warRoom } from "../effects/war-room.js";
import type { TimerDefinition } from "../jobs/index.js";
import { findIncident } from "../store/incidents.js";
import { recordEvent, type Tx } from "../store/timeline.js";
import type { WorkflowContext } from "./context.js";

export const SLA_QUEUE = "sla.reminder";

const slaJob = z.object({ incidentId: z.string(), fraction: z.number(), deadline: z.string() });
export type SlaReminderJob = z.output<typeof slaJob>;

export async function scheduleSlaReminders(
  ctx: WorkflowContext,
  tx: Tx,
  incidentId: string,
  startedAt: Date,
  deadline: Date | null,
): Promise<void> {
  for (const reminder of slaReminders(ctx.config.policy, startedAt, deadline)) {
    if (!deadline) continue;
    const job: SlaReminderJob = { incidentId, fraction: reminder.fraction, deadline: deadline.toISOString() };
    await ctx.jobs.send(SLA_QUEUE, job, {
      tx,
      startAfter: reminder.at,
      singletonKey: `${incidentId}:${reminder.fraction}:${job.deadline}`,
    });
  }
}

export async function fireSlaReminder(ctx: WorkflowContext, job: SlaReminderJob): Promise<"sent" | "stale"> {
  const incident = await findIncident(ctx.prisma, job.incidentId);
  if (!incident || !isOpen(incident.phase) || incident.slaDeadline?.toISOString() !== job.deadline) return "stale";
  // Runbook 002's SLA is "fix within": met once the fix reaches production (monitoring is not SLA time).
  if (incident.productionDeployedAt) return "stale";
  const breach = job.fraction >= 1;
  const message = {
    kind: "sla" as const,
    number: incident.number,
    severity: incident.severity,
    commander: commanderOf(incident) ?? null,
    fraction: job.fraction,
    leftMs: incident.slaDeadline.getTime() - ctx.now().getTime(),
  };
  await ctx.prisma.$transaction(async (tx) => {
    // One reminder per fraction and deadline, across replicas: the outbox row is the claim.
    if ((await addEffects(tx, incident.id, [warRoom.post(message, `sla:${job.fraction}:${job.deadline}`)])) === 0) return;
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: breach ? "sla_breached" : "sla_reminder",
      summary: breach ? `SLA breached` : `${Math.round(job.fraction * 100)} % of SLA elapsed`,
      occurredAt: ctx.now(),
      data: { fraction: job.fraction, deadline: job.deadline },
    });
    await queueSync(ctx, tx, incident.id);
  });
  return "sent";
}

export const slaTimer: TimerDefinition = {
  name: SLA_QUEUE,
  retryLimit: 5,
  fire: (ctx, data) => fireSlaReminder(ctx, slaJob.parse(data)),
};
