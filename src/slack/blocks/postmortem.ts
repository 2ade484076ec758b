// What the war room reads about the post-mortem: the message under the
// uploaded file (durations from the markers, the runbook 002 phase-6
// follow-up checklist, and — when the Linear follow-ups workflow exists — the
// button that creates the missing tickets), and the due-date reminder.
import { formatDurationMs } from "../../domain/policy-values.js";
import { durationsFrom, FOLLOW_UP_PROMPTS, type FollowUp, followUpChecklist, type Markers } from "../../domain/postmortem.js";
import { type Block, context, section } from "./block-kit.js";
import { escapeMrkdwn, link } from "./escape.js";

export const CREATE_FOLLOW_UPS = "postmortem_create_followups";

export interface PostmortemMessageFacts {
  label: string;
  incidentId: string;
  markers: Markers;
  followUps: FollowUp[];
  /** Offer the "Create follow-up tickets" button (the Linear workflow is wired). */
  offerFollowUps: boolean;
}

const span = (ms: number | null) => (ms === null ? "_not known_" : formatDurationMs(ms));

/** The comment under the uploaded file. */
export function postmortemComment(label: string, requestedBy: string): string {
  return `:memo: Post-mortem of ${escapeMrkdwn(label)}, rendered from the timeline for <@${requestedBy}>. Fill in root cause, what went well, what could be better and the action items.`;
}

export function postmortemMessage(f: PostmortemMessageFacts): { text: string; blocks: Block[] } {
  const d = durationsFrom(f.markers);
  const checklist = followUpChecklist(f.followUps).map((item) => {
    const prompt = FOLLOW_UP_PROMPTS[item.kind];
    const ticket = item.url
      ? link(item.url, escapeMrkdwn(item.identifier ?? "ticket"))
      : item.identifier
        ? escapeMrkdwn(item.identifier)
        : "_no ticket yet_";
    return `${item.identifier || item.url ? ":white_check_mark:" : ":white_square:"} *${prompt.label}* — ${escapeMrkdwn(prompt.question)} ${ticket}`;
  });
  const blocks: Block[] = [
    section(
      `*${escapeMrkdwn(f.label)} in numbers* (from the timeline's markers)\n` +
        `Time to detect ${span(d.timeToDetectMs)} · to declare ${span(d.timeToDeclareMs)} · to mitigate ${span(d.timeToMitigateMs)} · to resolve ${span(d.timeToResolveMs)}`,
    ),
    section(`*Follow-up tickets* (runbook 002, phase 6)\n${checklist.join("\n")}`),
  ];
  const missing = followUpChecklist(f.followUps).filter((item) => !item.identifier && !item.url).length;
  if (f.offerFollowUps && missing > 0)
    blocks.push({
      type: "actions",
      block_id: "postmortem_actions",
      elements: [
        {
          type: "button",
          action_id: CREATE_FOLLOW_UPS,
          text: { type: "plain_text", text: `Create ${missing} follow-up ticket${missing === 1 ? "" : "s"} in Linear` },
          value: f.incidentId,
          style: "primary",
        },
      ],
    });
  blocks.push(context("`/hotfix timeline` corrects the markers and events; `/hotfix postmortem` renders it again."));
  return { text: `Post-mortem of ${f.label}: follow-ups and durations`, blocks };
}

export interface PostmortemReminderFacts {
  label: string;
  round: number;
  overdueMs: number;
  policyDue: string;
  commander: string | null;
  /** Sent by DM because the war room was archived (where `/hotfix postmortem` can no longer be typed): the file the CLI writes. */
  archivedWarRoom?: { file: string };
}

export function postmortemReminder(f: PostmortemReminderFacts): string {
  const when = f.round === 0 ? "is due now" : `is overdue by ${formatDurationMs(Math.max(0, f.overdueMs))}`;
  const label = escapeMrkdwn(f.label);
  const head = `:memo: The post-mortem of ${label} ${when} (policy: within ${escapeMrkdwn(f.policyDue)} of resolution).`;
  if (f.archivedWarRoom)
    return (
      `${head} Its war room is archived: export it with \`hotfix postmortem ${label} --out ${escapeMrkdwn(f.archivedWarRoom.file)}\` ` +
      `or from \`GET /incidents/${label}/postmortem.md\` (export token). This reminder repeats daily until then.`
    );
  return `${head}${f.commander ? ` <@${f.commander}>,` : ""} \`/hotfix postmortem\` exports it here; this reminder repeats daily until then.`;
}
