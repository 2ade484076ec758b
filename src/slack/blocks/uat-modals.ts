// The UAT forms: scheduling (date and time in the person's time zone,
// stakeholders, the checklist) and feedback (workflow, severity, effort, what
// happened, steps to reproduce, expected result). Every input's action_id is
// "value", so the listeners read values by block id, and inline errors name
// the same block ids.
import type { View } from "@slack/types";
import { DateTime } from "luxon";
import type { Policy } from "../../domain/policy.js";
import { MAX_CHECKLIST_ITEMS, UAT_SEVERITIES } from "../../domain/uat.js";
import { plainText } from "./escape.js";

export const UAT_SCHEDULE_CALLBACK = "uat_schedule";
export const UAT_FEEDBACK_CALLBACK = "uat_feedback";

export interface UatModalMetadata {
  incidentId: string;
  /** Feedback prefilled from a failed checklist item. */
  sessionId?: string;
  item?: string;
}

const text = (value: string) => ({ type: "plain_text" as const, text: value, emoji: true });
const option = (label: string, value: string) => ({ text: text(plainText(label, 75)), value });

function input(blockId: string, label: string, element: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { type: "input", block_id: blockId, label: text(label), element: { action_id: "value", ...element }, ...extra };
}

export function scheduleModal(options: { incidentId: string; label: string; policy: Policy; now: Date; zone: string | null }): View {
  const { policy } = options;
  const local = DateTime.fromJSDate(options.now, { zone: options.zone ?? "UTC" })
    .plus({ hours: 1 })
    .startOf("hour");
  const groups = policy.uat.stakeholders.usergroups;
  return {
    type: "modal",
    callback_id: UAT_SCHEDULE_CALLBACK,
    private_metadata: JSON.stringify({ incidentId: options.incidentId } satisfies UatModalMetadata),
    title: text("Schedule UAT"),
    submit: text("Schedule"),
    close: text("Cancel"),
    blocks: [
      {
        type: "context",
        elements: [
          {
            type: "mrkdwn",
            text: `${plainText(options.label, 20)} · times are in your Slack time zone${options.zone ? ` (${plainText(options.zone, 60)})` : " (Slack did not send one: set it in your profile)"} · the deadline is ${policy.uat.deadline.text} after the first staging deploy`,
          },
        ],
      },
      input("date", "Day", { type: "datepicker", initial_date: local.toISODate() }),
      input("time", "Time", { type: "timepicker", initial_time: local.toFormat("HH:mm") }),
      input(
        "stakeholders",
        "Stakeholders (people)",
        {
          type: "multi_users_select",
          ...(policy.uat.stakeholders.users.length ? { initial_users: policy.uat.stakeholders.users } : {}),
          placeholder: text("Finance ops, compliance, support ..."),
        },
        { optional: true },
      ),
      ...(groups.length
        ? [
            input(
              "groups",
              "Stakeholder groups (policy)",
              {
                type: "multi_static_select",
                options: groups.map((g) => option(g, g)),
                initial_options: groups.map((g) => option(g, g)),
              },
              { optional: true },
            ),
          ]
        : []),
      input(
        "checklist",
        `Checklist (one item a line, at most ${MAX_CHECKLIST_ITEMS})`,
        {
          type: "plain_text_input",
          multiline: true,
          initial_value: policy.uat.checklist.join("\n"),
          placeholder: text("Payment posting\nReconciliation\nAlerts routing\n+ the defect areas and regression sweeps"),
        },
        { hint: text("The policy's workflows come first; add the defect areas and the regression sweeps for this fix.") },
      ),
    ],
  };
}

export function feedbackModal(options: { metadata: UatModalMetadata; label: string; policy: Policy; workflow?: string }): View {
  const { policy } = options;
  return {
    type: "modal",
    callback_id: UAT_FEEDBACK_CALLBACK,
    private_metadata: JSON.stringify(options.metadata),
    title: text("UAT feedback"),
    submit: text("Send"),
    close: text("Cancel"),
    blocks: [
      {
        type: "context",
        elements: [
          {
            type: "mrkdwn",
            text: `${plainText(options.label, 20)} · stored at once, then logged as a Linear issue in ${plainText(policy.linear.team, 20)} / ${plainText(policy.linear.project, 40)}`,
          },
        ],
      },
      input("workflow", "Workflow tested", {
        type: "plain_text_input",
        max_length: 150,
        ...(options.workflow ? { initial_value: plainText(options.workflow, 150) } : {}),
        placeholder: text("Payment posting"),
      }),
      input("severity", "Severity", {
        type: "static_select",
        options: UAT_SEVERITIES.map((s) => option(s === "blocker" ? "blocker — stops the release" : s, s)),
      }),
      input("effort", "Effort to fix", { type: "static_select", options: policy.uat.effort.map((e) => option(e, e)) }),
      input("happened", "What happened", { type: "plain_text_input", multiline: true, max_length: 3000 }),
      input("steps", "Steps to reproduce", { type: "plain_text_input", multiline: true, max_length: 3000 }),
      input("expected", "Expected result", { type: "plain_text_input", multiline: true, max_length: 3000 }),
    ],
  };
}
