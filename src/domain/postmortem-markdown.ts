// The post-mortem rendered: Markdown following runbook 002's template (plus
// what issue 11 adds), and the JSON form — both as streams of string chunks,
// so 100 000 events export in flat memory: the header is small, the timeline
// is written one row at a time while the section facts are folded, and the
// sections that list facts come after the timeline.
//
// All user text goes through escapeInline / escapeBlock: no HTML gets
// through (< > & become entities), Markdown punctuation is backslash-escaped,
// pipes in table cells are escaped, and links are printed only for http(s)
// URLs. GitHub renders the Mermaid block; its syntax is checked by Mermaid's
// own parser in the tests.
import { DateTime } from "luxon";
import { formatDurationMs } from "./policy-values.js";
import {
  type CuratedEvent,
  curatedPages,
  type EventCuration,
  FACT_SECTIONS,
  type Fact,
  FactCollector,
  type FactSection,
  FOLLOW_UP_PROMPTS,
  followUpChecklist,
  type MARKER_NAMES,
  type Phase,
  type PostmortemFacts,
  type PostmortemHeader,
  postmortemHead,
  safeUrl,
  type TimelineSource,
} from "./postmortem.js";

export interface RenderOptions {
  /** The reader's IANA time zone ("Europe/Paris"); times are shown in UTC and in it. Default UTC only. */
  zone?: string;
  /** Curation by event id: hidden events are left out, edited text and times used. */
  curations?: ReadonlyMap<string, EventCuration>;
  /** Chunks are yielded once they reach about this many characters. */
  chunkSize?: number;
}

// ---------------------------------------------------------------- escaping

const URL_IN_TEXT = /https?:\/\/[^\s<>"'`\\|]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}*_~]+$/;
const MAY_HOLD_URL = /https?:\/\//i;

const SPECIAL = /[&<>\\`*_[\]|~]/g;
const HAS_SPECIAL = /[&<>\\`*_[\]|~]/;
const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/** HTML's three characters as entities, Markdown's punctuation backslash-escaped; one pass, none when there is nothing to escape. */
function escapePlain(text: string): string {
  return HAS_SPECIAL.test(text) ? text.replace(SPECIAL, (c) => ENTITIES[c] ?? `\\${c}`) : text;
}

const MESSY_SPACE = /\s{2,}|[^\S ]|^\s|\s$/;

/** User text for one line (a table cell, a list item): whitespace collapsed, Markdown and HTML neutralised, URLs as autolinks. */
export function escapeInline(text: string): string {
  const flat = MESSY_SPACE.test(text) ? text.replace(/\s+/g, " ").trim() : text;
  // Most lines carry no link: skip the scan (it allocates a match per URL).
  if (!MAY_HOLD_URL.test(flat)) return escapePlain(flat);
  let out = "";
  let last = 0;
  for (const match of flat.matchAll(URL_IN_TEXT)) {
    const url = match[0].replace(TRAILING_PUNCTUATION, "");
    const start = match.index ?? 0;
    out += escapePlain(flat.slice(last, start));
    out += safeUrl(url) ? `<${url}>` : escapePlain(url);
    last = start + url.length;
  }
  return out + escapePlain(flat.slice(last));
}

/** User text as paragraphs: each line escaped, block markers at line starts neutralised, line breaks kept. */
export function escapeBlock(text: string): string {
  const paragraphs = text
    .replace(/\r\n?/g, "\n")
    .split(/\n\s*\n/)
    .map((p) =>
      p
        .split("\n")
        .map((line) => escapeInline(line).replace(/^([#>+\-=]|\d+(?=[.)]))/, (m) => (/^\d/.test(m) ? `${m}\\` : `\\${m}`)))
        .filter(Boolean)
        .join("\\\n"),
    )
    .filter(Boolean);
  return paragraphs.join("\n\n");
}

/** A heading's text: inline-escaped, without the trailing punctuation Markdown linters reject. */
function headingText(text: string): string {
  return escapeInline(text.replace(/[.,;:!?。，；：！\s]+$/u, ""));
}

/** A Markdown link; parentheses in the URL are percent-encoded so they cannot close the destination early. */
export const markdownLink = (label: string, url: string | null) =>
  url ? `[${escapeInline(label)}](${url.replace(/\(/g, "%28").replace(/\)/g, "%29")})` : escapeInline(label);
const link = markdownLink;

// ------------------------------------------------------------------- times

function checkZone(zone: string): string {
  if (!DateTime.now().setZone(zone).isValid)
    throw new RangeError(`unknown time zone ${JSON.stringify(zone)}; expected an IANA name such as "Europe/Paris"`);
  return zone;
}

/** "2026-01-09 10:00:00 UTC", without luxon: this runs once per timeline row. */
const utcText = (date: Date) => {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
};
const utc = (date: Date) => `${utcText(date)} UTC`;

// Asking luxon for a zone's offset costs about 10 µs, too much for 100 000
// rows. Offsets change only at quarter-hour boundaries, so the offset of the
// last 15-minute bucket is remembered (when it is the same at both ends of
// the bucket; otherwise each instant is asked). One entry: flat memory.
const BUCKET_MS = 15 * 60_000;
let lastOffset: { zone: string; bucket: number; offset: number | null } | null = null;

function offsetMinutes(ms: number, zone: string): number {
  const bucket = Math.floor(ms / BUCKET_MS);
  if (!lastOffset || lastOffset.zone !== zone || lastOffset.bucket !== bucket) {
    const start = DateTime.fromMillis(bucket * BUCKET_MS, { zone }).offset;
    const end = DateTime.fromMillis((bucket + 1) * BUCKET_MS - 1, { zone }).offset;
    lastOffset = { zone, bucket, offset: start === end ? start : null };
  }
  return lastOffset.offset ?? DateTime.fromMillis(ms, { zone }).offset;
}

/** "2026-01-09 11:00 +01:00": the time in the reader's zone, with its offset. */
export function inZone(date: Date, zone: string): string {
  const offset = offsetMinutes(date.getTime(), zone);
  const local = new Date(date.getTime() + offset * 60_000).toISOString();
  const abs = Math.abs(offset);
  const sign = offset < 0 ? "-" : "+";
  return `${local.slice(0, 10)} ${local.slice(11, 16)} ${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}
const both = (date: Date, zone: string) => (zone === "UTC" ? utc(date) : `${utc(date)} (${inZone(date, zone)})`);
const span = (ms: number | null) => (ms === null ? "not known (set the markers)" : formatDurationMs(ms));

// ------------------------------------------------------------------- chart

/**
 * The phases over time as a Mermaid `gantt` chart (GitHub renders it): one
 * bar per phase between consecutive markers, from its start (UTC, with its
 * offset so the reader's browser places it right) for its length in
 * seconds. The tests feed it to Mermaid's own gantt parser and check the
 * start and end Mermaid computes for every bar. Task names are the fixed
 * marker labels (no `:` or `#`, which would end a task name). Null with
 * fewer than two markers.
 */
export function mermaidPhaseChart(phases: readonly Phase[]): string | null {
  if (phases.length === 0) return null;
  const lines = [
    "gantt",
    "    title Incident phases over time (UTC)",
    "    accTitle: Incident phases",
    "    accDescr: The time between the incident's key moments, from impact to resolution",
    "    dateFormat YYYY-MM-DDTHH:mm:ssZ",
    "    axisFormat %H:%M",
    "    todayMarker off",
    "    section Phases",
  ];
  phases.forEach((phase, i) => {
    const start = `${phase.start.toISOString().slice(0, 19)}+00:00`;
    // At least a second: a zero-length bar is not drawn at all.
    const seconds = Math.max(1, Math.round(phase.ms / 1000));
    lines.push(`    ${i + 1}. ${phase.name} (${formatDurationMs(phase.ms)}) :p${i + 1}, ${start}, ${seconds}s`);
  });
  return lines.join("\n");
}

// --------------------------------------------------------------- markdown

const SECTION_TITLES: Record<Exclude<FactSection, "linear">, string> = {
  release: "Branch, tags, release and deploys",
  uat: "UAT",
  breaches: "Guardrail breaches and alerts",
  waivers: "Waivers",
  rollbacks: "Rollbacks",
};

function summaryTable(header: PostmortemHeader, zone: string): string[] {
  const { incident, markers } = header;
  const head = postmortemHead(header);
  const d = head.durations;
  const when = (name: (typeof MARKER_NAMES)[number]) => {
    const at = markers[name];
    return at ? both(at, zone) : "not set";
  };
  const rows: Array<[string, string]> = [
    ["Incident", escapeInline(incident.id)],
    ["Title", escapeInline(incident.title)],
    ["Severity", escapeInline(incident.severity)],
    ["Status", escapeInline(incident.status)],
  ];
  if (incident.service) rows.push(["Service", escapeInline(incident.service)]);
  if (incident.commander) rows.push(["Commander", escapeInline(incident.commander)]);
  if (incident.channel) rows.push(["War room", escapeInline(incident.channel)]);
  const ticket = safeUrl(incident.ticketUrl);
  if (ticket) rows.push(["Ticket", `<${ticket}>`]);
  rows.push(
    ["Incident start", when("impact_started")],
    ["Detection", `${when("detected")}${incident.detection ? ` — ${escapeInline(incident.detection)}` : ""}`],
    ["Declaration", when("declared")],
    ["Mitigation", when("mitigated")],
    ["Fixed in production", when("fixed_in_production")],
    ["Resolution", when("resolved")],
    ["Total duration", span(d.timeToResolveMs)],
    ["Time to detect", span(d.timeToDetectMs)],
    ["Time to declare", span(d.timeToDeclareMs)],
    ["Time to mitigate", span(d.timeToMitigateMs)],
    ["Time to resolve", span(d.timeToResolveMs)],
    ["Users affected", incident.usersAffected ? escapeInline(incident.usersAffected) : "not recorded"],
  );
  return ["| Field | Value |", "| --- | --- |", ...rows.map(([k, v]) => `| ${k} | ${v} |`)];
}

function phaseSection(header: PostmortemHeader, zone: string): string[] {
  const { phases, markerProblems } = postmortemHead(header);
  const out = ["## Phases", ""];
  const chart = mermaidPhaseChart(phases);
  if (!chart) {
    out.push(
      "Set at least two of the markers (impact started, detected, declared, mitigated, fixed in production, resolved) to chart the phases.",
      "",
    );
  } else {
    out.push("```mermaid", chart, "```", "");
    const zoneColumns = zone === "UTC" ? "" : ` From (${zone}) |`;
    out.push(`| Phase | From (UTC) |${zoneColumns} Until (UTC) | Duration |`, `| --- | --- |${zone === "UTC" ? "" : " --- |"} --- | --- |`);
    for (const p of phases)
      out.push(
        `| ${p.name} | ${utc(p.start)} |${zone === "UTC" ? "" : ` ${inZone(p.start, zone)} |`} ${utc(p.end)} | ${formatDurationMs(p.ms)} |`,
      );
    out.push("");
  }
  for (const problem of markerProblems) out.push(`- Marker out of order: ${escapeInline(problem)}`);
  if (markerProblems.length) out.push("");
  return out;
}

/** Kinds are the timeline's own snake_case names, shown as code; anything else is escaped like user text. */
const kindText = (kind: string) => (/^[a-z0-9_.-]+$/.test(kind) ? `\`${kind}\`` : escapeInline(kind));

/** Two-digit seconds, 0 to 59, also before 1970 (negative epoch times). */
const seconds = (ms: number) => String(Math.floor((ms - Math.floor(ms / 60_000) * 60_000) / 1000)).padStart(2, "0");

/**
 * Writes the timeline's rows. A timeline's events crowd into the same
 * minutes, so the minute's text (UTC and the reader's zone) is made once per
 * minute, not per row; kinds and actors repeat, so their escaped text is
 * remembered (up to a few hundred of each: memory stays flat).
 */
class TimelineRows {
  private minute = Number.NaN;
  private utcMinute = "";
  private zoneCell = "";
  private readonly kinds = new Map<string, string>();
  private readonly actors = new Map<string, string>();

  constructor(private readonly zone: string) {}

  header(): string[] {
    const utcOnly = this.zone === "UTC";
    return [`| UTC |${utcOnly ? "" : ` ${this.zone} |`} Kind | Event | Who |`, `| --- |${utcOnly ? "" : " --- |"} --- | --- | --- |`];
  }

  row(event: CuratedEvent): string {
    const ms = event.occurredAt.getTime();
    const minute = Math.floor(ms / 60_000);
    if (minute !== this.minute) {
      this.minute = minute;
      this.utcMinute = utcText(event.occurredAt).slice(0, 16);
      this.zoneCell = this.zone === "UTC" ? "" : ` ${inZone(event.occurredAt, this.zone)} |`;
    }
    const what = event.edited ? `${escapeInline(event.summary)} *(edited)*` : escapeInline(event.summary);
    const who = event.actor ? remembered(this.actors, event.actor, escapeInline) : "—";
    return `| ${this.utcMinute}:${seconds(ms)} |${this.zoneCell} ${remembered(this.kinds, event.kind, kindText)} | ${what} | ${who} |`;
  }
}

const REMEMBERED = 500;

function remembered(cache: Map<string, string>, key: string, make: (key: string) => string): string {
  let value = cache.get(key);
  if (value === undefined) {
    if (cache.size >= REMEMBERED) cache.clear();
    value = make(key);
    cache.set(key, value);
  }
  return value;
}

function factLines(facts: Fact[], leftOut: number, zone: string): string[] {
  if (facts.length === 0) return ["Nothing recorded.", ""];
  const lines = facts.map((f) => {
    const who = f.actor ? ` (${escapeInline(f.actor)})` : "";
    const text = f.url ? `${escapeInline(f.summary)} — <${f.url}>` : escapeInline(f.summary);
    return `- ${both(f.at, zone)} — ${kindText(f.kind)}: ${text}${who}`;
  });
  if (leftOut > 0) lines.push(`- … and ${leftOut} more in the timeline above`);
  return [...lines, ""];
}

function factSections(facts: PostmortemFacts, zone: string): string[] {
  const out: string[] = [];
  for (const section of FACT_SECTIONS) {
    if (section === "linear") continue;
    out.push(`## ${SECTION_TITLES[section]}`, "");
    out.push(...factLines(facts.sections[section], facts.leftOut[section], zone));
    if (section === "uat") {
      out.push("### Linear issues", "");
      const linear = facts.sections.linear;
      if (linear.length === 0) out.push("None linked.", "");
      else {
        for (const f of linear) out.push(`- ${link(f.label ?? f.summary, f.url)}${f.label ? ` — ${escapeInline(f.summary)}` : ""}`);
        if (facts.leftOut.linear) out.push(`- … and ${facts.leftOut.linear} more`);
        out.push("");
      }
    }
  }
  return out;
}

function toFill(title: string, text: string | null, prompt: string): string[] {
  return [`## ${title}`, "", text?.trim() ? escapeBlock(text) : `To fill: ${prompt}`, ""];
}

function listToFill(title: string, items: string[], prompts: string[]): string[] {
  const written = items.map((i) => i.trim()).filter(Boolean);
  const lines = written.length ? written.map((i) => `- ${escapeInline(i)}`) : prompts.map((p) => `- To fill: ${p}`);
  return [`## ${title}`, "", ...lines, ""];
}

function closingSections(header: PostmortemHeader): string[] {
  const w = header.writeUp;
  const out = [
    ...toFill("Root cause", w.rootCause, "the technical explanation."),
    ...toFill("Resolution", w.resolution, "what we did to fix it."),
    ...listToFill("What went well", w.wentWell, ["detection", "communication", "deployment"]),
    ...listToFill("What could be better", w.couldBeBetter, ["earlier detection", "monitoring", "testing gaps"]),
    "## Action items",
    "",
  ];
  for (const item of w.actionItems.map((i) => i.trim()).filter(Boolean)) out.push(`- [ ] ${escapeInline(item)}`);
  for (const f of followUpChecklist(header.followUps)) {
    const prompt = FOLLOW_UP_PROMPTS[f.kind];
    const ticket = f.identifier || f.url ? link(f.identifier ?? "ticket", safeUrl(f.url)) : "no ticket yet";
    out.push(`- [${f.done ? "x" : " "}] **${prompt.label}** — ${escapeInline(f.title)} — ${ticket}`);
  }
  out.push("");
  return out;
}

/**
 * The Markdown post-mortem as a stream of chunks. Events must come in export
 * order of their curated times (see curatedPages). Throws before yielding
 * anything on a bad option (an unknown zone), so a caller never sends half a
 * file.
 */
export async function* renderPostmortemMarkdown(
  header: PostmortemHeader,
  events: TimelineSource,
  options: RenderOptions = {},
): AsyncGenerator<string> {
  const zone = checkZone(options.zone ?? "UTC");
  const chunkSize = options.chunkSize ?? 64 * 1024;
  const { incident } = header;
  yield [
    `# Post-mortem: ${headingText(`${incident.id} ${incident.title}`)}`,
    "",
    `Generated ${both(header.generatedAt, zone)} from the incident's timeline.`,
    "",
    "## Summary",
    "",
    ...summaryTable(header, zone),
    "",
    ...(incident.description?.trim() ? [escapeBlock(incident.description), ""] : []),
    ...phaseSection(header, zone),
    "## Timeline",
    "",
    "",
  ].join("\n");

  const collector = new FactCollector();
  const rows = new TimelineRows(zone);
  let buffer: string[] = [];
  let size = 0;
  let first = true;
  for await (const page of curatedPages(events, options.curations)) {
    for (const event of page) {
      if (first) {
        first = false;
        buffer.push(...rows.header());
      }
      collector.add(event);
      const row = rows.row(event);
      buffer.push(row);
      size += row.length + 1;
      if (size >= chunkSize) {
        yield `${buffer.join("\n")}\n`;
        buffer = [];
        size = 0;
      }
    }
  }
  const facts = collector.facts();
  if (facts.events === 0) buffer.push("No events recorded.");
  else
    buffer.push(
      "",
      `${facts.events} events${facts.edited ? `, ${facts.edited} of them edited (the original text is kept in the record)` : ""}.`,
    );
  yield `${buffer.join("\n")}\n\n`;
  yield [...factSections(facts, zone), ...closingSections(header)].join("\n").replace(/\n+$/, "\n");
}

/** The JSON post-mortem as a stream: exactly JSON.stringify(buildPostmortem(...)) of the same input, written incrementally. */
export async function* renderPostmortemJson(
  header: PostmortemHeader,
  events: TimelineSource,
  options: Omit<RenderOptions, "zone"> = {},
): AsyncGenerator<string> {
  const chunkSize = options.chunkSize ?? 64 * 1024;
  const head = JSON.stringify(postmortemHead(header));
  yield `${head.slice(0, -1)},"timeline":[`;
  const collector = new FactCollector();
  let buffer = "";
  let first = true;
  for await (const page of curatedPages(events, options.curations)) {
    for (const event of page) {
      collector.add(event);
      buffer += (first ? "" : ",") + JSON.stringify(event);
      first = false;
      if (buffer.length >= chunkSize) {
        yield buffer;
        buffer = "";
      }
    }
  }
  yield `${buffer}],"facts":${JSON.stringify(collector.facts())},"followUps":${JSON.stringify(followUpChecklist(header.followUps))},"writeUp":${JSON.stringify(header.writeUp)}}`;
}

/** Collect a stream into one string (tests, small incidents). */
export async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let out = "";
  for await (const chunk of chunks) out += chunk;
  return out;
}
