// The outbox runner's recovery rules against real Postgres: an unknown outcome
// leaves the step ambiguous, failures back off for minutes before the step is
// reported, a rate limit defers without counting as a failure, a worker that
// loses its claim stops at once and writes nothing, and a dead worker's steps
// are handed back by the instance check, not by a lease running out.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backoffDelay, DEFAULT_MAX_FAILURES, type EffectDefinition, runIncidentEffects } from "../../src/jobs/side-effects.js";
import { goneInstances, registerInstance, releaseStepsOf } from "../../src/store/worker-instances.js";
import type { WorkflowContext } from "../../src/workflows/context.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { incidentWithStep, outboxContext } from "../support/outbox.js";

let db: TestDatabase;
let ctx: WorkflowContext;
beforeAll(async () => {
  db = await createTestDatabase();
  ctx = outboxContext(db);
});
afterAll(async () => {
  await db?.drop();
});

const rowOf = (incidentId: string, key: string) =>
  db.prisma.sideEffect.findUniqueOrThrow({ where: { incidentId_key: { incidentId, key } } });
const failing = (prefix: string, error: () => unknown): EffectDefinition => ({
  prefix,
  describe: () => prefix,
  dependsOn: () => [],
  async run() {
    throw error();
  },
});
const slackHttp500 = () =>
  Object.assign(new Error("An HTTP protocol error occurred: statusCode = 500"), { code: "slack_webapi_http_error", statusCode: 500 });

describe("backoff", () => {
  it("grows to minutes: eight failures take over ten minutes before a step is reported", () => {
    const waits = Array.from({ length: DEFAULT_MAX_FAILURES - 1 }, (_, i) => backoffDelay(i + 1));
    expect(waits.slice(0, 3)).toEqual([2_000, 6_000, 18_000]);
    expect(Math.max(...waits)).toBe(300_000);
    expect(waits.reduce((a, b) => a + b, 0)).toBeGreaterThan(10 * 60_000);
  });

  it("a 5xx leaves the step ambiguous and not before its backoff; only maxFailures reports it", async () => {
    const id = await incidentWithStep(db, "flaky");
    const step = failing("flaky", slackHttp500);
    const first = await runIncidentEffects(ctx, id, [step], { backoff: () => 60_000 });
    const row = await rowOf(id, "flaky");
    expect(row).toMatchObject({ status: "pending", attempts: 1, failures: 1, ambiguous: true });
    expect(row.notBefore?.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(first.nextAt?.getTime()).toBe(row.notBefore?.getTime());
    // Not before its time: a second run does nothing.
    await runIncidentEffects(ctx, id, [step], { backoff: () => 60_000 });
    expect((await rowOf(id, "flaky")).attempts).toBe(1);
    // With no wait, it gives up at the third failure (maxFailures 3) and is reported.
    const reported: string[] = [];
    for (let i = 0; i < 3; i++) {
      await db.prisma.sideEffect.updateMany({ where: { incidentId: id }, data: { notBefore: null } });
      await runIncidentEffects(ctx, id, [step], {
        backoff: () => 0,
        maxFailures: 3,
        reportFailure: async (_c, _i, what) => void reported.push(what),
      });
    }
    expect(await rowOf(id, "flaky")).toMatchObject({ status: "failed", attempts: 3, failures: 3 });
    expect(reported).toEqual(["flaky"]);
  });

  it("a rate limit defers by its Retry-After and is not counted as a failure", async () => {
    const id = await incidentWithStep(db, "limited");
    const step = failing("limited", () =>
      Object.assign(new Error("rate limited"), { code: "slack_webapi_rate_limited_error", retryAfter: 7 }),
    );
    const report = await runIncidentEffects(ctx, id, [step]);
    const row = await rowOf(id, "limited");
    expect(row).toMatchObject({ status: "pending", attempts: 1, failures: 0, ambiguous: false });
    const wait = (report.nextAt?.getTime() ?? 0) - Date.now();
    expect(wait).toBeGreaterThan(5_000);
    expect(wait).toBeLessThanOrEqual(7_000);
  });
});

describe("a worker that loses its claim", () => {
  it("stops at once and writes nothing (its lease renewal found the step taken over)", async () => {
    const id = await incidentWithStep(db, "stolen");
    let finished = false;
    const step: EffectDefinition = {
      prefix: "stolen",
      describe: () => "stolen",
      dependsOn: () => [],
      async run() {
        // Another worker takes the step over (its claim bumps the attempt number).
        await db.prisma.sideEffect.updateMany({ where: { incidentId: id }, data: { attempts: { increment: 1 } } });
        await new Promise((r) => setTimeout(r, 5_000));
        finished = true;
        return { by: "stale worker" };
      },
    };
    const started = Date.now();
    const report = await runIncidentEffects(ctx, id, [step], { leaseMs: 300 });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(finished).toBe(false);
    expect(report.waiting).toEqual(["stolen"]);
    expect(await rowOf(id, "stolen")).toMatchObject({ status: "running", attempts: 2, result: null });
  });
});

describe("worker instances", () => {
  it("a dead owner's step (another host, heartbeat stale; or this host, pid gone) is handed back ambiguous, a live one's is not", async () => {
    const now = new Date();
    const instances = {
      staleElsewhere: { id: crypto.randomUUID(), hostname: "elsewhere", pid: 1, heartbeatAt: new Date(now.getTime() - 60_000) },
      deadHere: { id: crypto.randomUUID(), hostname: "here", pid: 999_999, heartbeatAt: now },
      alive: { id: crypto.randomUUID(), hostname: "elsewhere", pid: 2, heartbeatAt: now },
    };
    for (const instance of Object.values(instances)) await registerInstance(db.prisma, instance);
    const ids: Record<string, string> = {};
    for (const [name, instance] of Object.entries(instances)) {
      ids[name] = await incidentWithStep(db, `held-${name}`);
      await db.prisma.sideEffect.updateMany({
        where: { incidentId: ids[name] },
        data: { status: "running", ownerId: instance.id, attempts: 1, leaseUntil: new Date(now.getTime() + 60_000) },
      });
    }
    const me = crypto.randomUUID();
    const { gone, alive } = await goneInstances(db.prisma, {
      me,
      hostname: "here",
      staleBefore: new Date(now.getTime() - 6_000),
      pidAlive: (pid) => pid !== 999_999,
    });
    expect(gone.sort()).toEqual([instances.staleElsewhere.id, instances.deadHere.id].sort());
    const released = await releaseStepsOf(db.prisma, [me, ...alive], gone, now);
    expect(released.sort()).toEqual([ids.staleElsewhere, ids.deadHere].sort());
    expect(await rowOf(ids.deadHere as string, "held-deadHere")).toMatchObject({
      status: "pending",
      ambiguous: true,
      ownerId: null,
      attempts: 1,
    });
    expect(await rowOf(ids.alive as string, "held-alive")).toMatchObject({ status: "running", ownerId: instances.alive.id });
    expect(await db.prisma.workerInstance.count({ where: { id: { in: gone } } })).toBe(0);
  });
});
