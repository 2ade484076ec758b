// One failing integration never leaves the incident stuck: a 5xx is retried
// without duplicates; a permanent failure is reported in the war room, the
// other steps go ahead, and /hotfix retry runs it again once fixed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { declareViaSlack, settled } from "../support/declare.js";
import { eventually, type Harness, startHarness } from "../support/harness.js";

let h: Harness;
beforeAll(async () => {
  // #war-news does not exist yet: announcing there fails until someone creates it.
  h = await startHarness({ policy: { severity: { P1: { announce: ["#incidents", "#war-news"] } } } });
});
afterAll(async () => {
  await h?.close();
});

describe("failing steps", () => {
  it("retries a Slack 5xx without posting twice", async () => {
    h.slack.faults.add({ method: "chat.postMessage", times: 2, status: 500, match: (p) => p.channel === "C0INCIDENTS" });
    await declareViaSlack(h.slack, { title: "Flaky Slack", values: { severity: "P0" } });
    await settled(h.db.prisma, 30_000);
    const incident = await h.db.prisma.incident.findFirstOrThrow({ where: { title: "Flaky Slack" } });
    expect(h.slack.messages("C0INCIDENTS").filter((m) => m.text.includes(`HF-${incident.number}`))).toHaveLength(1);
    const step = await h.db.prisma.sideEffect.findUniqueOrThrow({
      where: { incidentId_key: { incidentId: incident.id, key: "announce:#incidents" } },
    });
    expect(step.status).toBe("done");
    expect(step.attempts).toBe(3);
  });

  it("reports a permanent failure in the war room, lets the rest finish, and retries on demand", async () => {
    await declareViaSlack(h.slack, { title: "Missing channel", values: { severity: "P1" } });
    await settled(h.db.prisma, 30_000);
    const incident = await h.db.prisma.incident.findFirstOrThrow({ where: { title: "Missing channel" } });
    const room = incident.warRoomChannelId ?? "";
    const steps = await h.db.prisma.sideEffect.findMany({ where: { incidentId: incident.id } });
    expect(steps.filter((s) => s.status === "failed").map((s) => [s.key, s.lastError])).toEqual([
      ["announce:#war-news", "channel_not_found"],
    ]);
    expect(steps.filter((s) => s.status === "done").length).toBe(steps.length - 1);
    expect(h.slack.messages(room).some((m) => m.text.includes("Could not announce in #war-news") && m.text.includes("/hotfix retry"))).toBe(
      true,
    );
    const status = await h.slack.slashCommand({ userId: "U0BOB", channelId: room, text: "status" });
    expect(JSON.stringify(status.body)).toContain("announce:#war-news (channel_not_found)");

    h.slack.state.addChannel({ name: "war-news" });
    const retry = await h.slack.slashCommand({ userId: "U0BOB", channelId: room, text: "retry" });
    expect(JSON.stringify(retry.body)).toContain("Retrying 1 step(s)");
    await eventually(() => expect(h.slack.messages("#war-news").filter((m) => m.text.includes(`HF-${incident.number}`))).toHaveLength(1));
    const again = await h.slack.slashCommand({ userId: "U0BOB", channelId: room, text: "retry" });
    expect(JSON.stringify(again.body)).toContain("No failed steps");
  });
});
