// The war room, step by step (runbook 002 phase 1 and runbook 000 section 5):
// channel, topic, invitations, the pinned card, bookmarks, announcements and
// a word to the declarer. Each step is an effect in the incident's outbox,
// safe to run again after a crash or a 5xx.
import type { WebClient } from "@slack/web-api";
import { channelNameWithSuffix, incidentLabel } from "../domain/names.js";
import { announcement, incidentCard, incidentTitle } from "../domain/render/incident-card.js";
import {
  ChannelResolver,
  effectMetadata,
  findChannelByName,
  findEffectMessage,
  slackError,
  usergroupMembers,
} from "../integrations/slack.js";
import type { EffectDefinition, EffectRun } from "../jobs/side-effects.js";
import type { IncidentWithRoles } from "../store/incidents.js";
import { recordEvent } from "../store/timeline.js";
import type { WorkflowContext } from "./context.js";

const MAX_NAME_ATTEMPTS = 20;

async function postOnce(
  ctx: WorkflowContext,
  run: EffectRun,
  channel: string,
  message: { text: string; blocks?: unknown[] },
): Promise<string> {
  if (run.ambiguous) {
    const existing = await findEffectMessage(ctx.slack, channel, run.incident.id, run.effect.key, run.effect.createdAt);
    if (existing) return existing;
  }
  const res = await ctx.slack.chat.postMessage({
    channel,
    text: message.text,
    ...(message.blocks ? { blocks: message.blocks as never } : {}),
    metadata: effectMetadata(run.incident.id, run.effect.key),
    unfurl_links: false,
  });
  return res.ts ?? "";
}

function warRoomId(run: EffectRun): string {
  const id = run.incident.warRoomChannelId ?? (run.results.get("channel")?.channelId as string | undefined);
  if (!id) throw new Error("war room not created yet");
  return id;
}

const createChannel: EffectDefinition = {
  prefix: "channel",
  describe: (_k, p) => `create the war-room channel #${String(p.name)}`,
  dependsOn: () => [],
  async run(ctx, run) {
    // Linked already (the crash came after linking): nothing left to do.
    if (run.incident.warRoomChannelId) return { channelId: run.incident.warRoomChannelId, name: run.incident.warRoomChannelName };
    const base = String(run.params.name);
    const isPrivate = Boolean(run.params.private);
    const botId = await ctx.botUserId();
    for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
      const name = channelNameWithSuffix(base, attempt);
      try {
        const res = await ctx.slack.conversations.create({ name, is_private: isPrivate });
        const channelId = res.channel?.id;
        if (!channelId) throw new Error("conversations.create returned no channel id");
        return linkWarRoom(ctx, run.incident, channelId, res.channel?.name ?? name);
      } catch (error) {
        if (slackError(error) !== "name_taken") throw error;
        // After a crash mid-call the channel may be ours already: adopt it
        // rather than making a second one.
        if (run.ambiguous) {
          const existing = await findChannelByName(ctx.slack, name);
          const owner = existing && (await ctx.prisma.incident.findUnique({ where: { warRoomChannelId: existing.id } }));
          const claimed = owner && owner.id !== run.incident.id;
          if (
            existing &&
            existing.creator === botId &&
            !claimed &&
            (existing.created ?? 0) * 1000 >= run.effect.createdAt.getTime() - 5_000
          ) {
            return linkWarRoom(ctx, run.incident, existing.id, existing.name);
          }
        }
      }
    }
    throw new Error(`no free channel name after ${MAX_NAME_ATTEMPTS} tries (${base}-2 ... -${MAX_NAME_ATTEMPTS})`);
  },
};

async function linkWarRoom(ctx: WorkflowContext, incident: IncidentWithRoles, channelId: string, name: string) {
  await ctx.prisma.$transaction(async (tx) => {
    await tx.incident.update({ where: { id: incident.id }, data: { warRoomChannelId: channelId, warRoomChannelName: name } });
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "war_room_created",
      summary: `War room #${name} opened`,
      data: { channelId, name },
      occurredAt: ctx.now(),
    });
  });
  return { channelId, name };
}

const setTopic: EffectDefinition = {
  prefix: "topic",
  describe: () => "set the war room's topic and purpose",
  dependsOn: () => ["channel"],
  async run(ctx, run) {
    const channel = warRoomId(run);
    const topic = `${incidentTitle(run.incident)} | commander <@${run.incident.roles.find((r) => r.role === "commander")?.userId ?? ""}>`;
    await ctx.slack.conversations.setTopic({ channel, topic: topic.slice(0, 250) });
    await ctx.slack.conversations.setPurpose({
      channel,
      purpose: `War room for ${incidentLabel(run.incident.number)}. /hotfix status for the state, /hotfix help for the verbs.`.slice(
        0,
        250,
      ),
    });
    return {};
  },
};

async function inviteAll(client: WebClient, channel: string, users: string[]): Promise<string[]> {
  if (users.length === 0) return [];
  try {
    await client.conversations.invite({ channel, users: users.join(",") });
    return users;
  } catch (error) {
    const code = slackError(error);
    if (code === "already_in_channel") return users;
    if (!code || users.length === 1) {
      // A person-specific refusal for one user must not cost the others their invitation.
      if (
        ["cant_invite_self", "user_is_bot", "user_not_found", "user_is_restricted", "already_in_channel", "cant_invite"].includes(
          code ?? "",
        )
      )
        return [];
      throw error;
    }
  }
  const invited: string[] = [];
  for (const user of users) invited.push(...(await inviteAll(client, channel, [user])));
  return invited;
}

const invite: EffectDefinition = {
  prefix: "invite",
  describe: () => "invite the commander, the declarer and on-call",
  dependsOn: () => ["channel"],
  async run(ctx, run) {
    const channel = warRoomId(run);
    const { oncall } = ctx.config.policy.people;
    const fromGroup = oncall.usergroup ? await usergroupMembers(ctx.slack, oncall.usergroup) : [];
    const botId = await ctx.botUserId();
    const explicit = Array.isArray(run.params.users) ? (run.params.users as string[]) : undefined;
    const wanted = (
      explicit ?? [...run.incident.roles.map((r) => r.userId), run.incident.declaredBy, ...oncall.users, ...fromGroup]
    ).filter((u, i, all) => u && u !== botId && all.indexOf(u) === i);
    const invited = await inviteAll(ctx.slack, channel, wanted);
    return { invited };
  },
};

const postCard: EffectDefinition = {
  prefix: "card",
  describe: () => "post and pin the incident card",
  dependsOn: () => ["channel"],
  async run(ctx, run) {
    const channel = warRoomId(run);
    const ts = await postOnce(ctx, run, channel, incidentCard(run.incident, ctx.config.policy, ctx.now()));
    await ctx.prisma.incident.update({ where: { id: run.incident.id }, data: { cardTs: ts } });
    try {
      await ctx.slack.pins.add({ channel, timestamp: ts });
    } catch (error) {
      if (slackError(error) !== "already_pinned") throw error;
    }
    return { ts };
  },
};

const refreshCard: EffectDefinition = {
  prefix: "card-refresh:",
  describe: () => "update the incident card",
  dependsOn: () => ["card"],
  async run(ctx, run) {
    const channel = warRoomId(run);
    const ts = run.incident.cardTs;
    if (!ts) return { skipped: "no card yet" };
    // chat.update is idempotent: the latest state wins whichever refresh runs last.
    const card = incidentCard(run.incident, ctx.config.policy, ctx.now());
    await ctx.slack.chat.update({ channel, ts, text: card.text, blocks: card.blocks as never });
    return { ts };
  },
};

const bookmarks: EffectDefinition = {
  prefix: "bookmarks",
  describe: () => "bookmark the runbook and dashboards",
  dependsOn: () => ["channel"],
  async run(ctx, run) {
    const channel = warRoomId(run);
    const { links } = ctx.config.policy;
    const wanted = [
      ["Runbook", links.runbook],
      ["Sentry", links.sentry],
      ["Dashboard", links.dashboard],
      ["Ticket", run.incident.ticketUrl],
    ].filter((entry): entry is [string, string] => Boolean(entry[1]));
    const existing = await ctx.slack.bookmarks.list({ channel_id: channel }).catch(() => ({ bookmarks: [] }));
    const have = new Set((existing.bookmarks ?? []).map((b) => b.title));
    const added: string[] = [];
    for (const [title, link] of wanted) {
      if (have.has(title)) continue;
      await ctx.slack.bookmarks.add({ channel_id: channel, title, type: "link", link });
      added.push(title);
    }
    return { added };
  },
};

// One resolver per Slack client, so a channel's name is looked up once, not once per announcement.
const resolvers = new WeakMap<WebClient, ChannelResolver>();

/** An announcement channel (name or id), joined when public: the bot posts there and later reads back its own messages. */
async function openChannel(ctx: WorkflowContext, target: string): Promise<string> {
  let resolver = resolvers.get(ctx.slack);
  if (!resolver) {
    resolver = new ChannelResolver(ctx.slack);
    resolvers.set(ctx.slack, resolver);
  }
  const channel = await resolver.resolve(target);
  if (!channel.is_private) await ctx.slack.conversations.join({ channel: channel.id }).catch(() => undefined);
  return channel.id;
}

const announce: EffectDefinition = {
  prefix: "announce:",
  describe: (key) => `announce in ${key.split(":").pop()}`,
  dependsOn: () => ["channel"],
  async run(ctx, run) {
    const target = String(run.params.channel ?? run.effect.key.split(":").pop());
    const channel = await openChannel(ctx, target);
    const reason = run.params.reason === "severity" ? "severity" : "declared";
    const ts = await postOnce(ctx, run, channel, announcement(run.incident, ctx.now(), reason));
    return { channel, ts };
  },
};

const notifyDeclarer: EffectDefinition = {
  prefix: "notify-declarer",
  describe: () => "tell the declarer where the war room is",
  dependsOn: () => ["channel"],
  async run(ctx, run) {
    const channel = warRoomId(run);
    const text = `:white_check_mark: ${incidentLabel(run.incident.number)} is declared. War room: <#${channel}>.`;
    const responseUrl = typeof run.params.responseUrl === "string" ? run.params.responseUrl : undefined;
    const where = typeof run.params.channelId === "string" ? run.params.channelId : undefined;
    // response_url first: it reaches the declarer where they typed, whether or not the bot is in that channel.
    if (responseUrl && (await postToResponseUrl(responseUrl, text))) return { via: "response_url" };
    try {
      if (!where) throw new Error("no origin channel");
      await ctx.slack.chat.postEphemeral({ channel: where, user: run.incident.declaredBy, text });
      return { via: "ephemeral" };
    } catch {
      await ctx.slack.chat.postMessage({ channel: run.incident.declaredBy, text });
      return { via: "dm" };
    }
  },
};

const post: EffectDefinition = {
  prefix: "post:",
  describe: (_k, p) => `post in ${String(p.channel ?? "the war room")}`,
  dependsOn: () => ["channel"],
  async run(ctx, run) {
    const channel = typeof run.params.channel === "string" ? await openChannel(ctx, run.params.channel) : warRoomId(run);
    const ts = await postOnce(ctx, run, channel, {
      text: String(run.params.text ?? ""),
      ...(run.params.blocks ? { blocks: run.params.blocks as unknown[] } : {}),
    });
    return { channel, ts };
  },
};

async function postToResponseUrl(url: string, text: string): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ response_type: "ephemeral", text }),
      signal: AbortSignal.timeout(5_000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

export const WAR_ROOM_EFFECTS: EffectDefinition[] = [
  createChannel,
  setTopic,
  invite,
  postCard,
  refreshCard,
  bookmarks,
  announce,
  notifyDeclarer,
  post,
];
