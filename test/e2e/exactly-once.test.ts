// Never two incidents, two channels or two announcements: under load, across
// replicas, and when the process dies in the middle of the work.

import { startSlackEmulator } from "@hotfix/slack-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../support/database.js";
import { declareViaSlack, settled } from "../support/declare.js";
import { BOT_TOKEN, type Harness, SIGNING_SECRET, startHarness, startTestApp, testConfig } from "../support/harness.js";
import { startBotProcess } from "../support/process.js";

describe("50 incidents declared at once", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    // A second replica shares the work, as in production.
    await h.startReplica();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("makes 50 incidents, 50 distinct war rooms, each announced once", async () => {
    // Five titles, ten times each: the channel names clash on purpose.
    const titles = Array.from({ length: 50 }, (_, i) => `Outage ${["api", "web", "db", "queue", "cdn"][i % 5]}`);
    // Fifty people, fifty forms: one person has one modal open at a time.
    const users = titles.map((_, i) => h.slack.state.addUser({ name: `engineer${i}`, tz: "UTC" }).id);
    const results = await Promise.all(titles.map((title, i) => declareViaSlack(h.slack, { title, userId: users[i] as string })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    await settled(h.db.prisma, 60_000);
    const incidents = await h.db.prisma.incident.findMany();
    expect(incidents).toHaveLength(50);
    const channels = new Set(incidents.map((i) => i.warRoomChannelId));
    expect(channels.size).toBe(50);
    expect(channels.has(null)).toBe(false);
    expect(new Set(incidents.map((i) => i.warRoomChannelName)).size).toBe(50);
    expect(await h.db.prisma.sideEffect.count({ where: { status: "failed" } })).toBe(0);
    for (const incident of incidents) {
      const label = `(HF-${incident.number})`;
      expect(h.slack.messages("C0INCIDENTS").filter((m) => m.text.includes(label))).toHaveLength(1);
      expect(h.slack.pins(incident.warRoomChannelId ?? "")).toHaveLength(1);
    }
    expect(h.slack.calls("conversations.create").filter((c) => c.response.ok === true)).toHaveLength(50);
  });
});

describe("a crash in the middle of declaring", () => {
  async function crashThenRecover(crashAt: string) {
    const db = await createTestDatabase();
    const slack = await startSlackEmulator({ port: 0, signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
    const bot = startBotProcess({
      DATABASE_URL: db.url,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      HOTFIX_EFFECT_LEASE_MS: "500",
      HOTFIX_CRASH_AT: crashAt,
    });
    slack.setAppUrl(`${await bot.url}/slack/events`);
    await declareViaSlack(slack, { title: "Refunds stuck" });
    const exit = await bot.exited;
    expect(exit.signal, bot.output()).toBe("SIGKILL");
    const incident = await db.prisma.incident.findFirstOrThrow({ where: { title: "Refunds stuck" } });
    // The restarted bot picks up where the dead one stopped.
    const app = await startTestApp(testConfig(slack.apiUrl), db, { effectLeaseMs: 500 });
    try {
      await settled(db.prisma, 30_000);
      const effects = await db.prisma.sideEffect.findMany({ where: { incidentId: incident.id } });
      expect(effects.filter((e) => e.status !== "done")).toEqual([]);
      const after = await db.prisma.incident.findUniqueOrThrow({ where: { id: incident.id } });
      return { slack, incident: after, effects };
    } finally {
      await app.stop();
      await slack.close();
      await db.drop();
    }
  }

  it("killed between 'channel created' and 'announced': one channel, one announcement per channel", async () => {
    const { slack, incident } = await crashThenRecover("recorded:channel");
    expect(slack.calls("conversations.create").filter((c) => c.response.ok === true)).toHaveLength(1);
    expect([...slack.state.channels.values()].filter((c) => c.name.includes("refunds-stuck"))).toHaveLength(1);
    for (const channel of ["C0INCIDENTS", "C0ENGPROD", "C0STAKEHOLDERS"]) {
      expect(slack.messages(channel).filter((m) => m.text.includes(`HF-${incident.number}`))).toHaveLength(1);
    }
  });

  it("killed after posting an announcement but before recording it: the retry finds it and does not post again", async () => {
    const { slack, incident, effects } = await crashThenRecover("unrecorded:announce:#incidents");
    expect(slack.messages("C0INCIDENTS").filter((m) => m.text.includes(`HF-${incident.number}`))).toHaveLength(1);
    const announce = effects.find((e) => e.key === "announce:#incidents");
    expect(announce?.attempts).toBe(2);
  });

  it("killed after creating the channel but before recording it: the retry adopts it instead of making a second", async () => {
    const { slack, incident } = await crashThenRecover("unrecorded:channel");
    const rooms = [...slack.state.channels.values()].filter((c) => c.name.includes("refunds-stuck"));
    expect(rooms).toHaveLength(1);
    expect(incident.warRoomChannelId).toBe(rooms[0]?.id);
  });
});
