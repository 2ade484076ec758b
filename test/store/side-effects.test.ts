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
