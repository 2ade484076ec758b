// The App Home's data in ONE query, however many incidents exist: the open
// incidents (most severe first, newest first; at most 30) and the last five
// resolved, each with its roles, the events that tick runbook 001's
// outstanding items, and its marker edits (for the time to resolve). Every
// part is an index scan: Incident(phase), Incident(resolvedAt),
// IncidentRole's key, TimelineEvent(incidentId, kind), TimelineEdit(incidentId, id).
import { OPEN_PHASES } from "../domain/phase.js";
import type { IncidentWithRoles } from "./incidents.js";
import { type Db, Prisma } from "./prisma.js";

export interface HomeTick {
  kind: string;
  occurredAt: Date;
  actor: string | null;
  summary: string;
  data: Record<string, unknown>;
}

export interface HomeIncident {
  incident: IncidentWithRoles;
  section: "open" | "recent";
  ticks: HomeTick[];
  markerEdits: Array<{ marker: string; after: unknown }>;
}

export const HOME_OPEN_LIMIT = 30;
export const HOME_RECENT_LIMIT = 5;

/** The SQL, exported so a test can EXPLAIN it. `kinds`: the timeline kinds that tick an outstanding item. */
export function homeSql(kinds: readonly string[]): Prisma.Sql {
  const open = [...OPEN_PHASES];
  return Prisma.sql`
    with chosen as (
      (select i.*, 'open' as section from "Incident" i
        where i.phase = any(${open}::"Phase"[])
        order by i.severity asc, i."declaredAt" desc limit ${HOME_OPEN_LIMIT})
      union all
      (select i.*, 'recent' as section from "Incident" i
        where i."resolvedAt" is not null and not (i.phase = any(${open}::"Phase"[]))
        order by i."resolvedAt" desc limit ${HOME_RECENT_LIMIT})
    )
    select to_jsonb(c) - 'section' as incident, c.section,
      coalesce((select jsonb_agg(to_jsonb(r)) from "IncidentRole" r where r."incidentId" = c.id), '[]'::jsonb) as roles,
      coalesce((select jsonb_agg(jsonb_build_object('kind', t.kind, 'occurredAt', t."occurredAt", 'actor', t.actor, 'summary', t.summary, 'data', t.data))
        from "TimelineEvent" t where t."incidentId" = c.id and t.kind = any(${[...kinds]}::text[])), '[]'::jsonb) as ticks,
      coalesce((select jsonb_agg(jsonb_build_object('marker', e.marker, 'after', e.after) order by e.id)
        from "TimelineEdit" e where e."incidentId" = c.id and e.field = 'marker'), '[]'::jsonb) as "markerEdits"
    from chosen c
    order by c.section, (case when c.section = 'open' then c.severity::text end), c."declaredAt" desc, c."resolvedAt" desc`;
}

const DATE_FIELDS = [
  "startedAt",
  "declaredAt",
  "slaDeadline",
  "resolvedAt",
  "closedAt",
  "stagingDeployedAt",
  "productionDeployedAt",
  "stabilityEndsAt",
  "rolledBackAt",
  "completedAt",
  "postmortemDueAt",
  "createdAt",
  "updatedAt",
];

/** JSON's timestamps back to Dates (the row travelled as jsonb to keep it one query). */
function revive<T>(row: Record<string, unknown>, fields: readonly string[]): T {
  const out: Record<string, unknown> = { ...row };
  for (const f of fields) if (typeof out[f] === "string") out[f] = new Date(out[f] as string);
  return out as T;
}

export async function homeIncidents(db: Db, kinds: readonly string[]): Promise<HomeIncident[]> {
  const rows = await db.$queryRaw<
    Array<{
      incident: Record<string, unknown>;
      section: "open" | "recent";
      roles: Array<Record<string, unknown>>;
      ticks: Array<Record<string, unknown>>;
      markerEdits: Array<{ marker: string; after: unknown }>;
    }>
  >(homeSql(kinds));
  return rows.map((row) => ({
    section: row.section,
    incident: { ...revive<IncidentWithRoles>(row.incident, DATE_FIELDS), roles: row.roles.map((r) => revive(r, ["assignedAt"])) },
    ticks: row.ticks.map((t) => revive<HomeTick>(t, ["occurredAt"])),
    markerEdits: row.markerEdits,
  }));
}
