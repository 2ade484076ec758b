import type { ModalView } from "@slack/types";
// The pinned incident card, the announcement and the status answer: what
// people read at 3 a.m., so the essentials come first and nothing is noise.
import { humanDuration } from "../../domain/duration.js";
import { type Incident, roleHolder } from "../../domain/incident.js";
import { incidentLabel } from "../../domain/names.js";
import type { Policy } from "../../domain/policy.js";
import type { Markers } from "../../domain/postmortem.js";
import {
  type Block,
  channelMention,
  context,
  dateToken,
  divider,
  header,
  mrkdwn,
  plain,
  section,
  severityEmoji,
  userMention,
} from "./block-kit.js";
import { escapeMrkdwn, link, plainText } from "./escape.js";
import { CARD_TIMELINE, markersBlock } from "./timeline.js";

export const CARD_STATUS = "card_status";
export const CARD_UPDATE = "card_update";
export const UPDATE_FORM = "card_update_form";

/** The card's "Post an update" form; its metadata is the incident id. */
export function updateModal(incidentId: string): ModalView {
  return {
    type: "modal" as const,
    callback_id: UPDATE_FORM,
    private_metadata: incidentId,
    title: { type: "plain_text", text: "Post an update" },
    submit: { type: "plain_text", text: "Post" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "input",
        block_id: "text",
        label: { type: "plain_text", text: "What changed, what is next?" },
        element: { type: "plain_text_input", action_id: "value", multiline: true, max_length: 3000 },
      },
    ],
  };
}

// Header blocks are plain text: emoji characters, not :codes:.
const HEADER_EMOJI: Record<Incident["severity"], string> = { P0: "🔴", P1: "🟠", P2: "🟡" };

export const PHASE_LABEL: Record<string, string> = {
  declared: "Declared",
  preparing: "Preparing",
  fixing: "Fixing",
  deploying: "Deploying",
  monitoring: "Monitoring",
  resolved: "Resolved",
  closed: "Closed",
};

const roleOf = roleHolder;

export function slaText(incident: Incident, now: Date): string {
  if (!incident.slaDeadline) return "no SLA (next scheduled release)";
  // Met when the fix reached production (runbook 002: "fix within"), or at resolve, whichever came first; the margin is signed.
  const ends = [incident.productionDeployedAt, incident.resolvedAt].filter((d): d is Date => d instanceof Date);
  if (ends.length) {
    const at = new Date(Math.min(...ends.map((d) => d.getTime())));
    const what = incident.productionDeployedAt?.getTime() === at.getTime() ? "fix in production" : "resolved";
    const margin = incident.slaDeadline.getTime() - at.getTime();
    return margin >= 0
      ? `met: ${what} ${humanDuration(margin)} before the deadline`
      : `*breached*: ${what} ${humanDuration(-margin)} after the deadline`;
  }
  const left = incident.slaDeadline.getTime() - now.getTime();
  const due = dateToken(incident.slaDeadline, incident.slaDeadline.toISOString());
  return left >= 0 ? `${humanDuration(left)} left (due ${due})` : `*breached* ${humanDuration(-left)} ago (was due ${due})`;
}

/** "HF-12 P1: title" for plain_text (headers, topics). */
export function plainIncidentTitle(incident: Incident): string {
  return `${incidentLabel(incident.number)} ${incident.severity}: ${plainText(incident.title, 200)}`;
}

/** "HF-12 P1: title" for mrkdwn. */
export function incidentTitle(incident: Incident): string {
  return `${incidentLabel(incident.number)} ${incident.severity}: ${escapeMrkdwn(incident.title)}`;
}

/** `markers`: the timeline's key moments (issue 11), shown under the fields when known; `uat`: the UAT line (slack/blocks/uat-state.ts). */
export function incidentCard(
  incident: Incident,
  policy: Policy,
  now: Date,
  markers?: Markers,
  uat?: string,
): { text: string; blocks: Block[] } {
  const fields = [
    mrkdwn(
      `*Severity*\n${severityEmoji(incident.severity)} ${incident.severity}${incident.severityOverride ? " (declared as hotfix by override)" : ""}`,
    ),
    mrkdwn(`*Phase*\n${PHASE_LABEL[incident.phase] ?? incident.phase}`),
    mrkdwn(`*SLA*\n${slaText(incident, now)}`),
    mrkdwn(`*Started*\n${dateToken(incident.startedAt, incident.startedAt.toISOString())}`),
    mrkdwn(`*Commander*\n${userMention(roleOf(incident, "commander"))}`),
    mrkdwn(`*Comms*\n${userMention(roleOf(incident, "comms"))}`),
    mrkdwn(`*Release captain*\n${userMention(roleOf(incident, "release_captain"))}`),
    mrkdwn(`*Service*\n${incident.service ? escapeMrkdwn(incident.service) : "_not set_"}`),
  ];
  const impact = [
    incident.impactUsers ? `*Users affected:* ${escapeMrkdwn(incident.impactUsers)}` : null,
    incident.impactRevenue ? `*Revenue impact:* ${escapeMrkdwn(incident.impactRevenue)}` : null,
    incident.rollbackFaster ? ":rewind: *A rollback may be faster than a hotfix.*" : null,
  ].filter(Boolean);
  const links = [
    incident.ticketUrl ? link(incident.ticketUrl, "Ticket") : null,
    policy.links.runbook ? link(policy.links.runbook, "Runbook") : null,
    policy.links.sentry ? link(policy.links.sentry, "Sentry") : null,
    policy.links.dashboard ? link(policy.links.dashboard, "Dashboard") : null,
  ].filter(Boolean);
  const blocks: Block[] = [
    header(`${HEADER_EMOJI[incident.severity]} ${plainIncidentTitle(incident)}`),
    { type: "section", block_id: "card_fields", fields },
  ];
  if (impact.length) blocks.push(section(impact.join("\n")));
  if (links.length) blocks.push(context(links.join("  ·  ")));
  if (markers) blocks.push(markersBlock(markers));
  if (uat) blocks.push(section(uat));
  blocks.push(divider());
  // One tap instead of remembering a verb: what people do most from the card.
  blocks.push({
    type: "actions",
    block_id: "card_actions",
    elements: [
      { type: "button", action_id: CARD_STATUS, text: plain("Status"), value: incident.id },
      { type: "button", action_id: CARD_UPDATE, text: plain("Post an update"), value: incident.id, style: "primary" },
      { type: "button", action_id: CARD_TIMELINE, text: plain("Timeline"), value: incident.id },
    ],
  });
  blocks.push(context(`\`/hotfix status\` · \`/hotfix update <text>\` · \`/hotfix role comms @someone\` · \`/hotfix help\``));
  return { text: `${incidentTitle(incident)} — commander ${userMention(roleOf(incident, "commander"))}`, blocks };
}

export function announcement(incident: Incident, now: Date, reason: "declared" | "severity"): { text: string; blocks: Block[] } {
  const what =
    reason === "declared"
      ? incident.severity === "P0"
        ? ":rotating_light: CRITICAL INCIDENT"
        : ":warning: HOTFIX INCIDENT"
      : ":arrows_counterclockwise: Severity changed";
  const lines = [
    `${what}: *${escapeMrkdwn(incident.title)}* (${incidentLabel(incident.number)})`,
    `*Severity:* ${severityEmoji(incident.severity)} ${incident.severity}   *SLA:* ${slaText(incident, now)}`,
    incident.impactUsers || incident.impactRevenue
      ? `*Impact:* ${[incident.impactUsers, incident.impactRevenue]
          .filter(Boolean)
          .map((s) => escapeMrkdwn(s ?? ""))
          .join("; ")}`
      : null,
    `*Started:* ${dateToken(incident.startedAt, incident.startedAt.toISOString())}   *Commander:* ${userMention(roleOf(incident, "commander"))}`,
    `*War room:* ${channelMention(incident.warRoomChannelId)}`,
  ].filter(Boolean);
  return { text: lines[0] ?? incident.title, blocks: [section(lines.join("\n"))] };
}
