// The status answer, shared by `/hotfix status` and the card's Status button.
// Pure: the facts come from store/incidents.ts (statusFacts).
import { DateTime } from "luxon";
import { outstandingChecklist } from "../../domain/checklist.js";
import { type Incident, roleHolder } from "../../domain/incident.js";
import { incidentLabel } from "../../domain/names.js";
import type { UatFacts } from "../../store/uat.js";
import { dateToken, userMention } from "./block-kit.js";
import { escapeMrkdwn } from "./escape.js";
import { PHASE_LABEL, slaText } from "./incident-card.js";
import { type MilestoneFacts, releaseLaneStatus } from "./release-lane-status.js";
import { uatStatusLine } from "./uat-state.js";

const utc = (date: Date) => DateTime.fromJSDate(date).toUTC().toFormat("yyyy-LL-dd HH:mm 'UTC'");

export interface StatusFacts {
  failedSteps: Array<{ key: string; lastError: string | null }>;
  /** The kinds of timeline events so far. */
  kinds: Set<string>;
  milestones: MilestoneFacts[];
  /** The UAT lane's state (store/uat.ts). */
  uat?: UatFacts;
}

export function statusText(incident: Incident, facts: StatusFacts, now: Date): string {
  const role = (r: "commander" | "comms" | "release_captain") => userMention(roleHolder(incident, r));
  const todo = outstandingChecklist(incident, facts.kinds);
  return [
    `*${incidentLabel(incident.number)} ${incident.severity}: ${escapeMrkdwn(incident.title)}*`,
    `*Phase:* ${PHASE_LABEL[incident.phase] ?? incident.phase}   *SLA:* ${slaText(incident, now)}`,
    `*Commander:* ${role("commander")}   *Comms:* ${role("comms")}   *Release captain:* ${role("release_captain")}`,
    // Slack renders date tokens in each reader's own time zone.
    `*Started:* ${dateToken(incident.startedAt, utc(incident.startedAt))}   *Declared:* ${dateToken(incident.declaredAt, utc(incident.declaredAt))}`,
    ...releaseLaneStatus(incident, facts.milestones, now),
    ...(facts.uat ? [uatStatusLine(true, facts.uat)] : []),
    todo.length ? `*Outstanding:*\n${todo.map((t) => `• ${t}`).join("\n")}` : "*Outstanding:* nothing",
    facts.failedSteps.length
      ? `:warning: *Failed steps:* ${facts.failedSteps.map((s) => `${s.key} (${escapeMrkdwn(s.lastError)})`).join(", ")}`
      : null,
  ]
    .filter(Boolean)
    .join("\n");
}
