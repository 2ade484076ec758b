// The guardrails repository: incidents an alert belongs to (by service), the
// breaches recorded on them, and the recent metric samples per service that
// the bot evaluates itself (POST /webhooks/alerts/metrics).
import type { Baseline, MetricName, MetricSample } from "../domain/guardrails.js";
import { METRIC_NAMES } from "../domain/guardrails.js";
import { OPEN_PHASES } from "../domain/phase.js";
import type { IncidentWithRoles } from "./incidents.js";
import type { Db, GuardrailBreach } from "./prisma.js";
import type { Tx } from "./timeline.js";

/** How long samples are kept: far more than the longest absolute window (30 min), bounded storage. */
export const SAMPLE_RETENTION_MS = 24 * 3_600_000;

/** A service name as alerts and incidents compare it: trimmed, case-insensitive. */
export const serviceKey = (service: string) => service.trim().toLowerCase();

/**
 * The active incidents of a service: open (not resolved or closed), not
 * completed, whose `service` is this one (case-insensitive).
 */
export async function activeIncidentsOfService(db: Db | Tx, service: string): Promise<IncidentWithRoles[]> {
  const key = serviceKey(service);
  if (!key) return [];
  return db.incident.findMany({
    where: { phase: { in: [...OPEN_PHASES] }, completedAt: null, service: { equals: key, mode: "insensitive" } },
    include: { roles: true },
    orderBy: { declaredAt: "asc" },
  });
}

/** The open (not resolved) breach of this alert on this incident, if any: the sender's key identifies it. */
export function openBreach(db: Db | Tx, incidentId: string, source: string, fingerprint: string): Promise<GuardrailBreach | null> {
  return db.guardrailBreach.findFirst({ where: { incidentId, source, fingerprint, resolvedAt: null }, orderBy: { startedAt: "desc" } });
}

/** Any breach of this alert on this incident that started at `startedAt` (a redelivery). */
export function breachAt(db: Db | Tx, incidentId: string, source: string, fingerprint: string, startedAt: Date) {
  return db.guardrailBreach.findFirst({ where: { incidentId, source, fingerprint, startedAt } });
}

/** Stores samples (a repeated sample of the same metric at the same instant is kept once) and prunes old ones. */
export async function storeSamples(db: Db | Tx, service: string, samples: readonly MetricSample[], now: Date): Promise<number> {
  const key = serviceKey(service);
  const { count } = await db.metricSample.createMany({
    data: samples.map((s) => ({ service: key, metric: s.metric, value: s.value, at: s.at })),
    skipDuplicates: true,
  });
  await db.metricSample.deleteMany({ where: { service: key, at: { lt: new Date(now.getTime() - SAMPLE_RETENTION_MS) } } });
  return count;
}

/** The service's samples since `since`, oldest first. */
export async function samplesSince(db: Db | Tx, service: string, since: Date): Promise<MetricSample[]> {
  const rows = await db.metricSample.findMany({
    where: { service: serviceKey(service), at: { gte: since } },
    orderBy: { at: "asc" },
  });
  const known = new Set<string>(METRIC_NAMES);
  return rows.filter((r) => known.has(r.metric)).map((r) => ({ metric: r.metric as MetricName, value: r.value, at: r.at }));
}

export async function saveBaseline(db: Db | Tx, service: string, baseline: Baseline, now: Date): Promise<void> {
  const key = serviceKey(service);
  await db.metricBaseline.upsert({
    where: { service: key },
    create: { service: key, baseline, updatedAt: now },
    update: { baseline, updatedAt: now },
  });
}

export async function latestBaseline(db: Db | Tx, service: string): Promise<Baseline | null> {
  const row = await db.metricBaseline.findUnique({ where: { service: serviceKey(service) } });
  if (!row || typeof row.baseline !== "object" || row.baseline === null || Array.isArray(row.baseline)) return null;
  const baseline: Baseline = {};
  for (const [metric, value] of Object.entries(row.baseline))
    if (typeof value === "number" && metric !== "crash_free" && (METRIC_NAMES as readonly string[]).includes(metric))
      baseline[metric as keyof Baseline] = value;
  return baseline;
}
