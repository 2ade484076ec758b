// The declare form (runbook 002, "Declare Incident"): what, how bad, who leads.
import type { View } from "@slack/types";
import type { Policy } from "../../config.js";
import { cleanText, TITLE_MAX } from "../../domain/declare-input.js";
import { SEVERITIES } from "../../domain/severity.js";

export const DECLARE_CALLBACK = "declare";

export interface DeclareMetadata {
  originChannelId?: string;
  /** The slash command's response_url: answers ephemerally where /hotfix was typed, bot member or not. */
  responseUrl?: string;
}

const option = (text: string, value: string, description?: string) => ({
  text: { type: "plain_text" as const, text, emoji: true },
  value,
  ...(description ? { description: { type: "plain_text" as const, text: description.slice(0, 75) } } : {}),
});

const optionalText = (blockId: string, label: string, placeholder: string) => ({
  type: "input",
  block_id: blockId,
  optional: true,
  label: { type: "plain_text", text: label },
  element: { type: "plain_text_input", action_id: "value", placeholder: { type: "plain_text", text: placeholder } },
});

export function declareModal(options: { title?: string; declaredBy: string; policy: Policy; now: Date; metadata: DeclareMetadata }): View {
  const { policy } = options;
  const severityOptions = SEVERITIES.map((s) => {
    const p = policy.severity[s];
    return option(`${s}${p.sla ? ` — SLA ${p.sla}` : " — next release"}`, s, p.description);
  });
  const severityHelp = SEVERITIES.map((s) => `${s}: ${policy.severity[s].description}`).join("\n");
  // What was typed after `/hotfix declare`, cleaned the way the form will store it.
  const title = cleanText(options.title)?.slice(0, TITLE_MAX);
  return {
    type: "modal",
    callback_id: DECLARE_CALLBACK,
    private_metadata: JSON.stringify(options.metadata),
    title: { type: "plain_text", text: "Declare a hotfix" },
    submit: { type: "plain_text", text: "Declare" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "input",
        block_id: "title",
        label: { type: "plain_text", text: "What is broken?" },
        element: {
          type: "plain_text_input",
          action_id: "value",
          max_length: TITLE_MAX,
          ...(title ? { initial_value: title } : {}),
          placeholder: { type: "plain_text", text: "Payments failing for card users" },
        },
      },
      {
        type: "input",
        block_id: "severity",
        label: { type: "plain_text", text: "Severity" },
        hint: { type: "plain_text", text: severityHelp.slice(0, 2000) },
        element: { type: "static_select", action_id: "value", options: severityOptions, initial_option: severityOptions[0] },
      },
      {
        type: "input",
        block_id: "override",
        optional: true,
        label: { type: "plain_text", text: "P2 can wait for the next release" },
        element: {
          type: "checkboxes",
          action_id: "value",
          options: [option("Declare a hotfix anyway (recorded on the timeline)", "override")],
        },
      },
      optionalText("impact_users", "Users affected", "All EU card users (~12 %)"),
      optionalText("impact_revenue", "Revenue impact", "~$4k per hour"),
      optionalText("service", "Affected service", "payments-api"),
      {
        type: "input",
        block_id: "ticket",
        optional: true,
        label: { type: "plain_text", text: "Ticket link" },
        element: { type: "url_text_input", action_id: "value" },
      },
      {
        type: "input",
        block_id: "commander",
        label: { type: "plain_text", text: "Incident commander" },
        element: { type: "users_select", action_id: "value", initial_user: options.declaredBy },
      },
      {
        type: "input",
        block_id: "started_at",
        label: { type: "plain_text", text: "Started at" },
        hint: { type: "plain_text", text: "When the problem began, in your time zone. The SLA runs from here." },
        element: { type: "datetimepicker", action_id: "value", initial_date_time: Math.floor(options.now.getTime() / 1000) },
      },
      {
        type: "input",
        block_id: "rollback_faster",
        label: { type: "plain_text", text: "Would a rollback be faster than a hotfix?" },
        element: {
          type: "radio_buttons",
          action_id: "value",
          options: [option("Yes", "yes"), option("No", "no"), option("Not sure yet", "unknown")],
          initial_option: option("Not sure yet", "unknown"),
        },
      },
    ],
  } as View;
}
