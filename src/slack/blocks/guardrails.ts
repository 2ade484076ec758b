// The guardrails' Slack texts: the tuning modal, and the war-room posts for
// thresholds tuned, a breach (mentioning the on-call) and a recovery. Every
// text from an alert sender or a person goes through the escaping helper.
import type { View } from "@slack/types";
import { incidentLabel } from "../../domain/names.js";
import type { GuardrailPostData } from "../../effects/guardrail-messages.js";
import { dateToken } from "./block-kit.js";
import { escapeMrkdwn, link, plainText, safeUrl } from "./escape.js";

/** Only the links the policy sets, each a safe http(s) URL. */
function linksOf(links: Record<string, string | null>): string[] {
  return Object.entries(links)
    .filter(([, url]) => safeUrl(url))
    .map(([label, url]) => link(url, label));
}

type Post = GuardrailPostData;

const SOURCE_WORDS: Record<string, string> = { sentry: "Sentry", alertmanager: "Alertmanager", metrics: "metrics" };

function oncallMention(oncall: { usergroup: string | null; users: string[] }): string {
  const parts = [
    ...(oncall.usergroup && /^S[A-Z0-9]+$/.test(oncall.usergroup) ? [`<!subteam^${oncall.usergroup}>`] : []),
    ...oncall.users.filter((u) => /^[UW][A-Z0-9]+$/.test(u)).map((u) => `<@${u}>`),
  ];
  return parts.length ? parts.join(" ") : "on-call (no `people.oncall` in the policy)";
}

export function guardrailMessage(p: Post): { text: string } {
  const label = incidentLabel(p.number);
  switch (p.kind) {
    case "tuned": {
      const links = linksOf({ dashboard: p.links.dashboard, Sentry: p.links.sentry, runbook: p.links.runbook });
      return {
        text:
          `:straight_ruler: *Guardrails tuned for ${label}* by <@${p.by}>${p.service ? ` (alerts of service \`${escapeMrkdwn(p.service, 200)}\`)` : " (no service set: alerts cannot be matched to this incident)"}:\n` +
          `${p.thresholds.length ? p.thresholds.map((t) => `• ${escapeMrkdwn(t, 300)}`).join("\n") : "• every threshold is off"}` +
          `${links.length ? `\n*Dashboards:* ${links.join(" · ")}` : ""}`,
      };
    }
    case "breach": {
      const source = SOURCE_WORDS[p.source] ?? escapeMrkdwn(p.source, 50);
      const details = p.url ? ` (${link(p.url, "details")})` : "";
      const window = p.stabilityEndsAt
        ? ` The ${escapeMrkdwn(p.windowText, 20)} stability window restarts: it now ends ${dateToken(new Date(p.stabilityEndsAt), p.stabilityEndsAt)}.`
        : "";
      return {
        text:
          `:rotating_light: ${oncallMention(p.oncall)} *Guardrail breached on ${label}*: ${escapeMrkdwn(p.name, 300)} ` +
          `(${source}, service \`${escapeMrkdwn(p.service, 200)}\`)${p.description ? `: ${escapeMrkdwn(p.description, 500)}` : ""}${details}.` +
          `${p.resolved ? " It has recovered since." : ""}${window}`,
      };
    }
    case "recovered": {
      const source = SOURCE_WORDS[p.source] ?? escapeMrkdwn(p.source, 50);
      const details = p.url ? ` (${link(p.url, "details")})` : "";
      return {
        text: `:white_check_mark: *Guardrail recovered on ${label}*: ${escapeMrkdwn(p.name, 300)} (${source}, service \`${escapeMrkdwn(p.service, 200)}\`)${details}.`,
      };
    }
  }
}

export const GUARDRAILS_CALLBACK = "guardrails";

/** The modal's fields: block id -> label, hint, the policy key it writes. */
export const GUARDRAIL_FIELDS = [
  { block: "service", label: "Service (alerts are matched to this incident by it)", hint: "payments-api" },
  { block: "errorRate_above", label: "Error rate above", hint: "1% (empty: off)" },
  { block: "errorRate_for", label: "… for", hint: "5m" },
  { block: "p95_aboveMs", label: "p95 latency above (ms)", hint: "1200 (empty: off)" },
  { block: "p95_windows", label: "… for consecutive windows", hint: "3" },
  { block: "crashFree_below", label: "Crash-free sessions below", hint: "98% (empty: off)" },
  { block: "crashFree_over", label: "… over", hint: "30m" },
  { block: "relative_errors", label: "Errors above the baseline by", hint: "+25% (empty: off)" },
  { block: "relative_p95", label: "p95 above the baseline by", hint: "+20% (empty: off)" },
  { block: "relative_cpu", label: "CPU above the baseline by", hint: "+30% (empty: off)" },
  { block: "relative_memory", label: "Memory above the baseline by", hint: "+30% (empty: off)" },
  { block: "relative_for", label: "Relative thresholds sustained for", hint: "5m" },
  { block: "relative_baseline", label: "Baseline: trailing", hint: "7d" },
] as const;

export type GuardrailField = (typeof GUARDRAIL_FIELDS)[number]["block"];

export interface GuardrailsModalMetadata {
  incidentId: string;
  channelId: string;
}

/** The tuning modal, prefilled with the incident's current thresholds (written as in the policy). */
export function guardrailsModal(
  number: number,
  initial: Partial<Record<GuardrailField, string>>,
  metadata: GuardrailsModalMetadata,
  links: { sentry: string | null; dashboard: string | null },
): View {
  const linkLine = linksOf({ dashboard: links.dashboard, Sentry: links.sentry }).join(" · ");
  return {
    type: "modal",
    callback_id: GUARDRAILS_CALLBACK,
    private_metadata: JSON.stringify(metadata),
    title: { type: "plain_text", text: plainText(`Guardrails ${incidentLabel(number)}`, 24) },
    submit: { type: "plain_text", text: "Save" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `Thresholds for this incident (runbook 000 §2 absolute, runbook 001 §2 relative to the trailing baseline). Percentages as \`1%\`, durations as \`5m\`; an empty value switches that threshold off.${linkLine ? `\n${linkLine}` : ""}`,
        },
      },
      ...GUARDRAIL_FIELDS.map((f) => ({
        type: "input" as const,
        block_id: f.block,
        optional: true,
        label: { type: "plain_text" as const, text: f.label },
        element: {
          type: "plain_text_input" as const,
          action_id: "value",
          placeholder: { type: "plain_text" as const, text: f.hint },
          ...(initial[f.block] ? { initial_value: plainText(initial[f.block], 150) } : {}),
        },
      })),
    ],
  };
}
