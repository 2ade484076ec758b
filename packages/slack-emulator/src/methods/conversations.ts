import { SlackApiError } from "../errors.js";
import { tsToMicros } from "../ids.js";
import { renderChannel, renderMessage } from "../render.js";
import type { JsonObject, StoredMessage } from "../types.js";
import { channelFor, type MethodContext, type MethodTable, paginate } from "./context.js";

/** Words Slack keeps for mentions, refused as channel names. */
const RESERVED_NAMES = new Set(["here", "channel", "channels", "everyone", "group", "groups"]);

const NAME_ERRORS: Record<string, string> = {
  invalid_name_required: "Value passed for `name` was empty.",
  invalid_name_maxlength: "Value passed for `name` exceeded max length.",
  invalid_name_specials: "Value passed for `name` contained unallowed special characters or upper case characters.",
  invalid_name_punctuation: "Value passed for `name` contained only punctuation.",
  invalid_name: "Value passed for `name` was invalid.",
};

function nameError(code: string): SlackApiError {
  return new SlackApiError(code, { detail: NAME_ERRORS[code] ?? "" });
}

/**
 * Slack's rules for conversations.create: lowercase letters, digits, "-" and
 * "_", at most 80 characters, not only punctuation. Slack does not lowercase
 * for you: "Hotfix" is refused with invalid_name_specials.
 */
export function checkChannelName(name: string): void {
  if (name.length === 0) throw nameError("invalid_name_required");
  if (name.length > 80) throw nameError("invalid_name_maxlength");
  if (/[^a-z0-9_\-\p{L}\p{N}]/u.test(name) || /\p{Lu}/u.test(name)) {
    throw nameError("invalid_name_specials");
  }
  if (/^[-_]+$/.test(name)) throw nameError("invalid_name_punctuation");
  if (RESERVED_NAMES.has(name)) throw nameError("invalid_name");
}

function isTopLevel(message: StoredMessage): boolean {
  return message.threadTs === undefined || message.threadTs === message.ts || message.subtype === "thread_broadcast";
}

function setTopicOrPurpose(ctx: MethodContext, field: "topic" | "purpose"): JsonObject {
  const channel = channelFor(ctx, { scope: "manage", notArchived: true, member: true });
  const value = ctx.params.str(field) ?? "";
  if (value.length > 250) throw new SlackApiError("too_long");
  const now = ctx.state.clock.nowSeconds();
  channel[field] = { value, creator: ctx.state.bot.userId, lastSet: now };
  channel.updated = ctx.state.clock.now();
  ctx.state.addMessage({
    channel: channel.id,
    user: ctx.state.bot.userId,
    subtype: `channel_${field}`,
    text: value ? `set the channel ${field}: ${value}` : `cleared the channel ${field}`,
    extra: { [field]: value },
  });
  return { channel: renderChannel(channel, ctx.state, "topic") };
}

export const conversationMethods: MethodTable = {
  "conversations.create": (ctx) => {
    const name = ctx.params.str("name") ?? "";
    const isPrivate = ctx.params.bool("is_private") ?? false;
    ctx.scopes.checkChannel("manage", isPrivate ? "private" : "public");
    checkChannelName(name);
    // Archived channels keep their names: creating "#x" again fails until renamed.
    if (ctx.state.nameTaken(name)) throw new SlackApiError("name_taken", { detail: "" });
    const channel = ctx.state.createChannel(name, isPrivate ? "private" : "public", ctx.state.bot.userId);
    return { channel: renderChannel(channel, ctx.state, "create") };
  },

  "conversations.info": (ctx) => {
    const channel = channelFor(ctx, { scope: "read" });
    return {
      channel: renderChannel(channel, ctx.state, "info", {
        numMembers: ctx.params.bool("include_num_members") ?? false,
      }),
    };
  },

  "conversations.invite": (ctx) => {
    const channel = channelFor(ctx, { scope: "manage", notArchived: true, member: true });
    if (channel.kind === "im") throw new SlackApiError("method_not_supported_for_channel_type");
    const users = ctx.params.list("users");
    if (users.length === 0) throw new SlackApiError("no_user");
    if (users.length > 1000) throw new SlackApiError("too_many_users");
    const force = ctx.params.bool("force") ?? false;
    const errors: JsonObject[] = [];
    const valid: string[] = [];
    for (const id of new Set(users)) {
      const user = ctx.state.users.get(id);
      let error: string | undefined;
      if (!user) error = "user_not_found";
      else if (id === ctx.state.bot.userId) error = "cant_invite_self";
      else if (user.deleted) error = "cant_invite";
      else if (ctx.state.isMember(channel, id)) error = "already_in_channel";
      if (error) errors.push({ user: id, ok: false, error });
      else valid.push(id);
    }
    // Without force one bad id fails the whole call and nobody is invited;
    // the top-level error is the first per-user error.
    const first = errors[0];
    if (first && (!force || valid.length === 0)) {
      throw new SlackApiError(String(first.error), { errors });
    }
    for (const id of valid) ctx.state.addMember(channel, id, ctx.state.bot.userId);
    const out: JsonObject = { channel: renderChannel(channel, ctx.state, "invite") };
    if (errors.length > 0) out.errors = errors;
    return out;
  },

  "conversations.join": (ctx) => {
    const channel = channelFor(ctx, { notArchived: true });
    if (channel.kind !== "public") throw new SlackApiError("method_not_supported_for_channel_type");
    const already = ctx.state.botIsMember(channel);
    ctx.state.addMember(channel, ctx.state.bot.userId);
    const out: JsonObject = { channel: renderChannel(channel, ctx.state, "join") };
    if (already) {
      out.warning = "already_in_channel";
      out.response_metadata = { warnings: ["already_in_channel"] };
    }
    return out;
  },

  "conversations.members": (ctx) => {
    const channel = channelFor(ctx, { scope: "read" });
    const { page, nextCursor } = paginate(channel.members, ctx, 100);
    return { members: page, response_metadata: { next_cursor: nextCursor } };
  },

  "conversations.setTopic": (ctx) => setTopicOrPurpose(ctx, "topic"),
  "conversations.setPurpose": (ctx) => setTopicOrPurpose(ctx, "purpose"),

  "conversations.archive": (ctx) => {
    const channel = channelFor(ctx, { scope: "manage" });
    if (channel.isArchived) throw new SlackApiError("already_archived");
    if (channel.isGeneral) throw new SlackApiError("cant_archive_general");
    if (channel.kind === "im") throw new SlackApiError("method_not_supported_for_channel_type");
    if (!ctx.state.botIsMember(channel)) throw new SlackApiError("not_in_channel");
    ctx.state.addMessage({
      channel: channel.id,
      user: ctx.state.bot.userId,
      subtype: "channel_archive",
      text: "archived the channel",
    });
    channel.isArchived = true;
    channel.updated = ctx.state.clock.now();
    return {};
  },

  "conversations.history": (ctx) => {
    // Bot tokens read only conversations the bot is in.
    const channel = channelFor(ctx, { scope: "history", member: true });
    const oldest = ctx.params.str("oldest");
    const latest = ctx.params.str("latest");
    const inclusive = ctx.params.bool("inclusive") ?? false;
    const after = (m: StoredMessage) =>
      !oldest || (inclusive ? tsToMicros(m.ts) >= tsToMicros(oldest) : tsToMicros(m.ts) > tsToMicros(oldest));
    const before = (m: StoredMessage) =>
      !latest || (inclusive ? tsToMicros(m.ts) <= tsToMicros(latest) : tsToMicros(m.ts) < tsToMicros(latest));
    const all = (ctx.state.messageLog.get(channel.id) ?? []).filter((m) => isTopLevel(m) && after(m) && before(m)).reverse();
    const { page, nextCursor } = paginate(all, ctx, 100);
    // Slack returns message metadata in history only when asked to.
    const withMetadata = ctx.params.bool("include_all_metadata") ?? false;
    return {
      messages: page.map((m) => {
        const rendered = renderMessage(m, ctx.state, "history");
        if (withMetadata && m.metadata) rendered.metadata = m.metadata;
        return rendered;
      }),
      has_more: nextCursor !== "",
      pin_count: ctx.state.pinLog.get(channel.id)?.length ?? 0,
      channel_actions_ts: null,
      channel_actions_count: 0,
      response_metadata: { next_cursor: nextCursor },
    };
  },

  "conversations.replies": (ctx) => {
    const channel = channelFor(ctx, { scope: "history", member: true });
    const ts = ctx.params.required("ts");
    const parent = ctx.state.findMessage(channel.id, ts);
    if (!parent) throw new SlackApiError("thread_not_found");
    const root = parent.threadTs ?? parent.ts;
    const thread = ctx.state.thread(channel.id, root);
    const { page, nextCursor } = paginate(thread, ctx, 1000);
    return {
      messages: page.map((m) => renderMessage(m, ctx.state, "history")),
      has_more: nextCursor !== "",
      response_metadata: { next_cursor: nextCursor },
    };
  },

  "conversations.list": (ctx) => {
    const types = ctx.params.list("types");
    const wanted = new Set(types.length > 0 ? types : ["public_channel"]);
    if (wanted.has("public_channel")) ctx.scopes.checkChannel("read", "public");
    if (wanted.has("private_channel")) ctx.scopes.checkChannel("read", "private");
    const excludeArchived = ctx.params.bool("exclude_archived") ?? false;
    const channels = [...ctx.state.channels.values()].filter((c) => {
      if (excludeArchived && c.isArchived) return false;
      if (c.kind === "public") return wanted.has("public_channel");
      if (c.kind === "private") return wanted.has("private_channel") && ctx.state.botIsMember(c);
      if (c.kind === "im") return wanted.has("im");
      return wanted.has("mpim") && ctx.state.botIsMember(c);
    });
    const { page, nextCursor } = paginate(channels, ctx, 100);
    return {
      channels: page.map((c) => renderChannel(c, ctx.state, "list", { numMembers: c.kind !== "im" })),
      response_metadata: { next_cursor: nextCursor },
    };
  },

  "conversations.open": (ctx) => {
    const channelId = ctx.params.str("channel");
    if (channelId) {
      const channel = ctx.state.channels.get(channelId);
      if (channel?.kind !== "im") throw new SlackApiError("channel_not_found");
      return { no_op: true, already_open: true, channel: { id: channel.id } };
    }
    const users = ctx.params.list("users");
    if (users.length === 0) throw new SlackApiError("users_list_not_supplied");
    if (users.length > 1) {
      throw new SlackApiError("invalid_arguments", {
        response_metadata: { messages: ["[ERROR] the Slack emulator opens 1:1 DMs only"] },
      });
    }
    const [userId = ""] = users;
    const user = ctx.state.users.get(userId);
    if (!user) throw new SlackApiError("user_not_found");
    if (user.deleted) throw new SlackApiError("user_disabled");
    if (user.isBot) throw new SlackApiError("cannot_dm_bot");
    const existed = ctx.state.channel(userId)?.kind === "im";
    const channel = ctx.state.openIm(userId);
    const full = ctx.params.bool("return_im") ?? false;
    return {
      no_op: existed,
      already_open: existed,
      channel: full ? renderChannel(channel, ctx.state, "info") : { id: channel.id },
    };
  },
};
