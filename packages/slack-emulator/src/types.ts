// The emulator's in-memory model of a Slack workspace. Field names are
// camelCase here; Slack's snake_case shapes are produced by render.ts, so the
// model can change without changing what goes over the wire.

export type JsonObject = Record<string, unknown>;

export interface SlackUser {
  id: string;
  name: string;
  realName: string;
  displayName: string;
  email: string | undefined;
  isBot: boolean;
  /** Set for bot users: the bot's `B…` id and the app that owns it. */
  botId: string | undefined;
  appId: string | undefined;
  deleted: boolean;
  isAdmin: boolean;
  isOwner: boolean;
  isRestricted: boolean;
  tz: string;
  title: string;
  updated: number;
}

export interface TopicOrPurpose {
  value: string;
  creator: string;
  lastSet: number;
}

export type ChannelKind = "public" | "private" | "im" | "mpim";

export interface SlackChannel {
  id: string;
  name: string;
  kind: ChannelKind;
  isArchived: boolean;
  isGeneral: boolean;
  created: number;
  creator: string;
  /** Member user ids in join order (Slack lists members that way). */
  members: string[];
  topic: TopicOrPurpose;
  purpose: TopicOrPurpose;
  previousNames: string[];
  updated: number;
  /** For an IM: the human on the other side of the bot. */
  imUser: string | undefined;
}

export interface Reaction {
  name: string;
  users: string[];
}

export interface StoredMessage {
  channel: string;
  ts: string;
  /** Author: a user id (for the bot, its bot user id). */
  user: string;
  /** Present when a bot posted it. */
  botId: string | undefined;
  appId: string | undefined;
  text: string;
  blocks: JsonObject[] | undefined;
  attachments: JsonObject[] | undefined;
  metadata: JsonObject | undefined;
  /** Slack's system messages (channel_join, channel_topic, …) and thread_broadcast. */
  subtype: string | undefined;
  threadTs: string | undefined;
  replyUsers: string[];
  replyCount: number;
  latestReply: string | undefined;
  edited: { user: string; ts: string } | undefined;
  reactions: Reaction[];
  files: string[];
  /** Extra keys of system messages (topic, purpose, inviter). */
  extra: JsonObject;
  /** Every text/blocks version, oldest first, so tests can see edits. */
  history: { text: string; blocks: JsonObject[] | undefined; at: number }[];
}

export interface EphemeralMessage {
  channel: string;
  /** The only user who sees it. */
  user: string;
  ts: string;
  text: string;
  blocks: JsonObject[] | undefined;
  attachments: JsonObject[] | undefined;
  threadTs: string | undefined;
  /** How it got there: chat.postEphemeral, a response_url, or a slash command's ack body. */
  source: "chat.postEphemeral" | "response_url" | "command_response";
  /** Replaced or deleted through a response_url (Slack keeps no trace; we do for tests). */
  deleted: boolean;
  history: { text: string; blocks: JsonObject[] | undefined; at: number }[];
}

export interface Pin {
  channel: string;
  ts: string;
  created: number;
  createdBy: string;
}

export interface Bookmark {
  id: string;
  channelId: string;
  title: string;
  link: string;
  emoji: string;
  type: string;
  entityId: string | undefined;
  dateCreated: number;
  dateUpdated: number;
  rank: string;
  lastUpdatedBy: string;
  appId: string | undefined;
}

export interface Usergroup {
  id: string;
  handle: string;
  name: string;
  description: string;
  users: string[];
  disabled: boolean;
  created: number;
}

export interface StoredFile {
  id: string;
  filename: string;
  title: string;
  /** Length announced to files.getUploadURLExternal. */
  declaredLength: number;
  content: Buffer | undefined;
  uploaded: boolean;
  completed: boolean;
  channels: string[];
  user: string;
  created: number;
  altText: string | undefined;
  snippetType: string | undefined;
}

export type ViewType = "modal" | "home";

export interface StoredView {
  id: string;
  type: ViewType;
  /** Whose screen it is on. */
  userId: string;
  /** The view JSON as the app sent it, with block/action ids Slack filled in. */
  definition: JsonObject;
  blocks: JsonObject[];
  callbackId: string;
  privateMetadata: string;
  externalId: string;
  title: string;
  hash: string;
  rootViewId: string;
  previousViewId: string | null;
  /** state.values: block_id -> action_id -> element state. */
  stateValues: Record<string, Record<string, JsonObject>>;
  status: "open" | "closed";
  openedAt: number;
  updatedAt: number;
  /** Every definition this view has had, oldest first. */
  history: { hash: string; definition: JsonObject; at: number }[];
}

export interface Trigger {
  id: string;
  userId: string;
  issuedAt: number;
  used: boolean;
  /** The view the interaction came from, so views.push knows which stack to push on. */
  viewId: string | undefined;
}

/** What a response_url points back at. */
export interface ResponseUrlTarget {
  id: string;
  url: string;
  channel: string;
  userId: string;
  /** The message the interaction happened on, when there is one. */
  messageTs: string | undefined;
  isEphemeral: boolean;
  createdAt: number;
  uses: number;
  source: string;
}

export interface ResponseUrlPost {
  id: string;
  target: ResponseUrlTarget;
  body: JsonObject;
  status: number;
  at: number;
}

export interface ApiCall {
  method: string;
  /** Parsed body and query, token removed, JSON-string fields (blocks, view…) decoded. */
  params: JsonObject;
  status: number;
  response: JsonObject;
  /** True when the answer came from an injected fault or a rate limit. */
  injected: boolean;
  at: number;
  durationMs: number;
}
