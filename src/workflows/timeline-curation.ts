// A timeline people can curate (issue 11): set a key moment's marker, edit
// an event's text or time, hide or show an event, add an event at a past
// time. Nothing is destroyed: the event rows stay as recorded, each change is
// a TimelineEdit (who, when, before, after) plus a timeline event saying so,
// all in ONE transaction with the card's refresh (the card shows the
// markers). The post-mortem reads the curated view.
import { MARKER_LABELS, type MarkerName } from "../domain/postmortem.js";
import { addEffects, queueSync, stamp } from "../effects/outbox.js";
import { warRoom } from "../effects/war-room.js";
import { type IncidentWithRoles, lockIncident } from "../store/incidents.js";
import { recordEvent, type Tx } from "../store/timeline.js";
import { curationsOf, markersOf, recordEdit } from "../store/timeline-edits.js";
import type { WorkflowContext } from "./context.js";
import { requirePermission } from "./permissions.js";
import { RefusedError } from "./refused.js";

export const MAX_EVENT_TEXT = 2_000;
/** A clock a few minutes ahead on someone's laptop is not "the future". */
const FUTURE_SLACK_MS = 5 * 60_000;

export interface TimelineChanges {
  /** Markers to set (a Date) or clear (null). */
  markers?: Partial<Record<MarkerName, Date | null>>;
  /** One event to change. */
  edit?: { eventId: string; summary?: string; occurredAt?: Date; hidden?: boolean };
  /** An event to add at a past time. */
  add?: { at: Date; text: string };
}

/** Bad input in one part of the form: `field` says which (a marker's name, "edit", "add"), so the form can show it there. */
export class TimelineInputError extends RefusedError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "TimelineInputError";
  }
}

export interface CurationOutcome {
  changed: string[];
}

function checkTime(at: Date, now: Date, what: string, field: string): void {
  if (Number.isNaN(at.getTime())) throw new TimelineInputError(field, `${what}: that is not a time.`);
  if (at.getTime() > now.getTime() + FUTURE_SLACK_MS)
    throw new TimelineInputError(field, `${what} cannot be in the future (${at.toISOString()}).`);
}

function checkText(text: string, what: string, field: string): string {
  const trimmed = text.trim();
  if (!trimmed) throw new TimelineInputError(field, `${what} cannot be empty.`);
  if (trimmed.length > MAX_EVENT_TEXT)
    throw new TimelineInputError(field, `${what} is ${trimmed.length} characters; keep it under ${MAX_EVENT_TEXT}.`);
  return trimmed;
}

const iso = (d: Date | undefined | null) => (d ? d.toISOString() : null);

/** Applies one submission of the timeline form (or one verb): all of it, or — on a refusal — none of it. */
export async function curateTimeline(
  ctx: WorkflowContext,
  incident: IncidentWithRoles,
  changes: TimelineChanges,
  actor: string,
): Promise<CurationOutcome> {
  await requirePermission(ctx, actor, "add_timeline", incident);
  const now = ctx.now();
  // Validate everything before writing anything.
  for (const [name, at] of Object.entries(changes.markers ?? {})) if (at) checkTime(at, now, MARKER_LABELS[name as MarkerName], name);
  if (changes.edit?.occurredAt) checkTime(changes.edit.occurredAt, now, "The event's time", "edit_time");
  const editSummary = changes.edit?.summary !== undefined ? checkText(changes.edit.summary, "The event's text", "edit_text") : undefined;
  if (changes.add) checkTime(changes.add.at, now, "The new event's time", "add_time");
  const addText = changes.add ? checkText(changes.add.text, "The new event's text", "add_text") : undefined;
  if (changes.edit && !/^\d{1,19}$/.test(changes.edit.eventId))
    throw new TimelineInputError("edit", "That event is not on this incident's timeline.");

  return ctx.prisma.$transaction(async (tx) => {
    await lockIncident(tx, incident.id);
    const changed: string[] = [];
    const markers = await markersOf(tx, incident);
    for (const [key, at] of Object.entries(changes.markers ?? {})) {
      const name = key as MarkerName;
      const before = markers[name] ?? null;
      if ((before?.getTime() ?? null) === (at?.getTime() ?? null)) continue;
      await recordEdit(tx, {
        incidentId: incident.id,
        marker: name,
        field: "marker",
        before: iso(before),
        after: iso(at) as string,
        editedBy: actor,
        editedAt: now,
      });
      await recordEvent(tx, {
        incidentId: incident.id,
        kind: "marker_set",
        summary: at ? `${MARKER_LABELS[name]} marked at ${at.toISOString()}` : `${MARKER_LABELS[name]} marker cleared`,
        actor,
        occurredAt: now,
        data: { marker: name, before: iso(before), after: iso(at) },
      });
      changed.push(`${MARKER_LABELS[name]} ${at ? `→ ${at.toISOString()}` : "cleared"}`);
    }
    if (changes.edit) changed.push(...(await editEvent(tx, incident.id, { ...changes.edit, summary: editSummary }, actor, now)));
    if (changes.add && addText) {
      await recordEvent(tx, {
        incidentId: incident.id,
        kind: "event_added",
        summary: addText,
        actor,
        occurredAt: changes.add.at,
        data: { addedAt: now.toISOString(), via: "timeline" },
      });
      changed.push(`added an event at ${changes.add.at.toISOString()}`);
    }
    if (changed.length) {
      await addEffects(tx, incident.id, [warRoom.refreshCard(stamp(now))]);
      await queueSync(ctx, tx, incident.id);
    }
    return { changed };
  });
}

async function editEvent(
  tx: Tx,
  incidentId: string,
  edit: { eventId: string; summary?: string | undefined; occurredAt?: Date | undefined; hidden?: boolean | undefined },
  actor: string,
  now: Date,
): Promise<string[]> {
  const id = BigInt(edit.eventId);
  const event = await tx.timelineEvent.findFirst({ where: { id, incidentId } });
  if (!event) throw new TimelineInputError("edit", "That event is not on this incident's timeline.");
  const current = (await curationsOf(tx, incidentId)).get(edit.eventId) ?? { eventId: edit.eventId };
  const shown = {
    summary: current.summary ?? event.summary,
    occurredAt: current.occurredAt ?? event.occurredAt,
    hidden: current.hidden ?? false,
  };
  const changed: string[] = [];
  const record = async (field: "summary" | "occurredAt" | "hidden", before: string | boolean, after: string | boolean, words: string) => {
    await recordEdit(tx, { incidentId, eventId: id, field, before, after, editedBy: actor, editedAt: now });
    await recordEvent(tx, {
      incidentId,
      kind: "event_edited",
      summary: words,
      actor,
      occurredAt: now,
      data: { eventId: edit.eventId, field, before, after },
    });
    changed.push(words);
  };
  if (edit.summary !== undefined && edit.summary !== shown.summary)
    await record("summary", shown.summary, edit.summary, `Event #${edit.eventId} (${event.kind}) text edited`);
  if (edit.occurredAt && edit.occurredAt.getTime() !== shown.occurredAt.getTime())
    await record(
      "occurredAt",
      shown.occurredAt.toISOString(),
      edit.occurredAt.toISOString(),
      `Event #${edit.eventId} (${event.kind}) moved to ${edit.occurredAt.toISOString()}`,
    );
  if (edit.hidden !== undefined && edit.hidden !== shown.hidden)
    await record(
      "hidden",
      shown.hidden,
      edit.hidden,
      `Event #${edit.eventId} (${event.kind}) ${edit.hidden ? "hidden from" : "shown again in"} the post-mortem`,
    );
  return changed;
}
