// Runbook 001's outstanding-items report for one incident (`hotfix status
// <incident>`, `/hotfix status`, the App Home): the checklist ticked from the
// timeline's events with who and when, and the incident's stage times
// (declare, branch, deploy, resolve). Read-only: no permission beyond being
// able to read the incident ("status: anyone").
import { incidentLabel } from "../domain/names.js";
import {
  ITEM_KINDS,
  OUTSTANDING_ITEMS,
  type OutstandingReport,
  outstandingFactsFromEvents,
  outstandingReport,
} from "../domain/outstanding.js";
import type { IncidentWithRoles } from "../store/incidents.js";
import { type IncidentStageTimes, incidentStageTimes } from "../store/postmortem.js";
import type { Db } from "../store/prisma.js";

/** The timeline kinds that tick an item: the only events the report reads (bounded, whatever the timeline's size). */
export const REPORT_KINDS = [...new Set(OUTSTANDING_ITEMS.flatMap((item) => ITEM_KINDS[item]))];

export async function statusReport(db: Db, incident: Pick<IncidentWithRoles, "id" | "number">, now: Date): Promise<OutstandingReport> {
  const events = await db.timelineEvent.findMany({
    where: { incidentId: incident.id, kind: { in: REPORT_KINDS } },
    select: { kind: true, occurredAt: true, actor: true, summary: true, data: true },
    orderBy: { occurredAt: "asc" },
  });
  const facts = outstandingFactsFromEvents(
    events.map((e) => ({
      ...e,
      data: e.data && typeof e.data === "object" && !Array.isArray(e.data) ? (e.data as Record<string, unknown>) : {},
    })),
  );
  return outstandingReport(incidentLabel(incident.number), facts, now);
}

/** The incident's stage times in seconds (null: that moment has not come yet). */
export async function stageTimesOf(db: Db, incidentId: string): Promise<IncidentStageTimes | null> {
  return (await incidentStageTimes(db, { incidentIds: [incidentId] }))[0] ?? null;
}
