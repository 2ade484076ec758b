// SLA clocks: reminders at 50 % and 90 % of the SLA and at breach, as durable
// timers. A reminder names the deadline it was set for; when severity moves
// the deadline, old timers find a different deadline and stay silent.
import { humanDuration } from "../domain/duration.js";
import { incidentLabel } from "../domain/names.js";
import { isOpen, type PhaseName } from "../domain/phase.js";
import { slaReminders } from "../domain/severity.js";
import { findIncident } from "../store/incidents.js";
import { recordEvent, type Tx } from "../store/timeline.js";
import type { WorkflowContext } from "./context.js";
import { queueSync } from "./outbox.js";

export const SLA_QUEUE = "sla.reminder";

export interface SlaReminderJob {
  incidentId: string;
  fraction: number;
  deadline: string;
}

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
  if (!incident || !isOpen(incident.phase as PhaseName) || incident.slaDeadline?.toISOString() !== job.deadline) return "stale";
  const commander = incident.roles.find((r) => r.role === "commander")?.userId;
  const left = incident.slaDeadline.getTime() - ctx.now().getTime();
  const breach = job.fraction >= 1;
  const text = breach
    ? `:rotating_light: <@${commander}> the ${incident.severity} SLA of ${incidentLabel(incident.number)} is *breached*. Post an update with \`/hotfix update\`, or reassess severity.`
    : `:hourglass_flowing_sand: <@${commander}> ${Math.round(job.fraction * 100)} % of the ${incident.severity} SLA of ${incidentLabel(incident.number)} is gone: ${humanDuration(Math.max(left, 0))} left.`;
  const key = `post:sla:${job.fraction}:${job.deadline}`;
  await ctx.prisma.$transaction(async (tx) => {
    const { count } = await tx.sideEffect.createMany({ data: [{ incidentId: incident.id, key, params: { text } }], skipDuplicates: true });
    if (count === 0) return;
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
