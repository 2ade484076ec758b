// Message shortcut "Add to hotfix timeline": from the war room it records the
// message on that incident; from elsewhere, on the user's one open incident
// (or it says which war room to use).
import type { App, MessageShortcut } from "@slack/bolt";
import { incidentLabel } from "../../../domain/names.js";
import { permalinkOf } from "../../../integrations/slack.js";
import { findIncidentByChannel, openIncidentsOf } from "../../../store/incidents.js";
import type { WorkflowContext } from "../../../workflows/context.js";
import { captureMessage } from "../../../workflows/incident-updates.js";

export const ADD_TO_TIMELINE = "add_to_timeline";

export function registerAddToTimeline(app: App, ctx: WorkflowContext): void {
  app.shortcut<MessageShortcut>(ADD_TO_TIMELINE, async ({ ack, shortcut, client, respond }) => {
    await ack();
    const channel = shortcut.channel.id;
    let incident = await findIncidentByChannel(ctx.prisma, channel);
    if (!incident) {
      const open = await openIncidentsOf(ctx.prisma, shortcut.user.id, 50);
      if (open.length !== 1) {
        await respond({
          response_type: "ephemeral",
          text: open.length
            ? `You are on ${open.length} open incidents; use the shortcut in the war room of the one this belongs to.`
            : "This is not a war room, and you hold no role on an open incident. Use the shortcut in the incident's war room.",
        });
        return;
      }
      incident = open[0] ?? null;
    }
    if (!incident) return;
    const link = await permalinkOf(client, channel, shortcut.message.ts);
    const added = await captureMessage(ctx, incident, {
      channelId: channel,
      ts: shortcut.message.ts,
      text: shortcut.message.text ?? "",
      ...(shortcut.message.user ? { author: shortcut.message.user } : {}),
      ...(link ? { permalink: link } : {}),
      capturedBy: shortcut.user.id,
      via: "shortcut",
    });
    await respond({
      response_type: "ephemeral",
      text: added
        ? `Added to the ${incidentLabel(incident.number)} timeline.`
        : `Already on the ${incidentLabel(incident.number)} timeline.`,
    });
  });
}
