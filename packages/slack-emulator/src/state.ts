import type { Clock } from "./clock.js";
import { slackId, TsFactory, triggerId, tsToMicros } from "./ids.js";
import type {
  Bookmark,
  ChannelKind,
  EphemeralMessage,
  JsonObject,
  Pin,
  ResponseUrlTarget,
  SlackChannel,
  SlackUser,
  StoredFile,
  StoredMessage,
  StoredView,
  Trigger,
  Usergroup,
} from "./types.js";

export interface TeamIdentity {
  id: string;
  name: string;
  domain: string;
}

export interface BotIdentity {
  /** The bot user (what auth.test calls user_id). */
  userId: string;
  botId: string;
  appId: string;
  name: string;
}

export interface AddUserInput {
  id?: string;
  name: string;
  realName?: string;
  displayName?: string;
  isBot?: boolean;
  botId?: string;
  appId?: string;
  /** Deactivated. */
  deleted?: boolean;
  tz?: string;
  /** Default `<name>@example.com` for people; null for none. */
  email?: string | null;
  title?: string;
  isAdmin?: boolean;
  isOwner?: boolean;
  isRestricted?: boolean;
}

export interface AddChannelInput {
  id?: string;
  name: string;
  isPrivate?: boolean;
  /** User ids. The bot is a member only if listed (state.bot.userId). */
  members?: string[];
  topic?: string;
  purpose?: string;
  archived?: boolean;
  creator?: string;
  created?: number;
  isGeneral?: boolean;
}

export interface AddUsergroupInput {
  id: string;
  handle: string;
  name?: string;
  description?: string;
  users: string[];
  disabled?: boolean;
}

export interface AddMessageInput {
  channel: string;
  user: string;
  text?: string;
  blocks?: JsonObject[];
  attachments?: JsonObject[];
  metadata?: JsonObject;
  threadTs?: string;
  /** Also show a thread reply in the channel (reply_broadcast). */
  broadcast?: boolean;
  ts?: string;
  subtype?: string;
  botId?: string;
  appId?: string;
  files?: string[];
  extra?: JsonObject;
}

/** Slack's own channel events, kept in history like Slack keeps them. */
export const SYSTEM_SUBTYPES: ReadonlySet<string> = new Set([
  "channel_join",
  "channel_leave",
  "channel_topic",
  "channel_purpose",
  "channel_name",
  "channel_archive",
  "channel_unarchive",
  "group_join",
  "group_topic",
  "group_purpose",
  "group_archive",
]);

/** Slack keeps a response_url working for 30 minutes and 5 posts. */
export const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;
export const RESPONSE_URL_MAX_USES = 5;
/** A trigger_id is good for 3 seconds, once. */
export const TRIGGER_TTL_MS = 3000;

export class WorkspaceState {
  readonly users = new Map<string, SlackUser>();
  readonly channels = new Map<string, SlackChannel>();
  readonly messageLog = new Map<string, StoredMessage[]>();
  readonly ephemeralLog: EphemeralMessage[] = [];
  readonly pinLog = new Map<string, Pin[]>();
  readonly bookmarkLog = new Map<string, Bookmark[]>();
  readonly usergroups = new Map<string, Usergroup>();
  readonly files = new Map<string, StoredFile>();
  readonly viewStore = new Map<string, StoredView>();
  /** root view id -> view ids in the stack, bottom first. */
  readonly viewStacks = new Map<string, string[]>();
  /** user id -> id of the Home tab view published for them. */
  readonly homeViews = new Map<string, string>();
  readonly triggers = new Map<string, Trigger>();
  readonly responseUrls = new Map<string, ResponseUrlTarget>();
  /** Set once the server listens; response_url and upload URLs live under it. */
  baseUrl = "";
  /** App features from the manifest that change API answers (views.publish needs the Home tab). */
  features = { homeTab: true };
  private readonly tsFactory = new TsFactory();

  constructor(
    readonly clock: Clock,
    readonly team: TeamIdentity,
    readonly bot: BotIdentity,
  ) {}

  nextTs(): string {
    return this.tsFactory.next(this.clock.now());
  }

  // ---------------------------------------------------------------- users

  addUser(input: AddUserInput): SlackUser {
    const id = input.id ?? slackId("U");
    const user: SlackUser = {
      id,
      name: input.name,
      realName: input.realName ?? input.name,
      displayName: input.displayName ?? input.name,
      email: input.email === null ? undefined : (input.email ?? (input.isBot ? undefined : `${input.name}@example.com`)),
      isBot: input.isBot ?? false,
      botId: input.botId ?? (input.isBot ? slackId("B") : undefined),
      appId: input.appId ?? (input.isBot ? slackId("A") : undefined),
      deleted: input.deleted ?? false,
      isAdmin: input.isAdmin ?? false,
      isOwner: input.isOwner ?? false,
      isRestricted: input.isRestricted ?? false,
      tz: input.tz ?? "America/Los_Angeles",
      title: input.title ?? "",
      updated: this.clock.nowSeconds(),
    };
    this.users.set(id, user);
    return user;
  }

  /** By id ("U0ALICE") or handle ("alice" / "@alice"). */
  user(idOrName: string): SlackUser | undefined {
    const direct = this.users.get(idOrName);
    if (direct) return direct;
    const name = idOrName.replace(/^@/, "");
    for (const user of this.users.values()) if (user.name === name) return user;
    return undefined;
  }

  requireUser(idOrName: string): SlackUser {
    const user = this.user(idOrName);
    if (!user) throw new Error(`Slack emulator: no user "${idOrName}"`);
    return user;
  }

  userByEmail(email: string): SlackUser | undefined {
    const wanted = email.toLowerCase();
    for (const user of this.users.values()) if (user.email?.toLowerCase() === wanted) return user;
    return undefined;
  }

  // ------------------------------------------------------------- channels

  addChannel(input: AddChannelInput): SlackChannel {
    const kind: ChannelKind = input.isPrivate ? "private" : "public";
    const creator = input.creator ?? input.members?.[0] ?? this.bot.userId;
    const channel = this.createChannel(input.name, kind, creator, {
      id: input.id,
      created: input.created,
      isGeneral: input.isGeneral,
      joinCreator: false,
    });
    for (const member of input.members ?? []) {
      if (!channel.members.includes(member)) channel.members.push(member);
    }
    const setAt = channel.created;
    if (input.topic) channel.topic = { value: input.topic, creator, lastSet: setAt };
    if (input.purpose) channel.purpose = { value: input.purpose, creator, lastSet: setAt };
    if (input.archived) channel.isArchived = true;
    return channel;
  }

  createChannel(
    name: string,
    kind: ChannelKind,
    creator: string,
    options: { id?: string; created?: number; isGeneral?: boolean; joinCreator?: boolean } = {},
  ): SlackChannel {
    const now = options.created ?? this.clock.nowSeconds();
    const channel: SlackChannel = {
      id: options.id ?? slackId(kind === "im" ? "D" : "C"),
      name,
      kind,
      isArchived: false,
      isGeneral: options.isGeneral ?? false,
      created: now,
      creator,
      members: [],
      topic: { value: "", creator: "", lastSet: 0 },
      purpose: { value: "", creator: "", lastSet: 0 },
      previousNames: [],
      updated: now * 1000,
      imUser: undefined,
    };
    this.channels.set(channel.id, channel);
    this.messageLog.set(channel.id, []);
    if (options.joinCreator !== false) this.addMember(channel, creator);
    return channel;
  }

  /** By id, "#name", "name", or a user id (that user's DM with the bot, if one exists). */
  channel(idOrName: string): SlackChannel | undefined {
    const direct = this.channels.get(idOrName);
    if (direct) return direct;
    if (/^[UW][A-Z0-9]+$/.test(idOrName)) {
      for (const channel of this.channels.values()) {
        if (channel.kind === "im" && channel.imUser === idOrName) return channel;
      }
    }
    return this.channelByName(idOrName);
  }

  channelByName(name: string): SlackChannel | undefined {
    const wanted = name.replace(/^#/, "");
    for (const channel of this.channels.values()) {
      if (channel.kind !== "im" && channel.name === wanted) return channel;
    }
    return undefined;
  }

  requireChannel(idOrName: string): SlackChannel {
    const channel = this.channel(idOrName);
    if (!channel) throw new Error(`Slack emulator: no channel "${idOrName}"`);
    return channel;
  }

  /** Names stay taken by archived channels too, as in Slack. */
  nameTaken(name: string): boolean {
    return this.channelByName(name) !== undefined;
  }

  /** The bot's DM with a user, created on first use like chat.postMessage(channel: U…) does. */
  openIm(userId: string): SlackChannel {
    const existing = [...this.channels.values()].find((c) => c.kind === "im" && c.imUser === userId);
    if (existing) return existing;
    const channel = this.createChannel(userId, "im", this.bot.userId, {
      id: `D${userId.slice(1)}`,
      joinCreator: false,
    });
    channel.imUser = userId;
    channel.members.push(this.bot.userId, userId);
    return channel;
  }

  isMember(channel: SlackChannel, userId: string): boolean {
    return channel.members.includes(userId);
  }

  botIsMember(channel: SlackChannel): boolean {
    return this.isMember(channel, this.bot.userId);
  }

  /** Joining posts a channel_join message, which Slack keeps in history. */
  addMember(channel: SlackChannel, userId: string, inviter?: string): void {
    if (channel.members.includes(userId)) return;
    channel.members.push(userId);
    if (channel.kind === "im" || channel.kind === "mpim") return;
    this.addMessage({
      channel: channel.id,
      user: userId,
      subtype: "channel_join",
      text: `<@${userId}> has joined the channel`,
      extra: inviter ? { inviter } : {},
    });
  }

  // ------------------------------------------------------------- messages

  addMessage(input: AddMessageInput): StoredMessage {
    const channel = this.requireChannel(input.channel);
    const list = this.messageLog.get(channel.id) ?? [];
    this.messageLog.set(channel.id, list);
    let ts: string;
    if (input.ts) {
      ts = input.ts;
      this.tsFactory.observe(ts);
    } else {
      ts = this.nextTs();
    }
    let threadTs = input.threadTs;
    let parent: StoredMessage | undefined;
    if (threadTs) {
      parent = list.find((m) => m.ts === threadTs);
      // A reply to a reply lands in the parent's thread, as in Slack.
      if (parent?.threadTs && parent.threadTs !== parent.ts) {
        threadTs = parent.threadTs;
        parent = list.find((m) => m.ts === threadTs);
      }
    }
    const author = this.users.get(input.user);
    const message: StoredMessage = {
      channel: channel.id,
      ts,
      user: input.user,
      botId: input.botId ?? author?.botId,
      appId: input.appId ?? author?.appId,
      text: input.text ?? "",
      blocks: input.blocks,
      attachments: input.attachments,
      metadata: input.metadata,
      subtype: input.subtype ?? (threadTs && input.broadcast ? "thread_broadcast" : undefined),
      threadTs,
      replyUsers: [],
      replyCount: 0,
      latestReply: undefined,
      edited: undefined,
      reactions: [],
      files: input.files ?? [],
      extra: input.extra ?? {},
      history: [{ text: input.text ?? "", blocks: input.blocks, at: this.clock.now() }],
    };
    if (parent) {
      parent.threadTs = parent.ts;
      parent.replyCount += 1;
      if (!parent.replyUsers.includes(input.user)) parent.replyUsers.push(input.user);
      parent.latestReply = ts;
    }
    // Keep the list in ts order even when a test seeds an old ts.
    const at = list.findIndex((m) => tsToMicros(m.ts) > tsToMicros(ts));
    if (at === -1) list.push(message);
    else list.splice(at, 0, message);
    return message;
  }

  findMessage(channelId: string, ts: string): StoredMessage | undefined {
    return this.messageLog.get(channelId)?.find((m) => m.ts === ts);
  }

  deleteMessage(channelId: string, ts: string): void {
    const list = this.messageLog.get(channelId);
    if (!list) return;
    const index = list.findIndex((m) => m.ts === ts);
    if (index === -1) return;
    const [removed] = list.splice(index, 1);
    const pins = this.pinLog.get(channelId);
    if (pins)
      this.pinLog.set(
        channelId,
        pins.filter((p) => p.ts !== ts),
      );
    if (removed?.threadTs && removed.threadTs !== removed.ts) {
      const parent = list.find((m) => m.ts === removed.threadTs);
      if (parent) {
        const replies = list.filter((m) => m.threadTs === parent.ts && m.ts !== parent.ts);
        parent.replyCount = replies.length;
        parent.latestReply = replies.at(-1)?.ts;
        parent.replyUsers = [...new Set(replies.map((m) => m.user))];
      }
    }
  }

  addEphemeral(input: Omit<EphemeralMessage, "ts" | "deleted" | "history"> & { ts?: string }): EphemeralMessage {
    const message: EphemeralMessage = {
      ...input,
      ts: input.ts ?? this.nextTs(),
      deleted: false,
      history: [{ text: input.text, blocks: input.blocks, at: this.clock.now() }],
    };
    this.ephemeralLog.push(message);
    return message;
  }

  // ------------------------------------------------------ triggers & urls

  issueTrigger(userId: string, viewId?: string): Trigger {
    const trigger: Trigger = {
      id: triggerId(this.clock.now()),
      userId,
      issuedAt: this.clock.now(),
      used: false,
      viewId,
    };
    this.triggers.set(trigger.id, trigger);
    return trigger;
  }

  createResponseUrl(target: Omit<ResponseUrlTarget, "id" | "url" | "createdAt" | "uses">): ResponseUrlTarget {
    const id = `${this.team.id}/${slackId("", 12)}/${slackId("", 24)}`;
    const entry: ResponseUrlTarget = {
      ...target,
      id,
      url: `${this.baseUrl}/respond/${id}`,
      createdAt: this.clock.now(),
      uses: 0,
    };
    this.responseUrls.set(id, entry);
    return entry;
  }

  // --------------------------------------------------------------- groups

  addUsergroup(input: AddUsergroupInput): Usergroup {
    const group: Usergroup = {
      id: input.id,
      handle: input.handle,
      name: input.name ?? input.handle,
      description: input.description ?? "",
      users: [...input.users],
      disabled: input.disabled ?? false,
      created: this.clock.nowSeconds(),
    };
    this.usergroups.set(group.id, group);
    return group;
  }

  // -------------------------------------------------------------- queries

  /**
   * Messages in a channel, oldest first, thread replies included. Slack's
   * system messages (channel_join, channel_topic…) are left out unless asked
   * for, since assertions are nearly always about what the app said.
   */
  messages(channelIdOrName: string, options: { includeSystem?: boolean } = {}): StoredMessage[] {
    const channel = this.channel(channelIdOrName);
    if (!channel) return [];
    const list = this.messageLog.get(channel.id) ?? [];
    if (options.includeSystem) return [...list];
    return list.filter((m) => !m.subtype || !SYSTEM_SUBTYPES.has(m.subtype));
  }

  /** A thread: its parent first, then replies in order. */
  thread(channelIdOrName: string, threadTs: string): StoredMessage[] {
    const channel = this.channel(channelIdOrName);
    if (!channel) return [];
    return (this.messageLog.get(channel.id) ?? []).filter((m) => m.ts === threadTs || m.threadTs === threadTs);
  }

  ephemerals(filter: string | { channel?: string; user?: string; includeDeleted?: boolean } = {}): EphemeralMessage[] {
    const f = typeof filter === "string" ? { channel: filter } : filter;
    const channelId = f.channel ? (this.channel(f.channel)?.id ?? f.channel) : undefined;
    const userId = f.user ? (this.user(f.user)?.id ?? f.user) : undefined;
    return this.ephemeralLog.filter(
      (m) => (f.includeDeleted || !m.deleted) && (!channelId || m.channel === channelId) && (!userId || m.user === userId),
    );
  }

  pins(channelIdOrName: string): (Pin & { message: StoredMessage | undefined })[] {
    const channel = this.channel(channelIdOrName);
    if (!channel) return [];
    return (this.pinLog.get(channel.id) ?? []).map((pin) => ({
      ...pin,
      message: this.findMessage(channel.id, pin.ts),
    }));
  }

  bookmarks(channelIdOrName: string): Bookmark[] {
    const channel = this.channel(channelIdOrName);
    return channel ? [...(this.bookmarkLog.get(channel.id) ?? [])] : [];
  }

  views(filter: { userId?: string; callbackId?: string; type?: "modal" | "home"; open?: boolean } = {}): StoredView[] {
    return [...this.viewStore.values()].filter(
      (v) =>
        (!filter.userId || v.userId === filter.userId) &&
        (!filter.callbackId || v.callbackId === filter.callbackId) &&
        (!filter.type || v.type === filter.type) &&
        (filter.open === undefined || (v.status === "open") === filter.open),
    );
  }

  view(viewId: string): StoredView | undefined {
    return this.viewStore.get(viewId);
  }

  homeView(userId: string): StoredView | undefined {
    const id = this.homeViews.get(userId);
    return id ? this.viewStore.get(id) : undefined;
  }

  /** The open modal stack a view belongs to, bottom first. */
  stackOf(view: StoredView): string[] {
    return this.viewStacks.get(view.rootViewId) ?? [];
  }
}
