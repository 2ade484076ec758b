// Messages become timeline events when pinned, marked with the policy's
// reaction (default :pushpin:), in a war room.
import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { permalinkOf } from "../../../integrations/slack.js";
import { findIncidentByChannel } from "../../../store/incidents.js";
import type { WorkflowContext } from "../../../workflows/context.js";
import { captureMessage } from "../../../workflows/incident-updates.js";

async function fetchMessage(client: WebClient, channel: string, ts: string): Promise<{ text: string; user?: string } | undefined> {
  const res = await client.conversations.history({ channel, latest: ts, inclusive: true, limit: 1 });
  const message = res.messages?.find((m) => m.ts === ts);
  return message ? { text: message.text ?? "", ...(message.user ? { user: message.user } : {}) } : undefined;
}

export function registerTimelineCapture(app: App, ctx: WorkflowContext): void {
  app.event("reaction_added", async ({ event, client }) => {
    if (event.reaction !== ctx.config.policy.warRoom.timelineReaction || event.item.type !== "message") return;
    const incident = await findIncidentByChannel(ctx.prisma, event.item.channel);
    if (!incident) return;
    const message = await fetchMessage(client, event.item.channel, event.item.ts);
    if (!message) return;
    const link = await permalinkOf(client, event.item.channel, event.item.ts);
    await captureMessage(ctx, incident, {
      channelId: event.item.channel,
      ts: event.item.ts,
      text: message.text,
      ...(message.user ? { author: message.user } : {}),
      ...(link ? { permalink: link } : {}),
      capturedBy: event.user,
      via: "reaction",
    });
  });

  app.event("pin_added", async ({ event, client }) => {
    const item = (
      event as unknown as { item?: { type?: string; message?: { ts?: string; text?: string; user?: string; permalink?: string } } }
    ).item;
    const channel = (event as unknown as { channel_id?: string }).channel_id;
    const ts = item?.message?.ts;
    if (!channel || !ts || item?.type !== "message") return;
    const incident = await findIncidentByChannel(ctx.prisma, channel);
    // The bot pins its own incident card; that is not news for the timeline.
    if (!incident || ts === incident.cardTs) return;
    const link = item.message?.permalink ?? (await permalinkOf(client, channel, ts));
    await captureMessage(ctx, incident, {
      channelId: channel,
      ts,
      text: item.message?.text ?? "",
      ...(item.message?.user ? { author: item.message.user } : {}),
      ...(link ? { permalink: link } : {}),
      capturedBy: (event as unknown as { user?: string }).user ?? "unknown",
      via: "pin",
    });
  });
}
