import { normalizeBlocks } from "../blockkit.js";
import { SlackApiError, withMessages } from "../errors.js";
import { NO_TEXT_FALLBACK, permalink, renderMessage } from "../render.js";
import type { JsonObject, SlackChannel, StoredMessage } from "../types.js";
import { channelFor, type MethodContext, type MethodTable } from "./context.js";

/** Slack truncates past 40,000 characters and refuses far longer text. */
const MAX_TEXT = 40_000;
const MAX_ATTACHMENTS = 100;

export interface MessageContent {
  text: string | undefined;
  blocks: JsonObject[] | undefined;
  attachments: JsonObject[] | undefined;
}

/**
 * text / blocks / attachments as chat.* takes them. `blocks` that is not a
 * JSON array is invalid_blocks_format; blocks that break Block Kit rules are
 * invalid_blocks with Slack's "[ERROR] …" lines.
 */
export function readContent(ctx: MethodContext): MessageContent {
  const text = ctx.params.str("text");
  let blocks: JsonObject[] | undefined;
  if (ctx.params.has("blocks")) {
    const raw = ctx.params.json("blocks", "invalid_blocks_format");
    if (!Array.isArray(raw)) throw new SlackApiError("invalid_blocks_format");
    const result = normalizeBlocks(raw, "message", "/blocks");
    if (result.errors.length > 0) throw withMessages("invalid_blocks", result.errors);
    blocks = result.blocks;
  }
  let attachments: JsonObject[] | undefined;
  if (ctx.params.has("attachments")) {
    const raw = ctx.params.json("attachments", "invalid_attachments");
    if (!Array.isArray(raw)) throw new SlackApiError("invalid_attachments");
    if (raw.length > MAX_ATTACHMENTS) throw new SlackApiError("too_many_attachments");
    attachments = raw as JsonObject[];
  }
  if (text !== undefined && text.length > MAX_TEXT) throw new SlackApiError("msg_too_long");
  return { text, blocks, attachments };
}

function hasContent(content: MessageContent): boolean {
  return (
    (content.text !== undefined && content.text !== "") ||
    (content.blocks !== undefined && content.blocks.length > 0) ||
    (content.attachments !== undefined && content.attachments.length > 0)
  );
}

/** Slack stores a placeholder when blocks come without fallback text. */
export function storedText(content: MessageContent): string {
  if (content.text) return content.text;
  return content.blocks && content.blocks.length > 0 ? NO_TEXT_FALLBACK : "";
}

/**
 * Where chat.postMessage goes: a channel id or name, or a user id (the bot's
 * DM with that user). A bot posts only where it is a member, except public
 * channels when it holds chat:write.public.
 */
function postTarget(ctx: MethodContext): SlackChannel {
  const ref = ctx.params.str("channel") ?? "";
  if (/^[UW][A-Z0-9]{2,}$/.test(ref)) {
    const user = ctx.state.users.get(ref);
    if (!user) throw new SlackApiError("channel_not_found");
    if (user.deleted) throw new SlackApiError("user_disabled");
    return ctx.state.openIm(ref);
  }
  const channel = channelFor(ctx, { byName: true, notArchived: true });
  if (!ctx.state.botIsMember(channel)) {
    const publicAllowed = channel.kind === "public" && ctx.scopes.has("chat:write.public");
    if (!publicAllowed) throw new SlackApiError("not_in_channel");
  }
  return channel;
}

function ownMessage(ctx: MethodContext, channel: SlackChannel, ts: string, code: string): StoredMessage {
  const message = ctx.state.findMessage(channel.id, ts);
  if (!message) throw new SlackApiError("message_not_found");
  if (message.botId !== ctx.state.bot.botId) throw new SlackApiError(code);
  return message;
}

export const chatMethods: MethodTable = {
  "chat.postMessage": (ctx) => {
    const channel = postTarget(ctx);
    const content = readContent(ctx);
    if (!hasContent(content)) throw new SlackApiError("no_text");
    const metadata = ctx.params.json("metadata", "invalid_metadata_format");
    const message = ctx.state.addMessage({
      channel: channel.id,
      user: ctx.state.bot.userId,
      botId: ctx.state.bot.botId,
      appId: ctx.state.bot.appId,
      text: storedText(content),
      blocks: content.blocks,
      attachments: content.attachments,
      metadata: metadata as JsonObject | undefined,
      threadTs: ctx.params.str("thread_ts") || undefined,
      broadcast: ctx.params.bool("reply_broadcast") ?? false,
    });
    return {
      channel: channel.id,
      ts: message.ts,
      message: renderMessage(message, ctx.state, "post"),
    };
  },

  "chat.postEphemeral": (ctx) => {
    // Unlike postMessage, chat:write.public does not cover ephemerals: the bot
    // must be in the channel (apps answer elsewhere through response_url).
    const ref = ctx.params.str("channel") ?? "";
    const channel = /^[UW]/.test(ref) ? ctx.state.channel(ref) : channelFor(ctx, { byName: true });
    if (!channel) throw new SlackApiError("channel_not_found");
    if (channel.isArchived) throw new SlackApiError("is_archived");
    if (!ctx.state.botIsMember(channel)) throw new SlackApiError("not_in_channel");
    const userId = ctx.params.str("user") ?? "";
    const user = ctx.state.users.get(userId);
    if (!user) throw new SlackApiError("user_not_found");
    if (!ctx.state.isMember(channel, userId)) throw new SlackApiError("user_not_in_channel");
    const content = readContent(ctx);
    if (!hasContent(content)) throw new SlackApiError("no_text");
    const message = ctx.state.addEphemeral({
      channel: channel.id,
      user: userId,
      text: storedText(content),
      blocks: content.blocks,
      attachments: content.attachments,
      threadTs: ctx.params.str("thread_ts") || undefined,
      source: "chat.postEphemeral",
    });
    return { message_ts: message.ts };
  },

  "chat.update": (ctx) => {
    const channel = channelFor(ctx);
    const ts = ctx.params.required("ts", "message_not_found");
    const message = ownMessage(ctx, channel, ts, "cant_update_message");
    if (channel.isArchived) throw new SlackApiError("is_archived");
    const content = readContent(ctx);
    if (content.text === undefined && content.blocks === undefined && content.attachments === undefined) {
      throw new SlackApiError("no_text");
    }
    // Omitted blocks/attachments are kept; an empty array removes them.
    if (content.blocks !== undefined) message.blocks = content.blocks.length > 0 ? content.blocks : undefined;
    if (content.attachments !== undefined) {
      message.attachments = content.attachments.length > 0 ? content.attachments : undefined;
    }
    if (content.text !== undefined) message.text = storedText({ ...content, blocks: message.blocks });
    else if (!message.text && message.blocks) message.text = NO_TEXT_FALLBACK;
    const metadata = ctx.params.json("metadata", "invalid_metadata_format");
    if (metadata !== undefined) message.metadata = metadata as JsonObject;
    message.edited = { user: ctx.state.bot.botId, ts: ctx.state.nextTs() };
    message.history.push({ text: message.text, blocks: message.blocks, at: ctx.state.clock.now() });
    return {
      channel: channel.id,
      ts: message.ts,
      text: message.text,
      message: renderMessage(message, ctx.state, "update"),
    };
  },

  "chat.delete": (ctx) => {
    const channel = channelFor(ctx);
    const ts = ctx.params.required("ts", "message_not_found");
    ownMessage(ctx, channel, ts, "cant_delete_message");
    ctx.state.deleteMessage(channel.id, ts);
    return { channel: channel.id, ts };
  },

  "chat.getPermalink": (ctx) => {
    const channel = channelFor(ctx);
    const ts = ctx.params.required("message_ts", "message_not_found");
    const message = ctx.state.findMessage(channel.id, ts);
    if (!message) throw new SlackApiError("message_not_found");
    return { channel: channel.id, permalink: permalink(ctx.state, channel.id, message) };
  },
};
