// SLA clocks as durable timers: 50 %, 90 % and breach, in the war room,
// mentioning the commander; once each with two replicas running; silent
// after resolution; moved by a severity change.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { declareViaSlack, settled } from "../support/declare.js";
import { eventually, type Harness, startHarness } from "../support/harness.js";

// Seconds-long SLAs so the whole clock runs inside the test.
const policy = { severity: { P0: { sla: "4s" }, P1: { sla: "6s" } } };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ policy });
  await h.startReplica();
});
afterAll(async () => {
  await h?.close();
});

const reminders = (room: string) => h.slack.messages(room).filter((m) => /SLA/.test(m.text) && m.text.includes("<@U0BOB>"));

async function declare(title: string) {
  await declareViaSlack(h.slack, { title, values: { severity: "P0", commander: "U0BOB" } });
  await settled(h.db.prisma);
  return h.db.prisma.incident.findFirstOrThrow({ where: { title } });
}

describe("SLA reminders", () => {
  it("fire at 50 %, 90 % and breach, once each, across two replicas", async () => {
    const incident = await declare("Ledger out of balance");
    const room = incident.warRoomChannelId ?? "";
    await eventually(() => expect(reminders(room).length).toBe(3), { timeoutMs: 15_000, intervalMs: 200 });
    // Give a second firing every chance to show up.
    await new Promise((r) => setTimeout(r, 2_500));
    const texts = reminders(room).map((m) => m.text);
    expect(texts).toHaveLength(3);
    expect(texts[0]).toContain("50 % of the P0 SLA");
    expect(texts[1]).toContain("90 % of the P0 SLA");
    expect(texts[2]).toContain("is *breached*");
    const kinds = (
      await h.db.prisma.timelineEvent.findMany({ where: { incidentId: incident.id, kind: { in: ["sla_reminder", "sla_breached"] } } })
    ).map((e) => e.kind);
    expect(kinds.sort()).toEqual(["sla_breached", "sla_reminder", "sla_reminder"]);
  });

  it("stop when the incident is resolved", async () => {
    const incident = await declare("Webhook retries storm");
    const room = incident.warRoomChannelId ?? "";
    const res = await h.slack.slashCommand({ userId: "U0BOB", channelId: room, text: "resolve fixed by config" });
    expect(JSON.stringify(res.body)).toContain("Resolved");
    await new Promise((r) => setTimeout(r, 5_500));
    expect(reminders(room)).toHaveLength(0);
  });

  it("follow a severity change: the old clock stays silent, the new one runs", async () => {
    const incident = await declare("Slow search");
    const room = incident.warRoomChannelId ?? "";
    await h.slack.slashCommand({ userId: "U0BOB", channelId: room, text: "severity P1" });
    await eventually(() => expect(reminders(room).some((m) => m.text.includes("is *breached*"))).toBe(true), {
      timeoutMs: 15_000,
      intervalMs: 200,
    });
    await new Promise((r) => setTimeout(r, 1_500));
    const texts = reminders(room).map((m) => m.text);
    expect(texts.every((t) => !t.includes("P0 SLA") && !t.includes("the P0 SLA"))).toBe(true);
    expect(texts.filter((t) => t.includes("is *breached*"))).toHaveLength(1);
  });
});
