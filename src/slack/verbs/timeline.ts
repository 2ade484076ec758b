// `/hotfix timeline`: the form to curate the timeline (markers, event text and
// time, hide/show, add an event at a past time). Also opened from the card.
import type { WebClient } from "@slack/web-api";
import { incidentLabel } from "../../domain/names.js";
import type { IncidentWithRoles } from "../../store/incidents.js";
import { curationsOf, markersOf, recentEvents } from "../../store/timeline-edits.js";
import type { WorkflowContext } from "../../workflows/context.js";
import { timelineModal } from "../blocks/timeline.js";
import type { Verb } from "./registry.js";
import { inWarRoom } from "./war-room.js";

/** Opens the form; the trigger id lives 3 s, so the reads are three small indexed queries. */
export async function openTimelineForm(
  ctx: WorkflowContext,
  client: WebClient,
  triggerId: string,
  incident: IncidentWithRoles,
): Promise<void> {
  const [markers, events, curations] = await Promise.all([
    markersOf(ctx.prisma, incident),
    recentEvents(ctx.prisma, incident.id, 100),
    curationsOf(ctx.prisma, incident.id),
  ]);
  const shown = events.map((e) => {
    const c = curations.get(String(e.id));
    return {
      id: String(e.id),
      kind: e.kind,
      summary: c?.summary ?? e.summary,
      occurredAt: c?.occurredAt ?? e.occurredAt,
      hidden: c?.hidden ?? false,
      edited: Boolean(c?.summary || c?.occurredAt),
    };
  });
  await client.views.open({ trigger_id: triggerId, view: timelineModal(incident.id, incidentLabel(incident.number), markers, shown) });
}

export const timelineVerb: Verb = {
  name: "timeline",
  usage: "timeline",
  summary: "curate the timeline: key moments (markers), edit or hide an event, add one at a past time",
  where: "war room",
  run: inWarRoom(async ({ ctx, client, command, ack }, incident) => {
    await openTimelineForm(ctx, client, command.trigger_id, incident);
    await ack();
  }),
};
