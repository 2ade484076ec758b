import { SlackApiError } from "../errors.js";
import type { Params } from "../params.js";
import type { ChannelAction, ScopeSet } from "../scopes.js";
import type { WorkspaceState } from "../state.js";
import type { JsonObject, SlackChannel } from "../types.js";

export interface MethodContext {
  method: string;
  params: Params;
  state: WorkspaceState;
  scopes: ScopeSet;
}

/** Returns the success body without `ok`; throws SlackApiError to refuse. */
export type MethodHandler = (ctx: MethodContext) => JsonObject | Promise<JsonObject>;

export type MethodTable = Record<string, MethodHandler>;

export interface ChannelLookup {
  /** The argument that names the channel (channel, channel_id). */
  param?: string;
  /** The channel reference itself, when it does not come from one argument. */
  ref?: string;
  /** Accept "#name" / "name" (chat.postMessage does; most methods want an id). */
  byName?: boolean;
  /** Which per-kind scope the method needs once the channel is known. */
  scope?: ChannelAction;
  /** Refuse archived channels with is_archived. */
  notArchived?: boolean;
  /** Refuse with not_in_channel unless the bot is a member. */
  member?: boolean;
}

/**
 * Finds a channel the way Slack does for a bot token: private channels the
 * bot is not in do not exist for it (channel_not_found), public ones do.
 */
export function channelFor(ctx: MethodContext, lookup: ChannelLookup = {}): SlackChannel {
  const param = lookup.param ?? "channel";
  const ref = lookup.ref ?? ctx.params.str(param);
  if (!ref) throw new SlackApiError("channel_not_found");
  let channel = ctx.state.channels.get(ref);
  if (!channel && lookup.byName && !/^[CGD][A-Z0-9]{2,}$/.test(ref)) {
    channel = ctx.state.channelByName(ref);
  }
  if (!channel) throw new SlackApiError("channel_not_found");
  if (channel.kind !== "public" && !ctx.state.botIsMember(channel)) {
    throw new SlackApiError("channel_not_found");
  }
  if (lookup.scope) ctx.scopes.checkChannel(lookup.scope, channel.kind);
  if (lookup.notArchived && channel.isArchived) throw new SlackApiError("is_archived");
  if (lookup.member && !ctx.state.botIsMember(channel)) throw new SlackApiError("not_in_channel");
  return channel;
}

/** Cursor pagination as Slack does it: an opaque next_cursor, "" on the last page. */
export function paginate<T>(items: readonly T[], ctx: MethodContext, defaultLimit: number): { page: T[]; nextCursor: string } {
  const requested = ctx.params.int("limit");
  // Slack treats a missing or zero limit as "use the default".
  const limit = requested && requested > 0 ? Math.min(requested, 1000) : defaultLimit;
  const cursor = ctx.params.str("cursor");
  let start = 0;
  if (cursor) {
    const decoded = Buffer.from(cursor, "base64").toString("utf8");
    const match = /^next:(\d+)$/.exec(decoded);
    if (!match) throw new SlackApiError("invalid_cursor");
    start = Number(match[1]);
  }
  const page = items.slice(start, start + limit);
  const next = start + limit < items.length ? Buffer.from(`next:${start + limit}`).toString("base64") : "";
  return { page, nextCursor: next };
}
