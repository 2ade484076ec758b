// Stakeholder UAT (runbook 000 section 3, runbook 001 section 3) and the
// follow-up tickets of runbook 002 phase 6. Each use case checks permission,
// validates, then writes ONE transaction: the state change, its timeline
// event, the outbox rows for Slack and, for Linear, the durable job (so the
// feedback is stored before Linear is ever called, and a Linear outage loses
// nothing). The UAT deadline is a durable timer from the first staging deploy.
import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import { commanderOf } from "../domain/incident.js";
import { incidentLabel } from "../domain/names.js";
import { isOpen } from "../domain/phase.js";
import { FOLLOW_UP_KINDS, FOLLOW_UP_PROMPTS } from "../domain/postmortem.js";
import {
  type CheckState,
  closedStatus,
  markItem,
  newChecklist,
  uatDeadline,
  uatGateRefusal,
  uatReminderAt,
  uatStateWords,
  type ValidFeedback,
  type ValidSchedule,
} from "../domain/uat.js";
import { LINEAR_QUEUE, type LinearJob, linearJobSchema, runLinearJob } from "../effects/linear.js";
import { addEffects, queueSync, stamp } from "../effects/outbox.js";
import { uat } from "../effects/uat.js";
import { warRoom } from "../effects/war-room.js";
import type { TimerDefinition } from "../jobs/index.js";
import { findIncident, type IncidentWithRoles, lockIncident } from "../store/incidents.js";
import type { Db } from "../store/prisma.js";
import { recordEvent, type Tx } from "../store/timeline.js";
import { checklistOf, findFeedbackByRef, latestSession, lockSession, uatFacts } from "../store/uat.js";
import { queueAutoPrepTag } from "./after-production.js";
import type { WorkflowContext } from "./context.js";
import { requirePermission } from "./permissions.js";
import { RefusedError } from "./refused.js";

/** A UUID derived from a request key (a modal's view id): a replayed or double-clicked submit stores one row. */
export function uuidFromKey(key: string): string {
  const h = createHash("sha256").update(key).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

function refuseInactive(incident: IncidentWithRoles, what: string): void {
  if (incident.completedAt) throw new RefusedError(`This hotfix was completed; ${what} is no longer possible.`);
  if (!isOpen(incident.phase)) throw new RefusedError(`The incident is ${incident.phase}; ${what} is for open incidents.`);
}

async function sendLinearJob(ctx: WorkflowContext, tx: Tx, job: LinearJob): Promise<void> {
  await ctx.jobs.send(LINEAR_QUEUE, job, { tx });
}

// --------------------------------------------------------------- schedule

export interface ScheduleOutcome {
  sessionId: string;
  scheduledFor: Date;
  deadline: Date | null;
  items: number;
  created: boolean;
}

/** `/hotfix uat schedule` submitted: a new session (the latest one counts), stakeholders invited, schedule and checklist posted. */
export async function scheduleUat(
  ctx: WorkflowContext,
  incident: IncidentWithRoles,
  input: ValidSchedule,
  actor: string,
  requestKey: string,
): Promise<ScheduleOutcome> {
  await requirePermission(ctx, actor, "uat_manage", incident);
  refuseInactive(incident, "scheduling UAT");
  const sessionId = uuidFromKey(`uat-schedule:${requestKey}`);
  const now = ctx.now();
  return ctx.prisma.$transaction(async (tx) => {
    const current = await lockIncident(tx, incident.id);
    const deadline = uatDeadline(ctx.config.policy, current.stagingDeployedAt);
    const { count } = await tx.uatSession.createMany({
      data: [
        {
          id: sessionId,
          incidentId: incident.id,
          status: "scheduled",
          deadline,
          scheduledFor: input.scheduledFor,
          checklist: newChecklist(input.checklist) as never,
          stakeholders: { users: input.stakeholders, groups: input.stakeholderGroups },
          scheduledBy: actor,
        },
      ],
      skipDuplicates: true,
    });
    const outcome = { sessionId, scheduledFor: input.scheduledFor, deadline, items: input.checklist.length, created: count === 1 };
    if (count === 0) return outcome;
    // A new schedule replaces an open one: the latest session is the one completion looks at.
    await tx.uatSession.updateMany({
      where: { incidentId: incident.id, id: { not: sessionId }, status: { in: ["scheduled", "running"] } },
      data: { status: "cancelled" },
    });
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "uat_scheduled",
      summary: `UAT scheduled for ${input.scheduledFor.toISOString()}: ${input.checklist.length} checklist items, ${input.stakeholders.length} stakeholders${input.stakeholderGroups.length ? ` and ${input.stakeholderGroups.length} groups` : ""}`,
      actor,
      occurredAt: now,
      data: {
        sessionId,
        scheduledFor: input.scheduledFor.toISOString(),
        deadline: deadline?.toISOString() ?? null,
        stakeholders: input.stakeholders,
        groups: input.stakeholderGroups,
        checklist: input.checklist,
      },
    });
    await addEffects(tx, incident.id, [
      uat.invite(sessionId, { users: input.stakeholders, groups: input.stakeholderGroups }),
      uat.post(
        {
          kind: "scheduled",
          number: incident.number,
          incidentId: incident.id,
          scheduledFor: input.scheduledFor.toISOString(),
          deadline: deadline?.toISOString() ?? null,
          users: input.stakeholders,
          groups: input.stakeholderGroups,
          items: input.checklist.length,
          by: actor,
        },
        `scheduled:${sessionId}`,
      ),
      uat.checklist(sessionId),
      warRoom.refreshCard(`uat-${stamp(now)}`),
    ]);
    await queueSync(ctx, tx, incident.id);
    return outcome;
  });
}

// -------------------------------------------------------------- checklist

/** A pass / fail / blocked click: recorded with who and when, the message updated in place. */
export async function markChecklistItem(
  ctx: WorkflowContext,
  sessionId: string,
  index: number,
  state: Exclude<CheckState, "untested">,
  actor: string,
): Promise<{ item: string; incident: IncidentWithRoles }> {
  const session = await ctx.prisma.uatSession.findUnique({ where: { id: sessionId } });
  const incident = session ? await findIncident(ctx.prisma, session.incidentId) : null;
  if (!session || !incident) throw new RefusedError("This UAT checklist no longer exists.");
  await requirePermission(ctx, actor, "uat_feedback", incident);
  refuseInactive(incident, "testing");
  const now = ctx.now();
  return ctx.prisma.$transaction(async (tx) => {
    const locked = await lockSession(tx, sessionId);
    if (!locked) throw new RefusedError("This UAT checklist no longer exists.");
    if (!["scheduled", "running"].includes(locked.status))
      throw new RefusedError(`This UAT session is ${locked.status}; schedule a new one to test again (\`/hotfix uat schedule\`).`);
    const checklist = checklistOf(locked);
    const entry = checklist[index];
    if (!entry) throw new RefusedError("That checklist item does not exist.");
    await tx.uatSession.update({
      where: { id: sessionId },
      data: { checklist: markItem(checklist, index, state, actor, now) as never, status: "running", startedAt: locked.startedAt ?? now },
    });
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "uat_checklist_item",
      summary: `UAT ${entry.item}: ${state}`,
      actor,
      occurredAt: now,
      data: { sessionId, index, item: entry.item, state },
    });
    const s = stamp(now);
    await addEffects(tx, incident.id, [uat.refreshChecklist(sessionId, s), warRoom.refreshCard(`uat-${s}`)]);
    await queueSync(ctx, tx, incident.id);
    return { item: entry.item, incident };
  });
}

// --------------------------------------------------------------- feedback

export interface FeedbackOutcome {
  feedbackId: string;
  created: boolean;
}

/** Feedback submitted: stored first (with the Linear issue id chosen now), posted in the war room, the Linear job queued. */
export async function submitFeedback(
  ctx: WorkflowContext,
  incident: IncidentWithRoles,
  input: ValidFeedback,
  actor: string,
  requestKey: string,
  checklistItem?: string,
): Promise<FeedbackOutcome> {
  await requirePermission(ctx, actor, "uat_feedback", incident);
  refuseInactive(incident, "UAT feedback");
  const feedbackId = uuidFromKey(`uat-feedback:${requestKey}`);
  const now = ctx.now();
  return ctx.prisma.$transaction(async (tx) => {
    const session = await latestSession(tx, incident.id);
    if (!session || session.status === "skipped" || session.status === "cancelled")
      throw new RefusedError("There is no UAT session to give feedback on: `/hotfix uat schedule` first.");
    const { count } = await tx.uatFeedback.createMany({
      data: [
        {
          id: feedbackId,
          incidentId: incident.id,
          sessionId: session.id,
          author: actor,
          checklistItem: checklistItem ?? null,
          verdict: "fail",
          severity: input.severity,
          effort: input.effort,
          workflow: input.workflow,
          text: input.happened,
          steps: input.steps,
          expected: input.expected,
          // Chosen before any call to Linear: the key of exactly-once.
          linearIssueId: randomUUID(),
        },
      ],
      skipDuplicates: true,
    });
    if (count === 0) return { feedbackId, created: false };
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "uat_feedback",
      summary: `UAT feedback (${input.severity}, effort ${input.effort}) on ${input.workflow}: ${input.happened.split("\n")[0]?.slice(0, 200)}`,
      actor,
      occurredAt: now,
      data: { feedbackId, sessionId: session.id, severity: input.severity, effort: input.effort, workflow: input.workflow },
    });
    await addEffects(tx, incident.id, [uat.feedbackPost(feedbackId), warRoom.refreshCard(`uat-${stamp(now)}`)]);
    await sendLinearJob(ctx, tx, { kind: "feedback", id: feedbackId });
    await queueSync(ctx, tx, incident.id);
    return { feedbackId, created: true };
  });
}

/** `/hotfix uat resolve <ENG-12>`: a piece of feedback (a blocker, say) is fixed. */
export async function resolveFeedback(ctx: WorkflowContext, incident: IncidentWithRoles, ref: string, actor: string): Promise<string> {
  await requirePermission(ctx, actor, "uat_manage", incident);
  const feedback = await findFeedbackByRef(ctx.prisma, incident.id, ref);
  if (!feedback)
    throw new RefusedError(
      `No UAT feedback \`${ref.slice(0, 40)}\` on ${incidentLabel(incident.number)}; \`/hotfix uat backlog\` lists them.`,
    );
  if (feedback.resolvedAt) return feedback.linearIdentifier ?? feedback.id;
  const now = ctx.now();
  await ctx.prisma.$transaction(async (tx) => {
    const { count } = await tx.uatFeedback.updateMany({ where: { id: feedback.id, resolvedAt: null }, data: { resolvedAt: now } });
    if (count === 0) return;
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "uat_feedback_resolved",
      summary: `UAT feedback ${feedback.linearIdentifier ?? feedback.id} resolved`,
      actor,
      occurredAt: now,
      data: {
        feedbackId: feedback.id,
        linear: feedback.linearIdentifier ? { identifier: feedback.linearIdentifier, url: feedback.linearUrl } : null,
      },
    });
    await addEffects(tx, incident.id, [
      uat.post(
        { kind: "feedback_resolved", identifier: feedback.linearIdentifier, workflow: feedback.workflow ?? "UAT", by: actor },
        `resolved:${feedback.id}`,
      ),
      warRoom.refreshCard(`uat-${stamp(now)}`),
    ]);
    await queueSync(ctx, tx, incident.id);
  });
  return feedback.linearIdentifier ?? feedback.id;
}

// ----------------------------------------------------- close, skip, share

/** `/hotfix uat close --feedback done|pending`: ends a review cycle; "done" decides passed or failed. */
export async function closeReview(
  ctx: WorkflowContext,
  incident: IncidentWithRoles,
  feedback: "done" | "pending",
  actor: string,
): Promise<{ status: string; failing: string[]; openBlockers: number }> {
  await requirePermission(ctx, actor, "uat_manage", incident);
  refuseInactive(incident, "closing a UAT review");
  const now = ctx.now();
  return ctx.prisma.$transaction(async (tx) => {
    const latest = await latestSession(tx, incident.id);
    if (!latest || latest.status === "cancelled") throw new RefusedError("There is no UAT session to close: `/hotfix uat schedule` first.");
    if (latest.status === "skipped") throw new RefusedError("UAT was skipped; there is no review to close.");
    const session = await lockSession(tx, latest.id);
    if (!session) throw new RefusedError("The UAT session is gone.");
    const checklist = checklistOf(session);
    const openBlockers = await tx.uatFeedback.count({ where: { incidentId: incident.id, severity: "blocker", resolvedAt: null } });
    const status = closedStatus(checklist, openBlockers, feedback);
    const failing = checklist.filter((c) => c.state !== "pass").map((c) => `${c.item} (${c.state})`);
    await tx.uatSession.update({
      where: { id: session.id },
      data: { status, reviewState: feedback, reviewedAt: now, ...(feedback === "done" ? { completedAt: now } : {}) },
    });
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "uat_review_closed",
      summary: `UAT review cycle closed (--feedback ${feedback}): ${status}`,
      actor,
      occurredAt: now,
      data: { sessionId: session.id, feedback, status, openBlockers, failing },
    });
    if (status === "passed" || status === "failed")
      await recordEvent(tx, {
        incidentId: incident.id,
        kind: status === "passed" ? "uat_signed_off" : "uat_rejected",
        summary:
          status === "passed"
            ? "UAT signed off"
            : `UAT did not pass: ${[...failing, ...(openBlockers ? [`${openBlockers} open blockers`] : [])].join(", ")}`,
        actor,
        occurredAt: now,
        data: { sessionId: session.id },
      });
    const s = stamp(now);
    await addEffects(tx, incident.id, [
      uat.post({ kind: "review_closed", number: incident.number, feedback, status, openBlockers, failing, by: actor }, `closed:${s}`),
      uat.refreshChecklist(session.id, s),
      warRoom.refreshCard(`uat-${s}`),
      // Runbook 000: hotfix-prep-YYYYMMDD "immediately after QA sign-off" (github.autoTags; release lane, issue 12.6).
      ...(status === "passed" ? await queueAutoPrepTag(ctx, tx, incident, incident.fixSha) : []),
    ]);
    await queueSync(ctx, tx, incident.id);
    return { status, failing, openBlockers };
  });
}

/** `/hotfix uat skip <reason>`: the commander decides this hotfix goes without UAT; the reason is recorded. */
export async function skipUat(ctx: WorkflowContext, incident: IncidentWithRoles, reason: string, actor: string): Promise<void> {
  await requirePermission(ctx, actor, "uat_skip", incident);
  refuseInactive(incident, "skipping UAT");
  const why = reason.trim();
  if (why.length < 3) throw new RefusedError("Say why UAT is skipped: `/hotfix uat skip <reason>` (the reason goes on the record).");
  if (why.length > 500) throw new RefusedError("Keep the reason under 500 characters.");
  const now = ctx.now();
  await ctx.prisma.$transaction(async (tx) => {
    const current = await lockIncident(tx, incident.id);
    await tx.uatSession.updateMany({
      where: { incidentId: incident.id, status: { in: ["scheduled", "running"] } },
      data: { status: "cancelled" },
    });
    await tx.uatSession.create({
      data: {
        incidentId: incident.id,
        status: "skipped",
        deadline: uatDeadline(ctx.config.policy, current.stagingDeployedAt),
        skipReason: why,
        skippedBy: actor,
        completedAt: now,
      },
    });
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "uat_skipped",
      summary: `UAT skipped: ${why}`,
      actor,
      occurredAt: now,
      data: { reason: why },
    });
    const s = stamp(now);
    await addEffects(tx, incident.id, [
      uat.post({ kind: "skipped", number: incident.number, reason: why, by: actor }, `skipped:${s}`),
      warRoom.refreshCard(`uat-${s}`),
    ]);
    await queueSync(ctx, tx, incident.id);
  });
}

/** "Share summary": the UAT summary and the prioritised backlog go to the stakeholder channel (runbook 000 section 5). */
export async function shareSummary(ctx: WorkflowContext, incident: IncidentWithRoles, actor: string): Promise<string> {
  await requirePermission(ctx, actor, "uat_manage", incident);
  const channel = ctx.config.policy.uat.stakeholderChannel;
  const now = ctx.now();
  await ctx.prisma.$transaction(async (tx) => {
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "uat_summary_shared",
      summary: `UAT summary and backlog shared in ${channel}`,
      actor,
      occurredAt: now,
      data: { channel },
    });
    await addEffects(tx, incident.id, [uat.share(channel, stamp(now))]);
    await queueSync(ctx, tx, incident.id);
  });
  return channel;
}

// -------------------------------------------------------------- follow-ups

/** The five phase-6 tickets in Linear, once each: existing ones are listed, missing ones filed. */
export async function requestFollowUps(
  ctx: WorkflowContext,
  incident: IncidentWithRoles,
  actor: string,
): Promise<{ filed: string[]; existing: Array<{ kind: string; identifier: string | null; url: string | null }> }> {
  await requirePermission(ctx, actor, "uat_manage", incident);
  const now = ctx.now();
  const label = incidentLabel(incident.number);
  return ctx.prisma.$transaction(async (tx) => {
    await lockIncident(tx, incident.id);
    const existing = await tx.followUpTicket.findMany({ where: { incidentId: incident.id } });
    const missing = FOLLOW_UP_KINDS.filter((kind) => !existing.some((t) => t.kind === kind));
    const rows = missing.map((kind) => ({
      // The Linear issue's id, chosen now: the job creates it exactly once.
      id: randomUUID(),
      incidentId: incident.id,
      kind,
      title: `${label} follow-up: ${FOLLOW_UP_PROMPTS[kind].label} — ${incident.title}`.slice(0, 250),
      requestedBy: actor,
    }));
    if (rows.length > 0) {
      await tx.followUpTicket.createMany({ data: rows });
      for (const row of rows) await sendLinearJob(ctx, tx, { kind: "followup", id: row.id });
      await addEffects(tx, incident.id, [
        uat.post(
          { kind: "followups_requested", number: incident.number, labels: missing.map((k) => FOLLOW_UP_PROMPTS[k].label), by: actor },
          `followups:${stamp(now)}`,
        ),
      ]);
      await queueSync(ctx, tx, incident.id);
    }
    return {
      filed: missing.map((k) => FOLLOW_UP_PROMPTS[k].label),
      existing: existing.map((t) => ({ kind: t.kind, identifier: t.linearIdentifier, url: t.linearUrl })),
    };
  });
}

// ------------------------------------------------------- completion gate

/** Why `/hotfix complete` must wait for UAT, or undefined (runbooks 000, 001; policy uat.required). */
export async function uatCompletionRefusal(ctx: WorkflowContext, db: Db | Tx, incidentId: string): Promise<string | undefined> {
  return uatGateRefusal(ctx.config.policy, await uatFacts(db, incidentId));
}

// ---------------------------------------------------------- deadline timer

export const UAT_DEADLINE_QUEUE = "uat.deadline";
const deadlineJob = z.object({ incidentId: z.string(), which: z.enum(["reminder", "missed"]), deadline: z.string() });
export type UatDeadlineJob = z.output<typeof deadlineJob>;

/** At the first staging deploy (workflows/deploy.ts, in its transaction): a reminder before the UAT deadline and a warning at it. */
export async function scheduleUatDeadline(ctx: WorkflowContext, tx: Tx, incidentId: string, firstStagingAt: Date): Promise<void> {
  const deadline = uatDeadline(ctx.config.policy, firstStagingAt);
  if (!deadline) return;
  await tx.uatSession.updateMany({ where: { incidentId, deadline: null }, data: { deadline } });
  const reminder = uatReminderAt(ctx.config.policy, firstStagingAt, deadline);
  for (const [which, at] of [
    ["reminder", reminder],
    ["missed", deadline],
  ] as const) {
    const job: UatDeadlineJob = { incidentId, which, deadline: deadline.toISOString() };
    await ctx.jobs.send(UAT_DEADLINE_QUEUE, job, { tx, startAfter: at, singletonKey: `${incidentId}:${which}:${job.deadline}` });
  }
}

/** The deadline timer fires: silent when UAT is done (passed, skipped, not required) or the hotfix is over; else said once. */
export async function fireUatDeadline(ctx: WorkflowContext, job: UatDeadlineJob): Promise<"sent" | "stale"> {
  const incident = await findIncident(ctx.prisma, job.incidentId);
  if (!incident || incident.completedAt || !isOpen(incident.phase)) return "stale";
  const deadline = uatDeadline(ctx.config.policy, incident.stagingDeployedAt);
  if (deadline?.toISOString() !== job.deadline) return "stale";
  const facts = await uatFacts(ctx.prisma, incident.id);
  if (!uatGateRefusal(ctx.config.policy, facts)) return "stale";
  const state = uatStateWords(ctx.config.policy.uat.required, facts);
  await ctx.prisma.$transaction(async (tx) => {
    const rows = [
      uat.post(
        {
          kind: "deadline",
          number: incident.number,
          which: job.which,
          deadline: job.deadline,
          state,
          commander: commanderOf(incident) ?? null,
        },
        `deadline:${job.which}:${job.deadline}`,
      ),
    ];
    // One message per deadline and kind, across replicas and retries: the outbox row is the claim.
    if ((await addEffects(tx, incident.id, rows)) === 0) return;
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: job.which === "reminder" ? "uat_due" : "uat_overdue",
      summary: job.which === "reminder" ? `UAT deadline at ${job.deadline}; UAT is ${state}` : `UAT deadline missed; UAT is ${state}`,
      occurredAt: ctx.now(),
      data: { deadline: job.deadline, state },
    });
    await queueSync(ctx, tx, incident.id);
  });
  return "sent";
}

export const uatDeadlineTimer: TimerDefinition = {
  name: UAT_DEADLINE_QUEUE,
  retryLimit: 5,
  fire: (ctx, data) => fireUatDeadline(ctx, deadlineJob.parse(data)),
};

/** The Linear job: each attempt queues the next itself (backoff, or Linear's rate-limit reset); pg-boss retries a crash. */
export const linearTimer: TimerDefinition = {
  name: LINEAR_QUEUE,
  retryLimit: 20,
  fire: (ctx, data) => runLinearJob(ctx, linearJobSchema.parse(data)),
};
