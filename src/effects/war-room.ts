// The war room, step by step (runbook 002 phase 1 and runbook 000 section 5):
// channel, topic, invitations, the pinned card, bookmarks, announcements,
// posts and a word to the declarer. Each step is an outbox row, safe to run
// again after a crash or a 5xx; `warRoom.*` are the constructors workflows call.
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import type { AppContext } from "../context.js";
import { commanderOf } from "../domain/incident.js";
import { channelNameWithSuffix, incidentLabel } from "../domain/names.js";
import { ChannelResolver, findChannelByName, slackError } from "../integrations/slack.js";
import { announcement, incidentCard, plainIncidentTitle } from "../slack/blocks/incident-card.js";
import { failureMessage, renderMessage } from "../slack/blocks/messages.js";
import { uatStatusLine } from "../slack/blocks/uat-state.js";
import type { IncidentWithRoles } from "../store/incidents.js";
import { recordEvent } from "../store/timeline.js";
import { markersOf } from "../store/timeline-edits.js";
import { uatFacts } from "../store/uat.js";
import { appHomeSteps } from "./app-home.js";
import { defineStep, idOf, type OutboxRow, type Step } from "./define.js";
import { type MessageInput, messageSchema } from "./messages.js";
import { addEffects } from "./outbox.js";
import { postOnce, warRoomOf } from "./support.js";

const MAX_NAME_ATTEMPTS = 20;
const NONE = z.object({});
const afterChannel = () => ["channel"];
/**
 * After the declaration's announcement in `channel`, if it had one: that one
 * runs alongside the ordered steps, so a later message there (a severity
 * change, an update, the completion) would otherwise overtake it.
 */
const afterAnnounced = (channel: string): string[] => ["channel", announce.keyFor(channel)];

const createChannel = defineStep({
  prefix: "channel",
  params: z.object({ name: z.string().min(1), private: z.boolean() }),
  describe: (p) => `create the war-room channel #${p.name}`,
  dependsOn: () => [],
  async run(ctx, run) {
    // Linked already (the crash came after linking): nothing left to do.
    if (run.incident.warRoomChannelId) return { channelId: run.incident.warRoomChannelId, name: run.incident.warRoomChannelName };
    const base = run.params.name;
    const isPrivate = run.params.private;
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
});

async function linkWarRoom(ctx: AppContext, incident: IncidentWithRoles, channelId: string, name: string) {
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

const setTopic = defineStep({
  prefix: "topic",
  params: NONE,
  describe: () => "set the war room's topic and purpose",
  dependsOn: afterChannel,
  // The topic and purpose show no order against the war room's messages.
  concurrent: () => true,
  async run(ctx, run) {
    const channel = warRoomOf(run);
    const topic = `${plainIncidentTitle(run.incident)} | commander <@${commanderOf(run.incident) ?? ""}>`;
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
});

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

const invite = defineStep({
  prefix: "invite",
  params: z.object({ users: z.array(z.string()).optional() }),
  describe: () => "invite the commander, the declarer and on-call",
  dependsOn: afterChannel,
  concurrent: () => true,
  async run(ctx, run) {
    const channel = warRoomOf(run);
    const { oncall } = ctx.config.policy.people;
    const fromGroup = oncall.usergroup && ctx.usergroupMembers ? await ctx.usergroupMembers(oncall.usergroup) : [];
    const botId = await ctx.botUserId();
    const explicit = run.params.users;
    const wanted = (
      explicit ?? [...run.incident.roles.map((r) => r.userId), run.incident.declaredBy, ...oncall.users, ...fromGroup]
    ).filter((u, i, all) => u && u !== botId && all.indexOf(u) === i);
    const invited = await inviteAll(ctx.slack, channel, wanted);
    return { invited };
  },
});

/**
 * The App Home of the people concerned follows the card (issue 11): its own step, so a Home failure never holds the
 * card. No sync job is queued: the run in progress picks the new row up on its next pass (a second runner for the
 * same incident would find this run's steps running and take them for ambiguous).
 */
async function queueHomeRefresh(ctx: AppContext, incidentId: string, id: string): Promise<void> {
  await addEffects(ctx.prisma, incidentId, [appHomeSteps.refresh(id)]);
}

const postCard = defineStep({
  prefix: "card",
  params: NONE,
  describe: () => "post and pin the incident card",
  dependsOn: afterChannel,
  async run(ctx, run) {
    const channel = warRoomOf(run);
    const card = incidentCard(
      run.incident,
      ctx.config.policy,
      ctx.now(),
      await markersOf(ctx.prisma, run.incident),
      await uatLineOf(ctx, run.incident.id),
    );
    const ts = await postOnce(ctx, run, card, { channel });
    await queueHomeRefresh(ctx, run.incident.id, "card");
    await ctx.prisma.incident.update({ where: { id: run.incident.id }, data: { cardTs: ts } });
    try {
      await ctx.slack.pins.add({ channel, timestamp: ts });
    } catch (error) {
      if (slackError(error) !== "already_pinned") throw error;
    }
    return { ts };
  },
});

const refreshCard = defineStep({
  prefix: "card-refresh",
  params: NONE,
  describe: () => "update the incident card",
  dependsOn: () => ["card"],
  async run(ctx, run) {
    const channel = warRoomOf(run);
    await queueHomeRefresh(ctx, run.incident.id, idOf(run.effect.key));
    const ts = run.incident.cardTs;
    if (!ts) return { skipped: "no card yet" };
    // chat.update is idempotent: the latest state wins whichever refresh runs last.
    const card = incidentCard(
      run.incident,
      ctx.config.policy,
      ctx.now(),
      await markersOf(ctx.prisma, run.incident),
      await uatLineOf(ctx, run.incident.id),
    );
    await ctx.slack.chat.update({ channel, ts, text: card.text, blocks: card.blocks as never });
    return { ts };
  },
});

const bookmarks = defineStep({
  prefix: "bookmarks",
  params: NONE,
  describe: () => "bookmark the runbook and dashboards",
  dependsOn: afterChannel,
  concurrent: () => true,
  async run(ctx, run) {
    const channel = warRoomOf(run);
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
});

// One resolver per Slack client, so a channel's name is looked up once, not once per announcement.
const resolvers = new WeakMap<WebClient, ChannelResolver>();

/** An announcement channel (name or id), joined when public: the bot posts there and later reads back its own messages. */
export async function openChannel(ctx: AppContext, target: string): Promise<string> {
  let resolver = resolvers.get(ctx.slack);
  if (!resolver) {
    resolver = new ChannelResolver(ctx.slack);
    resolvers.set(ctx.slack, resolver);
  }
  const channel = await resolver.resolve(target);
  if (!channel.is_private) await ctx.slack.conversations.join({ channel: channel.id }).catch(() => undefined);
  return channel.id;
}

const announceParams = z.object({ channel: z.string().min(1), reason: z.enum(["declared", "severity"]) });

// Typed by hand: its dependencies name its own keys (afterAnnounced), which TypeScript cannot infer around.
const announce: Step<typeof announceParams> = defineStep({
  prefix: "announce",
  params: announceParams,
  describe: (p) => `announce in ${p.channel}`,
  // A severity change waits for the declaration's announcement in that channel (which runs alongside the ordered steps).
  dependsOn: (_key, p) => (p?.reason === "severity" ? afterAnnounced(p.channel) : afterChannel()),
  // The first announcements go to other channels, one step each: nothing to keep in order between them.
  concurrent: (p) => p.reason === "declared",
  async run(ctx, run) {
    const channel = await openChannel(ctx, run.params.channel);
    const ts = await postOnce(ctx, run, announcement(run.incident, ctx.now(), run.params.reason), { channel });
    return { channel, ts };
  },
});

const notifyDeclarer = defineStep({
  prefix: "notify-declarer",
  params: z.object({ channelId: z.string().optional(), responseUrl: z.string().optional() }),
  describe: () => "tell the declarer where the war room is",
  dependsOn: afterChannel,
  // Told where they typed, or by DM: not in the war room.
  concurrent: () => true,
  async run(ctx, run) {
    const channel = warRoomOf(run);
    const text = `:white_check_mark: ${incidentLabel(run.incident.number)} is declared. War room: <#${channel}>.`;
    const { responseUrl, channelId: where } = run.params;
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
});

const post = defineStep({
  prefix: "post",
  params: z.object({ message: messageSchema, channel: z.string().optional() }),
  describe: (p) => `post in ${p.channel ?? "the war room"}`,
  dependsOn: (_key, p) => (p?.channel ? afterAnnounced(p.channel) : afterChannel()),
  async run(ctx, run) {
    const channel = run.params.channel ? await openChannel(ctx, run.params.channel) : warRoomOf(run);
    const ts = await postOnce(ctx, run, renderMessage(run.params.message), { channel });
    return { channel, ts };
  },
});

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

/** Tells the war room (or, before there is one, the declarer) that a step gave up; the runner records it first. */
export async function reportFailedStep(ctx: AppContext, incident: IncidentWithRoles, what: string, why: string): Promise<void> {
  await ctx.slack.chat.postMessage({ channel: incident.warRoomChannelId ?? incident.declaredBy, text: failureMessage(what, why) });
}

/** The card's UAT line, from the UAT lane's store. */
async function uatLineOf(ctx: AppContext, incidentId: string): Promise<string> {
  return uatStatusLine(ctx.config.policy.uat.required, await uatFacts(ctx.prisma, incidentId));
}

/** The war room's steps, as workflows queue them. `id` tells repeated rows apart (a stamp). */
export const warRoom = {
  channel: (p: { name: string; private: boolean }): OutboxRow => createChannel.row(p),
  topic: (): OutboxRow => setTopic.row({}),
  /** Everyone the incident involves; with `users`, just them (a new role holder). */
  invite: (p: { users?: string[] } = {}, id?: string): OutboxRow => invite.row(p, id),
  card: (): OutboxRow => postCard.row({}),
  refreshCard: (id: string): OutboxRow => refreshCard.row({}, id),
  bookmarks: (): OutboxRow => bookmarks.row({}),
  /** In an announcement channel; the declare announcements have no id, later ones do. */
  announce: (p: { channel: string; reason: "declared" | "severity" }, id?: string): OutboxRow =>
    announce.row(p, id ? `${id}:${p.channel}` : p.channel),
  notifyDeclarer: (p: { channelId?: string; responseUrl?: string }): OutboxRow => notifyDeclarer.row(p),
  /** A message in the war room, or in `channel`; rendered by slack/blocks/messages.ts when it runs. */
  post: (message: MessageInput, id: string, channel?: string): OutboxRow =>
    post.row({ message, ...(channel ? { channel } : {}) }, channel ? `${id}:${channel}` : id),
  /** The keys other steps wait for. */
  keys: { post: (id: string) => post.keyFor(id), refreshCard: (id: string) => refreshCard.keyFor(id) },
};

export const WAR_ROOM_STEPS = [createChannel, setTopic, invite, postCard, refreshCard, bookmarks, announce, notifyDeclarer, post];
