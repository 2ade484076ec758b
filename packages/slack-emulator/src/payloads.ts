// Bodies Slack sends to the app: slash command forms, interaction payloads
// and Events API envelopes, shaped like the real ones (same keys, same
// nesting) so Bolt's parsing and the app's listeners meet what production sends.
import { isRecord } from "./blockkit.js";
import { slackId } from "./ids.js";
import { permalink, renderMessage } from "./render.js";
import type { WorkspaceState } from "./state.js";
import type { JsonObject, SlackChannel, SlackUser, StoredMessage } from "./types.js";
import { elementState } from "./view-state.js";

export function teamPayload(state: WorkspaceState): JsonObject {
  return { id: state.team.id, domain: state.team.domain };
}

export function userPayload(state: WorkspaceState, user: SlackUser): JsonObject {
  return { id: user.id, username: user.name, name: user.name, team_id: state.team.id };
}

/** What Slack calls a private channel the app cannot see, in command payloads. */
export function channelName(state: WorkspaceState, channel: SlackChannel): string {
  if (channel.kind === "im") return "directmessage";
  if (channel.kind === "mpim") return "mpdm";
  if (channel.kind === "private" && !state.botIsMember(channel)) return "privategroup";
  return channel.name;
}

export function messagePayload(state: WorkspaceState, message: StoredMessage): JsonObject {
  const out = renderMessage(message, state, "payload");
  // Messages typed by people carry a client_msg_id; bot posts do not.
  if (!message.botId && !message.subtype) out.client_msg_id = `${message.ts}-client`;
  return out;
}

/**
 * The `actions[0]` of a block_actions payload for a given element, in the
 * shape Slack uses for that element type.
 */
export function actionPayload(block: JsonObject, element: JsonObject, given: unknown, actionTs: string): JsonObject {
  const type = String(element.type);
  const base: JsonObject = {
    type,
    action_id: element.action_id,
    block_id: block.block_id,
  };
  if (type === "button") {
    const out: JsonObject = { ...base, text: element.text };
    const value = given !== undefined ? given : element.value;
    if (value !== undefined) out.value = String(value);
    if (element.style !== undefined) out.style = element.style;
    if (element.url !== undefined) out.url = element.url;
    return { ...out, action_ts: actionTs };
  }
  if (type === "overflow") {
    const options = Array.isArray(element.options) ? element.options.filter(isRecord) : [];
    const selected = isRecord(given) ? given : options.find((o) => o.value === String(given));
    if (!selected) throw new Error(`Slack emulator: overflow ${String(element.action_id)} has no option ${String(given)}`);
    return { ...base, selected_option: selected, action_ts: actionTs };
  }
  const state = elementState(element, given);
  const { type: _type, ...selection } = state;
  const out: JsonObject = { ...base, ...selection };
  if (element.placeholder !== undefined) out.placeholder = element.placeholder;
  // Slack echoes the element's initial_* fields alongside the selection.
  for (const [key, value] of Object.entries(element)) {
    if (key.startsWith("initial_")) out[key] = value;
  }
  return { ...out, action_ts: actionTs };
}

export function eventId(): string {
  return slackId("Ev", 10);
}

/** The Events API envelope around one event. */
export function eventEnvelope(state: WorkspaceState, verificationToken: string, event: JsonObject): JsonObject {
  const id = eventId();
  return {
    token: verificationToken,
    team_id: state.team.id,
    context_team_id: state.team.id,
    context_enterprise_id: null,
    api_app_id: state.bot.appId,
    event,
    type: "event_callback",
    event_id: id,
    event_time: state.clock.nowSeconds(),
    authorizations: [
      {
        enterprise_id: null,
        team_id: state.team.id,
        user_id: state.bot.userId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${Buffer.from(`${state.team.id}:${id}`).toString("base64url")}`,
  };
}

export interface EventInput {
  type: string;
  [key: string]: unknown;
}

/**
 * Fill in an event the way Slack would send it, and change the workspace the
 * way the user action behind it did (a reaction, a pin, a message, a join).
 * Unknown event types pass through with event_ts added.
 */
export function buildEvent(state: WorkspaceState, input: EventInput, apply: boolean): JsonObject {
  const eventTs = state.nextTs();
  const user = typeof input.user === "string" ? (state.user(input.user)?.id ?? input.user) : undefined;
  const channelRef = typeof input.channel === "string" ? input.channel : undefined;
  const channel = channelRef ? state.channel(channelRef) : undefined;
  switch (input.type) {
    case "reaction_added":
    case "reaction_removed": {
      const reaction = String(input.reaction ?? "thumbsup").replace(/^:|:$/g, "");
      const ts = String(input.ts ?? (isRecord(input.item) ? input.item.ts : ""));
      const channelId = channel?.id ?? String(isRecord(input.item) ? input.item.channel : "");
      const message = state.findMessage(channelId, ts);
      if (apply && message && user) {
        let entry = message.reactions.find((r) => r.name === reaction);
        if (input.type === "reaction_added") {
          if (!entry) {
            entry = { name: reaction, users: [] };
            message.reactions.push(entry);
          }
          if (!entry.users.includes(user)) entry.users.push(user);
        } else if (entry) {
          entry.users = entry.users.filter((u) => u !== user);
          message.reactions = message.reactions.filter((r) => r.users.length > 0);
        }
      }
      return {
        type: input.type,
        user,
        reaction,
        item: { type: "message", channel: channelId, ts },
        item_user: message?.user ?? input.item_user,
        event_ts: eventTs,
      };
    }
    case "pin_added":
    case "pin_removed": {
      const channelId = channel?.id ?? String(input.channel_id ?? "");
      const ts = String(input.ts ?? "");
      const message = state.findMessage(channelId, ts);
      if (apply && message && user) {
        const pins = state.pinLog.get(channelId) ?? [];
        const filtered = pins.filter((p) => p.ts !== ts);
        if (input.type === "pin_added") {
          filtered.push({ channel: channelId, ts, created: state.clock.nowSeconds(), createdBy: user });
        }
        state.pinLog.set(channelId, filtered);
      }
      const created = state.clock.nowSeconds();
      return {
        type: input.type,
        user,
        channel_id: channelId,
        item: {
          type: "message",
          created,
          created_by: user,
          channel: channelId,
          message: message
            ? { ...messagePayload(state, message), permalink: permalink(state, channelId, message), pinned_to: [channelId] }
            : undefined,
        },
        item_user: message?.user,
        pin_count: String(state.pinLog.get(channelId)?.length ?? 0),
        pinned_info: { channel: channelId, pinned_by: user, pinned_ts: created },
        event_ts: eventTs,
      };
    }
    case "app_home_opened": {
      const userId = user ?? "";
      const im = state.openIm(userId);
      const home = state.homeView(userId);
      const out: JsonObject = { type: input.type, user: userId, channel: im.id, tab: input.tab ?? "home", event_ts: eventTs };
      if (home)
        out.view = {
          id: home.id,
          team_id: state.team.id,
          type: "home",
          callback_id: home.callbackId,
          hash: home.hash,
          private_metadata: home.privateMetadata,
        };
      return out;
    }
    case "message":
    case "app_mention": {
      if (!channel || !user) throw new Error("Slack emulator: a message event needs channel and user");
      const base = {
        text: String(input.text ?? ""),
        thread_ts: typeof input.thread_ts === "string" ? input.thread_ts : undefined,
      };
      const message = apply ? state.addMessage({ channel: channel.id, user, text: base.text, threadTs: base.thread_ts }) : undefined;
      const out: JsonObject = {
        ...messagePayload(state, message ?? { ...placeholderMessage(channel.id, user, base.text), ts: eventTs }),
        type: input.type,
        channel: channel.id,
        event_ts: message?.ts ?? eventTs,
        channel_type: channel.kind === "im" ? "im" : channel.kind === "public" ? "channel" : "group",
      };
      return out;
    }
    case "member_joined_channel": {
      if (!channel || !user) throw new Error("Slack emulator: member_joined_channel needs channel and user");
      if (apply) state.addMember(channel, user, typeof input.inviter === "string" ? input.inviter : undefined);
      return {
        type: input.type,
        user,
        channel: channel.id,
        channel_type: channel.kind === "public" ? "C" : "G",
        team: state.team.id,
        inviter: input.inviter,
        event_ts: eventTs,
      };
    }
    default:
      return { ...input, event_ts: typeof input.event_ts === "string" ? input.event_ts : eventTs };
  }
}

function placeholderMessage(channel: string, user: string, text: string): StoredMessage {
  return {
    channel,
    ts: "",
    user,
    botId: undefined,
    appId: undefined,
    text,
    blocks: undefined,
    attachments: undefined,
    metadata: undefined,
    subtype: undefined,
    threadTs: undefined,
    replyUsers: [],
    replyCount: 0,
    latestReply: undefined,
    edited: undefined,
    reactions: [],
    files: [],
    extra: {},
    history: [],
  };
}
