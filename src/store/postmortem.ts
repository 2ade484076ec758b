// What the post-mortem reads: the incident by any of its names, the header
// (incident, markers, follow-ups), and the timeline as a stream in the
// curated time order, read page by page (keyset on the index
// (incidentId, occurredAt, recordedAt, id)) so 100 000 events never sit in
// memory at once.
//
// Events whose time was curated are the exception: they are few (people
// edit them), so they are read once, sorted by their curated time, and
// merged into the indexed stream; the stream skips them at their original
// place.
import {
  compareEvents,
  type EventCuration,
  FOLLOW_UP_KINDS,
  type FollowUp,
  type FollowUpKind,
  type PostmortemEvent,
} from "../domain/postmortem.js";
import { type Db, poolOf } from "./prisma.js";
import type { Tx } from "./timeline.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The incident for "HF-12", "hf-12", "12" or its uuid; null when there is none (or the reference is not one of these). */
export async function findIncidentByRef(db: Db | Tx, ref: string) {
  const text = ref.trim();
  const number = /^(?:hf-)?(\d{1,9})$/i.exec(text)?.[1];
  if (number) return db.incident.findUnique({ where: { number: Number(number) }, include: { roles: true } });
  if (UUID.test(text)) return db.incident.findUnique({ where: { id: text.toLowerCase() }, include: { roles: true } });
  return null;
}

interface EventRow {
  id: string;
  kind: string;
  occurredAt: Date;
  recordedAt: Date;
  summary: string;
  actor: string | null;
  data: unknown;
}

function toEvent(row: EventRow): PostmortemEvent {
  const data = row.data && typeof row.data === "object" && !Array.isArray(row.data) ? (row.data as Record<string, unknown>) : {};
  return {
    id: row.id,
    kind: row.kind,
    occurredAt: row.occurredAt,
    recordedAt: row.recordedAt,
    summary: row.summary,
    actor: row.actor,
    data,
  };
}

// node-postgres's own parsers: timestamptz to Date (the column keeps milliseconds, so a Date is exact and can
// be handed back as the next page's cursor), bigint to string (the event id as the domain spells it), jsonb parsed.
const COLUMNS = `id, kind, "occurredAt", "recordedAt", summary, actor, data`;
const FIRST_PAGE = `select ${COLUMNS} from "TimelineEvent" where "incidentId" = $1::uuid
  order by "occurredAt", "recordedAt", id limit $2`;
// Row comparison on the index's columns: each page starts where the last ended, whatever the page number.
const NEXT_PAGE = `select ${COLUMNS} from "TimelineEvent" where "incidentId" = $1::uuid
  and ("occurredAt", "recordedAt", id) > ($3::timestamptz, $4::timestamptz, $5::bigint)
  order by "occurredAt", "recordedAt", id limit $2`;

/**
 * The incident's events in export order of their curated times, a page at a
 * time. Hidden events still come (the renderer's curation leaves them out
 * and counts nothing for them); retimed ones come at their new place.
 *
 * Read with node-postgres on the Prisma client's own pool rather than
 * through Prisma: at 100 000 rows Prisma's row mapping took longer than the
 * query and the rendering together. The next page is read while this one is
 * rendered, so at most two pages are in memory.
 */
export async function* timelineStream(
  db: Db,
  incidentId: string,
  curations: ReadonlyMap<string, EventCuration>,
  pageSize = 5_000,
): AsyncGenerator<PostmortemEvent[]> {
  const pool = poolOf(db);
  const retimedIds = [...curations.values()].filter((c) => c.occurredAt && !c.hidden).map((c) => c.eventId);
  const retimed = (
    retimedIds.length
      ? (
          await pool.query<EventRow>(`select ${COLUMNS} from "TimelineEvent" where "incidentId" = $1::uuid and id = any($2::bigint[])`, [
            incidentId,
            retimedIds,
          ])
        ).rows
      : []
  )
    .map(toEvent)
    .map((e) => ({ ...e, occurredAt: curations.get(e.id)?.occurredAt ?? e.occurredAt }))
    .sort(compareEvents);
  const skip = new Set(retimedIds);
  const fetchPage = async (after: EventRow | undefined): Promise<EventRow[]> =>
    (
      await pool.query<EventRow>(
        after ? NEXT_PAGE : FIRST_PAGE,
        after ? [incidentId, pageSize, after.occurredAt, after.recordedAt, after.id] : [incidentId, pageSize],
      )
    ).rows;
  let next = 0;
  let pending: Promise<EventRow[]> | null = fetchPage(undefined);
  try {
    while (pending) {
      const rows: EventRow[] = await pending;
      const last = rows.at(-1);
      pending = last && rows.length === pageSize ? fetchPage(last) : null;
      const page: PostmortemEvent[] = [];
      for (const row of rows) {
        if (skip.size && skip.has(row.id)) continue;
        const event = toEvent(row);
        // The retimed events that belong before this one come first; the curated view keeps the order total.
        while (next < retimed.length && compareEvents(retimed[next] as PostmortemEvent, event) < 0)
          page.push(retimed[next++] as PostmortemEvent);
        page.push(event);
      }
      if (page.length) yield page;
    }
  } finally {
    // A reader that stopped early (client gone) leaves a read in flight: let it end quietly.
    pending?.catch(() => undefined);
  }
  if (next < retimed.length) yield retimed.slice(next);
}

/**
 * The follow-up tickets (issue 9's Linear helper records `followup_created`
 * with data {kind, linear: {identifier, url}}): one per runbook 002 kind, the
 * latest wins.
 */
export async function followUpsOf(db: Db | Tx, incidentId: string): Promise<FollowUp[]> {
  const rows = await db.timelineEvent.findMany({
    where: { incidentId, kind: "followup_created" },
    orderBy: { id: "asc" },
    select: { summary: true, data: true },
  });
  const byKind = new Map<FollowUpKind, FollowUp>();
  for (const row of rows) {
    const data = (row.data ?? {}) as { kind?: unknown; linear?: { identifier?: unknown; url?: unknown }; title?: unknown };
    const kind = FOLLOW_UP_KINDS.find((k) => k === data.kind);
    if (!kind) continue;
    byKind.set(kind, {
      kind,
      title: typeof data.title === "string" ? data.title : row.summary,
      identifier: typeof data.linear?.identifier === "string" ? data.linear.identifier : null,
      url: typeof data.linear?.url === "string" ? data.linear.url : null,
      done: false,
    });
  }
  return [...byKind.values()];
}

/** Has a post-mortem of this incident been exported (into Slack, over HTTP or from the CLI)? */
export async function postmortemExported(db: Db | Tx, incidentId: string): Promise<boolean> {
  return (await db.timelineEvent.count({ where: { incidentId, kind: "postmortem_exported" } })) > 0;
}

/** Seconds from one moment of an incident to the next (null: not reached yet). */
export interface IncidentStageTimes {
  incidentId: string;
  number: number;
  /** impact started -> declared */
  declare: number | null;
  /** declared -> hotfix branch created */
  branch: number | null;
  /** declared -> deployed to production */
  deploy: number | null;
  /** impact started -> resolved */
  resolve: number | null;
}

/** Stage times of the newest incidents (or of the given ones), in one query. */
export async function incidentStageTimes(db: Db, options: { incidentIds?: string[]; take?: number } = {}): Promise<IncidentStageTimes[]> {
  const take = options.take ?? 1_000;
  const ids = options.incidentIds ?? null;
  const rows = await db.$queryRaw<
    Array<{ id: string; number: number; declare: number | null; branch: number | null; deploy: number | null; resolve: number | null }>
  >`
    select i.id::text as id, i.number,
      extract(epoch from i."declaredAt" - i."startedAt")::float8 as declare,
      extract(epoch from b.first - i."declaredAt")::float8 as branch,
      extract(epoch from i."productionDeployedAt" - i."declaredAt")::float8 as deploy,
      extract(epoch from i."resolvedAt" - i."startedAt")::float8 as resolve
    from "Incident" i
    left join lateral (
      select min(t."occurredAt") as first from "TimelineEvent" t where t."incidentId" = i.id and t.kind = 'branch_created'
    ) b on true
    where (${ids}::uuid[] is null or i.id = any(${ids}::uuid[]))
    order by i.number desc
    limit ${take}`;
  return rows.map((r) => ({
    incidentId: r.id,
    number: r.number,
    declare: r.declare,
    branch: r.branch,
    deploy: r.deploy,
    resolve: r.resolve,
  }));
}
