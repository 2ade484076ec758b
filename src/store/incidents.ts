// The incidents repository: the queries workflows, effects and listeners share.
import { OPEN_PHASES } from "../domain/phase.js";
import type { Db, Incident, IncidentRole } from "./prisma.js";
import type { Tx } from "./timeline.js";
import { uatFacts } from "./uat.js";

export type IncidentWithRoles = Incident & { roles: IncidentRole[] };

export async function findIncidentByChannel(db: Db | Tx, channelId: string): Promise<IncidentWithRoles | null> {
  return db.incident.findUnique({ where: { warRoomChannelId: channelId }, include: { roles: true } });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findIncident(db: Db | Tx, id: string): Promise<IncidentWithRoles | null> {
  // Ids come back from Slack (button values, form metadata): anything not a uuid is no incident, not a database error.
  if (!UUID.test(id)) return null;
  return db.incident.findUnique({ where: { id }, include: { roles: true } });
}

export async function findIncidentByRequestKey(db: Db | Tx, requestKey: string): Promise<IncidentWithRoles | null> {
  return db.incident.findUnique({ where: { requestKey }, include: { roles: true } });
}

/**
 * Locks the incident's row until the transaction ends and returns it as it is
 * now: concurrent requests for the same incident queue behind the lock, and
 * each re-checks what the one before it changed.
 */
export async function lockIncident(tx: Tx, id: string): Promise<IncidentWithRoles> {
  await tx.$queryRaw`select 1 from "Incident" where id = ${id}::uuid for update`;
  return tx.incident.findUniqueOrThrow({ where: { id }, include: { roles: true } });
}

/** Steps of these kinds (key prefixes) still pending or running: "is a release / completion / branch under way?". */
export async function stepsUnderWay(db: Db | Tx, incidentId: string, prefixes: readonly string[]): Promise<number> {
  return db.sideEffect.count({
    where: {
      incidentId,
      status: { in: ["pending", "running"] },
      OR: prefixes.map((prefix) => ({ key: { startsWith: prefix } })),
    },
  });
}

/** The failed steps, for `/hotfix status`. */
export async function failedSteps(db: Db | Tx, incidentId: string): Promise<Array<{ key: string; lastError: string | null }>> {
  return db.sideEffect.findMany({ where: { incidentId, status: "failed" }, select: { key: true, lastError: true } });
}

/** What `/hotfix status` shows besides the incident row: failed steps, the kinds of events so far, rollback points. */
export async function statusFacts(db: Db, incidentId: string) {
  const [steps, events, milestones, uat] = await Promise.all([
    failedSteps(db, incidentId),
    db.timelineEvent.findMany({ where: { incidentId }, select: { kind: true } }),
    db.milestone.findMany({ where: { incidentId } }),
    uatFacts(db, incidentId),
  ]);
  return { failedSteps: steps, kinds: new Set(events.map((e) => e.kind)), milestones, uat };
}

/** Open incidents (most severe first) and the most recently resolved, for App Home. */
export async function incidentsForHome(db: Db): Promise<{ open: IncidentWithRoles[]; recent: IncidentWithRoles[] }> {
  const [open, recent] = await Promise.all([
    db.incident.findMany({
      where: { phase: { in: [...OPEN_PHASES] } },
      include: { roles: true },
      orderBy: [{ severity: "asc" }, { declaredAt: "desc" }],
      take: 30,
    }),
    db.incident.findMany({
      where: { phase: { notIn: [...OPEN_PHASES] } },
      include: { roles: true },
      orderBy: { resolvedAt: "desc" },
      take: 5,
    }),
  ]);
  return { open, recent };
}

/** The newest open incidents that have a war room (for "this verb works in a war room" answers). */
export async function openWarRooms(db: Db, take: number): Promise<IncidentWithRoles[]> {
  return db.incident.findMany({
    where: { phase: { in: [...OPEN_PHASES] }, warRoomChannelId: { not: null } },
    include: { roles: true },
    orderBy: { declaredAt: "desc" },
    take,
  });
}

/** Open incidents where `userId` holds a role, newest first (the shortcut's choice of incident). */
export async function openIncidentsOf(db: Db, userId: string, take: number): Promise<IncidentWithRoles[]> {
  return db.incident.findMany({
    where: { phase: { in: [...OPEN_PHASES] }, roles: { some: { userId } } },
    include: { roles: true },
    orderBy: { declaredAt: "desc" },
    take,
  });
}
