// The post-mortem as data (runbook 002's template, issue 11), pure: the
// curated timeline (hidden events left out, edited text and times used, the
// originals kept beside them), the key moments as markers, durations from
// the markers, the phases between them, the facts each section lists
// (release lane, UAT and Linear, guardrail breaches, waivers, rollbacks),
// and runbook 002 phase 6's follow-up tickets. Rendering to Markdown and
// JSON lives in postmortem-markdown.ts; both read only what is here.
//
// Scale: an incident can have 100 000 events. Everything here works one
// event at a time (curateEvent, FactCollector) so a renderer can stream;
// the sections keep at most MAX_FACTS_PER_SECTION items each and count the
// rest, so memory stays flat whatever the timeline's length.

export const MARKER_NAMES = ["impact_started", "detected", "declared", "mitigated", "fixed_in_production", "resolved"] as const;
export type MarkerName = (typeof MARKER_NAMES)[number];
export type Markers = Partial<Record<MarkerName, Date>>;

export const MARKER_LABELS: Record<MarkerName, string> = {
  impact_started: "Impact started",
  detected: "Detected",
  declared: "Declared",
  mitigated: "Mitigated",
  fixed_in_production: "Fixed in production",
  resolved: "Resolved",
};

/** One timeline event as the store hands it over (kinds are the timeline's own names, e.g. "deployed"). */
export interface PostmortemEvent {
  id: string;
  kind: string;
  /** When it happened (the Slack ts, the deploy time...). */
  occurredAt: Date;
  /** When the bot wrote it down. */
  recordedAt: Date;
  summary: string;
  /** Display name or handle; never Slack syntax. */
  actor: string | null;
  /** Read by the sections: `url` (a link for the event), `linear: { identifier, url }`, `tag`, `branch`, `environment`, `sha`. */
  data?: Record<string, unknown>;
}

/** The current curation of one event (the store keeps every edit with who, when, before and after). */
export interface EventCuration {
  eventId: string;
  hidden?: boolean;
  summary?: string;
  occurredAt?: Date;
}

export interface CuratedEvent extends PostmortemEvent {
  edited: boolean;
  /** What the event said before curation; null when it was not edited. */
  original: { summary: string; occurredAt: Date } | null;
}

/** The curated view of one event; null when it is hidden. */
export function curateEvent(event: PostmortemEvent, curation?: EventCuration): CuratedEvent | null {
  // A literal of one shape, not a spread: this runs once per exported event, and V8 keeps such objects cheap.
  if (!curation) return uncurated(event);
  if (curation.hidden) return null;
  const summary = curation.summary ?? event.summary;
  const occurredAt = curation.occurredAt ?? event.occurredAt;
  const edited = summary !== event.summary || occurredAt.getTime() !== event.occurredAt.getTime();
  return {
    ...event,
    summary,
    occurredAt,
    edited,
    original: edited ? { summary: event.summary, occurredAt: event.occurredAt } : null,
  };
}

/** Events in export order: by (curated) time, then the time recorded, then id; a stable, total order. */
export function compareEvents(a: PostmortemEvent, b: PostmortemEvent): number {
  return a.occurredAt.getTime() - b.occurredAt.getTime() || a.recordedAt.getTime() - b.recordedAt.getTime() || compareIds(a.id, b.id);
}

const DIGITS = /^\d+$/;

/**
 * Ids as the database orders them: the store's ids are bigints written in
 * decimal, so "999" comes before "1008" (as text it would not, and the
 * retimed events would be merged at the wrong place among ties).
 */
function compareIds(a: string, b: string): number {
  if (a.length !== b.length && DIGITS.test(a) && DIGITS.test(b)) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The curated timeline of a small incident, in export order. */
export function curateTimeline(events: readonly PostmortemEvent[], curations: Iterable<EventCuration> = []): CuratedEvent[] {
  const byId = new Map<string, EventCuration>();
  for (const c of curations) byId.set(c.eventId, c);
  const out: CuratedEvent[] = [];
  for (const event of events) {
    const curated = curateEvent(event, byId.get(event.id));
    if (curated) out.push(curated);
  }
  return out.sort(compareEvents);
}

function uncurated(event: PostmortemEvent): CuratedEvent {
  return {
    id: event.id,
    kind: event.kind,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    summary: event.summary,
    actor: event.actor,
    data: event.data,
    edited: false,
    original: null,
  };
}

/**
 * Where a renderer reads the timeline from: pages of events, as the store
 * reads them (one await per page, not per event: at 100 000 events a
 * promise per event is most of the cost), or one list (small incidents,
 * tests).
 */
export type TimelineSource = AsyncIterable<readonly PostmortemEvent[]> | Iterable<PostmortemEvent>;

const isPaged = (source: TimelineSource): source is AsyncIterable<readonly PostmortemEvent[]> => Symbol.asyncIterator in source;

/**
 * The curated view of a timeline, page by page. The source must already be
 * in export order of the curated times (the store orders by the curated
 * time); a stream cannot be re-sorted in flat memory.
 */
export async function* curatedPages(
  source: TimelineSource,
  curations: ReadonlyMap<string, EventCuration> = new Map(),
): AsyncGenerator<CuratedEvent[]> {
  const curate = (page: Iterable<PostmortemEvent>) => {
    const out: CuratedEvent[] = [];
    for (const event of page) {
      const curated = curateEvent(event, curations.get(event.id));
      if (curated) out.push(curated);
    }
    return out;
  };
  if (!isPaged(source)) {
    yield curate(source);
    return;
  }
  for await (const page of source) yield curate(page);
}

// -------------------------------------------------------------- durations

export interface PostmortemDurations {
  /** impact started -> detected */
  timeToDetectMs: number | null;
  /** detected -> declared */
  timeToDeclareMs: number | null;
  /** impact started -> mitigated */
  timeToMitigateMs: number | null;
  /** impact started -> fixed in production */
  timeToFixMs: number | null;
  /** impact started -> resolved: the incident's total duration */
  timeToResolveMs: number | null;
}

/**
 * Durations from the markers. The start is the impact_started marker, or —
 * when nobody set it — the earliest of detected and declared, so a missing
 * marker shortens the figure instead of hiding it; a figure whose end is
 * missing or before its start is null.
 */
export function durationsFrom(markers: Markers): PostmortemDurations {
  const start = incidentStart(markers);
  const span = (from: Date | undefined, to: Date | undefined) =>
    from && to && to.getTime() >= from.getTime() ? to.getTime() - from.getTime() : null;
  return {
    timeToDetectMs: span(markers.impact_started, markers.detected),
    timeToDeclareMs: span(markers.detected, markers.declared),
    timeToMitigateMs: span(start, markers.mitigated),
    timeToFixMs: span(start, markers.fixed_in_production),
    timeToResolveMs: span(start, markers.resolved),
  };
}

/** When the incident started: the impact_started marker, else the earliest marker set. */
export function incidentStart(markers: Markers): Date | undefined {
  if (markers.impact_started) return markers.impact_started;
  let earliest: Date | undefined;
  for (const name of MARKER_NAMES) {
    const at = markers[name];
    if (at && (!earliest || at.getTime() < earliest.getTime())) earliest = at;
  }
  return earliest;
}

export interface Phase {
  /** "Impact started → Detected" */
  name: string;
  from: MarkerName;
  to: MarkerName;
  start: Date;
  end: Date;
  ms: number;
}

/**
 * The phases between consecutive markers that are set, in the markers'
 * natural order. A marker set earlier than the one before it is reported
 * (someone typed a wrong time) and the phase is left out rather than drawn
 * with a negative length.
 */
export function phasesFrom(markers: Markers): { phases: Phase[]; problems: string[] } {
  const set = MARKER_NAMES.filter((name) => markers[name] !== undefined);
  const phases: Phase[] = [];
  const problems: string[] = [];
  for (let i = 1; i < set.length; i++) {
    const from = set[i - 1] as MarkerName;
    const to = set[i] as MarkerName;
    const start = markers[from] as Date;
    const end = markers[to] as Date;
    const ms = end.getTime() - start.getTime();
    if (ms < 0) {
      problems.push(`${MARKER_LABELS[to]} (${end.toISOString()}) is before ${MARKER_LABELS[from]} (${start.toISOString()})`);
      continue;
    }
    phases.push({ name: `${MARKER_LABELS[from]} → ${MARKER_LABELS[to]}`, from, to, start, end, ms });
  }
  return { phases, problems };
}

// -------------------------------------------------------------- follow-ups

/** Runbook 002, phase 6: the follow-up tickets every hotfix gets. */
export const FOLLOW_UP_KINDS = [
  "root_cause_analysis",
  "permanent_fix",
  "testing_gap",
  "monitoring_improvement",
  "process_improvement",
] as const;
export type FollowUpKind = (typeof FOLLOW_UP_KINDS)[number];

export const FOLLOW_UP_PROMPTS: Record<FollowUpKind, { label: string; question: string }> = {
  root_cause_analysis: { label: "Root cause analysis", question: "Why did this happen?" },
  permanent_fix: { label: "Permanent fix", question: "Is the hotfix temporary?" },
  testing_gap: { label: "Testing gap", question: "Why didn't tests catch this?" },
  monitoring_improvement: { label: "Monitoring improvement", question: "How to detect earlier?" },
  process_improvement: { label: "Process improvement", question: "How to prevent?" },
};

export interface FollowUp {
  kind: FollowUpKind;
  title: string;
  /** Linear identifier once the ticket exists ("ENG-123"). */
  identifier: string | null;
  url: string | null;
  done: boolean;
}

/** One entry per phase-6 kind: the tickets that exist, and a placeholder for each kind still without one. */
export function followUpChecklist(existing: readonly FollowUp[]): FollowUp[] {
  const out: FollowUp[] = [...existing];
  for (const kind of FOLLOW_UP_KINDS)
    if (!existing.some((f) => f.kind === kind))
      out.push({ kind, title: FOLLOW_UP_PROMPTS[kind].question, identifier: null, url: null, done: false });
  return out.sort((a, b) => FOLLOW_UP_KINDS.indexOf(a.kind) - FOLLOW_UP_KINDS.indexOf(b.kind));
}

// ----------------------------------------------------------------- header

export interface PostmortemIncident {
  /** "HF-12" */
  id: string;
  title: string;
  severity: string;
  status: string;
  service: string | null;
  description: string | null;
  usersAffected: string | null;
  /** How we found out (runbook 002: "Detection: [how we found out]"). */
  detection: string | null;
  commander: string | null;
  /** The war room's name, "#hotfix-20260109-payments". */
  channel: string | null;
  ticketUrl: string | null;
}

/** The text people wrote into the sections to fill; null or empty: the section shows its prompt. */
export interface PostmortemWriteUp {
  rootCause: string | null;
  resolution: string | null;
  wentWell: string[];
  couldBeBetter: string[];
  actionItems: string[];
}

/** Everything a post-mortem needs besides the events: small, known before the timeline is read. */
export interface PostmortemHeader {
  incident: PostmortemIncident;
  markers: Markers;
  followUps: FollowUp[];
  writeUp: PostmortemWriteUp;
  generatedAt: Date;
}

export const EMPTY_WRITE_UP: PostmortemWriteUp = { rootCause: null, resolution: null, wentWell: [], couldBeBetter: [], actionItems: [] };

// ------------------------------------------------------------------ facts

export const FACT_SECTIONS = ["release", "uat", "linear", "breaches", "waivers", "rollbacks"] as const;
export type FactSection = (typeof FACT_SECTIONS)[number];

export interface Fact {
  at: Date;
  kind: string;
  summary: string;
  actor: string | null;
  /** A link for the item (release page, Linear issue, Sentry alert); only http(s). */
  url: string | null;
  /** For Linear items: the identifier ("ENG-123"). */
  label: string | null;
}

export interface PostmortemFacts {
  sections: Record<FactSection, Fact[]>;
  /** Items past MAX_FACTS_PER_SECTION, per section: counted, not kept. */
  leftOut: Record<FactSection, number>;
  /** Events in the curated timeline. */
  events: number;
  /** Events shown with edited text or time. */
  edited: number;
}

export const MAX_FACTS_PER_SECTION = 200;

const RELEASE_KINDS = new Set([
  "branch_created",
  "branch_protected",
  "branch_deleted",
  "milestone_tagged",
  "release_checks_passed",
  "release_refused",
  "released",
  "release_dispatched",
  "deployed",
  "deployment_failed",
  "pull_request_merged",
  "stability_window_passed",
  "merged_back",
  "merge_back_blocked",
  "merge_back_conflict",
  "final_tagged",
  "changelog_updated",
  "completed",
]);
const ROLLBACK_KINDS = new Set(["rolled_back", "release_marked_prerelease"]);
const BREACH_KINDS = new Set(["guardrail_breached", "guardrail_recovered", "guardrail_acknowledged", "alert_received"]);

/** Which section lists an event of this kind (null: the timeline only). */
export function sectionOf(kind: string): Exclude<FactSection, "linear"> | null {
  if (ROLLBACK_KINDS.has(kind)) return "rollbacks";
  if (RELEASE_KINDS.has(kind)) return "release";
  if (kind.startsWith("uat_")) return "uat";
  if (BREACH_KINDS.has(kind)) return "breaches";
  if (kind.startsWith("waiver_")) return "waivers";
  return null;
}

/** A link we are willing to print: http(s), no spaces or characters that would break Markdown. */
export function safeUrl(value: unknown): string | null {
  if (typeof value !== "string" || !/^https?:\/\/[^\s<>"'`\\|]+$/i.test(value) || !URL.canParse(value)) return null;
  return value;
}

/** Folds the curated timeline, one event at a time, into the sections' facts. */
export class FactCollector {
  private readonly sections = Object.fromEntries(FACT_SECTIONS.map((s) => [s, [] as Fact[]])) as Record<FactSection, Fact[]>;
  private readonly leftOut = Object.fromEntries(FACT_SECTIONS.map((s) => [s, 0])) as Record<FactSection, number>;
  private readonly seenLinear = new Set<string>();
  private events = 0;
  private edited = 0;

  add(event: CuratedEvent): void {
    this.events++;
    if (event.edited) this.edited++;
    const section = sectionOf(event.kind);
    if (section)
      this.push(section, () => ({
        at: event.occurredAt,
        kind: event.kind,
        summary: event.summary,
        actor: event.actor,
        url: safeUrl(event.data?.url),
        label: null,
      }));
    const linear = event.data?.linear;
    if (linear && typeof linear === "object") {
      const { identifier, url: linearUrl } = linear as { identifier?: unknown; url?: unknown };
      const id = typeof identifier === "string" && identifier.trim() ? identifier.trim() : null;
      const link = safeUrl(linearUrl);
      const key = id ?? link;
      if (key && !this.seenLinear.has(key)) {
        this.seenLinear.add(key);
        this.push("linear", () => ({
          at: event.occurredAt,
          kind: event.kind,
          summary: event.summary,
          actor: event.actor,
          url: link,
          label: id,
        }));
      }
    }
  }

  /** The fact is made only when the section keeps it: past its limit only the count is kept (and no link is checked). */
  private push(section: FactSection, fact: () => Fact): void {
    if (this.sections[section].length < MAX_FACTS_PER_SECTION) this.sections[section].push(fact());
    else this.leftOut[section]++;
  }

  facts(): PostmortemFacts {
    return { sections: this.sections, leftOut: this.leftOut, events: this.events, edited: this.edited };
  }
}

// ------------------------------------------------------------- whole thing

/** The post-mortem of a small incident as one value (the JSON export's shape; see postmortem-markdown.ts for the stream). */
export interface Postmortem {
  version: 1;
  incident: PostmortemIncident;
  generatedAt: Date;
  markers: Markers;
  durations: PostmortemDurations;
  phases: Phase[];
  markerProblems: string[];
  timeline: CuratedEvent[];
  facts: PostmortemFacts;
  followUps: FollowUp[];
  writeUp: PostmortemWriteUp;
}

/** Everything known before the timeline is read. */
export function postmortemHead(header: PostmortemHeader) {
  const { phases, problems } = phasesFrom(header.markers);
  return {
    version: 1 as const,
    incident: header.incident,
    generatedAt: header.generatedAt,
    markers: header.markers,
    durations: durationsFrom(header.markers),
    phases,
    markerProblems: problems,
  };
}

export function buildPostmortem(
  header: PostmortemHeader,
  events: readonly PostmortemEvent[],
  curations: Iterable<EventCuration> = [],
): Postmortem {
  const timeline = curateTimeline(events, curations);
  const collector = new FactCollector();
  for (const event of timeline) collector.add(event);
  return {
    ...postmortemHead(header),
    timeline,
    facts: collector.facts(),
    followUps: followUpChecklist(header.followUps),
    writeUp: header.writeUp,
  };
}
