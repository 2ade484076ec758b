// The App Home: what is burning right now, and where to go. The first screen
// of someone paged at 3 a.m. who opened the bot instead of a channel.
import type { View } from "@slack/types";
import { commanderOf, type Incident } from "../../domain/incident.js";
import { incidentLabel } from "../../domain/names.js";
import { formatDurationMs } from "../../domain/policy-values.js";
import { context, divider, header, section, severityEmoji } from "./block-kit.js";
import { escapeMrkdwn } from "./escape.js";
import { PHASE_LABEL, slaText } from "./incident-card.js";

/** Per incident, what the record adds (issue 11): runbook 001's outstanding items, and the time to resolve from the markers. */
export interface HomeExtras {
  outstanding?: string;
  timeToResolveMs?: number | null;
}

export function appHome(
  open: Incident[],
  recent: Incident[],
  userId: string,
  now: Date,
  extras: ReadonlyMap<string, HomeExtras> = new Map(),
): View {
  const line = (i: Incident) => {
    const commander = commanderOf(i);
    const mine = i.roles.some((r) => r.userId === userId) ? "  *(you have a role)*" : "";
    const extra = extras.get(i.id);
    const record = [
      extra?.timeToResolveMs != null ? `resolved in ${formatDurationMs(extra.timeToResolveMs)}` : null,
      extra?.outstanding ? `outstanding items: ${extra.outstanding}` : null,
    ].filter(Boolean);
    return section(
      `${severityEmoji(i.severity)} *${incidentLabel(i.number)} ${i.severity}: ${escapeMrkdwn(i.title)}*${mine}\n` +
        `${PHASE_LABEL[i.phase] ?? i.phase} · SLA ${slaText(i, now)} · commander ${commander ? `<@${commander}>` : "_none_"} · ` +
        `${i.warRoomChannelId ? `<#${i.warRoomChannelId}>` : "_war room being created_"}` +
        (record.length ? `\n${record.join(" · ")}` : ""),
    );
  };
  const blocks = [
    header("Hotfix Commander"),
    context("`/hotfix declare <title>` starts an incident · `/hotfix help` lists every verb"),
    divider(),
    section(open.length ? `*Open incidents (${open.length})*` : "*No open incidents.* :white_check_mark:"),
    ...open.map(line),
  ];
  if (recent.length) blocks.push(divider(), section("*Recently resolved*"), ...recent.map(line));
  return { type: "home", callback_id: "home", blocks: blocks.slice(0, 100) } as View;
}
