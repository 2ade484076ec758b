// The post-mortem (runbook 002 "Post-Mortem", issue 11): rendered from the
// timeline alone, in the curated view, as Markdown or JSON, streamed. One
// renderer for the three ways out — `/hotfix postmortem` (an upload into the
// war room, queued as an outbox step), `hotfix postmortem` in the CLI, and
// `GET /incidents/<id>/postmortem.md|json` — plus the due-date reminder
// (runbook 004: "post-mortem within 24 h"; the policy's `postmortem.due`)
// that repeats in the war room until a post-mortem has been exported.
import { commanderOf } from "../domain/incident.js";
import { addEffects, queueSync, stamp } from "../effects/outbox.js";
import { postmortemSteps } from "../effects/postmortem.js";
import { type DueJob, dueJob, POSTMORTEM_DUE_QUEUE, schedulePostmortemReminder } from "../effects/postmortem-due.js";
import type { TimerDefinition } from "../jobs/index.js";
import { findIncident, type IncidentWithRoles } from "../store/incidents.js";
import { postmortemExported } from "../store/postmortem.js";
import { recordEvent } from "../store/timeline.js";
import type { WorkflowContext } from "./context.js";
import { requirePermission } from "./permissions.js";

/** `/hotfix postmortem`: queue the upload into the war room (the outbox step renders and uploads it once). */
export async function requestPostmortem(ctx: WorkflowContext, incident: IncidentWithRoles, actor: string): Promise<void> {
  await requirePermission(ctx, actor, "export_postmortem", incident);
  const id = stamp(ctx.now());
  await ctx.prisma.$transaction(async (tx) => {
    await addEffects(tx, incident.id, [postmortemSteps.upload({ requestedBy: actor }, id)]);
    await queueSync(ctx, tx, incident.id);
  });
}

// ------------------------------------------------------------- due date

export async function firePostmortemReminder(ctx: WorkflowContext, job: DueJob): Promise<"sent" | "stale" | "exported"> {
  const incident = await findIncident(ctx.prisma, job.incidentId);
  // Reopened, or resolved again with another deadline: this reminder is not the current one.
  if (!incident?.postmortemDueAt || incident.postmortemDueAt.toISOString() !== job.due) return "stale";
  if (await postmortemExported(ctx.prisma, incident.id)) return "exported";
  const overdueMs = ctx.now().getTime() - incident.postmortemDueAt.getTime();
  const reminder = {
    round: job.round,
    due: job.due,
    overdueMs,
    policyDue: ctx.config.policy.postmortem.due.text,
    commander: commanderOf(incident) ?? null,
  };
  await ctx.prisma.$transaction(async (tx) => {
    // One reminder per round across replicas: the outbox row is the claim.
    if ((await addEffects(tx, incident.id, [postmortemSteps.reminder(reminder, `${job.due}:${job.round}`)])) === 0) return;
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: job.round === 0 ? "postmortem_due" : "postmortem_reminder",
      summary: `Post-mortem ${job.round === 0 ? "due" : "overdue"}`,
      occurredAt: ctx.now(),
      data: { due: job.due, round: job.round },
    });
    await schedulePostmortemReminder(ctx, tx, incident.id, incident.postmortemDueAt as Date, job.round + 1);
    await queueSync(ctx, tx, incident.id);
  });
  return "sent";
}

export const postmortemDueTimer: TimerDefinition = {
  name: POSTMORTEM_DUE_QUEUE,
  retryLimit: 5,
  fire: (ctx, data) => firePostmortemReminder(ctx, dueJob.parse(data)),
};
