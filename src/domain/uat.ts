// Stakeholder UAT as pure rules (runbook 000 section 3, runbook 001 section 3):
// the deadline after the first staging deploy, the checklist and its clicks,
// feedback validation, prioritisation by severity then effort, the Linear
// priority a severity maps to, and the completion gate. No I/O, no Slack syntax.
import { DateTime } from "luxon";
import type { Policy } from "./policy.js";
import { escapeBlock, escapeInline } from "./postmortem-markdown.js";

export const UAT_SEVERITIES = ["blocker", "high", "medium"] as const;
export type UatSeverity = (typeof UAT_SEVERITIES)[number];

export function isUatSeverity(value: unknown): value is UatSeverity {
  return typeof value === "string" && (UAT_SEVERITIES as readonly string[]).includes(value);
}

/** Linear's priority numbers: 1 Urgent, 2 High, 3 Medium (0 none, 4 Low). */
export const LINEAR_PRIORITY: Record<UatSeverity, { priority: 1 | 2 | 3; label: "Urgent" | "High" | "Medium" }> = {
  blocker: { priority: 1, label: "Urgent" },
  high: { priority: 2, label: "High" },
  medium: { priority: 3, label: "Medium" },
};

export const CHECK_STATES = ["untested", "pass", "fail", "blocked"] as const;
export type CheckState = (typeof CHECK_STATES)[number];

/** One checklist line as stored on the session: its state and who set it, when. */
export interface ChecklistEntry {
  item: string;
  state: CheckState;
  by: string | null;
  at: string | null;
}

/** The most items one checklist message holds (each item is a section and a row of buttons; Slack allows 50 blocks). */
export const MAX_CHECKLIST_ITEMS = 20;
export const MAX_ITEM_LENGTH = 150;

/** scheduled | running | passed | failed | skipped (a session's status column). */
export type SessionStatus = "scheduled" | "running" | "passed" | "failed" | "skipped";

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

/** The UAT deadline: `uat.deadline` after the first staging deploy; none before one. */
export function uatDeadline(policy: Pick<Policy, "uat">, firstStagingDeployAt: Date | null): Date | null {
  return firstStagingDeployAt ? new Date(firstStagingDeployAt.getTime() + policy.uat.deadline.ms) : null;
}

/** When the reminder before the deadline fires (never before the staging deploy itself). */
export function uatReminderAt(policy: Pick<Policy, "uat">, firstStagingDeployAt: Date, deadline: Date): Date {
  return new Date(Math.max(firstStagingDeployAt.getTime(), deadline.getTime() - policy.uat.reminderBefore.ms));
}

/** A checklist typed one item a line: trimmed, blank lines and repeats (case-insensitive) dropped. */
export function checklistFromText(text: string): string[] {
  const seen = new Set<string>();
  const items: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const item = raw.replace(/^\s*(?:[-*•]|\d+[.)])\s+/, "").trim();
    if (!item || seen.has(item.toLowerCase())) continue;
    seen.add(item.toLowerCase());
    items.push(item);
  }
  return items;
}

export function newChecklist(items: string[]): ChecklistEntry[] {
  return items.map((item) => ({ item, state: "untested", by: null, at: null }));
}

/** A click on an item: the new state, who and when; the other items untouched. */
export function markItem(checklist: ChecklistEntry[], index: number, state: CheckState, by: string, at: Date): ChecklistEntry[] {
  return checklist.map((entry, i) => (i === index ? { ...entry, state, by, at: at.toISOString() } : entry));
}

export interface ScheduleInput {
  /** YYYY-MM-DD from the date picker, in the person's zone. */
  date: string | null;
  /** HH:mm from the time picker, in the person's zone. */
  time: string | null;
  /** The person's IANA zone as Slack sent it (users.info tz); null when Slack sent none. */
  zone: string | null;
  stakeholders: string[];
  stakeholderGroups: string[];
  checklist: string | null;
  now: Date;
}

export interface ValidSchedule {
  scheduledFor: Date;
  checklist: string[];
  stakeholders: string[];
  stakeholderGroups: string[];
}

/** The schedule form: errors keyed by the form's block ids, so Slack shows each next to its field. */
export function validateSchedule(input: ScheduleInput): Parsed<ValidSchedule> {
  const errors: Record<string, string> = {};
  const checklist = checklistFromText(input.checklist ?? "");
  if (checklist.length === 0) errors.checklist = "Add at least one item to test, one a line (e.g. Payment posting).";
  else if (checklist.length > MAX_CHECKLIST_ITEMS)
    errors.checklist = `At most ${MAX_CHECKLIST_ITEMS} items (you have ${checklist.length}); group related checks.`;
  else {
    const long = checklist.find((i) => i.length > MAX_ITEM_LENGTH);
    if (long) errors.checklist = `Keep each item under ${MAX_ITEM_LENGTH} characters ("${long.slice(0, 30)}..." is longer).`;
  }
  if (input.stakeholders.length === 0 && input.stakeholderGroups.length === 0)
    errors.stakeholders = "Pick the stakeholders who test (people, or a group below).";
  let scheduledFor: Date | undefined;
  if (!input.date) errors.date = "Pick the day of the UAT session.";
  if (!input.time) errors.time = "Pick the time of the UAT session.";
  if (!input.zone) {
    errors.time = "Slack did not send your time zone, so this time cannot be read. Set a time zone in your Slack profile and try again.";
  } else if (input.date && input.time) {
    const at = DateTime.fromISO(`${input.date}T${input.time}`, { zone: input.zone });
    // Luxon moves a time in a clock change's gap forward; a time that reads back differently did not exist there.
    if (!at.isValid || at.toFormat("yyyy-LL-dd'T'HH:mm") !== `${input.date}T${input.time}`)
      errors.time = `That time does not exist in ${input.zone} (a clock change?). Pick another.`;
    else if (at.toMillis() < input.now.getTime() - 60_000)
      errors.time = `That is in the past (${at.toFormat("yyyy-LL-dd HH:mm")} ${input.zone}). Pick a time from now on.`;
    else scheduledFor = at.toUTC().toJSDate();
  }
  if (Object.keys(errors).length > 0 || !scheduledFor) return { ok: false, errors };
  return {
    ok: true,
    value: {
      scheduledFor,
      checklist,
      stakeholders: [...new Set(input.stakeholders)],
      stakeholderGroups: [...new Set(input.stakeholderGroups)],
    },
  };
}

export interface FeedbackInput {
  workflow: string | null;
  severity: string | null;
  effort: string | null;
  happened: string | null;
  steps: string | null;
  expected: string | null;
}

export interface ValidFeedback {
  workflow: string;
  severity: UatSeverity;
  effort: string;
  happened: string;
  steps: string;
  expected: string;
}

const FEEDBACK_LIMITS = { workflow: 150, happened: 3000, steps: 3000, expected: 3000 } as const;

/** The feedback form: every field required; errors keyed by block id. */
export function validateFeedback(input: FeedbackInput, effortScale: readonly string[]): Parsed<ValidFeedback> {
  const errors: Record<string, string> = {};
  const text = (key: keyof typeof FEEDBACK_LIMITS, what: string): string => {
    const value = (input[key] ?? "").trim();
    if (!value) errors[key] = `${what} is required.`;
    else if (value.length > FEEDBACK_LIMITS[key]) errors[key] = `Keep it under ${FEEDBACK_LIMITS[key]} characters.`;
    return value;
  };
  const workflow = text("workflow", "The workflow tested");
  const happened = text("happened", "What happened");
  const steps = text("steps", "Steps to reproduce");
  const expected = text("expected", "The expected result");
  if (!isUatSeverity(input.severity)) errors.severity = "Pick a severity: blocker, high or medium.";
  if (!input.effort || !effortScale.includes(input.effort)) errors.effort = `Pick an effort: ${effortScale.join(", ")}.`;
  if (Object.keys(errors).length > 0 || !isUatSeverity(input.severity) || !input.effort) return { ok: false, errors };
  return { ok: true, value: { workflow, severity: input.severity, effort: input.effort, happened, steps, expected } };
}

/** A piece of feedback as the backlog sorts it. */
export interface BacklogItem {
  severity: string | null;
  effort: string | null;
  createdAt: Date;
  resolvedAt: Date | null;
}

/**
 * The backlog's order (runbook 000: "prioritize follow-up fixes using
 * severity and effort estimates"): open before resolved, then blocker, high,
 * medium, then the smaller effort first (a quick win before a long job at
 * the same severity), then the older first.
 */
export function prioritise<T extends BacklogItem>(items: readonly T[], effortScale: readonly string[]): T[] {
  const severityRank = (s: string | null) => (isUatSeverity(s) ? UAT_SEVERITIES.indexOf(s) : UAT_SEVERITIES.length);
  const effortRank = (e: string | null) => {
    const i = e ? effortScale.indexOf(e) : -1;
    return i === -1 ? effortScale.length : i;
  };
  return [...items].sort(
    (a, b) =>
      Number(a.resolvedAt !== null) - Number(b.resolvedAt !== null) ||
      severityRank(a.severity) - severityRank(b.severity) ||
      effortRank(a.effort) - effortRank(b.effort) ||
      a.createdAt.getTime() - b.createdAt.getTime(),
  );
}

/** What closing a review cycle makes of the session. */
export function closedStatus(checklist: readonly ChecklistEntry[], openBlockers: number, feedback: "done" | "pending"): SessionStatus {
  if (feedback === "pending") return "running";
  const failing = checklist.some((c) => c.state === "fail" || c.state === "blocked");
  const untested = checklist.some((c) => c.state === "untested");
  return failing || untested || openBlockers > 0 ? "failed" : "passed";
}

export interface UatGateFacts {
  /** The newest session, or null when UAT was never scheduled nor skipped. */
  latest: { status: string; skipReason: string | null } | null;
  openBlockers: number;
}

/**
 * Runbooks 000 and 001: UAT comes before completion. Undefined when the gate
 * holds: the latest session passed with no open blocker, or it was skipped
 * with a reason, or the policy does not require UAT.
 */
export function uatGateRefusal(policy: Pick<Policy, "uat">, facts: UatGateFacts): string | undefined {
  if (!policy.uat.required) return undefined;
  const latest = facts.latest;
  if (latest?.status === "skipped" && latest.skipReason) return undefined;
  const blockers =
    facts.openBlockers > 0 ? `${facts.openBlockers} UAT blocker${facts.openBlockers === 1 ? " is" : "s are"} still open` : "";
  if (!latest) return "UAT has not run: schedule it (`/hotfix uat schedule`) or skip it with a reason (`/hotfix uat skip <reason>`)";
  if (latest.status !== "passed")
    return `UAT has not passed (latest session: ${latest.status}); close the review with \`/hotfix uat close --feedback done\` once it passes${blockers ? `, and ${blockers}` : ""}`;
  if (blockers) return blockers;
  return undefined;
}

/** A word for the UAT state, for `/hotfix status` and the card. */
export function uatStateWords(
  required: boolean,
  facts: UatGateFacts & { deadline: Date | null; scheduledFor: Date | null; feedback: number },
): string {
  const latest = facts.latest;
  if (!latest) return required ? "not scheduled yet" : "not required by policy";
  if (latest.status === "skipped") return `skipped (${latest.skipReason ?? "no reason"})`;
  const parts = [latest.status];
  if (facts.feedback > 0) parts.push(`${facts.feedback} feedback`);
  if (facts.openBlockers > 0) parts.push(`${facts.openBlockers} open blocker${facts.openBlockers === 1 ? "" : "s"}`);
  return parts.join(", ");
}

/** The Linear issue's title: the workflow first (triage scans titles), then the incident. */
export function feedbackTitle(incidentLabel: string, workflow: string, happened: string): string {
  const summary = happened.split(/\r?\n/)[0]?.trim() ?? "";
  const title = `UAT ${incidentLabel}: ${workflow} — ${summary}`;
  return title.length > 250 ? `${title.slice(0, 247)}...` : title;
}

/** The Linear issue's Markdown: the incident, the reporter, the form's fields and the link back to the Slack thread. */
export function feedbackDescription(input: {
  incidentLabel: string;
  incidentTitle: string;
  severity: UatSeverity;
  effort: string | null;
  workflow: string;
  reporter: string;
  happened: string;
  steps: string | null;
  expected: string | null;
  threadUrl: string | null;
}): string {
  return [
    `**Incident:** ${input.incidentLabel} — ${escapeInline(input.incidentTitle)}`,
    `**Reported by:** ${escapeInline(input.reporter)} (UAT stakeholder, in Slack)`,
    `**Workflow:** ${escapeInline(input.workflow)}`,
    `**Severity:** ${input.severity} (priority ${LINEAR_PRIORITY[input.severity].label}) · **Effort:** ${escapeInline(input.effort ?? "-")}`,
    "",
    "### What happened",
    escapeBlock(input.happened),
    "",
    "### Steps to reproduce",
    escapeBlock(input.steps ?? "-"),
    "",
    "### Expected result",
    escapeBlock(input.expected ?? "-"),
    "",
    input.threadUrl ? `[Slack thread](${input.threadUrl})` : "_The Slack thread was not posted yet._",
  ].join("\n");
}

/** A runbook 002 phase-6 follow-up ticket's Markdown. */
export function followUpDescription(input: {
  incidentLabel: string;
  incidentTitle: string;
  question: string;
  warRoomUrl: string | null;
  ticketUrl: string | null;
}): string {
  return [
    `Follow-up of ${input.incidentLabel} — ${escapeInline(input.incidentTitle)} (runbook 002 phase 6).`,
    "",
    `**Question to answer:** ${escapeInline(input.question)}`,
    ...(input.ticketUrl ? [`**Original ticket:** ${input.ticketUrl}`] : []),
    ...(input.warRoomUrl ? [`**War room:** ${input.warRoomUrl}`] : []),
  ].join("\n");
}
