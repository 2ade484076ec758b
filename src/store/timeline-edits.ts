// The curated timeline's record: every change to an event (its text, its
// time, hidden or shown) and every marker set is one TimelineEdit row — who,
// when, before, after. The event rows themselves are never touched. The
// current curation is the latest edit per event and field; the markers are
// the latest marker edit per name, over defaults taken from the incident.
import { type EventCuration, MARKER_NAMES, type MarkerName, type Markers } from "../domain/postmortem.js";
import type { Db, Prisma } from "./prisma.js";
import type { Tx } from "./timeline.js";

export type EditField = "summary" | "occurredAt" | "hidden" | "marker";

export interface NewTimelineEdit {
  incidentId: string;
  eventId?: bigint | null;
  marker?: MarkerName | null;
  field: EditField;
  before: Prisma.InputJsonValue | null;
  after: Prisma.InputJsonValue;
  editedBy: string;
  editedAt: Date;
}

export async function recordEdit(tx: Tx, edit: NewTimelineEdit): Promise<void> {
  await tx.timelineEdit.create({
    data: {
      incidentId: edit.incidentId,
      eventId: edit.eventId ?? null,
      marker: edit.marker ?? null,
      field: edit.field,
      before: edit.before ?? undefined,
      after: edit.after,
      editedBy: edit.editedBy,
      editedAt: edit.editedAt,
    },
  });
}

/** The current curation of each edited event, by event id (a human-sized map: edits are made by people). */
export async function curationsOf(db: Db | Tx, incidentId: string): Promise<Map<string, EventCuration>> {
  const edits = await db.timelineEdit.findMany({
    where: { incidentId, eventId: { not: null } },
    orderBy: { id: "asc" },
    select: { eventId: true, field: true, after: true },
  });
  const out = new Map<string, EventCuration>();
  for (const edit of edits) {
    const eventId = String(edit.eventId);
    const current = out.get(eventId) ?? { eventId };
    if (edit.field === "summary" && typeof edit.after === "string") current.summary = edit.after;
    if (edit.field === "occurredAt" && typeof edit.after === "string") current.occurredAt = new Date(edit.after);
    if (edit.field === "hidden" && typeof edit.after === "boolean") current.hidden = edit.after;
    out.set(eventId, current);
  }
  return out;
}

/** What the incident row already knows: the defaults a marker has until someone sets it. */
export interface MarkerDefaults {
  startedAt: Date;
  declaredAt: Date;
  productionDeployedAt: Date | null;
  rolledBackAt: Date | null;
  resolvedAt: Date | null;
}

export function defaultMarkers(incident: MarkerDefaults): Markers {
  const markers: Markers = { impact_started: incident.startedAt, declared: incident.declaredAt };
  if (incident.rolledBackAt) markers.mitigated = incident.rolledBackAt;
  if (incident.productionDeployedAt) markers.fixed_in_production = incident.productionDeployedAt;
  if (incident.resolvedAt) markers.resolved = incident.resolvedAt;
  return markers;
}

export const isMarkerName = (value: string): value is MarkerName => (MARKER_NAMES as readonly string[]).includes(value);

/** The markers: defaults from the incident, overridden by the latest marker edit of each name (after null: cleared). */
export async function markersOf(db: Db | Tx, incident: MarkerDefaults & { id: string }): Promise<Markers> {
  const edits = await db.timelineEdit.findMany({
    where: { incidentId: incident.id, field: "marker" },
    orderBy: { id: "asc" },
    select: { marker: true, after: true },
  });
  const markers = defaultMarkers(incident);
  for (const edit of edits) {
    if (!edit.marker || !isMarkerName(edit.marker)) continue;
    if (typeof edit.after === "string") markers[edit.marker] = new Date(edit.after);
    else delete markers[edit.marker];
  }
  return markers;
}

/** Markers of several incidents at once (the App Home): one query. */
export async function markerEditsFor(db: Db, incidentIds: string[]): Promise<Map<string, Array<{ marker: string; after: unknown }>>> {
  const out = new Map<string, Array<{ marker: string; after: unknown }>>();
  if (incidentIds.length === 0) return out;
  const edits = await db.timelineEdit.findMany({
    where: { incidentId: { in: incidentIds }, field: "marker" },
    orderBy: { id: "asc" },
    select: { incidentId: true, marker: true, after: true },
  });
  for (const e of edits) if (e.marker) out.set(e.incidentId, [...(out.get(e.incidentId) ?? []), { marker: e.marker, after: e.after }]);
  return out;
}

export interface CurationEvent {
  id: bigint;
  kind: string;
  summary: string;
  occurredAt: Date;
  actor: string | null;
}

/** The newest events for the curation modal (Slack modals hold 100 options per select). */
export async function recentEvents(db: Db, incidentId: string, take = 100): Promise<CurationEvent[]> {
  return db.timelineEvent.findMany({
    where: { incidentId },
    orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
    take,
    select: { id: true, kind: true, summary: true, occurredAt: true, actor: true },
  });
}

/** The history of changes to one incident's timeline, oldest first (the audit). */
export async function editsOf(db: Db, incidentId: string) {
  return db.timelineEdit.findMany({ where: { incidentId }, orderBy: { id: "asc" } });
}
