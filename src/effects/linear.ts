// Linear issues for UAT feedback and for the phase-6 follow-ups, created by a
// durable job (workflows/uat.ts queues it in the same transaction that stores
// the feedback or the ticket row, so nothing is lost when Linear is down).
//
// Exactly once: the row carries the Linear issue id we chose when storing it.
// Each attempt is counted in the row before the call; a row with an earlier
// attempt looks the issue up by its id before creating (the crash or the lost
// answer may have come after Linear created it), and a create refused because
// the id exists is looked up too. Linear down or slow: the job tries again
// later with backoff; RATELIMITED: at Linear's reset time. The person who gave
// the feedback is told once that it is queued.
import { z } from "zod";
import type { AppContext } from "../context.js";
import { incidentLabel } from "../domain/names.js";
import { FOLLOW_UP_PROMPTS, type FollowUpKind } from "../domain/postmortem.js";
import { feedbackDescription, feedbackTitle, followUpDescription, isUatSeverity, LINEAR_PRIORITY } from "../domain/uat.js";
import { type LinearIssueInput, type LinearIssueRef, linearFailure } from "../integrations/linear.js";
import { displayName, permalinkOf } from "../integrations/slack.js";
import { findIncident } from "../store/incidents.js";
import { recordEvent } from "../store/timeline.js";
import { countFeedbackAttempt, countFollowUpAttempt, findFeedback, findFollowUp } from "../store/uat.js";
import { addEffects, queueSync, stamp } from "./outbox.js";
import { uat } from "./uat.js";
import { warRoom } from "./war-room.js";

/** The queue of the Linear job (a timer in app.ts's timers()). */
export const LINEAR_QUEUE = "linear.issue";

export const linearJobSchema = z.object({ kind: z.enum(["feedback", "followup"]), id: z.string() });
export type LinearJob = z.output<typeof linearJobSchema>;

export type LinearJobOutcome = "created" | "found" | "deferred" | "stale";

/** Without LINEAR_API_KEY: try again this much later (someone may set it and restart). */
const NOT_CONFIGURED_RETRY_MS = 10 * 60_000;
/** A refusal (wrong team, bad key) needs a person; try again rarely. */
const REFUSED_RETRY_MS = 15 * 60_000;
/** The feedback's Slack post gives the issue its link back; wait this long for it before creating without. */
const WAIT_FOR_THREAD_MS = 30_000;

function backoffMs(attempts: number): number {
  return Math.min(300_000, 1_000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Failpoint for the crash test (never set in production): HOTFIX_CRASH_AT=
 * "linear-created:<row id>" kills the process right after Linear created the
 * issue and before the row records it.
 */
function failpoint(id: string): void {
  if (process.env.HOTFIX_CRASH_AT === `linear-created:${id}`) process.kill(process.pid, "SIGKILL");
}

async function defer(ctx: AppContext, job: LinearJob, at: Date): Promise<"deferred"> {
  await ctx.jobs.send(LINEAR_QUEUE, job, { startAfter: at });
  return "deferred";
}

/** One attempt of the Linear job; on a failure it queues the next attempt itself and returns. */
export async function runLinearJob(ctx: AppContext, job: LinearJob): Promise<LinearJobOutcome> {
  return job.kind === "feedback" ? feedbackIssue(ctx, job) : followUpIssue(ctx, job);
}

async function feedbackIssue(ctx: AppContext, job: LinearJob): Promise<LinearJobOutcome> {
  const feedback = await findFeedback(ctx.prisma, job.id);
  if (!feedback || feedback.linearIdentifier || !feedback.linearIssueId) return "stale";
  const now = ctx.now();
  if (!feedback.permalink && now.getTime() - feedback.createdAt.getTime() < WAIT_FOR_THREAD_MS)
    return defer(ctx, job, new Date(now.getTime() + 1_000));
  const incident = await findIncident(ctx.prisma, feedback.incidentId);
  if (!incident) return "stale";
  const severity = isUatSeverity(feedback.severity) ? feedback.severity : "medium";
  const input: LinearIssueInput = {
    id: feedback.linearIssueId,
    title: feedbackTitle(incidentLabel(incident.number), feedback.workflow ?? "UAT", feedback.text),
    description: feedbackDescription({
      incidentLabel: incidentLabel(incident.number),
      incidentTitle: incident.title,
      severity,
      effort: feedback.effort,
      workflow: feedback.workflow ?? "-",
      reporter: await displayName(ctx.slack, feedback.author),
      happened: feedback.text,
      steps: feedback.steps,
      expected: feedback.expected,
      threadUrl: feedback.permalink,
    }),
    priority: LINEAR_PRIORITY[severity].priority,
    labels: ["hotfix", "uat", severity],
  };
  const created = await attempt(ctx, job, input, async () => (await countFeedbackAttempt(ctx.prisma, feedback.id)).linearAttempts);
  if ("failure" in created) {
    const failure = created.failure;
    await ctx.prisma.$transaction(async (tx) => {
      await tx.uatFeedback.update({ where: { id: feedback.id }, data: { linearError: failure.message } });
      // Told once per kind of trouble (the row's key makes a second notice a no-op).
      const message =
        failure.kind === "refused"
          ? { kind: "linear_refused" as const, author: feedback.author, reason: failure.message }
          : { kind: "linear_queued" as const, author: feedback.author, reason: failure.message };
      if ((await addEffects(tx, incident.id, [uat.reply(feedback.id, message, message.kind)])) > 0) await queueSync(ctx, tx, incident.id);
    });
    return defer(ctx, job, created.retryAt);
  }
  const issue = created.issue;
  await ctx.prisma.$transaction(async (tx) => {
    // Only the first recorder writes the event and the reply (two attempts at once both find the same issue).
    const { count } = await tx.uatFeedback.updateMany({
      where: { id: feedback.id, linearIdentifier: null },
      data: { linearIdentifier: issue.identifier, linearUrl: issue.url, linearIssueId: issue.id, linearError: null },
    });
    if (count === 0) return;
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "linear_issue_created",
      summary: `UAT feedback logged in Linear as ${issue.identifier} (${severity}, ${LINEAR_PRIORITY[severity].label})`,
      actor: feedback.author,
      occurredAt: ctx.now(),
      data: { feedbackId: feedback.id, severity, linear: { identifier: issue.identifier, url: issue.url, id: issue.id } },
    });
    const s = stamp(ctx.now());
    await addEffects(tx, incident.id, [
      uat.reply(
        feedback.id,
        {
          kind: "linear_created",
          identifier: issue.identifier,
          url: issue.url,
          priority: LINEAR_PRIORITY[severity].label,
          author: feedback.author,
        },
        "linear",
      ),
      warRoom.refreshCard(`linear-${s}`),
    ]);
    await queueSync(ctx, tx, incident.id);
  });
  return created.existed ? "found" : "created";
}

async function followUpIssue(ctx: AppContext, job: LinearJob): Promise<LinearJobOutcome> {
  const ticket = await findFollowUp(ctx.prisma, job.id);
  if (!ticket || ticket.linearIdentifier) return "stale";
  const incident = await findIncident(ctx.prisma, ticket.incidentId);
  if (!incident) return "stale";
  const prompt = FOLLOW_UP_PROMPTS[ticket.kind as FollowUpKind];
  const warRoomUrl =
    incident.warRoomChannelId && incident.cardTs ? await permalinkOf(ctx.slack, incident.warRoomChannelId, incident.cardTs) : undefined;
  const input: LinearIssueInput = {
    id: ticket.id,
    title: ticket.title,
    description: followUpDescription({
      incidentLabel: incidentLabel(incident.number),
      incidentTitle: incident.title,
      question: prompt?.question ?? ticket.title,
      warRoomUrl: warRoomUrl ?? null,
      ticketUrl: incident.ticketUrl,
    }),
    priority: 3,
    labels: ["hotfix", "follow-up"],
  };
  const created = await attempt(ctx, job, input, async () => (await countFollowUpAttempt(ctx.prisma, ticket.id)).attempts);
  const label = prompt?.label ?? ticket.kind;
  if ("failure" in created) {
    const failure = created.failure;
    await ctx.prisma.$transaction(async (tx) => {
      await tx.followUpTicket.update({ where: { id: ticket.id }, data: { lastError: failure.message } });
      if (failure.kind === "refused") {
        const rows = [uat.post({ kind: "followup_refused", label, reason: failure.message }, `followup-refused:${ticket.id}`)];
        if ((await addEffects(tx, incident.id, rows)) > 0) await queueSync(ctx, tx, incident.id);
      }
    });
    return defer(ctx, job, created.retryAt);
  }
  const issue = created.issue;
  await ctx.prisma.$transaction(async (tx) => {
    const { count } = await tx.followUpTicket.updateMany({
      where: { id: ticket.id, linearIdentifier: null },
      data: { linearIdentifier: issue.identifier, linearUrl: issue.url, lastError: null },
    });
    if (count === 0) return;
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "followup_created",
      summary: `Follow-up ${label}: ${issue.identifier}`,
      actor: ticket.requestedBy,
      occurredAt: ctx.now(),
      data: { kind: ticket.kind, ticketId: ticket.id, linear: { identifier: issue.identifier, url: issue.url } },
    });
    await addEffects(tx, incident.id, [
      uat.post({ kind: "followup_created", label, identifier: issue.identifier, url: issue.url }, `followup:${ticket.id}`),
      warRoom.refreshCard(`followup-${stamp(ctx.now())}`),
    ]);
    await queueSync(ctx, tx, incident.id);
  });
  return created.existed ? "found" : "created";
}

type Attempt = { issue: LinearIssueRef; existed: boolean } | { failure: ReturnType<typeof linearFailure>; retryAt: Date };

/** Counts the attempt, then creates (looking first when an earlier attempt may have created it). */
async function attempt(ctx: AppContext, job: LinearJob, input: LinearIssueInput, count: () => Promise<number>): Promise<Attempt> {
  const now = ctx.now();
  if (!ctx.linear) {
    return {
      failure: { kind: "refused", message: "Linear is not configured for this bot (set LINEAR_API_KEY)" },
      retryAt: new Date(now.getTime() + NOT_CONFIGURED_RETRY_MS),
    };
  }
  const attempts = await count();
  try {
    const result = await ctx.linear.ensureIssue(input, { lookFirst: attempts > 1 });
    failpoint(job.id);
    return { issue: result, existed: result.existed };
  } catch (error) {
    const failure = linearFailure(error, ctx.now());
    ctx.logger.warn({ job, attempts, failure: failure.kind, reason: failure.message }, "Linear issue not created yet; trying again later");
    const retryAt =
      failure.kind === "rate_limited"
        ? failure.retryAt
        : new Date(ctx.now().getTime() + (failure.kind === "refused" ? REFUSED_RETRY_MS : backoffMs(attempts)));
    return { failure, retryAt };
  }
}
