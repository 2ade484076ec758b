// The UAT lane in Slack: the checklist message with pass / fail / blocked
// buttons (updated in place), the lane's war-room messages, the feedback post,
// the prioritised backlog and the summary for product leadership. Every text a
// person wrote goes through escapeMrkdwn / link / plainText here.
import { incidentLabel } from "../../domain/names.js";
import { type ChecklistEntry, type CheckState, isUatSeverity, LINEAR_PRIORITY } from "../../domain/uat.js";
import type { UatMessage } from "../../effects/uat-messages.js";
import { type Block, context, dateToken, divider, header, mention, plain, section } from "./block-kit.js";
import { escapeMrkdwn, link, plainText } from "./escape.js";

export const UAT_ACTIONS = {
  pass: "uat_check_pass",
  fail: "uat_check_fail",
  blocked: "uat_check_blocked",
  feedback: "uat_feedback_open",
  share: "uat_share_summary",
  followups: "uat_followups",
} as const;

export const CHECK_ACTIONS: Record<Exclude<CheckState, "untested">, string> = {
  pass: UAT_ACTIONS.pass,
  fail: UAT_ACTIONS.fail,
  blocked: UAT_ACTIONS.blocked,
};

const STATE_WORDS: Record<CheckState, string> = {
  untested: ":white_circle: not tested yet",
  pass: ":white_check_mark: pass",
  fail: ":x: fail",
  blocked: ":no_entry: blocked",
};

/** A checklist button's value: which session and item (an index: item texts may be long). */
export function checkValue(sessionId: string, index: number): string {
  return JSON.stringify({ s: sessionId, i: index });
}

export function parseCheckValue(value: string | undefined): { sessionId: string; index: number } | undefined {
  try {
    const parsed = JSON.parse(value ?? "") as { s?: unknown; i?: unknown };
    if (typeof parsed.s === "string" && typeof parsed.i === "number" && Number.isInteger(parsed.i) && parsed.i >= 0)
      return { sessionId: parsed.s, index: parsed.i };
  } catch {
    // not ours
  }
  return undefined;
}

const when = (iso: string | null): string => (iso ? dateToken(new Date(iso), iso) : "");

/** The checklist as one message: a line and three buttons per item; the clicks update it in place. */
export function checklistMessage(input: {
  number: number;
  sessionId: string;
  incidentId: string;
  checklist: ChecklistEntry[];
  status: string;
}): { text: string; blocks: Block[] } {
  const label = incidentLabel(input.number);
  const done = input.checklist.filter((c) => c.state === "pass").length;
  const closed = ["passed", "failed", "skipped", "cancelled"].includes(input.status);
  const blocks: Block[] = [
    header(`UAT checklist — ${label}`),
    context(`${done}/${input.checklist.length} passed · session ${escapeMrkdwn(input.status)} · a fail opens the feedback form`),
  ];
  input.checklist.forEach((entry, index) => {
    const who = entry.by ? ` — ${mention(entry.by)} ${when(entry.at)}` : "";
    blocks.push(section(`*${escapeMrkdwn(entry.item, 150)}*\n${STATE_WORDS[entry.state]}${who}`, { block_id: `uat_item_${index}` }));
    if (!closed)
      blocks.push({
        type: "actions",
        block_id: `uat_item_actions_${index}`,
        elements: (Object.keys(CHECK_ACTIONS) as Array<keyof typeof CHECK_ACTIONS>).map((state) => ({
          type: "button",
          action_id: CHECK_ACTIONS[state],
          text: plain(state === "pass" ? "Pass" : state === "fail" ? "Fail" : "Blocked"),
          value: checkValue(input.sessionId, index),
          ...(state === "pass" ? { style: "primary" } : state === "fail" ? { style: "danger" } : {}),
        })),
      });
  });
  blocks.push({
    type: "actions",
    block_id: "uat_feedback",
    elements: [{ type: "button", action_id: UAT_ACTIONS.feedback, text: plain("Give UAT feedback"), value: input.incidentId }],
  });
  const lines = input.checklist.map((c) => `${c.item}: ${c.state}`).join("; ");
  return { text: plainText(`UAT checklist for ${label} (${done}/${input.checklist.length} passed): ${lines}`, 2900), blocks };
}

/** The lane's war-room messages. */
export function uatMessage(m: UatMessage): { text: string; blocks?: Block[] } {
  switch (m.kind) {
    case "scheduled": {
      const who = [...m.users.map(mention), ...m.groups.map((g) => `<!subteam^${g}>`)].join(", ") || "_nobody yet_";
      const deadline = m.deadline ? ` UAT deadline: ${when(m.deadline)}.` : " The deadline starts with the first staging deploy.";
      const text = `:clipboard: UAT for ${incidentLabel(m.number)} is scheduled for ${when(m.scheduledFor)} by ${mention(m.by)}: ${m.items} item${m.items === 1 ? "" : "s"} to test.${deadline}\nStakeholders: ${who}`;
      return {
        text,
        blocks: [
          section(text),
          {
            type: "actions",
            block_id: "uat_schedule_actions",
            elements: [{ type: "button", action_id: UAT_ACTIONS.feedback, text: plain("Give UAT feedback"), value: m.incidentId }],
          },
        ],
      };
    }
    case "skipped":
      return {
        text: `:fast_forward: UAT for ${incidentLabel(m.number)} was skipped by ${mention(m.by)}: ${escapeMrkdwn(m.reason, 500)}. Completion no longer waits for it.`,
      };
    case "review_closed": {
      const verdict =
        m.status === "passed"
          ? ":white_check_mark: UAT passed"
          : m.status === "failed"
            ? ":x: UAT did not pass"
            : ":hourglass_flowing_sand: Feedback still pending";
      const why = [
        ...(m.failing.length ? [`not passing: ${m.failing.map((f) => escapeMrkdwn(f, 100)).join(", ")}`] : []),
        ...(m.openBlockers ? [`${m.openBlockers} open blocker${m.openBlockers === 1 ? "" : "s"}`] : []),
      ];
      return {
        text: `${verdict} — review cycle of ${incidentLabel(m.number)} closed by ${mention(m.by)} (--feedback ${m.feedback})${why.length ? `: ${why.join("; ")}` : ""}.`,
      };
    }
    case "deadline":
      return {
        text:
          m.which === "reminder"
            ? `:alarm_clock: ${incidentLabel(m.number)}: the UAT deadline is ${when(m.deadline)} and UAT is ${escapeMrkdwn(m.state)}. ${m.commander ? `${mention(m.commander)}, ` : ""}schedule or close it in time (\`/hotfix uat schedule\`, \`/hotfix uat close --feedback done\`).`
            : `:rotating_light: ${incidentLabel(m.number)}: the UAT deadline (${when(m.deadline)}) has passed and UAT is ${escapeMrkdwn(m.state)}. ${m.commander ? `${mention(m.commander)}: ` : ""}finish it, or skip it with a reason (\`/hotfix uat skip <reason>\`).`,
      };
    case "linear_created":
      return {
        text: `:ticket: Logged in Linear: ${link(m.url, m.identifier)} (priority ${escapeMrkdwn(m.priority)}), for ${mention(m.author)}.`,
      };
    case "linear_queued":
      return {
        text: `:hourglass_flowing_sand: ${mention(m.author)}, Linear is not answering (${escapeMrkdwn(m.reason, 200)}). Your feedback is stored; the Linear issue is queued and will be created as soon as Linear answers.`,
      };
    case "linear_refused":
      return {
        text: `:warning: ${mention(m.author)}, Linear refused the issue for this feedback: ${escapeMrkdwn(m.reason, 300)}. The feedback is stored and shows in \`/hotfix uat backlog\`; the bot tries again every few minutes, so fixing the Linear set-up (README "Linear set-up") is enough.`,
      };
    case "feedback_resolved":
      return {
        text: `:white_check_mark: ${m.identifier ? escapeMrkdwn(m.identifier) : "Feedback"} (${escapeMrkdwn(m.workflow, 150)}) marked resolved by ${mention(m.by)}.`,
      };
    case "followups_requested":
      return {
        text: `:memo: ${mention(m.by)} is filing the follow-up tickets of ${incidentLabel(m.number)} in Linear: ${m.labels.map((l) => escapeMrkdwn(l)).join(", ")}.`,
      };
    case "followup_created":
      return { text: `:ticket: Follow-up ${escapeMrkdwn(m.label)}: ${link(m.url, m.identifier)}` };
    case "followup_refused":
      return { text: `:warning: Linear refused the follow-up ${escapeMrkdwn(m.label)}: ${escapeMrkdwn(m.reason, 300)}` };
  }
}

export interface FeedbackView {
  id: string;
  author: string;
  workflow: string | null;
  severity: string | null;
  effort: string | null;
  text: string;
  steps: string | null;
  expected: string | null;
  linearIdentifier: string | null;
  linearUrl: string | null;
  resolvedAt: Date | null;
  createdAt: Date;
}

const SEVERITY_EMOJI: Record<string, string> = { blocker: ":red_circle:", high: ":large_orange_circle:", medium: ":large_yellow_circle:" };

function severityWords(severity: string | null): string {
  if (!isUatSeverity(severity)) return "no severity";
  return `${SEVERITY_EMOJI[severity]} ${severity} (Linear ${LINEAR_PRIORITY[severity].label})`;
}

/** The feedback as posted in the war room; its thread gets the Linear link. */
export function feedbackPost(number: number, f: FeedbackView): { text: string; blocks: Block[] } {
  const title = `UAT feedback on ${incidentLabel(number)} from ${mention(f.author)}: *${escapeMrkdwn(f.workflow, 150)}* — ${severityWords(f.severity)}, effort ${escapeMrkdwn(f.effort)}`;
  const body = [
    `*What happened*\n${escapeMrkdwn(f.text, 900)}`,
    `*Steps to reproduce*\n${escapeMrkdwn(f.steps, 900)}`,
    `*Expected*\n${escapeMrkdwn(f.expected, 600)}`,
  ].join("\n");
  return { text: `${title}\n${body}`.slice(0, 3900), blocks: [section(title), section(body.slice(0, 2990))] };
}

function backlogLine(f: FeedbackView, index: number): string {
  const linear = f.linearIdentifier ? link(f.linearUrl, f.linearIdentifier) : "_Linear issue queued_";
  const resolved = f.resolvedAt ? " ~resolved~" : "";
  return `${index + 1}. ${severityWords(f.severity)} · effort ${escapeMrkdwn(f.effort)} · *${escapeMrkdwn(f.workflow, 120)}* — ${escapeMrkdwn(f.text.split("\n")[0], 160)} · ${linear} · ${mention(f.author)}${resolved}`;
}

/** `/hotfix uat backlog`: the feedback in priority order (severity, then effort), with Linear links and the lane's buttons. */
export function backlogMessage(input: { number: number; incidentId: string; items: FeedbackView[]; state: string }): {
  text: string;
  blocks: Block[];
} {
  const label = incidentLabel(input.number);
  const lines = input.items.map(backlogLine);
  const chunks: Block[] = [];
  for (let i = 0; i < lines.length; i += 10) chunks.push(section(lines.slice(i, i + 10).join("\n")));
  return {
    text: `UAT backlog of ${label} (${input.items.length}): ${lines.join(" | ")}`.slice(0, 2900),
    blocks: [
      header(`UAT backlog — ${label}`),
      context(`UAT: ${escapeMrkdwn(input.state)} · prioritised by severity, then effort`),
      ...(chunks.length ? chunks : [section("_No feedback yet._ `/hotfix uat feedback` or the button on the checklist.")]),
      divider(),
      {
        type: "actions",
        block_id: "uat_backlog_actions",
        elements: [
          { type: "button", action_id: UAT_ACTIONS.share, text: plain("Share summary with stakeholders"), value: input.incidentId },
          { type: "button", action_id: UAT_ACTIONS.followups, text: plain("File follow-up tickets"), value: input.incidentId },
        ],
      },
    ],
  };
}

/** The UAT summary and the prioritised backlog, for product leadership (runbook 000 section 5). */
export function summaryMessage(input: {
  number: number;
  title: string;
  state: string;
  checklist: ChecklistEntry[];
  items: FeedbackView[];
}): { text: string; blocks: Block[] } {
  const label = incidentLabel(input.number);
  const counts = (["pass", "fail", "blocked", "untested"] as const).map(
    (s) => `${input.checklist.filter((c) => c.state === s).length} ${s}`,
  );
  const open = input.items.filter((f) => !f.resolvedAt);
  const lines = open.map(backlogLine);
  const checklist = input.checklist.map((c) => `${STATE_WORDS[c.state]} ${escapeMrkdwn(c.item, 150)}`).join("\n");
  return {
    text: `UAT summary for ${label} ${plainText(input.title, 150)}: ${input.state}; checklist ${counts.join(", ")}; ${open.length} open feedback item(s).`,
    blocks: [
      header(`UAT summary — ${label}`),
      section(`*${escapeMrkdwn(input.title, 200)}*\nUAT: ${escapeMrkdwn(input.state)} · checklist ${counts.join(", ")}`),
      ...(checklist ? [section(checklist.slice(0, 2990))] : []),
      section(`*Prioritised backlog (${open.length} open)*\n${lines.join("\n").slice(0, 2900) || "_nothing open_"}`),
    ],
  };
}
