// What the sandbox page shows, as JSON for one person looking at one
// channel: the channel list, the channel's messages (Block Kit as the app sent
// it; the page renders and escapes it), what only that person sees, the pins,
// the modal on top of their screen and their App Home. Read-only.
import type { WorkspaceState } from "../state.js";
import type { JsonObject, StoredMessage, StoredView } from "../types.js";

export interface PageUser {
  id: string;
  name: string;
  realName: string;
  title: string;
}

function person(state: WorkspaceState, id: string): { id: string; name: string } {
  const user = state.user(id);
  return { id, name: user ? user.displayName || user.realName || user.name : id };
}

function message(state: WorkspaceState, m: StoredMessage, pinned: Set<string>): JsonObject {
  return {
    ts: m.ts,
    author: person(state, m.user),
    bot: m.botId !== undefined,
    text: m.text,
    blocks: m.blocks ?? null,
    attachments: m.attachments ?? null,
    subtype: m.subtype ?? null,
    threadTs: m.threadTs ?? null,
    replyCount: m.replyCount,
    edited: m.edited !== undefined,
    reactions: m.reactions.map((r) => ({ name: r.name, count: r.users.length })),
    pinned: pinned.has(m.ts),
  };
}

function view(v: StoredView | undefined): JsonObject | null {
  if (!v) return null;
  return {
    id: v.id,
    hash: v.hash,
    type: v.type,
    callbackId: v.callbackId,
    title: v.title,
    submit: (v.definition.submit as JsonObject | undefined) ?? null,
    close: (v.definition.close as JsonObject | undefined) ?? null,
    blocks: v.blocks,
  };
}

/** The modal on top of this person's screen, if any (the newest stack wins). */
export function topModal(state: WorkspaceState, userId: string): StoredView | undefined {
  const open = state.views({ userId, type: "modal", open: true });
  const tops = open.filter((v) => state.stackOf(v).at(-1) === v.id);
  return tops.sort((a, b) => b.updatedAt - a.updatedAt || b.openedAt - a.openedAt)[0];
}

export function humans(state: WorkspaceState): PageUser[] {
  return [...state.users.values()]
    .filter((u) => !u.isBot && !u.deleted && u.id !== "USLACKBOT")
    .map((u) => ({ id: u.id, name: u.name, realName: u.realName, title: u.title }));
}

export function pageSnapshot(state: WorkspaceState, userId: string, channelRef: string | undefined): JsonObject {
  const channels = [...state.channels.values()]
    .filter((c) => c.kind === "public" || c.kind === "private")
    .filter((c) => c.kind === "public" || c.members.includes(userId))
    .sort((a, b) => Number(a.isArchived) - Number(b.isArchived) || a.created - b.created || a.name.localeCompare(b.name))
    .map((c) => ({
      id: c.id,
      name: c.name,
      private: c.kind === "private",
      archived: c.isArchived,
      member: c.members.includes(userId),
      topic: c.topic.value,
      messages: state.messages(c.id).length,
    }));
  const channel = channelRef ? state.channel(channelRef) : undefined;
  let current: JsonObject | null = null;
  if (channel) {
    const pins = state.pins(channel.id);
    const pinned = new Set(pins.map((p) => p.ts));
    const all = state.messages(channel.id);
    current = {
      id: channel.id,
      name: channel.name,
      topic: channel.topic.value,
      purpose: channel.purpose.value,
      archived: channel.isArchived,
      members: channel.members.map((id) => person(state, id)),
      bookmarks: state.bookmarks(channel.id).map((b) => ({ title: b.title, link: b.link })),
      pins: pins.map((p) => p.ts),
      messages: all.map((m) => message(state, m, pinned)),
      ephemerals: state
        .ephemerals({ channel: channel.id, user: userId })
        .map((e) => ({ ts: e.ts, text: e.text, blocks: e.blocks ?? null, source: e.source })),
    };
  }
  const me = state.user(userId);
  return {
    team: state.team.name,
    me: me ? { id: me.id, name: me.name, realName: me.realName } : null,
    users: humans(state),
    /** Every user's display name (bots too), for <@U…> mentions. */
    names: Object.fromEntries([...state.users.values()].map((u) => [u.id, u.displayName || u.realName || u.name])),
    /** User group handles, for <!subteam^S…> mentions. */
    groups: Object.fromEntries([...state.usergroups.values()].map((g) => [g.id, g.handle])),
    channels,
    channel: current,
    modal: view(topModal(state, userId)),
    home: view(state.homeView(userId)),
  };
}
