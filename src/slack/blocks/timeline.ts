// The curated timeline in Slack: the markers line on the pinned card and the
// `/hotfix timeline` form (set a marker's time, edit an event's text or
// time, hide or show it, add an event at a past time). Every text a person
// wrote goes through the escaping helper (plainText for plain_text objects).
import type { ModalView } from "@slack/types";
import { MARKER_LABELS, MARKER_NAMES, type Markers } from "../../domain/postmortem.js";
import { type Block, context, dateToken, section } from "./block-kit.js";
import { escapeMrkdwn, plainText } from "./escape.js";

export const TIMELINE_FORM = "timeline_curate";
export const CARD_TIMELINE = "card_timeline";
export const EVENT_HIDE = "hide";
export const EVENT_SHOW = "show";

export interface TimelineFormEvent {
  id: string;
  kind: string;
  summary: string;
  occurredAt: Date;
  hidden: boolean;
  edited: boolean;
}

/** "Impact started 10:02 · Declared 10:12 · …" for the pinned card (Slack shows each time in the reader's zone). */
export function markersLine(markers: Markers): string {
  const set = MARKER_NAMES.filter((name) => markers[name]);
  if (set.length === 0) return "_No key moments marked yet_";
  return set
    .map((name) => `*${MARKER_LABELS[name]}* ${dateToken(markers[name] as Date, (markers[name] as Date).toISOString())}`)
    .join(" · ");
}

export function markersBlock(markers: Markers): Block {
  return context(`:pushpin: ${markersLine(markers)} — \`/hotfix timeline\` to correct them`);
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
const hhmm = (date: Date) => `${date.toISOString().slice(5, 10)} ${date.toISOString().slice(11, 16)}Z`;

const input = (blockId: string, label: string, element: Record<string, unknown>, hint?: string): Block => ({
  type: "input",
  block_id: blockId,
  optional: true,
  label: { type: "plain_text", text: label },
  element: { action_id: "value", ...element },
  ...(hint ? { hint: { type: "plain_text", text: hint } } : {}),
});

/** The form. `events` are the newest events (at most 100: a select's limit), newest first. */
export function timelineModal(incidentId: string, label: string, markers: Markers, events: TimelineFormEvent[]): ModalView {
  // The markers as shown travel with the form: a field left alone is not a change.
  const shown = Object.fromEntries(MARKER_NAMES.map((name) => [name, markers[name] ? seconds(markers[name] as Date) : null]));
  const blocks: Block[] = [
    section(
      `*Key moments of ${escapeMrkdwn(label)}.* The post-mortem's durations (time to detect, to mitigate, to resolve) come from these. Changes are recorded with who and when; nothing is deleted.`,
    ),
  ];
  for (const name of MARKER_NAMES) {
    const at = markers[name];
    blocks.push(
      input(`marker_${name}`, MARKER_LABELS[name], { type: "datetimepicker", ...(at ? { initial_date_time: seconds(at) } : {}) }),
    );
  }
  blocks.push({ type: "divider" }, section("*Edit an event* (pick one, then change its text or time, or hide it)"));
  if (events.length) {
    blocks.push(
      input("event", "Event", {
        type: "static_select",
        placeholder: { type: "plain_text", text: "Choose an event" },
        options: events.slice(0, 100).map((e) => ({
          text: { type: "plain_text", text: plainText(`${hhmm(e.occurredAt)} ${e.hidden ? "[hidden] " : ""}${e.kind}: ${e.summary}`, 75) },
          value: e.id,
        })),
      }),
      input("event_text", "New text", { type: "plain_text_input", multiline: true, max_length: 2000 }),
      input("event_time", "New time", { type: "datetimepicker" }),
      input("event_visibility", "In the post-mortem", {
        type: "radio_buttons",
        options: [
          { text: { type: "plain_text", text: "Hide it" }, value: EVENT_HIDE },
          { text: { type: "plain_text", text: "Show it again" }, value: EVENT_SHOW },
        ],
      }),
    );
    const recent = events
      .slice(0, 10)
      .map(
        (e) =>
          `${dateToken(e.occurredAt, e.occurredAt.toISOString())} \`${e.kind}\` ${escapeMrkdwn(e.summary, 120)}${e.edited ? " _(edited)_" : ""}${e.hidden ? " _(hidden)_" : ""}`,
      );
    blocks.push(context(`Latest: \n${recent.join("\n")}`.slice(0, 3000)));
  } else blocks.push(context("No events yet."));
  blocks.push(
    { type: "divider" },
    section("*Add an event at a past time*"),
    input("add_time", "When", { type: "datetimepicker" }),
    input("add_text", "What happened", { type: "plain_text_input", multiline: true, max_length: 2000 }),
  );
  return {
    type: "modal",
    callback_id: TIMELINE_FORM,
    private_metadata: JSON.stringify({ incidentId, shown }),
    title: { type: "plain_text", text: "Timeline" },
    submit: { type: "plain_text", text: "Save" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: blocks as ModalView["blocks"],
  };
}
