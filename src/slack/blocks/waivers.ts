// The waivers' Slack texts (runbook 004 step 2): the request modal, the
// request posted to the approvers with Approve / Deny, and the decisions.
// Every text a person wrote goes through the escaping helper.
import type { KnownBlock, View } from "@slack/types";
import { incidentLabel } from "../../domain/names.js";
import { formatDurationMs } from "../../domain/policy-values.js";
import { WAIVER_RISKS, WAIVER_TYPES, type Waiver, type WaiverRules } from "../../domain/waivers.js";
import { dateToken } from "./block-kit.js";
import { escapeMrkdwn, link, plainText } from "./escape.js";

export const WAIVER_REQUEST_CALLBACK = "waiver_request";
export const WAIVER_APPROVE_ACTION = "waiver_approve";
export const WAIVER_DENY_ACTION = "waiver_deny";

export interface WaiverModalMetadata {
  incidentId: string;
  channelId: string;
}

/** The modal's block ids, and the request field each one fills (for inline errors). */
export const WAIVER_FIELD_BLOCKS: Record<string, string> = {
  type: "type",
  hotfixTag: "tag",
  gatesWaived: "gates",
  justification: "justification",
  risk: "risk",
  mitigations: "mitigations",
  ticketUrl: "ticket",
  expiresAt: "expiry",
  duration: "expiry",
};

const plain = (text: string) => ({ type: "plain_text" as const, text });
const option = (value: string, text = value) => ({ text: plain(text), value });

function textInput(
  block: string,
  label: string,
  o: { initial?: string | null; multiline?: boolean; placeholder?: string; hint?: string; optional?: boolean },
) {
  return {
    type: "input" as const,
    block_id: block,
    ...(o.optional ? { optional: true } : {}),
    label: plain(label),
    ...(o.hint ? { hint: plain(o.hint) } : {}),
    element: {
      type: "plain_text_input" as const,
      action_id: "value",
      ...(o.multiline ? { multiline: true } : {}),
      ...(o.placeholder ? { placeholder: plain(o.placeholder) } : {}),
      ...(o.initial ? { initial_value: plainText(o.initial, 3000) } : {}),
    },
  };
}

export function waiverRequestModal(
  incident: { number: number; releaseTag: string | null; version: string | null; ticketUrl: string | null },
  rules: WaiverRules,
  metadata: WaiverModalMetadata,
): View {
  const maxima = WAIVER_TYPES.map((t) => `${t} ${formatDurationMs(rules.maxDurationMs[t])}`).join(", ");
  const tag = incident.releaseTag ?? (incident.version ? `v${incident.version.replace(/^v/, "")}` : null);
  return {
    type: "modal",
    callback_id: WAIVER_REQUEST_CALLBACK,
    private_metadata: JSON.stringify(metadata),
    title: plain(plainText(`Waiver ${incidentLabel(incident.number)}`, 24)),
    submit: plain("Request"),
    close: plain("Cancel"),
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `A gate waiver (runbook 004). It covers only the gates it names, only for its release tag, and only once ${rules.approvals} approvers (never you) approve it. Longest life: ${maxima}.`,
        },
      },
      {
        type: "input",
        block_id: "type",
        label: plain("Type"),
        element: {
          type: "static_select",
          action_id: "value",
          options: WAIVER_TYPES.map((t) => option(t)),
          initial_option: option("gate-bypass"),
        },
      },
      textInput("tag", "Release tag", { initial: tag, placeholder: "v4.1.3" }),
      textInput("gates", "Gates waived", {
        multiline: true,
        placeholder: "integration-tests",
        hint: "One per line or separated by commas, as the checks are named.",
      }),
      textInput("justification", "Justification", { multiline: true, hint: "At least 50 characters, so a reviewer can judge it." }),
      {
        type: "input",
        block_id: "risk",
        label: plain("Risk"),
        element: { type: "static_select", action_id: "value", options: WAIVER_RISKS.map((r) => option(r)) },
      },
      textInput("mitigations", "Mitigations", {
        multiline: true,
        optional: true,
        placeholder: "Manual verification of affected endpoints",
      }),
      textInput("expiry", "Expires", {
        initial: "24h",
        hint: "A duration from now (72h, 7d) or a time with a zone (2026-01-16T10:00:00Z); never beyond the type's maximum.",
      }),
      textInput("ticket", "Ticket URL", { initial: incident.ticketUrl, placeholder: "https://issues.example.com/SEC-1234" }),
    ],
  } as View;
}

function facts(w: Waiver): string {
  return [
    `*Type:* ${w.type}   *Risk:* ${w.risk}   *Release:* \`${escapeMrkdwn(w.hotfixTag, 100)}\``,
    `*Gates waived:* ${w.gatesWaived.map((g) => `\`${escapeMrkdwn(g, 200)}\``).join(", ")}`,
    `*Justification:* ${escapeMrkdwn(w.justification, 1500)}`,
    `*Mitigations:* ${w.mitigations.length ? w.mitigations.map((m) => escapeMrkdwn(m, 300)).join("; ") : "none given"}`,
    `*Ticket:* ${link(w.ticketUrl, "ticket")}   *Expires:* ${dateToken(w.expiresAt, w.expiresAt.toISOString())}`,
  ].join("\n");
}

/** The request, posted to the approvers (war room and their DMs) with Approve / Deny. */
export function waiverRequestMessage(
  w: Waiver,
  o: { number: number | null; approvers: string | null; needed: number },
): { text: string; blocks: KnownBlock[] } {
  const text = `:scales: ${o.approvers ?? "Approvers"}: waiver *${w.id}* requested by ${w.requestedBy ? `<@${w.requestedBy}>` : "someone"}${o.number ? ` for ${incidentLabel(o.number)}` : ""}; it needs ${o.needed} approvals from different approvers (not the requester).`;
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text } },
      { type: "section", text: { type: "mrkdwn", text: facts(w) } },
      {
        type: "actions",
        block_id: `waiver:${w.id}`,
        elements: [
          { type: "button", action_id: WAIVER_APPROVE_ACTION, text: plain("Approve"), style: "primary", value: w.id },
          { type: "button", action_id: WAIVER_DENY_ACTION, text: plain("Deny"), style: "danger", value: w.id },
        ],
      },
    ],
  };
}

export type WaiverEventKind = "approved" | "activated" | "denied" | "expired";

/** A decision or the expiry, said in the war room. */
export function waiverEventText(w: Waiver, event: WaiverEventKind, by: string | null, needed: number): string {
  const who = by ? `<@${by}>` : "someone";
  const count = w.approvals.length;
  switch (event) {
    case "approved":
      return `:ballot_box_with_check: ${who} approved waiver *${w.id}* (${count} of ${needed}); it covers nothing until ${needed} approvers have approved.`;
    case "activated":
      return `:white_check_mark: Waiver *${w.id}* is *active* (${count} approvals): it covers ${w.gatesWaived.map((g) => `\`${escapeMrkdwn(g, 200)}\``).join(", ")} for \`${escapeMrkdwn(w.hotfixTag, 100)}\` until ${dateToken(w.expiresAt, w.expiresAt.toISOString())}.`;
    case "denied":
      return `:no_entry: ${who} denied waiver *${w.id}*${w.denial?.reason ? `: ${escapeMrkdwn(w.denial.reason, 500)}` : ""}. It is closed; file a new one if it is still needed.`;
    case "expired":
      return `:hourglass: Waiver *${w.id}* expired at ${dateToken(w.expiresAt, w.expiresAt.toISOString())}: it covers nothing from now on. Expired waivers are never extended; request a new one (\`/hotfix waiver request\`).`;
  }
}
