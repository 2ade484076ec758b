// The model -> Slack's wire shapes. Every key written here exists in the
// sample responses under shared/specs/slack/api (checked by
// test/sandbox/slack-spec-conformance.test.ts), so the app never sees a key or
// a type real Slack would not send.
import { createHash } from "node:crypto";
import type { WorkspaceState } from "./state.js";
import type { Bookmark, JsonObject, SlackChannel, SlackUser, StoredFile, StoredMessage, StoredView, Usergroup } from "./types.js";

/** What Slack shows when a message has blocks but no top-level text. */
export const NO_TEXT_FALLBACK = "This content can't be displayed.";

const ZERO_TS = "0000000000.000000";

// ------------------------------------------------------------------ users

/** Seconds east of UTC, DST included, as Slack's tz_offset. */
export function tzOffsetSeconds(tz: string, at: Date = new Date()): number {
  const name = new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: "longOffset" })
    .formatToParts(at)
    .find((p) => p.type === "timeZoneName")?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? "");
  if (!match) return 0;
  const [, sign, hours, minutes] = match;
  const seconds = Number(hours) * 3600 + Number(minutes) * 60;
  return sign === "-" ? -seconds : seconds;
}

export function tzLabel(tz: string, at: Date = new Date()): string {
  return (
    new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: "long" }).formatToParts(at).find((p) => p.type === "timeZoneName")
      ?.value ?? tz
  );
}

function avatar(seed: string, size: number): string {
  return `https://avatars.slack-edge.example/${seed}_${size}.png`;
}

export function renderUser(
  user: SlackUser,
  state: WorkspaceState,
  options: { includeEmail: boolean; flavor?: "info" | "lookup" } = { includeEmail: true },
): JsonObject {
  const hash = createHash("md5").update(user.id).digest("hex").slice(0, 12);
  const [first = "", ...rest] = user.realName.split(" ");
  const profile: JsonObject = {
    title: user.title,
    phone: "",
    skype: "",
    real_name: user.realName,
    real_name_normalized: user.realName,
    display_name: user.displayName,
    display_name_normalized: user.displayName,
    status_text: "",
    status_emoji: "",
    status_expiration: 0,
    avatar_hash: hash,
    first_name: first,
    last_name: rest.join(" "),
    image_24: avatar(hash, 24),
    image_32: avatar(hash, 32),
    image_48: avatar(hash, 48),
    image_72: avatar(hash, 72),
    image_192: avatar(hash, 192),
    image_512: avatar(hash, 512),
    status_text_canonical: "",
    team: state.team.id,
  };
  // Slack hides the address without users:read.email.
  if (options.includeEmail && user.email) profile.email = user.email;
  if (user.isBot && options.flavor !== "lookup") {
    profile.bot_id = user.botId;
    profile.api_app_id = user.appId;
    profile.always_active = true;
  }
  const out: JsonObject = {
    id: user.id,
    team_id: state.team.id,
    name: user.name,
    deleted: user.deleted,
    color: `${hash.slice(0, 6)}`,
    real_name: user.realName,
  };
  // Deactivated users come back without time zone or role flags.
  if (!user.deleted) {
    out.tz = user.tz;
    out.tz_label = tzLabel(user.tz);
    out.tz_offset = tzOffsetSeconds(user.tz);
  }
  out.profile = profile;
  if (!user.deleted) {
    out.is_admin = user.isAdmin;
    out.is_owner = user.isOwner;
    out.is_primary_owner = user.isOwner;
    out.is_restricted = user.isRestricted;
    out.is_ultra_restricted = false;
  }
  out.is_bot = user.isBot;
  out.is_app_user = false;
  out.updated = user.updated;
  out.is_email_confirmed = !user.isBot && user.email !== undefined;
  out.who_can_share_contact_card = "EVERYONE";
  return out;
}

// --------------------------------------------------------------- channels

export type ChannelFlavor = "create" | "info" | "invite" | "join" | "topic" | "list";

export function renderChannel(
  channel: SlackChannel,
  state: WorkspaceState,
  flavor: ChannelFlavor,
  options: { numMembers?: boolean } = {},
): JsonObject {
  if (channel.kind === "im") {
    const out: JsonObject = {
      id: channel.id,
      created: channel.created,
      is_archived: false,
      is_im: true,
      is_org_shared: false,
      context_team_id: state.team.id,
      updated: channel.updated,
    };
    // Slack's samples show the DM partner only in listings.
    if (flavor === "list") {
      out.user = channel.imUser;
      out.is_user_deleted = state.users.get(channel.imUser ?? "")?.deleted ?? false;
      out.priority = 0;
    }
    return out;
  }
  const member = state.botIsMember(channel);
  const out: JsonObject = {
    id: channel.id,
    name: channel.name,
    is_channel: true,
    is_group: false,
    is_im: false,
    is_mpim: channel.kind === "mpim",
    is_private: channel.kind !== "public",
    created: channel.created,
    is_archived: channel.isArchived,
    is_general: channel.isGeneral,
    unlinked: 0,
    name_normalized: channel.name,
    is_shared: false,
    is_org_shared: false,
    is_ext_shared: false,
    is_pending_ext_shared: false,
    pending_shared: [],
    pending_connected_team_ids: [],
    shared_team_ids: [state.team.id],
    context_team_id: state.team.id,
    updated: channel.updated,
    creator: channel.creator,
    is_member: member,
  };
  // Slack sends last_read only to members.
  if (member) out.last_read = ZERO_TS;
  out.topic = {
    value: channel.topic.value,
    creator: channel.topic.creator,
    last_set: channel.topic.lastSet,
  };
  out.purpose = {
    value: channel.purpose.value,
    creator: channel.purpose.creator,
    last_set: channel.purpose.lastSet,
  };
  out.previous_names = [...channel.previousNames];
  switch (flavor) {
    case "create":
      out.is_open = true;
      out.priority = 0;
      break;
    case "join":
      out.priority = 0;
      break;
    case "invite":
      out.is_open = true;
      break;
    case "info":
    case "list":
      out.is_read_only = false;
      out.is_thread_only = false;
      out.is_non_threadable = false;
      out.is_org_default = false;
      out.is_org_mandatory = false;
      out.is_global_shared = false;
      out.conversation_host_id = state.team.id;
      out.internal_team_ids = [];
      break;
    case "topic":
      break;
  }
  if (options.numMembers) out.num_members = channel.members.length;
  return out;
}

// --------------------------------------------------------------- messages

export type MessageFlavor = "post" | "update" | "history" | "payload";

function botProfile(state: WorkspaceState, message: StoredMessage, withUser: boolean): JsonObject {
  const user = state.users.get(message.user);
  const profile: JsonObject = {
    id: message.botId,
    deleted: false,
    name: user?.name ?? "bot",
    updated: user?.updated ?? 0,
    app_id: message.appId,
    icons: {
      image_36: avatar(message.botId ?? "bot", 36),
      image_48: avatar(message.botId ?? "bot", 48),
      image_72: avatar(message.botId ?? "bot", 72),
    },
    team_id: state.team.id,
  };
  if (withUser) profile.user_id = message.user;
  return profile;
}

export function renderMessage(message: StoredMessage, state: WorkspaceState, flavor: MessageFlavor): JsonObject {
  const out: JsonObject = {};
  if (message.botId) out.bot_id = message.botId;
  out.type = "message";
  if (message.subtype) out.subtype = message.subtype;
  out.text = message.text;
  out.user = message.user;
  if (flavor !== "update") out.ts = message.ts;
  if (message.appId) out.app_id = message.appId;
  if (message.blocks) out.blocks = message.blocks;
  if (message.attachments) out.attachments = message.attachments;
  out.team = state.team.id;
  if (message.botId) out.bot_profile = botProfile(state, message, flavor === "post");
  if (message.metadata && flavor !== "history") out.metadata = message.metadata;
  const isReply = message.threadTs !== undefined && message.threadTs !== message.ts;
  if (flavor !== "update" && message.threadTs) {
    out.thread_ts = message.threadTs;
    if (isReply) {
      const parent = state.findMessage(message.channel, message.threadTs);
      if (parent) out.parent_user_id = parent.user;
    }
  }
  if (flavor === "history" || flavor === "payload") {
    if (message.replyCount > 0) {
      out.reply_count = message.replyCount;
      out.reply_users_count = message.replyUsers.length;
      out.latest_reply = message.latestReply;
      out.reply_users = [...message.replyUsers];
    }
    if (message.reactions.length > 0) {
      out.reactions = message.reactions.map((r) => ({
        name: r.name,
        users: [...r.users],
        count: r.users.length,
      }));
    }
    Object.assign(out, message.extra);
  }
  if (message.edited && flavor !== "post") out.edited = { ...message.edited };
  if (message.files.length > 0) {
    out.files = message.files
      .map((id) => state.files.get(id))
      .filter((f): f is StoredFile => f !== undefined)
      .map((f) => renderFile(f, state));
    out.upload = true;
    out.display_as_bot = false;
  }
  return out;
}

// ------------------------------------------------------------------ views

export function renderView(view: StoredView, state: WorkspaceState): JsonObject {
  const d = view.definition;
  const out: JsonObject = {
    id: view.id,
    team_id: state.team.id,
    type: view.type,
    blocks: view.blocks,
    private_metadata: view.privateMetadata,
    callback_id: view.callbackId,
    state: { values: view.stateValues },
    hash: view.hash,
    title: d.title ?? null,
    clear_on_close: d.clear_on_close === true,
    notify_on_close: d.notify_on_close === true,
    close: d.close ?? null,
    submit: d.submit ?? null,
    previous_view_id: view.previousViewId,
    root_view_id: view.rootViewId,
    app_id: state.bot.appId,
    external_id: view.externalId,
    app_installed_team_id: state.team.id,
    bot_id: state.bot.botId,
  };
  if (view.type === "modal") out.submit_disabled = d.submit_disabled === true;
  return out;
}

// ----------------------------------------------------------------- others

export function renderUsergroup(
  group: Usergroup,
  state: WorkspaceState,
  options: { includeUsers: boolean; includeCount: boolean },
): JsonObject {
  const users = group.users.filter((id) => !state.users.get(id)?.deleted);
  const out: JsonObject = {
    id: group.id,
    team_id: state.team.id,
    is_usergroup: true,
    is_subteam: true,
    name: group.name,
    description: group.description,
    handle: group.handle,
    is_external: false,
    date_create: group.created,
    date_update: group.created,
    date_delete: group.disabled ? group.created : 0,
    auto_provision: false,
    enterprise_subteam_id: "",
    created_by: state.bot.userId,
    updated_by: state.bot.userId,
    deleted_by: null,
    prefs: { channels: [], groups: [] },
  };
  if (options.includeUsers) out.users = users;
  if (options.includeCount) out.user_count = users.length;
  return out;
}

export function renderBookmark(bookmark: Bookmark, state: WorkspaceState): JsonObject {
  return {
    id: bookmark.id,
    channel_id: bookmark.channelId,
    title: bookmark.title,
    link: bookmark.link,
    emoji: bookmark.emoji,
    icon_url: "",
    type: bookmark.type,
    entity_id: bookmark.entityId ?? null,
    date_created: bookmark.dateCreated,
    date_updated: bookmark.dateUpdated,
    rank: bookmark.rank,
    last_updated_by_user_id: bookmark.lastUpdatedBy,
    last_updated_by_team_id: state.team.id,
    shortcut_id: null,
    app_id: bookmark.appId ?? null,
  };
}

const MIME_TYPES: Record<string, [string, string]> = {
  md: ["text/markdown", "markdown"],
  txt: ["text/plain", "text"],
  json: ["application/json", "json"],
  csv: ["text/csv", "csv"],
  pdf: ["application/pdf", "pdf"],
  png: ["image/png", "png"],
  html: ["text/html", "html"],
  log: ["text/plain", "text"],
};

export function renderFile(file: StoredFile, state: WorkspaceState): JsonObject {
  const extension = file.filename.split(".").pop()?.toLowerCase() ?? "";
  const [mimetype, filetype] = MIME_TYPES[extension] ?? ["application/octet-stream", "binary"];
  const url = `${state.baseUrl}/files/${file.id}/${encodeURIComponent(file.filename)}`;
  const out: JsonObject = {
    id: file.id,
    created: file.created,
    timestamp: file.created,
    name: file.filename,
    title: file.title,
    mimetype,
    filetype,
    pretty_type: filetype.toUpperCase(),
    user: file.user,
    user_team: state.team.id,
    editable: false,
    size: file.content?.length ?? file.declaredLength,
    mode: "hosted",
    is_external: false,
    external_type: "",
    is_public: file.channels.some((id) => state.channels.get(id)?.kind === "public"),
    public_url_shared: false,
    display_as_bot: false,
    username: "",
    url_private: url,
    url_private_download: `${url}?download=1`,
    permalink: `https://${state.team.domain}.slack.com/files/${file.user}/${file.id}/${file.filename}`,
    permalink_public: `https://slack-files.com/${state.team.id}-${file.id}`,
    comments_count: 0,
    is_starred: false,
    shares: {},
    channels: file.channels.filter((id) => state.channels.get(id)?.kind === "public"),
    groups: file.channels.filter((id) => state.channels.get(id)?.kind === "private"),
    ims: file.channels.filter((id) => state.channels.get(id)?.kind === "im"),
    has_rich_preview: false,
    file_access: "visible",
  };
  if (file.altText) out.alt_txt = file.altText;
  return out;
}

export function permalink(state: WorkspaceState, channelId: string, message: StoredMessage): string {
  const base = `https://${state.team.domain}.slack.com/archives/${channelId}/p${message.ts.replace(".", "")}`;
  if (message.threadTs && message.threadTs !== message.ts) {
    return `${base}?thread_ts=${message.threadTs}&cid=${channelId}`;
  }
  return base;
}
