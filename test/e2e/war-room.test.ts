// Working an incident from its war room: status, severity, roles, updates,
// phases, and messages captured to the timeline.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident } from "../../src/store/prisma.js";
import { declareViaSlack, settled } from "../support/declare.js";
import { eventually, type Harness, startHarness } from "../support/harness.js";

let h: Harness;
let incident: Incident;
let room: string;

const command = async (text: string, userId = "U0BOB", channelId = room) => {
  const res = await h.slack.slashCommand({ userId, channelId, text });
  expect(res.status).toBe(200);
  return JSON.stringify(res.body);
};
const reload = async () => {
  incident = await h.db.prisma.incident.findUniqueOrThrow({ where: { id: incident.id } });
  return incident;
};
const timeline = async (kind: string) => h.db.prisma.timelineEvent.findMany({ where: { incidentId: incident.id, kind } });

beforeAll(async () => {
  h = await startHarness();
  await declareViaSlack(h.slack, { title: "Card payments declined", values: { severity: "P0", commander: "U0BOB" } });
  await settled(h.db.prisma);
  incident = await h.db.prisma.incident.findFirstOrThrow({ where: { title: "Card payments declined" } });
  room = incident.warRoomChannelId ?? "";
});
afterAll(async () => {
  await h?.close();
});

describe("in the war room", () => {
  it("/hotfix status: phase, SLA left in words, roles, outstanding checklist", async () => {
    const text = await command("status");
    expect(text).toContain(`HF-${incident.number} P0: Card payments declined`);
    expect(text).toMatch(/\*SLA:\* \d+ h( \d+ min)? left/);
    expect(text).toContain("*Commander:* <@U0BOB>");
    expect(text).toContain("Assign comms");
    expect(text).toContain("Post a first status update");
  });

  it("refuses war-room verbs elsewhere, pointing to the open war rooms", async () => {
    const text = await command("status", "U0BOB", "C0ENGPROD");
    expect(text).toContain("works in an incident's war room");
    expect(text).toContain(`<#${room}>`);
  });

  it("/hotfix severity moves the SLA, re-announces and updates the card in place", async () => {
    const updatesBefore = h.slack.calls("chat.update").length;
    expect(await command("severity P7")).toContain("Usage: `/hotfix severity P0|P1|P2`");
    expect(await command("severity P1")).toContain("Severity is now P1");
    await settled(h.db.prisma);
    await reload();
    expect(incident.severity).toBe("P1");
    expect(incident.slaDeadline?.getTime()).toBe(incident.startedAt.getTime() + 24 * 3_600_000);
    for (const channel of ["C0INCIDENTS", "C0ENGPROD"]) {
      expect(h.slack.messages(channel).filter((m) => m.text.includes("Severity changed"))).toHaveLength(1);
    }
    expect(h.slack.messages("C0STAKEHOLDERS").filter((m) => m.text.includes("Severity changed"))).toHaveLength(0);
    expect(h.slack.calls("chat.update").length).toBeGreaterThan(updatesBefore);
    const card = h.slack.pins(room)[0]?.message;
    expect(JSON.stringify(card?.blocks)).toContain("P1");
    expect(await timeline("severity_changed")).toHaveLength(1);
    expect(await command("severity P1")).toContain("already P1");
  });

  it("/hotfix role assigns active humans only, shows them on the card and invites them", async () => {
    expect(await command("role comms <@U0DEPLOYBOT|deploybot>")).toContain("is a bot");
    expect(await command("role comms <@U0FRANK|frank>")).toContain("deactivated");
    expect(await command("role wizard <@U0CAROL>")).toContain("Usage");
    expect(await command("role comms <@U0CAROL|carol>")).toContain("<@U0CAROL> is now comms");
    expect(await command("role release-captain <@U0DAVE>")).toContain("release-captain");
    await settled(h.db.prisma);
    const roles = await h.db.prisma.incidentRole.findMany({ where: { incidentId: incident.id }, orderBy: { role: "asc" } });
    expect(roles.map((r) => [r.role, r.userId])).toEqual([
      ["commander", "U0BOB"],
      ["comms", "U0CAROL"],
      ["release_captain", "U0DAVE"],
    ]);
    const card = JSON.stringify(h.slack.pins(room)[0]?.message?.blocks);
    expect(card).toContain("<@U0CAROL>");
    expect(card).toContain("<@U0DAVE>");
    expect(h.slack.channel(room)?.members).toEqual(expect.arrayContaining(["U0CAROL", "U0DAVE"]));
    expect(await timeline("role_assigned")).toHaveLength(2);
  });

  it("/hotfix update posts in the war room and the announcement channels, and records it", async () => {
    expect(await command("update")).toContain("Usage");
    expect(await command("update Root cause: expired issuer certificate. Rolling a fix.", "U0CAROL")).toContain("Update posted");
    await settled(h.db.prisma);
    for (const channel of [room, "C0INCIDENTS", "C0ENGPROD"]) {
      const posts = h.slack.messages(channel).filter((m) => m.text.includes("expired issuer certificate"));
      expect(posts).toHaveLength(1);
      expect(posts[0]?.text).toContain(`Update on HF-${incident.number}`);
    }
    const [event] = await timeline("status_update");
    expect(event?.actor).toBe("U0CAROL");
  });

  it("captures pinned and :pushpin:-marked messages once, with author, time and permalink", async () => {
    const message = h.slack.state.addMessage({ channel: room, user: "U0ALICE", text: "Rolled back the issuer config at 03:12" });
    await h.slack.event({ type: "reaction_added", user: "U0CAROL", reaction: "pushpin", channel: room, ts: message.ts });
    await h.slack.event({ type: "pin_added", user: "U0BOB", channel: room, ts: message.ts });
    await h.slack.event({ type: "reaction_added", user: "U0CAROL", reaction: "thumbsup", channel: room, ts: message.ts });
    const events = await eventually(async () => {
      const found = await timeline("message");
      expect(found.length).toBeGreaterThanOrEqual(1);
      return found;
    });
    await new Promise((r) => setTimeout(r, 300));
    const all = await timeline("message");
    expect(all).toHaveLength(1);
    expect(events[0]?.actor).toBe("U0ALICE");
    expect(events[0]?.summary).toBe("Rolled back the issuer config at 03:12");
    expect(events[0]?.slackTs).toBe(message.ts);
    expect(events[0]?.occurredAt.getTime()).toBe(Math.round(Number(message.ts) * 1000));
    expect(events[0]?.permalink).toMatch(/^https?:\/\//);
  });

  it("the message shortcut adds any message, from the war room or elsewhere", async () => {
    const here = h.slack.state.addMessage({ channel: room, user: "U0DAVE", text: "Fix deployed to staging" });
    const res = await h.slack.messageShortcut({ userId: "U0DAVE", channelId: room, messageTs: here.ts, callbackId: "add_to_timeline" });
    expect(res.status).toBe(200);
    const elsewhere = h.slack.state.addMessage({ channel: "C0GENERAL", user: "U0ERIN", text: "Customers report checkout works again" });
    await h.slack.messageShortcut({ userId: "U0BOB", channelId: "C0GENERAL", messageTs: elsewhere.ts, callbackId: "add_to_timeline" });
    await eventually(async () => {
      const summaries = (await timeline("message")).map((e) => e.summary);
      expect(summaries).toEqual(expect.arrayContaining(["Fix deployed to staging", "Customers report checkout works again"]));
    });
    // The answer goes out after the event is recorded (through response_url): wait for it too.
    await eventually(() => expect(h.slack.ephemerals({ user: "U0BOB" }).some((e) => e.text.includes("Added to the HF-"))).toBe(true));
  });

  it("moves through phases, refusing moves that do not fit", async () => {
    expect(await command("phase fixing")).toContain("Phase is now fixing");
    expect(await command("phase declared")).toContain("cannot move to declared");
    expect(await command("phase nonsense")).toContain("Usage");
    expect(await command("resolve Verified in production")).toContain("Resolved");
    await reload();
    expect(incident.phase).toBe("resolved");
    expect(incident.resolvedAt).toBeInstanceOf(Date);
    expect(await command("severity P0")).toContain("for open incidents");
    const phases = (await timeline("phase_changed")).map((e) => (e.data as { to: string }).to);
    expect(phases).toEqual(["fixing", "resolved"]);
  });
});

describe("App Home", () => {
  it("lists open incidents with severity, phase, SLA, commander and war room, and the recently resolved", async () => {
    await declareViaSlack(h.slack, { title: "Mobile login fails", values: { severity: "P1", commander: "U0CAROL" } });
    await settled(h.db.prisma);
    const open = await h.db.prisma.incident.findFirstOrThrow({ where: { title: "Mobile login fails" } });
    await h.slack.event({ type: "app_home_opened", user: "U0CAROL", tab: "home" });
    const home = await eventually(() => {
      const view = h.slack.homeView("U0CAROL");
      if (!view) throw new Error("no home view yet");
      return view;
    });
    const text = JSON.stringify(home.blocks);
    expect(text).toContain(`HF-${open.number} P1: Mobile login fails`);
    expect(text).toContain("(you have a role)");
    expect(text).toContain(`<#${open.warRoomChannelId}>`);
    expect(text).toContain("Recently resolved");
    expect(text).toContain("Card payments declined");
  });
});

describe("the card's buttons", () => {
  it("Status answers only the person who pressed it; Post an update goes out like /hotfix update", async () => {
    await declareViaSlack(h.slack, { title: "Queue backlog", values: { severity: "P1", commander: "U0DAVE" } });
    await settled(h.db.prisma);
    const inc = await h.db.prisma.incident.findFirstOrThrow({ where: { title: "Queue backlog" } });
    const room = inc.warRoomChannelId ?? "";
    const card = h.slack.pins(room)[0]?.message;
    expect(JSON.stringify(card?.blocks)).toContain("card_status");

    const status = await h.slack.blockAction({
      userId: "U0ERIN",
      channelId: room,
      messageTs: inc.cardTs ?? "",
      actionId: "card_status",
      value: inc.id,
    });
    expect(status.status).toBe(200);
    await eventually(() =>
      expect(h.slack.ephemerals({ user: "U0ERIN", channel: room }).some((e) => e.text.includes(`HF-${inc.number} P1: Queue backlog`))).toBe(
        true,
      ),
    );
    // The card itself is untouched.
    expect(h.slack.pins(room)[0]?.message?.text).toBe(card?.text);

    const press = await h.slack.blockAction({
      userId: "U0DAVE",
      channelId: room,
      messageTs: inc.cardTs ?? "",
      actionId: "card_update",
      value: inc.id,
    });
    const viewId = await eventually(() => {
      const id = h.slack.viewOpenedBy(press.triggerId ?? "");
      if (!id) throw new Error("no update form yet");
      return id;
    });
    const empty = await h.slack.submitView({ viewId, userId: "U0DAVE", values: { text: { value: "  " } }, skipClientValidation: true });
    expect(empty.body).toMatchObject({ response_action: "errors" });
    await h.slack.submitView({ viewId, userId: "U0DAVE", values: { text: { value: "Consumers scaled to 40; backlog draining." } } });
    await settled(h.db.prisma);
    expect(h.slack.messages(room).filter((m) => m.text.includes("backlog draining"))).toHaveLength(1);
    expect(h.slack.messages("C0INCIDENTS").filter((m) => m.text.includes("backlog draining"))).toHaveLength(1);
  });
});

describe("announcements keep their order", () => {
  it("a severity change and an update while the declaration is still being announced come after it, in order", async () => {
    // The declaration's announcement in #incidents is slow to answer (it runs alongside the war room's other steps).
    const slow = h.slack.faults.add({ method: "chat.postMessage", delayMs: 1_500, match: (p) => p.channel === "C0INCIDENTS" });
    await declareViaSlack(h.slack, { title: "Refund queue stuck", values: { severity: "P1", commander: "U0BOB" } });
    const inc = await eventually(async () => {
      const found = await h.db.prisma.incident.findFirstOrThrow({ where: { title: "Refund queue stuck" } });
      if (!found.warRoomChannelId) throw new Error("no war room yet");
      return found;
    });
    await eventually(() => expect(slow.hits).toBe(1));
    const res = await h.slack.slashCommand({ userId: "U0BOB", channelId: inc.warRoomChannelId ?? "", text: "severity P0" });
    expect(JSON.stringify(res.body)).toContain("Severity is now P0");
    await h.slack.slashCommand({ userId: "U0BOB", channelId: inc.warRoomChannelId ?? "", text: "update Refunds replayed from the queue." });
    await settled(h.db.prisma);
    const texts = h.slack.messages("C0INCIDENTS").map((m) => m.text);
    const declared = texts.findIndex((t) => t.includes(`HF-${inc.number}`) && !t.includes("Severity changed"));
    const changed = texts.findIndex((t) => t.includes(`HF-${inc.number}`) && t.includes("Severity changed"));
    const update = texts.findIndex((t) => t.includes("Refunds replayed from the queue"));
    expect(declared).toBeGreaterThanOrEqual(0);
    expect(changed).toBeGreaterThan(declared);
    expect(update).toBeGreaterThan(changed);
  });
});
