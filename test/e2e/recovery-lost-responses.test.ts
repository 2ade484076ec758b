// "Uncertain means look first" (issue 8.4): a Slack call that took effect but
// whose answer was lost (5xx, connection reset) leaves the step ambiguous, and
// the next attempt looks before acting: no orphan channel and no `-2`, one
// announcement. A step that keeps failing backs off; `/hotfix retry` never
// reuses an attempt number.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { declareViaSlack, settled } from "../support/declare.js";
import { eventually, type Harness, startHarness } from "../support/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ policy: { severity: { P1: { announce: ["#incidents", "#war-news"] } } } });
});
afterAll(async () => {
  await h?.close();
});

async function step(title: string, key: string) {
  const incident = await h.db.prisma.incident.findFirstOrThrow({ where: { title } });
  const row = await h.db.prisma.sideEffect.findUniqueOrThrow({ where: { incidentId_key: { incidentId: incident.id, key } } });
  return { incident, row };
}

describe("a lost answer from Slack", () => {
  it("conversations.create done but its answer lost (500): the retry adopts the channel, no orphan, no -2", async () => {
    h.slack.faults.add({ method: "conversations.create", when: "after", status: 500 });
    await declareViaSlack(h.slack, { title: "Lost create answer", values: { severity: "P0" } });
    await settled(h.db.prisma, 30_000);
    const { incident, row } = await step("Lost create answer", "channel");
    const rooms = [...h.slack.state.channels.values()].filter((c) => c.name.includes("lost-create-answer"));
    expect(rooms.map((r) => r.name)).toHaveLength(1);
    expect(rooms[0]?.name.endsWith("-2")).toBe(false);
    expect(incident.warRoomChannelId).toBe(rooms[0]?.id);
    expect(row).toMatchObject({ status: "done", attempts: 2, ambiguous: false });
  });

  it("chat.postMessage done but the connection reset before the answer: one announcement", async () => {
    h.slack.faults.add({ method: "chat.postMessage", when: "after", drop: true, match: (p) => p.channel === "C0INCIDENTS" });
    await declareViaSlack(h.slack, { title: "Lost post answer", values: { severity: "P0" } });
    await settled(h.db.prisma, 30_000);
    const { incident, row } = await step("Lost post answer", "announce:#incidents");
    expect(h.slack.messages("C0INCIDENTS").filter((m) => m.text.includes(`HF-${incident.number}`))).toHaveLength(1);
    expect(row).toMatchObject({ status: "done", attempts: 2 });
    // The second attempt looked first (and found the message the first had posted).
    expect(h.slack.calls("conversations.history").filter((c) => c.params.channel === "C0INCIDENTS").length).toBeGreaterThan(0);
  });

  it("a definite refusal (ok: false) is not ambiguous: no look-up before the next attempt", async () => {
    h.slack.faults.add({ method: "chat.postMessage", error: "fatal_error", match: (p) => p.channel === "C0ENGPROD" });
    const before = h.slack.calls("conversations.history").length;
    await declareViaSlack(h.slack, { title: "Definite refusal", values: { severity: "P0" } });
    await settled(h.db.prisma, 30_000);
    const { incident, row } = await step("Definite refusal", "announce:#eng-prod");
    expect(row).toMatchObject({ status: "done", attempts: 2, failures: 0 });
    expect(h.slack.messages("C0ENGPROD").filter((m) => m.text.includes(`HF-${incident.number}`))).toHaveLength(1);
    expect(
      h.slack
        .calls("conversations.history")
        .slice(before)
        .filter((c) => c.params.channel === "C0ENGPROD"),
    ).toHaveLength(0);
  });
});

describe("/hotfix retry", () => {
  it("runs a failed step again under a new attempt number, never a reused one", async () => {
    await declareViaSlack(h.slack, { title: "Missing news channel", values: { severity: "P1" } });
    await settled(h.db.prisma, 30_000);
    const first = await step("Missing news channel", "announce:#war-news");
    expect(first.row).toMatchObject({ status: "failed", attempts: 1, failures: 1 });
    h.slack.state.addChannel({ name: "war-news" });
    const room = first.incident.warRoomChannelId ?? "";
    const retry = await h.slack.slashCommand({ userId: "U0BOB", channelId: room, text: "retry" });
    expect(JSON.stringify(retry.body)).toContain("Retrying 1 step(s)");
    await eventually(async () => expect((await step("Missing news channel", "announce:#war-news")).row.status).toBe("done"));
    const after = await step("Missing news channel", "announce:#war-news");
    expect(after.row).toMatchObject({ attempts: 2, failures: 0 });
  });
});

describe("the server checks Slack's signature before Bolt", () => {
  it("a forged or unsigned slash command is refused with 401 and never runs", async () => {
    const body = new URLSearchParams({
      command: "/hotfix",
      text: "declare Forged",
      user_id: "U0ALICE",
      channel_id: "C0ENGPROD",
      trigger_id: "1.2.3",
    });
    const ts = String(Math.floor(Date.now() / 1000));
    for (const headers of [
      { "x-slack-request-timestamp": ts, "x-slack-signature": `v0=${"0".repeat(64)}` },
      {} as Record<string, string>,
    ]) {
      const res = await fetch(`${h.app.url}/slack/events`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body: body.toString(),
      });
      expect(res.status).toBe(401);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(h.slack.calls("views.open").filter((c) => c.params.trigger_id === "1.2.3")).toHaveLength(0);
    // A signed one works.
    const signed = await h.slack.slashCommand({ userId: "U0ALICE", channelId: "C0ENGPROD", text: "help" });
    expect(signed.status).toBe(200);
  });
});
