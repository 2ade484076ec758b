// The UAT lane's Slack steps (runbook 000 section 3, runbook 001 section 3):
// invite the stakeholders, post the schedule and the checklist, update the
// checklist in place, post each piece of feedback (its thread gets the Linear
// link), the lane's messages, and the summary for product leadership. Each is
// an outbox row, safe to run again after a crash: posts look for what an
// earlier attempt posted before posting.
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import type { AppContext } from "../context.js";
import { prioritise } from "../domain/uat.js";
import { ChannelResolver, EFFECT_EVENT_TYPE, effectMetadata, permalinkOf, slackError } from "../integrations/slack.js";
import { PermanentEffectError } from "../jobs/side-effects.js";
import { checklistMessage, feedbackPost, summaryMessage, uatMessage } from "../slack/blocks/uat.js";
import { uatFactsWords } from "../slack/blocks/uat-state.js";
import { checklistOf, feedbackOf, findFeedback, findSession, latestSession, uatFacts } from "../store/uat.js";
import { defineStep, idOf, type OutboxRow } from "./define.js";
import { postOnce, warRoomOf } from "./support.js";
import { type UatMessage, uatMessageSchema } from "./uat-messages.js";

const afterChannel = () => ["channel"];

/** Invites people one call at a time, so one refusal (a bot, a deactivated account) costs nobody else the invitation. */
async function inviteEach(client: WebClient, channel: string, users: string[]): Promise<string[]> {
  const invited: string[] = [];
  for (const user of users) {
    try {
      await client.conversations.invite({ channel, users: user });
      invited.push(user);
    } catch (error) {
      const code = slackError(error);
      if (code === "already_in_channel") invited.push(user);
      else if (!["cant_invite_self", "user_is_bot", "user_not_found", "user_is_restricted", "cant_invite"].includes(code ?? ""))
        throw error;
    }
  }
  return invited;
}

const invite = defineStep({
  prefix: "uat-invite",
  params: z.object({ users: z.array(z.string()), groups: z.array(z.string()) }),
  describe: () => "invite the UAT stakeholders to the war room",
  dependsOn: afterChannel,
  async run(ctx, run) {
    const channel = warRoomOf(run);
    const fromGroups: string[] = [];
    for (const group of run.params.groups) if (ctx.usergroupMembers) fromGroups.push(...(await ctx.usergroupMembers(group)));
    const botId = await ctx.botUserId();
    const wanted = [...run.params.users, ...fromGroups].filter((u, i, all) => u && u !== botId && all.indexOf(u) === i);
    return { invited: await inviteEach(ctx.slack, channel, wanted) };
  },
});

const post = defineStep({
  prefix: "uat-post",
  params: z.object({ message: uatMessageSchema }),
  describe: () => "post a UAT message in the war room",
  dependsOn: afterChannel,
  async run(ctx, run) {
    return { ts: await postOnce(ctx, run, uatMessage(run.params.message)) };
  },
});

const postChecklist = defineStep({
  prefix: "uat-checklist",
  params: z.object({ sessionId: z.string() }),
  describe: () => "post the UAT checklist",
  dependsOn: afterChannel,
  async run(ctx, run) {
    const session = await findSession(ctx.prisma, run.params.sessionId);
    if (!session) throw new PermanentEffectError("the UAT session is gone");
    const channel = warRoomOf(run);
    const message = checklistMessage({
      number: run.incident.number,
      sessionId: session.id,
      incidentId: run.incident.id,
      checklist: checklistOf(session),
      status: session.status,
    });
    const ts = await postOnce(ctx, run, message, { channel });
    await ctx.prisma.uatSession.update({ where: { id: session.id }, data: { checklistChannel: channel, checklistTs: ts } });
    return { ts };
  },
});

/** The key is `uat-checklist-refresh:<sessionId>:<stamp>`: it waits for that session's checklist post. */
const refreshChecklist = defineStep({
  prefix: "uat-checklist-refresh",
  params: z.object({ sessionId: z.string() }),
  describe: () => "update the UAT checklist message",
  dependsOn: (key) => [`uat-checklist:${idOf(key).split(":")[0]}`],
  async run(ctx, run) {
    const session = await findSession(ctx.prisma, run.params.sessionId);
    if (!session?.checklistTs || !session.checklistChannel) return { skipped: "no checklist message" };
    // chat.update is idempotent and reads the latest state: whichever refresh runs last shows every click.
    const message = checklistMessage({
      number: run.incident.number,
      sessionId: session.id,
      incidentId: run.incident.id,
      checklist: checklistOf(session),
      status: session.status,
    });
    await ctx.slack.chat.update({
      channel: session.checklistChannel,
      ts: session.checklistTs,
      text: message.text,
      blocks: message.blocks as never,
    });
    return { ts: session.checklistTs };
  },
});

const postFeedback = defineStep({
  prefix: "uat-feedback-post",
  params: z.object({ feedbackId: z.string() }),
  describe: () => "post the UAT feedback in the war room",
  dependsOn: afterChannel,
  async run(ctx, run) {
    const feedback = await findFeedback(ctx.prisma, run.params.feedbackId);
    if (!feedback) throw new PermanentEffectError("the feedback is gone");
    const channel = warRoomOf(run);
    const ts = feedback.slackTs ?? (await postOnce(ctx, run, feedbackPost(run.incident.number, feedback), { channel }));
    const permalink = feedback.permalink ?? (await permalinkOf(ctx.slack, channel, ts)) ?? null;
    await ctx.prisma.uatFeedback.update({ where: { id: feedback.id }, data: { slackChannel: channel, slackTs: ts, permalink } });
    return { ts };
  },
});

/** A reply in the feedback's thread; an earlier attempt's reply is found (by its metadata) before posting again. */
const reply = defineStep({
  prefix: "uat-reply",
  params: z.object({ feedbackId: z.string(), message: uatMessageSchema }),
  describe: () => "reply in the UAT feedback's thread",
  dependsOn: (key) => ["channel", `uat-feedback-post:${idOf(key).split(":")[0]}`],
  async run(ctx, run) {
    const feedback = await findFeedback(ctx.prisma, run.params.feedbackId);
    if (!feedback) throw new PermanentEffectError("the feedback is gone");
    const channel = feedback.slackChannel ?? warRoomOf(run);
    const rendered = uatMessage(run.params.message);
    if (run.ambiguous && feedback.slackTs) {
      const replies = await ctx.slack.conversations
        .replies({ channel, ts: feedback.slackTs, include_all_metadata: true, limit: 200 })
        .catch(() => ({ messages: [] }));
      const found = replies.messages?.find((m) => {
        const metadata = (m as { metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }).metadata;
        return metadata?.event_type === EFFECT_EVENT_TYPE && metadata.event_payload?.effect === run.effect.key;
      });
      if (found?.ts) return { ts: found.ts };
    }
    const res = await ctx.slack.chat.postMessage({
      channel,
      text: rendered.text,
      ...(feedback.slackTs ? { thread_ts: feedback.slackTs } : {}),
      metadata: effectMetadata(run.incident.id, run.effect.key),
      unfurl_links: false,
    });
    return { ts: res.ts ?? "" };
  },
});

// One resolver per Slack client, so a channel's name is looked up once.
const resolvers = new WeakMap<WebClient, ChannelResolver>();

async function openChannel(ctx: AppContext, target: string): Promise<string> {
  let resolver = resolvers.get(ctx.slack);
  if (!resolver) {
    resolver = new ChannelResolver(ctx.slack);
    resolvers.set(ctx.slack, resolver);
  }
  const channel = await resolver.resolve(target);
  if (!channel.is_private) await ctx.slack.conversations.join({ channel: channel.id }).catch(() => undefined);
  return channel.id;
}

/** The backlog and summary as the stakeholder channel sees them, read when the step runs. */
async function summaryNow(ctx: AppContext, incident: { id: string; number: number; title: string }) {
  const [session, feedback, facts] = await Promise.all([
    latestSession(ctx.prisma, incident.id),
    feedbackOf(ctx.prisma, incident.id),
    uatFacts(ctx.prisma, incident.id),
  ]);
  return summaryMessage({
    number: incident.number,
    title: incident.title,
    state: uatFactsWords(ctx.config.policy.uat.required, facts),
    checklist: session ? checklistOf(session) : [],
    items: prioritise(feedback, ctx.config.policy.uat.effort),
  });
}

const share = defineStep({
  prefix: "uat-share",
  params: z.object({ channel: z.string().min(1) }),
  describe: (p) => `share the UAT summary in ${p.channel}`,
  dependsOn: () => [],
  async run(ctx, run) {
    const channel = await openChannel(ctx, run.params.channel);
    const ts = await postOnce(ctx, run, await summaryNow(ctx, run.incident), { channel });
    return { channel, ts };
  },
});

/** The UAT lane's steps, as workflows queue them. */
export const uat = {
  invite: (sessionId: string, p: { users: string[]; groups: string[] }): OutboxRow => invite.row(p, sessionId),
  post: (message: UatMessage, id: string): OutboxRow => post.row({ message }, id),
  checklist: (sessionId: string): OutboxRow => postChecklist.row({ sessionId }, sessionId),
  refreshChecklist: (sessionId: string, id: string): OutboxRow => refreshChecklist.row({ sessionId }, `${sessionId}:${id}`),
  feedbackPost: (feedbackId: string): OutboxRow => postFeedback.row({ feedbackId }, feedbackId),
  reply: (feedbackId: string, message: UatMessage, id: string): OutboxRow => reply.row({ feedbackId, message }, `${feedbackId}:${id}`),
  share: (channel: string, id: string): OutboxRow => share.row({ channel }, id),
};

export const UAT_STEPS = [invite, post, postChecklist, refreshChecklist, postFeedback, reply, share];
