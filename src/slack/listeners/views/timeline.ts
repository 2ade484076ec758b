// Submitting the timeline form: read the markers, the event edit and the new
// event, hand them to the curation workflow; bad input comes back inline next
// to the field, a refusal (permission) at the top of the form.
import type { App, SlackViewMiddlewareArgs, ViewStateValue } from "@slack/bolt";
import { MARKER_NAMES, type MarkerName } from "../../../domain/postmortem.js";
import { findIncident } from "../../../store/incidents.js";
import type { WorkflowContext } from "../../../workflows/context.js";
import { RefusedError } from "../../../workflows/refused.js";
import { curateTimeline, type TimelineChanges, TimelineInputError } from "../../../workflows/timeline-curation.js";
import { refusalText } from "../../blocks/refusals.js";
import { EVENT_HIDE, EVENT_SHOW, TIMELINE_FORM } from "../../blocks/timeline.js";

type Values = Record<string, Record<string, ViewStateValue>>;

const field = (values: Values, block: string): ViewStateValue | undefined => values[block]?.value;
const fromSeconds = (s: number | null | undefined) => (typeof s === "number" ? new Date(s * 1000) : null);

/** Which block shows an input error of the workflow. */
function blockOf(errorField: string): string {
  if ((MARKER_NAMES as readonly string[]).includes(errorField)) return `marker_${errorField}`;
  return (
    { edit: "event", edit_text: "event_text", edit_time: "event_time", add_time: "add_time", add_text: "add_text" }[errorField] ??
    "add_text"
  );
}

/** The form's state as changes: only what differs from what the form showed is a change (the workflow checks again). */
export function changesFromForm(
  values: Values,
  shown: Partial<Record<MarkerName, number | null>>,
): TimelineChanges | { errors: Record<string, string> } {
  const changes: TimelineChanges = {};
  const markers: Partial<Record<MarkerName, Date | null>> = {};
  for (const name of MARKER_NAMES) {
    const picked = field(values, `marker_${name}`)?.selected_date_time ?? null;
    if ((picked ?? null) !== (shown[name] ?? null)) markers[name] = fromSeconds(picked);
  }
  if (Object.keys(markers).length) changes.markers = markers;
  const eventId = field(values, "event")?.selected_option?.value;
  const text = field(values, "event_text")?.value ?? null;
  const time = fromSeconds(field(values, "event_time")?.selected_date_time);
  const visibility = field(values, "event_visibility")?.selected_option?.value;
  if (eventId) {
    if (!text && !time && !visibility)
      return { errors: { event_text: "Write the new text, pick a new time, or choose to hide or show the event." } };
    changes.edit = {
      eventId,
      ...(text ? { summary: text } : {}),
      ...(time ? { occurredAt: time } : {}),
      ...(visibility === EVENT_HIDE ? { hidden: true } : visibility === EVENT_SHOW ? { hidden: false } : {}),
    };
  } else if (text || time || visibility) return { errors: { event: "Choose the event to change." } };
  const addAt = fromSeconds(field(values, "add_time")?.selected_date_time);
  const addText = field(values, "add_text")?.value ?? null;
  if (addAt && !addText) return { errors: { add_text: "Say what happened." } };
  if (addText && !addAt) return { errors: { add_time: "Say when it happened." } };
  if (addAt && addText) changes.add = { at: addAt, text: addText };
  return changes;
}

interface TimelineMetadata {
  incidentId: string;
  /** The markers as the form showed them (epoch seconds), to tell a change from an untouched field. */
  shown: Partial<Record<MarkerName, number | null>>;
}

export const timelineSubmitted =
  (ctx: WorkflowContext) =>
  async ({ ack, body, view }: Pick<SlackViewMiddlewareArgs, "ack" | "body" | "view">): Promise<void> => {
    let metadata: TimelineMetadata;
    try {
      metadata = JSON.parse(view.private_metadata) as TimelineMetadata;
    } catch {
      return ack({ response_action: "errors", errors: { add_text: "This form is out of date; open it again with /hotfix timeline." } });
    }
    const incident = await findIncident(ctx.prisma, metadata.incidentId);
    if (!incident) return ack({ response_action: "errors", errors: { add_text: "This incident no longer exists." } });
    const changes = changesFromForm(view.state.values as Values, metadata.shown ?? {});
    if ("errors" in changes) return ack({ response_action: "errors", errors: changes.errors });
    try {
      await curateTimeline(ctx, incident, changes, body.user.id);
    } catch (error) {
      if (error instanceof TimelineInputError) return ack({ response_action: "errors", errors: { [blockOf(error.field)]: error.message } });
      if (error instanceof RefusedError)
        return ack({ response_action: "errors", errors: { [`marker_${MARKER_NAMES[0]}`]: refusalText(error) } });
      throw error;
    }
    await ack();
  };

export function registerTimelineView(app: App, ctx: WorkflowContext): void {
  app.view(TIMELINE_FORM, timelineSubmitted(ctx));
}
