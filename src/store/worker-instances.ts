// Running bot processes (outbox workers) and the steps they hold. A worker
// renews its heartbeat every second or so; a step whose owner stopped, died
// (same host, its pid gone) or went silent is handed back at once, marked
// ambiguous: the next attempt looks before acting.
import type { Db } from "./prisma.js";

export interface InstanceFacts {
  id: string;
  hostname: string;
  pid: number;
  heartbeatAt: Date;
}

export async function registerInstance(prisma: Db, instance: InstanceFacts): Promise<void> {
  await prisma.workerInstance.upsert({
    where: { id: instance.id },
    create: instance,
    update: { heartbeatAt: instance.heartbeatAt },
  });
}

/** Renews the heartbeat; re-registers if the row is gone (someone thought us dead and we came back). */
export async function renewInstance(prisma: Db, instance: InstanceFacts): Promise<void> {
  const { count } = await prisma.workerInstance.updateMany({ where: { id: instance.id }, data: { heartbeatAt: instance.heartbeatAt } });
  if (count === 0) await registerInstance(prisma, instance);
}

export async function removeInstance(prisma: Db, id: string): Promise<void> {
  await prisma.workerInstance.deleteMany({ where: { id } });
}

export interface LivenessRules {
  me: string;
  hostname: string;
  /** Heartbeats older than this are from a process that is gone (or cut off). */
  staleBefore: Date;
  /** Whether a pid on this host is still a running process. */
  pidAlive(pid: number): boolean;
}

/** Instances other than `me` that are gone: stale heartbeat, or on this host with their process gone. */
export async function goneInstances(prisma: Db, rules: LivenessRules): Promise<{ gone: string[]; alive: string[] }> {
  const others = await prisma.workerInstance.findMany({ where: { id: { not: rules.me } } });
  const gone: string[] = [];
  const alive: string[] = [];
  for (const other of others) {
    const dead = other.heartbeatAt < rules.staleBefore || (other.hostname === rules.hostname && !rules.pidAlive(other.pid));
    (dead ? gone : alive).push(other.id);
  }
  return { gone, alive };
}

/**
 * Hands back, as pending and ambiguous, the steps whose owner is not among the
 * live instances (gone, or deregistered) and any whose lease ran out; forgets
 * the gone instances. Returns the incidents to run.
 */
export async function releaseStepsOf(prisma: Db, live: string[], gone: string[], now: Date): Promise<string[]> {
  const released = await prisma.sideEffect.updateManyAndReturn({
    where: { status: "running", OR: [{ ownerId: { not: null, notIn: live } }, { leaseUntil: { lt: now } }] },
    data: { status: "pending", ambiguous: true, ownerId: null, leaseUntil: null, notBefore: null },
    select: { incidentId: true },
  });
  if (gone.length) await prisma.workerInstance.deleteMany({ where: { id: { in: gone } } });
  return [...new Set(released.map((r) => r.incidentId))];
}

/**
 * Steps this worker still owns in the database but no longer runs (its final
 * write failed, e.g. while Postgres restarted): handed back like a dead
 * worker's. `runningHere` holds "incidentId|key" of the steps it is running now.
 */
export async function releaseOrphansOf(prisma: Db, me: string, runningHere: { has(key: string): boolean }): Promise<string[]> {
  const held = await prisma.sideEffect.findMany({
    where: { status: "running", ownerId: me },
    select: { incidentId: true, key: true, attempts: true },
  });
  const orphans = held.filter((s) => !runningHere.has(`${s.incidentId}|${s.key}`));
  const incidents = new Set<string>();
  for (const orphan of orphans) {
    const { count } = await prisma.sideEffect.updateMany({
      where: { incidentId: orphan.incidentId, key: orphan.key, status: "running", ownerId: me, attempts: orphan.attempts },
      data: { status: "pending", ambiguous: true, ownerId: null, leaseUntil: null, notBefore: null },
    });
    if (count > 0) incidents.add(orphan.incidentId);
  }
  return [...incidents];
}
