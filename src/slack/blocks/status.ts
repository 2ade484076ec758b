// The status answer, shared by `/hotfix status` and the card's Status button.
import { DateTime } from "luxon";
import { outstandingChecklist } from "../../domain/checklist.js";
import { incidentLabel } from "../../domain/names.js";
import { dateToken, userMention } from "../../domain/render/block-kit.js";
import { PHASE_LABEL, slaText } from "../../domain/render/incident-card.js";
import { releaseLaneStatus } from "../../domain/render/release-lane.js";
import type { IncidentWithRoles } from "../../store/incidents.js";
import type { WorkflowContext } from "../../workflows/context.js";

const utc = (date: Date) => DateTime.fromJSDate(date).toUTC().toFormat("yyyy-LL-dd HH:mm 'UTC'");

export async function statusText(ctx: WorkflowContext, incident: IncidentWithRoles): Promise<string> {
  const role = (r: string) => userMention(incident.roles.find((x) => x.role === r)?.userId);
  const [steps, events, milestones] = await Promise.all([
    ctx.prisma.sideEffect.findMany({ where: { incidentId: incident.id, status: "failed" } }),
    ctx.prisma.timelineEvent.findMany({ where: { incidentId: incident.id }, select: { kind: true } }),
    // The release lane: parent, branch, release, deploys and every rollback point.
    ctx.prisma.milestone.findMany({ where: { incidentId: incident.id } }),
  ]);
  const todo = outstandingChecklist(incident, new Set(events.map((e) => e.kind)));
  return [
    `*${incidentLabel(incident.number)} ${incident.severity}: ${incident.title}*`,
    `*Phase:* ${PHASE_LABEL[incident.phase] ?? incident.phase}   *SLA:* ${slaText(incident, ctx.now())}`,
    `*Commander:* ${role("commander")}   *Comms:* ${role("comms")}   *Release captain:* ${role("release_captain")}`,
    // Slack renders date tokens in each reader's own time zone.
    `*Started:* ${dateToken(incident.startedAt, utc(incident.startedAt))}   *Declared:* ${dateToken(incident.declaredAt, utc(incident.declaredAt))}`,
    ...releaseLaneStatus(incident, milestones, ctx.now()),
    todo.length ? `*Outstanding:*\n${todo.map((t) => `• ${t}`).join("\n")}` : "*Outstanding:* nothing",
    steps.length ? `:warning: *Failed steps:* ${steps.map((s) => `${s.key} (${s.lastError})`).join(", ")}` : null,
  ]
    .filter(Boolean)
    .join("\n");
}
