import { DateTime } from "luxon";
import { outstandingChecklist } from "../../domain/checklist.js";
import { incidentLabel } from "../../domain/names.js";
import { dateToken, userMention } from "../../domain/render/block-kit.js";
import { PHASE_LABEL, slaText } from "../../domain/render/incident-card.js";
import { releaseLaneStatus } from "../../domain/render/release-lane.js";
import type { Verb } from "./registry.js";
import { inWarRoom } from "./war-room.js";

export const statusVerb: Verb = {
  name: "status",
  usage: "status",
  summary: "phase, SLA left, roles and the outstanding checklist",
  where: "war room",
  run: inWarRoom(async ({ reply, ctx }, incident) => {
    const role = (r: string) => userMention(incident.roles.find((x) => x.role === r)?.userId);
    const steps = await ctx.prisma.sideEffect.findMany({ where: { incidentId: incident.id, status: "failed" } });
    const events = await ctx.prisma.timelineEvent.findMany({ where: { incidentId: incident.id }, select: { kind: true } });
    const todo = outstandingChecklist(incident, new Set(events.map((e) => e.kind)));
    // The release lane: parent, branch, release, deploys and every rollback point.
    const milestones = await ctx.prisma.milestone.findMany({ where: { incidentId: incident.id } });
    const lines = [
      `*${incidentLabel(incident.number)} ${incident.severity}: ${incident.title}*`,
      `*Phase:* ${PHASE_LABEL[incident.phase] ?? incident.phase}   *SLA:* ${slaText(incident, ctx.now())}`,
      `*Commander:* ${role("commander")}   *Comms:* ${role("comms")}   *Release captain:* ${role("release_captain")}`,
      // Slack renders date tokens in each reader's own time zone.
      `*Started:* ${dateToken(incident.startedAt, DateTime.fromJSDate(incident.startedAt).toUTC().toFormat("yyyy-LL-dd HH:mm 'UTC'"))}   *Declared:* ${dateToken(incident.declaredAt, DateTime.fromJSDate(incident.declaredAt).toUTC().toFormat("yyyy-LL-dd HH:mm 'UTC'"))}`,
      ...releaseLaneStatus(incident, milestones, ctx.now()),
      todo.length ? `*Outstanding:*\n${todo.map((t) => `• ${t}`).join("\n")}` : "*Outstanding:* nothing",
      steps.length ? `:warning: *Failed steps:* ${steps.map((s) => `${s.key} (${s.lastError})`).join(", ")}` : null,
    ].filter(Boolean);
    await reply(lines.join("\n"));
  }),
};
