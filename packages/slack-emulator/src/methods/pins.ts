import { SlackApiError } from "../errors.js";
import { permalink, renderMessage } from "../render.js";
import type { SlackChannel, StoredMessage } from "../types.js";
import { channelFor, type MethodContext, type MethodTable } from "./context.js";

/** Pins and reactions act on a message in a channel the bot is in. */
export function targetMessage(ctx: MethodContext): { channel: SlackChannel; message: StoredMessage } {
  const channel = channelFor(ctx);
  const ts = ctx.params.str("timestamp");
  if (!ts) throw new SlackApiError("no_item_specified");
  if (!ctx.state.botIsMember(channel)) throw new SlackApiError("not_in_channel");
  const message = ctx.state.findMessage(channel.id, ts);
  if (!message) throw new SlackApiError("message_not_found");
  return { channel, message };
}

export const pinMethods: MethodTable = {
  "pins.add": (ctx) => {
    const { channel, message } = targetMessage(ctx);
    if (channel.isArchived) throw new SlackApiError("is_archived");
    const pins = ctx.state.pinLog.get(channel.id) ?? [];
    if (pins.some((p) => p.ts === message.ts)) throw new SlackApiError("already_pinned");
    pins.push({
      channel: channel.id,
      ts: message.ts,
      created: ctx.state.clock.nowSeconds(),
      createdBy: ctx.state.bot.userId,
    });
    ctx.state.pinLog.set(channel.id, pins);
    return {};
  },

  "pins.remove": (ctx) => {
    const { channel, message } = targetMessage(ctx);
    const pins = ctx.state.pinLog.get(channel.id) ?? [];
    if (!pins.some((p) => p.ts === message.ts)) throw new SlackApiError("no_pin");
    ctx.state.pinLog.set(
      channel.id,
      pins.filter((p) => p.ts !== message.ts),
    );
    return {};
  },

  "pins.list": (ctx) => {
    const channel = channelFor(ctx);
    const items = (ctx.state.pinLog.get(channel.id) ?? []).flatMap((pin) => {
      const message = ctx.state.findMessage(channel.id, pin.ts);
      if (!message) return [];
      return [
        {
          type: "message",
          created: pin.created,
          created_by: pin.createdBy,
          channel: channel.id,
          message: {
            ...renderMessage(message, ctx.state, "history"),
            permalink: permalink(ctx.state, channel.id, message),
            pinned_to: [channel.id],
          },
        },
      ];
    });
    return { items };
  },
};
