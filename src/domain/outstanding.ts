// Runbook 001's outstanding-items report, pure: the checklist of §5 (branch
// created and pushed, milestone tags recorded, guardrails tuned, UAT
// scheduled and feedback logged, merged back, legacy branches retired,
// documentation updated), each done or outstanding with who and when; its
// `hotfix-status.json` form (what `hotfix status --json` prints), with a zod
// schema to read it back; and the Markdown of `hotfix-outstanding-items.md`.
//
// The facts come from the timeline: outstandingFactsFromEvents folds the
// events that tick an item (see ITEM_KINDS), so the report is, like the
// post-mortem, rendered from the record alone.
import { DateTime } from "luxon";
import { z } from "zod";
import { escapeInline } from "./postmortem-markdown.js";

export const OUTSTANDING_ITEMS = [
  "branch",
  "milestone_tags",
  "guardrails",
  "uat_scheduled",
  "uat_feedback",
  "merged_back",
  "legacy_branches",
  "documentation",
] as const;
export type OutstandingItemId = (typeof OUTSTANDING_ITEMS)[number];

/** Runbook 001 §5's wording. */
export const OUTSTANDING_LABELS: Record<OutstandingItemId, string> = {
  branch: "Temporary branch created and pushed",
  milestone_tags: "Milestone tags recorded with rollback references",
  guardrails: "Sentry and OpenTelemetry alerts tuned",
  uat_scheduled: "UAT scheduled",
  uat_feedback: "UAT feedback logged and prioritized",
  merged_back: "Hotfix branch merged back",
  legacy_branches: "Legacy branches decommissioned",
  documentation: "Documentation (CHANGELOG, wiki, dashboards) updated",
};

/** The timeline kinds that tick each item (the first one seen wins who and when; details accumulate). */
export const ITEM_KINDS: Record<OutstandingItemId, readonly string[]> = {
  branch: ["branch_created"],
  milestone_tags: ["milestone_tagged"],
  guardrails: ["guardrails_tuned"],
  uat_scheduled: ["uat_scheduled", "uat_started"],
  uat_feedback: ["uat_feedback", "uat_signed_off"],
  merged_back: ["merged_back"],
  legacy_branches: ["legacy_branches_retired", "legacy_branch_retired"],
  documentation: ["changelog_updated", "docs_updated"],
};

export interface Tick {
  by: string | null;
  at: Date;
  /** "release/hotfix-20260109", "milestone/pre-fix, milestone/post-fix", "scheduled for 2026-01-09 14:00 UTC" */
  detail: string | null;
}

/** What is known about each item; undefined or null: not done. */
export type OutstandingFacts = Partial<Record<OutstandingItemId, Tick | null>>;

export interface OutstandingEvent {
  kind: string;
  occurredAt: Date;
  actor: string | null;
  summary: string;
  data?: Record<string, unknown>;
}

const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : null);

function detailOf(item: OutstandingItemId, event: OutstandingEvent): string | null {
  const d = event.data ?? {};
  switch (item) {
    case "branch":
      return str(d.branch);
    case "milestone_tags":
      return str(d.tag);
    case "uat_scheduled": {
      const at = str(d.scheduledFor);
      return at ? `scheduled for ${at}` : null;
    }
    case "legacy_branches":
      return Array.isArray(d.branches) ? d.branches.filter((b): b is string => typeof b === "string").join(", ") || null : str(d.branch);
    default:
      return null;
  }
}

/** Fold timeline events (any order) into the facts: earliest event per item; tags and retired branches listed. */
export function outstandingFactsFromEvents(events: Iterable<OutstandingEvent>): OutstandingFacts {
  const kindToItem = new Map<string, OutstandingItemId>();
  for (const item of OUTSTANDING_ITEMS) for (const kind of ITEM_KINDS[item]) kindToItem.set(kind, item);
  const facts: OutstandingFacts = {};
  const details = new Map<OutstandingItemId, Array<{ at: number; text: string }>>();
  for (const event of events) {
    const item = kindToItem.get(event.kind);
    if (!item) continue;
    const current = facts[item];
    if (!current || event.occurredAt.getTime() < current.at.getTime())
      facts[item] = { by: event.actor, at: event.occurredAt, detail: null };
    const text = detailOf(item, event);
    if (text) details.set(item, [...(details.get(item) ?? []), { at: event.occurredAt.getTime(), text }]);
  }
  for (const [item, list] of details) {
    const tick = facts[item];
    if (!tick) continue;
    const sorted = list.sort((a, b) => a.at - b.at).map((d) => d.text);
    // Tags and retired branches are lists; for the others the first detail is the one that ticked the item.
    tick.detail = item === "milestone_tags" || item === "legacy_branches" ? [...new Set(sorted)].join(", ") : (sorted[0] ?? null);
  }
  return facts;
}

export interface OutstandingItem {
  id: OutstandingItemId;
  label: string;
  status: "done" | "outstanding";
  by: string | null;
  at: Date | null;
  detail: string | null;
}

export interface OutstandingReport {
  incident: string;
  generatedAt: Date;
  items: OutstandingItem[];
  done: number;
  outstanding: number;
}

/** The report, items in the runbook's order. `skip` leaves out items a team does not use (e.g. no legacy branches). */
export function outstandingReport(
  incident: string,
  facts: OutstandingFacts,
  now: Date,
  skip: readonly OutstandingItemId[] = [],
): OutstandingReport {
  const items = OUTSTANDING_ITEMS.filter((id) => !skip.includes(id)).map((id): OutstandingItem => {
    const tick = facts[id];
    return tick
      ? { id, label: OUTSTANDING_LABELS[id], status: "done", by: tick.by, at: tick.at, detail: tick.detail }
      : { id, label: OUTSTANDING_LABELS[id], status: "outstanding", by: null, at: null, detail: null };
  });
  const done = items.filter((i) => i.status === "done").length;
  return { incident, generatedAt: now, items, done, outstanding: items.length - done };
}

// ------------------------------------------------------- hotfix-status.json

export const HOTFIX_STATUS_VERSION = 1;

const isoTime = z.iso.datetime({ offset: true });

/** `hotfix status --json`: the `hotfix-status.json` form of the report. */
export const hotfixStatusSchema = z.strictObject({
  version: z.literal(HOTFIX_STATUS_VERSION),
  incident: z.string().min(1),
  generatedAt: isoTime,
  complete: z.boolean(),
  done: z.number().int().min(0),
  outstanding: z.number().int().min(0),
  items: z.array(
    z.strictObject({
      id: z.enum(OUTSTANDING_ITEMS),
      label: z.string(),
      status: z.enum(["done", "outstanding"]),
      by: z.string().nullable(),
      at: isoTime.nullable(),
      detail: z.string().nullable(),
    }),
  ),
});

export type HotfixStatusJson = z.infer<typeof hotfixStatusSchema>;

export function hotfixStatusJson(report: OutstandingReport): HotfixStatusJson {
  return {
    version: HOTFIX_STATUS_VERSION,
    incident: report.incident,
    generatedAt: report.generatedAt.toISOString(),
    complete: report.outstanding === 0,
    done: report.done,
    outstanding: report.outstanding,
    items: report.items.map((i) => ({
      id: i.id,
      label: i.label,
      status: i.status,
      by: i.by,
      at: i.at ? i.at.toISOString() : null,
      detail: i.detail,
    })),
  };
}

// ------------------------------------------------ hotfix-outstanding-items.md

/** Runbook 001's `hotfix-outstanding-items.md`: outstanding first, then done, times in UTC and the reader's zone. */
export function outstandingItemsMarkdown(report: OutstandingReport, zone = "UTC"): string {
  if (!DateTime.now().setZone(zone).isValid) throw new RangeError(`unknown time zone ${JSON.stringify(zone)}`);
  const when = (date: Date) => {
    const utc = `${DateTime.fromJSDate(date, { zone: "utc" }).toFormat("yyyy-LL-dd HH:mm")} UTC`;
    return zone === "UTC" ? utc : `${utc} (${DateTime.fromJSDate(date, { zone }).toFormat("yyyy-LL-dd HH:mm ZZ")})`;
  };
  const outstanding = report.items.filter((i) => i.status === "outstanding");
  const done = report.items.filter((i) => i.status === "done");
  const lines = [
    `# Outstanding items: ${escapeInline(report.incident)}`,
    "",
    `Generated ${when(report.generatedAt)}: ${report.outstanding} outstanding, ${report.done} done.`,
    "",
    "## Outstanding",
    "",
    ...(outstanding.length ? outstanding.map((i) => `- [ ] ${i.label}`) : ["Nothing outstanding."]),
    "",
    "## Done",
    "",
    ...(done.length
      ? done.map((i) => {
          const who = i.by ? ` by ${escapeInline(i.by)}` : "";
          const detail = i.detail ? ` (${escapeInline(i.detail)})` : "";
          return `- [x] ${i.label}${detail}${who}${i.at ? `, ${when(i.at)}` : ""}`;
        })
      : ["Nothing done yet."]),
    "",
  ];
  return lines.join("\n");
}
