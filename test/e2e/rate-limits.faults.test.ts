// Slack's tiers, on (issue 14): the emulator limits the outbox's methods at
// Slack's published tiers scaled in time (Tier 2 as 4 per 3 s, Tier 3 in
// proportion, chat.postMessage one a second per channel), and the bot paces
// itself to the same tiers. Thirty incidents declared at once all get their war
// rooms, nothing twice, within 1.5x the least time the limits allow for the
// calls made; announcements sharing a channel are paced, not dropped; while the
// background is throttled every ack still comes back in under 3 s.
import { type SlackEmulator, startSlackEmulator } from "@hotfix/slack-emulator";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startHotfixCommander } from "../../src/app.js";
import { createPrisma, type Db } from "../../src/store/prisma.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { openDeclareForm, submitDeclare } from "../support/declare.js";
import { BOT_TOKEN, eventually, SIGNING_SECRET, testConfig } from "../support/harness.js";
import { scaledOutboxTiers } from "../support/scaled-tiers.js";

const TIERS = scaledOutboxTiers();
const INCIDENTS = 30;

let db: TestDatabase;
let slack: SlackEmulator;
let app: RunningApp;
let appPrisma: Db;
beforeAll(async () => {
  db = await createTestDatabase();
  // The app's own pool, sized as in production (the test database's client is kept small).
  appPrisma = createPrisma(db.url);
  slack = await startSlackEmulator({ port: 0, signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
  app = await startHotfixCommander(testConfig(slack.apiUrl, { policy: { severity: { P1: { announce: ["#incidents", "#eng-prod"] } } } }), {
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    port: 0,
    host: "127.0.0.1",
    database: { url: db.url, prisma: appPrisma, embedded: false, close: async () => undefined },
    jobPollingSeconds: 0.5,
    effectBackoffMs: 200,
    slackPacing: TIERS,
  });
  slack.setAppUrl(`${app.url}/slack/events`);
});
afterAll(async () => {
  await app?.stop();
  await appPrisma?.$disconnect();
  await slack?.close();
  await db?.drop();
});

/** The least time the limits allow for these successful calls: per bucket, (n - burst) / rate; the slowest bucket decides. */
function minimumMs(calls: ReturnType<SlackEmulator["calls"]>): { ms: number; bucket: string } {
  const counts = new Map<string, number>();
  for (const call of calls) {
    if (call.status !== 200 || !TIERS[call.method]) continue;
    const rule = TIERS[call.method];
    const key = rule?.perChannel ? `${call.method}|${String(call.params.channel)}` : call.method;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let worst = { ms: 0, bucket: "" };
  for (const [key, n] of counts) {
    const rule = TIERS[key.split("|")[0] as string];
    if (!rule) continue;
    const ms = (Math.max(0, n - rule.capacity) / rule.perSecond) * 1000;
    if (ms > worst.ms) worst = { ms, bucket: key };
  }
  return worst;
}

describe(`${INCIDENTS} incidents declared at once under Slack's tiers (scaled)`, () => {
  it("all get war rooms, nothing twice, within 1.5x the minimum; announcements paced, not dropped; acks under 3 s", async () => {
    const users = Array.from({ length: INCIDENTS }, (_, i) => slack.state.addUser({ name: `oncall${i}`, tz: "UTC" }).id);
    // The forms open on the request path (never behind the outbox), then all thirty are submitted at once.
    const forms = await Promise.all(users.map((userId, i) => openDeclareForm(slack, { userId, title: `Throttled ${i}` })));
    slack.rateLimits.enable(TIERS);
    const started = Date.now();
    const ackTimes: number[] = [];
    const timed = async <T>(call: () => Promise<T>): Promise<T> => {
      const t = Date.now();
      const result = await call();
      ackTimes.push(Date.now() - t);
      return result;
    };
    // In three waves of ten a quarter of a second apart: all thirty are in before the first war room is ready, and the
    // 2-core CI machine is not asked to open thirty database transactions in the same millisecond.
    const submitted = await Promise.all(
      forms.map(async (viewId, i) => {
        await new Promise((r) => setTimeout(r, Math.floor(i / 10) * 250));
        return timed(() =>
          submitDeclare(slack, viewId, { userId: users[i] as string, title: `Throttled ${i}`, values: { severity: "P1" } }),
        );
      }),
    );
    expect(submitted.every((r) => r.status === 200)).toBe(true);

    // While the background is throttled, people keep using the bot: every ack stays under 3 s.
    let probing = true;
    const probes = (async () => {
      while (probing) {
        const res = await timed(() => slack.slashCommand({ userId: "U0BOB", channelId: "C0ENGPROD", text: "help" }));
        expect(res.status).toBe(200);
        await new Promise((r) => setTimeout(r, 300));
      }
    })();

    await eventually(
      async () => {
        const open = await db.prisma.sideEffect.count({ where: { status: { not: "done" } } });
        expect(open).toBe(0);
        expect(await db.prisma.incident.count()).toBe(INCIDENTS);
      },
      { timeoutMs: 150_000, intervalMs: 200 },
    );
    const totalMs = Date.now() - started;
    probing = false;
    await probes;

    const calls = slack.calls().filter((c) => c.at >= started);
    const minimum = minimumMs(calls);
    const limited = calls.filter((c) => c.status === 429).length;
    console.info(
      `[rate-limits] ${INCIDENTS} war rooms in ${totalMs} ms; minimum the limits allow ${Math.round(minimum.ms)} ms (${minimum.bucket}); ` +
        `ratio ${(totalMs / minimum.ms).toFixed(2)}; 429s ${limited}; slowest ack ${Math.max(...ackTimes)} ms over ${ackTimes.length} requests`,
    );

    // Nothing twice, nothing dropped.
    const incidents = await db.prisma.incident.findMany();
    const rooms = new Set(incidents.map((i) => i.warRoomChannelId));
    expect(rooms.size).toBe(INCIDENTS);
    expect(slack.calls("conversations.create").filter((c) => c.response.ok === true)).toHaveLength(INCIDENTS);
    for (const incident of incidents) {
      for (const channel of ["C0INCIDENTS", "C0ENGPROD"]) {
        expect(slack.messages(channel).filter((m) => new RegExp(`HF-${incident.number}(?!\\d)`).test(m.text))).toHaveLength(1);
      }
      expect(slack.pins(incident.warRoomChannelId ?? "")).toHaveLength(1);
    }
    expect(await db.prisma.timelineEvent.count({ where: { kind: "step_failed" } })).toBe(0);

    expect(minimum.ms).toBeGreaterThan(20_000);
    expect(totalMs).toBeLessThanOrEqual(1.5 * minimum.ms);
    expect(Math.max(...ackTimes)).toBeLessThan(3_000);
  });

  it("a 429 with Retry-After blocks that method for everyone in the outbox until it has passed", async () => {
    // The pacer does not know this limit: Slack's answer alone must slow the outbox down.
    await eventually(async () => expect(await db.prisma.sideEffect.count({ where: { status: { not: "done" } } })).toBe(0), {
      timeoutMs: 150_000,
    });
    slack.rateLimits.disable();
    slack.faults.add({ method: "chat.postMessage", status: 429, retryAfter: 2, match: (p) => p.channel === "C0INCIDENTS" });
    const viewId = await openDeclareForm(slack, { userId: "U0ALICE", title: "After a 429" });
    await submitDeclare(slack, viewId, { title: "After a 429", values: { severity: "P1" } });
    await eventually(async () => expect(await db.prisma.sideEffect.count({ where: { status: { not: "done" } } })).toBe(0), {
      timeoutMs: 30_000,
    });
    const posts = slack.calls("chat.postMessage").filter((c) => c.params.channel === "C0INCIDENTS");
    const limited = posts.findLast((c) => c.status === 429);
    const next = posts.find((c) => limited && c.at > limited.at);
    expect(limited && next).toBeTruthy();
    expect((next?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(1_900);
    const incident = await db.prisma.incident.findFirstOrThrow({ where: { title: "After a 429" } });
    expect(slack.messages("C0INCIDENTS").filter((m) => new RegExp(`HF-${incident.number}(?!\\d)`).test(m.text))).toHaveLength(1);
  });
});
