// Recovery in seconds (issue 14): the bot is SIGKILLed mid-step at several
// points, then started again. The steps the dead process held are taken over at
// once (its instance is gone: same host, pid gone), not after a 60 s lease and a
// once-a-minute sweep: the war room completes within 10 s of the restart, with
// one channel, one pinned card and one announcement per channel. The lease is
// left at its production default (60 s) on purpose: recovery must not lean on it.
// Timers that came due while the bot was down fire once at start-up.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type SlackEmulator, startSlackEmulator } from "@hotfix/slack-emulator";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningApp } from "../../src/app.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { declareViaSlack } from "../support/declare.js";
import { BOT_TOKEN, eventually, SIGNING_SECRET, startTestApp, testConfig } from "../support/harness.js";
import { startBotProcess } from "../support/process.js";

const RECOVERY_BOUND_MS = 10_000;
const ANNOUNCED = ["C0INCIDENTS", "C0ENGPROD", "C0STAKEHOLDERS"];

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  cleanup = [];
});

async function world(): Promise<{ db: TestDatabase; slack: SlackEmulator }> {
  const db = await createTestDatabase();
  const slack = await startSlackEmulator({ port: 0, signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
  cleanup.push(
    () => db.drop(),
    () => slack.close(),
  );
  return { db, slack };
}

function botEnv(db: TestDatabase, slack: SlackEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return { DATABASE_URL: db.url, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, ...extra };
}

/** Restarts the bot and measures how long until every step of every incident is done. */
async function restartAndMeasure(db: TestDatabase, slack: SlackEmulator, policy?: unknown): Promise<{ app: RunningApp; ms: number }> {
  const started = Date.now();
  const app = await startTestApp(testConfig(slack.apiUrl, policy ? { policy } : {}), db);
  cleanup.unshift(() => app.stop());
  slack.setAppUrl(`${app.url}/slack/events`);
  // Generous overall wait (a loaded machine); the bound is asserted on the measured time.
  await eventually(
    async () => {
      const open = await db.prisma.sideEffect.count({ where: { status: { not: "done" } } });
      expect(open).toBe(0);
    },
    { timeoutMs: 90_000, intervalMs: 50 },
  );
  return { app, ms: Date.now() - started };
}

async function assertExactlyOnce(db: TestDatabase, slack: SlackEmulator, title: string): Promise<void> {
  const incident = await db.prisma.incident.findFirstOrThrow({ where: { title } });
  const rooms = [...slack.state.channels.values()].filter((c) => c.name.includes("refunds-stuck"));
  expect(rooms.map((r) => r.id)).toEqual([incident.warRoomChannelId]);
  expect(slack.pins(incident.warRoomChannelId ?? "")).toHaveLength(1);
  for (const channel of ANNOUNCED) {
    expect(slack.messages(channel).filter((m) => m.text.includes(`HF-${incident.number}`))).toHaveLength(1);
  }
}

describe("SIGKILL mid-step, then a restart", () => {
  const points = [
    // The call went through, the process died before recording it: the next attempt must look, not repeat.
    "unrecorded:channel",
    "recorded:topic",
    "unrecorded:card",
    "unrecorded:announce:#incidents",
  ];
  for (const crashAt of points) {
    it(`killed at ${crashAt}: the war room completes within 10 s of the restart, exactly once`, async () => {
      const { db, slack } = await world();
      const bot = startBotProcess(botEnv(db, slack, { HOTFIX_CRASH_AT: crashAt }));
      cleanup.unshift(async () => {
        bot.child.kill("SIGKILL");
      });
      slack.setAppUrl(`${await bot.url}/slack/events`);
      await declareViaSlack(slack, { title: "Refunds stuck" });
      const exit = await bot.exited;
      expect(exit.signal, bot.output()).toBe("SIGKILL");
      if (crashAt.startsWith("unrecorded:")) {
        // The step it died in is held; steps that run alongside (topic, invitations, bookmarks...) may be held with it.
        const held = await db.prisma.sideEffect.findMany({ where: { status: "running" }, select: { key: true } });
        expect(
          held.map((s) => s.key),
          "the dead process held the step it died in",
        ).toContain(crashAt.slice("unrecorded:".length));
      }
      expect(await db.prisma.sideEffect.count({ where: { status: { not: "done" } } }), "work was left").toBeGreaterThan(0);

      const { ms } = await restartAndMeasure(db, slack);
      console.info(`[recovery] ${crashAt}: war room complete ${ms} ms after the restart began`);
      expect(ms).toBeLessThanOrEqual(RECOVERY_BOUND_MS);
      await assertExactlyOnce(db, slack, "Refunds stuck");
    });
  }

  it("killed while a call hangs (Slack slow to answer): the step is taken over and looks before acting", async () => {
    const { db, slack } = await world();
    const bot = startBotProcess(botEnv(db, slack));
    cleanup.unshift(async () => {
      bot.child.kill("SIGKILL");
    });
    slack.setAppUrl(`${await bot.url}/slack/events`);
    // The call hangs and, when it finally answers, did nothing (a 503): the dead process never learnt either way.
    const slow = slack.faults.add({ method: "chat.postMessage", delayMs: 30_000, status: 503, match: (p) => p.channel === "C0INCIDENTS" });
    await declareViaSlack(slack, { title: "Refunds stuck" });
    await eventually(() => expect(slow.hits).toBe(1), { timeoutMs: 60_000 });
    bot.child.kill("SIGKILL");
    await bot.exited;
    slack.faults.clear();
    const { ms } = await restartAndMeasure(db, slack);
    console.info(`[recovery] hung call: war room complete ${ms} ms after the restart began`);
    expect(ms).toBeLessThanOrEqual(RECOVERY_BOUND_MS);
    const incident = await db.prisma.incident.findFirstOrThrow({ where: { title: "Refunds stuck" } });
    const step = await db.prisma.sideEffect.findUniqueOrThrow({
      where: { incidentId_key: { incidentId: incident.id, key: "announce:#incidents" } },
    });
    expect(step.attempts).toBe(2);
    expect(step.ambiguous).toBe(false);
    expect(slack.messages("C0INCIDENTS").filter((m) => m.text.includes(`HF-${incident.number}`))).toHaveLength(1);
    // It looked before posting again.
    expect(slack.calls("conversations.history").some((c) => c.params.channel === "C0INCIDENTS")).toBe(true);
  });
});

describe("timers that came due while the bot was down", () => {
  it("fire once at start-up: late, not lost", async () => {
    const { db, slack } = await world();
    const policy = { severity: { P0: { sla: "6s" } } };
    const dir = mkdtempSync(path.join(tmpdir(), "hotfix-policy-"));
    const policyPath = path.join(dir, "policy.yaml");
    writeFileSync(policyPath, "severity:\n  P0: { sla: 6s }\n");
    const bot = startBotProcess(botEnv(db, slack, { HOTFIX_POLICY: policyPath }));
    cleanup.unshift(async () => {
      bot.child.kill("SIGKILL");
    });
    slack.setAppUrl(`${await bot.url}/slack/events`);
    // The bot dies before any reminder (3 s, 5.4 s, 6 s after the start) came due.
    const declared = Date.now();
    await declareViaSlack(slack, { title: "Refunds stuck", values: { severity: "P0" } });
    bot.child.kill("SIGKILL");
    await bot.exited;
    const incident = await db.prisma.incident.findFirstOrThrow({ where: { title: "Refunds stuck" } });
    const reminders = await db.prisma.$queryRawUnsafe<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'sla.reminder' AND state IN ('created', 'retry', 'active')`,
    );
    expect(reminders[0]?.n, "three reminders wait in the queue").toBe(3);
    // Down until all three came due.
    await new Promise((r) => setTimeout(r, Math.max(0, declared + 7_000 - Date.now())));

    const started = Date.now();
    const { ms } = await restartAndMeasure(db, slack, policy);
    const kinds = async () =>
      (await db.prisma.timelineEvent.findMany({ where: { incidentId: incident.id, kind: { in: ["sla_reminder", "sla_breached"] } } })).map(
        (e) => e.kind,
      );
    await eventually(async () => expect((await kinds()).sort()).toEqual(["sla_breached", "sla_reminder", "sla_reminder"]), {
      timeoutMs: 60_000,
    });
    console.info(`[recovery] overdue timers fired ${Date.now() - started} ms after the restart began (outbox ${ms} ms)`);
    expect(Date.now() - started).toBeLessThanOrEqual(RECOVERY_BOUND_MS);
    // Once: a second look a little later finds no more.
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await kinds()).length).toBe(3);
  });
});
