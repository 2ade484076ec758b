// The post-mortem's outbox steps: the upload into the war room (Slack's
// external upload flow: files.getUploadURLExternal, the bytes to the upload
// URL, files.completeUploadExternal sharing it in the channel) with the
// follow-up message under it, and the due-date reminder.
//
// Exactly once: the file's name carries the step's id, so a re-run whose
// earlier attempt's outcome is unknown first looks in the war room for a
// file of that name shared by the bot, and only uploads when there is none.
// A file uploaded but never completed is shared nowhere, so uploading again
// after such a crash shows one file, not two.
import { z } from "zod";
import type { AppContext } from "../context.js";
import { incidentLabel } from "../domain/names.js";
import { collect } from "../domain/postmortem-markdown.js";
import { postmortemComment, postmortemMessage, postmortemReminder } from "../slack/blocks/postmortem.js";
import { followUpsOf } from "../store/postmortem.js";
import { recordOnce } from "../store/timeline.js";
import { markersOf } from "../store/timeline-edits.js";
import { postmortemFilename, renderPostmortem } from "../workflows/postmortem-render.js";
import { defineStep, idOf, type OutboxRow } from "./define.js";
import { postOnce, warRoomOf } from "./support.js";

/** "hf-12-postmortem-<id>.md": the step's id in the name is how a re-run recognises its own upload. */
export const uploadFilename = (number: number, id: string) => `${incidentLabel(number).toLowerCase()}-postmortem-${id}.md`;

async function findSharedFile(ctx: AppContext, channel: string, filename: string, since: Date): Promise<string | undefined> {
  try {
    const botId = await ctx.botUserId();
    const res = await ctx.slack.conversations.history({ channel, oldest: String(Math.floor(since.getTime() / 1000) - 60), limit: 200 });
    for (const message of res.messages ?? []) {
      if (message.user !== botId) continue;
      const file = (message.files ?? []).find((f) => f.name === filename);
      if (file?.id) return file.id;
    }
  } catch {
    // Without history we cannot tell; uploading again is the lesser harm than no post-mortem.
  }
  return undefined;
}

/** The reader's zone for the Markdown: the requester's Slack time zone, UTC when unknown. */
async function zoneOf(ctx: AppContext, userId: string): Promise<string> {
  try {
    const res = await ctx.slack.users.info({ user: userId });
    return res.user?.tz || "UTC";
  } catch {
    return "UTC";
  }
}

/** The Linear follow-ups action (issue 9's `requestFollowUps`) is wired to the message's button. */
export const FOLLOW_UPS_ACTION_AVAILABLE = true;

const upload = defineStep({
  prefix: "postmortem-upload",
  params: z.object({ requestedBy: z.string().min(1) }),
  describe: () => "upload the post-mortem into the war room",
  dependsOn: () => ["channel"],
  async run(ctx, run) {
    const channel = warRoomOf(run);
    const incident = run.incident;
    const filename = uploadFilename(incident.number, idOf(run.effect.key));
    let fileId = run.ambiguous ? await findSharedFile(ctx, channel, filename, run.effect.createdAt) : undefined;
    if (!fileId) {
      const zone = await zoneOf(ctx, run.params.requestedBy);
      // Slack wants the length before the bytes: the file is rendered whole here (the HTTP export streams).
      const markdown = await collect(renderPostmortem(ctx.prisma, incident, { format: "md", zone, now: ctx.now() }));
      const bytes = Buffer.from(markdown, "utf8");
      const target = await ctx.slack.files.getUploadURLExternal({ filename, length: bytes.length });
      if (!target.upload_url || !target.file_id) throw new Error("files.getUploadURLExternal returned no upload_url");
      const sent = await fetch(target.upload_url, {
        method: "POST",
        headers: { "content-type": "text/markdown; charset=utf-8" },
        body: bytes,
        signal: AbortSignal.timeout(30_000),
      });
      if (!sent.ok) throw new Error(`uploading the post-mortem failed: HTTP ${sent.status}`);
      await ctx.slack.files.completeUploadExternal({
        files: [{ id: target.file_id, title: `${incidentLabel(incident.number)} post-mortem` }],
        channel_id: channel,
        initial_comment: postmortemComment(incidentLabel(incident.number), run.params.requestedBy),
      });
      fileId = target.file_id;
    }
    await ctx.prisma.$transaction((tx) =>
      recordOnce(tx, run.effect.key, {
        incidentId: incident.id,
        kind: "postmortem_exported",
        summary: `Post-mortem of ${incidentLabel(incident.number)} uploaded into the war room`,
        actor: run.params.requestedBy,
        occurredAt: ctx.now(),
        data: { via: "slack", fileId, filename },
      }),
    );
    const [markers, followUps] = await Promise.all([markersOf(ctx.prisma, incident), followUpsOf(ctx.prisma, incident.id)]);
    const message = postmortemMessage({
      label: incidentLabel(incident.number),
      incidentId: incident.id,
      markers,
      followUps,
      offerFollowUps: FOLLOW_UPS_ACTION_AVAILABLE,
    });
    const ts = await postOnce(ctx, run, message, { channel, suffix: "followups" });
    return { fileId, filename, ts };
  },
});

const reminderParams = z.object({
  round: z.number().int().min(0),
  due: z.string(),
  overdueMs: z.number(),
  policyDue: z.string(),
  commander: z.string().nullable(),
});

const reminder = defineStep({
  prefix: "postmortem-due",
  params: reminderParams,
  describe: () => "remind the war room that the post-mortem is due",
  dependsOn: () => ["channel"],
  async run(ctx, run) {
    const label = incidentLabel(run.incident.number);
    // Completing the release archives the war room (policy warRoom.archiveOnComplete): nobody reads it
    // any more, and Slack refuses posts there. The reminder goes to the commander (else the declarer) by DM.
    const archived = await ctx.prisma.timelineEvent.count({ where: { incidentId: run.incident.id, kind: "war_room_archived" } });
    if (!archived) return { ts: await postOnce(ctx, run, postmortemReminder({ label, ...run.params })) };
    const person = run.params.commander ?? run.incident.declaredBy;
    const opened = await ctx.slack.conversations.open({ users: person });
    const channel = opened.channel?.id;
    if (!channel) throw new Error(`could not open a DM with ${person}`);
    return {
      ts: await postOnce(
        ctx,
        run,
        postmortemReminder({ label, ...run.params, archivedWarRoom: { file: postmortemFilename(run.incident, "md") } }),
        { channel },
      ),
      dm: person,
    };
  },
});

export const postmortemSteps = {
  upload: (p: { requestedBy: string }, id: string): OutboxRow => upload.row(p, id),
  reminder: (p: z.input<typeof reminderParams>, id: string): OutboxRow => reminder.row(p, id),
};

export const POSTMORTEM_STEPS = [upload, reminder];
