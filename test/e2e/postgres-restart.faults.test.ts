// Postgres goes away mid-run (issue 14): the app reaches it through a TCP proxy
// the test cuts and restores, like a database restart. Requests in flight get a
// clear answer in Slack (not a timeout), nothing is half-written, /healthz says
// 503 while it is gone and 200 after, and the outbox resumes by itself: every
// war-room step completes once, with no duplicate in Slack.
import { type SlackEmulator, startSlackEmulator } from "@hotfix/slack-emulator";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startHotfixCommander } from "../../src/app.js";
import { createPrisma, type Db } from "../../src/store/prisma.js";
import { CuttableProxy } from "../support/cuttable-proxy.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { openDeclareForm, submitDeclare } from "../support/declare.js";
import { BOT_TOKEN, eventually, SIGNING_SECRET, testConfig } from "../support/harness.js";

let db: TestDatabase;
let slack: SlackEmulator;
let proxy: CuttableProxy;
let appPrisma: Db;
let app: RunningApp;
beforeAll(async () => {
  db = await createTestDatabase();
  slack = await startSlackEmulator({ port: 0, signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
  const target = new URL(db.url);
  proxy = new CuttableProxy(target.hostname, Number(target.port || 5432));
  await proxy.start();
  const viaProxy = new URL(db.url);
  viaProxy.hostname = "127.0.0.1";
  viaProxy.port = String(proxy.port);
  appPrisma = createPrisma(viaProxy.toString());
  app = await startHotfixCommander(testConfig(slack.apiUrl), {
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    port: 0,
    host: "127.0.0.1",
    database: { url: viaProxy.toString(), prisma: appPrisma, embedded: false, close: async () => undefined },
    jobPollingSeconds: 0.5,
    effectBackoffMs: 200,
  });
  slack.setAppUrl(`${app.url}/slack/events`);
});
afterAll(async () => {
  await proxy?.start().catch(() => undefined);
  await app?.stop().catch(() => undefined);
  await appPrisma?.$disconnect().catch(() => undefined);
  await proxy?.cut();
  await slack?.close();
  await db?.drop();
});

const health = async () => (await fetch(`${app.url}/healthz`)).status;
const openSteps = () => db.prisma.sideEffect.count({ where: { status: { not: "done" } } });

describe("Postgres restarts while the bot works", () => {
  it("clear errors while it is gone, nothing half-written, 503 then 200, and the outbox finishes by itself", async () => {
    expect(await health()).toBe(200);
    // War rooms under way when the database goes: Slack is slow to answer the announcements.
    slack.faults.add({ method: "chat.postMessage", delayMs: 1_500, times: 6 });
    const people = ["U0ALICE", "U0BOB"];
    const forms = await Promise.all(
      ["Before the restart A", "Before the restart B"].map((title, i) => openDeclareForm(slack, { title, userId: people[i] as string })),
    );
    await Promise.all(forms.map((viewId, i) => submitDeclare(slack, viewId, { userId: people[i] as string })));
    await eventually(async () => expect(await db.prisma.sideEffect.count({ where: { status: "running" } })).toBeGreaterThan(0), {
      timeoutMs: 30_000,
      intervalMs: 20,
    });
    const carol = slack.state.addUser({ name: "carol", tz: "UTC" }).id;
    const formDuringOutage = await openDeclareForm(slack, { title: "During the outage", userId: carol });

    await proxy.cut();
    expect(await health()).toBe(503);

    // A submission in flight: Slack hears back in time, with words for the person, not a timeout.
    const began = Date.now();
    const submitted = await submitDeclare(slack, formDuringOutage, { userId: carol });
    expect(Date.now() - began).toBeLessThan(3_000);
    expect(submitted.status).toBe(200);
    expect(JSON.stringify(submitted.body)).toMatch(/try again/i);
    // A slash command too.
    const status = await slack.slashCommand({ userId: "U0BOB", channelId: "C0ENGPROD", text: "status" });
    expect(status.status).toBe(200);
    expect(JSON.stringify(status.body)).toMatch(/try again|went wrong/i);

    await new Promise((r) => setTimeout(r, 2_000));
    await proxy.start();
    await eventually(async () => expect(await health()).toBe(200), { timeoutMs: 20_000, intervalMs: 100 });
    const restored = Date.now();

    // The outbox resumes by itself: no sweep to wait for, no restart.
    await eventually(async () => expect(await openSteps()).toBe(0), { timeoutMs: 60_000, intervalMs: 100 });
    console.info(`[postgres-restart] outbox finished ${Date.now() - restored} ms after the database came back`);

    // Nothing half-written: the submission refused during the outage left nothing; the others are whole, once.
    expect(await db.prisma.incident.count({ where: { title: "During the outage" } })).toBe(0);
    const incidents = await db.prisma.incident.findMany({ include: { steps: true } });
    expect(incidents.map((i) => i.title).sort()).toEqual(["Before the restart A", "Before the restart B"]);
    for (const incident of incidents) {
      expect(incident.warRoomChannelId).toBeTruthy();
      expect(incident.steps.length).toBeGreaterThan(0);
      for (const channel of ["C0INCIDENTS", "C0ENGPROD", "C0STAKEHOLDERS"]) {
        expect(slack.messages(channel).filter((m) => m.text.includes(`HF-${incident.number}`))).toHaveLength(1);
      }
    }
    expect([...slack.state.channels.values()].filter((c) => c.name.includes("before-the-restart"))).toHaveLength(2);
  });
});
