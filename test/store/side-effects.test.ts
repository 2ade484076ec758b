// The outbox runner's claims: a slow step keeps its lease while it runs, so a
// second worker does not run it again; a takeover after a real death fences
// the dead worker's late write.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EffectDefinition, runIncidentEffects } from "../../src/jobs/side-effects.js";
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("side-effect leases", () => {
  it("a step slower than its lease is not taken over by a second worker while it runs", async () => {
    let runs = 0;
    const slow: EffectDefinition = {
      prefix: "slow",
      describe: () => "slow step",
      dependsOn: () => [],
      async run() {
        runs++;
        await sleep(800);
        return { ok: true };
      },
    };
    const id = await incidentWithStep(db, "slow");
    const first = runIncidentEffects(ctx, id, [slow], { leaseMs: 200 });
    await sleep(450);
    const second = await runIncidentEffects(ctx, id, [slow], { leaseMs: 200 });
    expect(second.waiting).toEqual(["slow"]);
    const report = await first;
    expect(report.done).toEqual(["slow"]);
    expect(runs).toBe(1);
    const step = await db.prisma.sideEffect.findUniqueOrThrow({ where: { incidentId_key: { incidentId: id, key: "slow" } } });
    expect(step).toMatchObject({ status: "done", attempts: 1 });
  });

  it("a worker that lost its step to another (it stalled past its lease) cannot overwrite the other's outcome", async () => {
    const id = await incidentWithStep(db, "fenced");
    const where = { incidentId_key: { incidentId: id, key: "fenced" } };
    let second: Promise<unknown> | undefined;
    let ambiguousSecondRun = false;
    const step: EffectDefinition = {
      prefix: "fenced",
      describe: () => "fenced step",
      dependsOn: () => [],
      async run(_ctx, run) {
        if (run.effect.attempts === 0) {
          // Worker A stalls as if frozen: its lease runs out and worker B takes over.
          await db.prisma.sideEffect.update({ where, data: { leaseUntil: new Date(Date.now() - 1_000) } });
          second = runIncidentEffects(ctx, id, [step], { leaseMs: 60_000 });
          await second;
          return { by: "A" };
        }
        ambiguousSecondRun = run.ambiguous;
        return { by: "B" };
      },
    };
    const reportA = await runIncidentEffects(ctx, id, [step], { leaseMs: 60_000 });
    expect(ambiguousSecondRun).toBe(true);
    expect(reportA.done).toEqual([]);
    expect(reportA.waiting).toEqual(["fenced"]);
    const row = await db.prisma.sideEffect.findUniqueOrThrow({ where });
    expect(row).toMatchObject({ status: "done", attempts: 2, result: { by: "B" } });
  });
});

describe("steps that may run alongside the others", () => {
  async function incidentWithSteps(keys: string[]): Promise<string> {
    const id = await incidentWithStep(db, keys[0] as string);
    // One transaction per step, so each has its own createdAt: the order they were queued in.
    for (const key of keys.slice(1)) {
      await sleep(5);
      await db.prisma.sideEffect.create({ data: { incidentId: id, key } });
    }
    return id;
  }

  function tracker() {
    const started: string[] = [];
    let active = 0;
    let activeOrdered = 0;
    const peak = { all: 0, ordered: 0 };
    const step = (prefix: string, concurrent: boolean, fail = false, deps: string[] = []): EffectDefinition => ({
      prefix,
      describe: () => prefix,
      dependsOn: () => deps,
      concurrent: () => concurrent,
      async run(_ctx, run) {
        started.push(run.effect.key);
        active++;
        if (!concurrent) activeOrdered++;
        peak.all = Math.max(peak.all, active);
        peak.ordered = Math.max(peak.ordered, activeOrdered);
        await sleep(150);
        active--;
        if (!concurrent) activeOrdered--;
        if (fail) throw new Error(`${prefix} broke`);
        return {};
      },
    });
    return { started, peak, step };
  }

  it("run at the same time as the ordered steps, which still run one at a time in the order queued", async () => {
    const id = await incidentWithSteps(["first", "side-a", "second", "side-b", "third"]);
    const t = tracker();
    const definitions = [
      t.step("first", false),
      t.step("second", false),
      t.step("third", false),
      t.step("side-a", true),
      t.step("side-b", true),
    ];
    const report = await runIncidentEffects(ctx, id, definitions);
    expect(report.done.sort()).toEqual(["first", "second", "side-a", "side-b", "third"]);
    expect(t.started.filter((k) => !k.startsWith("side"))).toEqual(["first", "second", "third"]);
    expect(t.peak.ordered).toBe(1);
    expect(t.peak.all).toBe(3);
  });

  it("one waiting for an ordered step starts the moment that step is done, alongside the next ordered one", async () => {
    const id = await incidentWithSteps(["channel", "side", "card"]);
    const t = tracker();
    const definitions = [t.step("channel", false), t.step("side", true, false, ["channel"]), t.step("card", false, false, ["channel"])];
    const report = await runIncidentEffects(ctx, id, definitions);
    expect(report.done.sort()).toEqual(["card", "channel", "side"]);
    expect(t.started[0]).toBe("channel");
    // Started before card finished, not in a later pass.
    expect(t.peak.all).toBe(2);
  });

  it("ordered steps queued in one transaction run in the order they were queued, wherever their rows are stored", async () => {
    const incident = await db.prisma.incident.create({
      data: {
        title: "t",
        slug: "t",
        severity: "P1",
        declaredBy: "U0ALICE",
        startedAt: new Date(),
        steps: { create: [{ key: "zulu-first" }, { key: "alpha-second" }, { key: "mike-third" }] },
      },
    });
    // An update moves a row to the end of the table: a scan now meets it last.
    await db.prisma.sideEffect.update({
      where: { incidentId_key: { incidentId: incident.id, key: "zulu-first" } },
      data: { params: { moved: true } },
    });
    const t = tracker();
    await runIncidentEffects(ctx, incident.id, [t.step("zulu-first", false), t.step("alpha-second", false), t.step("mike-third", false)]);
    expect(t.started).toEqual(["zulu-first", "alpha-second", "mike-third"]);
  });

  it("a failing one backs off like any other, and the run returns only once every step it started has settled", async () => {
    const id = await incidentWithSteps(["ordered", "side-ok", "side-broken"]);
    const t = tracker();
    const definitions = [t.step("ordered", false), t.step("side-ok", true), t.step("side-broken", true, true)];
    const report = await runIncidentEffects(ctx, id, definitions);
    expect(report.done.sort()).toEqual(["ordered", "side-ok"]);
    expect(report.nextAt).toBeInstanceOf(Date);
    const rows = await db.prisma.sideEffect.findMany({ where: { incidentId: id }, orderBy: { key: "asc" } });
    expect(rows.map((r) => [r.key, r.status, r.failures])).toEqual([
      ["ordered", "done", 0],
      ["side-broken", "pending", 1],
      ["side-ok", "done", 0],
    ]);
    expect(rows.find((r) => r.key === "side-broken")?.lastError).toBe("side-broken broke");
  });
});
