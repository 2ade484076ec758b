// `/hotfix declare` end to end: signed Slack requests into the real app, the
// Slack emulator's workspace and the database asserted after the jobs ran.
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { declareViaSlack, openDeclareForm, settled, submitDeclare } from "../support/declare.js";
import { eventually, type Harness, startHarness } from "../support/harness.js";

const policy = {
  people: { oncall: { usergroup: "S0ONCALL", users: ["U0ERIN"] } },
  links: {
    runbook: "https://wiki.example.com/hotfix",
    sentry: "https://sentry.example.com/prisma-app-prod",
    dashboard: "https://otel.example.com/d/prod",
  },
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ policy });
});
afterAll(async () => {
  await h?.close();
});

const today = () => DateTime.utc().toFormat("yyyyLLdd");

describe("declaring", () => {
  it("opens the form at once, prefilled with the title", async () => {
    const viewId = await openDeclareForm(h.slack, { title: "Checkout 500s" });
    const view = h.slack.view(viewId);
    expect(view?.stateValues.title?.value?.value ?? JSON.stringify(view?.blocks)).toContain("Checkout 500s");
    const text = JSON.stringify(view?.blocks);
    expect(text).toContain("can wait for the next release");
    expect(text).toContain("Would a rollback be faster");
  });

  it("creates the incident, the war room, the card, the invitations, bookmarks and announcements", async () => {
    const res = await declareViaSlack(h.slack, { title: "Payments failing 💥 for card users" });
    expect(res.status).toBe(200);
    const incident = await eventually(async () => {
      const found = await h.db.prisma.incident.findFirst({
        where: { title: "Payments failing 💥 for card users" },
        include: { roles: true },
      });
      expect(found?.warRoomChannelId).toMatch(/^C[A-Z0-9]+$/);
      return found;
    });
    if (!incident?.warRoomChannelId) throw new Error("unreachable");
    await settled(h.db.prisma);
    Object.assign(incident, await h.db.prisma.incident.findUniqueOrThrow({ where: { id: incident.id } }));
    const failed = await h.db.prisma.sideEffect.findMany({ where: { status: "failed" } });
    expect(failed).toEqual([]);

    // Channel by the policy's template, topic, purpose, members.
    const room = h.slack.channel(incident.warRoomChannelId);
    expect(room?.name).toBe(`hotfix-${today()}-payments-failing-for-card-users`);
    expect(room?.topic.value).toContain(`HF-${incident.number} P0`);
    expect(room?.purpose.value).toContain("/hotfix status");
    const oncall = h.slack.state.usergroups.get("S0ONCALL")?.users ?? [];
    for (const user of ["U0ALICE", "U0BOB", "U0ERIN", ...oncall]) expect(room?.members).toContain(user);

    // Card posted and pinned, with severity, SLA, commander, impact, ticket links.
    const pins = h.slack.pins(incident.warRoomChannelId);
    expect(pins).toHaveLength(1);
    const card = JSON.stringify(pins[0]?.message?.blocks);
    expect(card).toContain("<@U0BOB>");
    expect(card).toContain("left");
    expect(card).toContain("All EU card users");
    expect(incident.cardTs).toBe(pins[0]?.ts);

    // Bookmarks from the policy.
    expect(
      h.slack
        .bookmarks(incident.warRoomChannelId)
        .map((b) => b.title)
        .sort(),
    ).toEqual(["Dashboard", "Runbook", "Sentry"]);

    // Announced in the P0 channels, each once, each linking the war room.
    for (const channel of ["C0INCIDENTS", "C0ENGPROD", "C0STAKEHOLDERS"]) {
      const announcements = h.slack.messages(channel).filter((m) => m.text.includes(`HF-${incident.number}`));
      expect(announcements).toHaveLength(1);
      expect(JSON.stringify(announcements[0]?.blocks)).toContain(`<#${incident.warRoomChannelId}>`);
    }

    // The declarer is told where the war room is, ephemerally.
    const told = h.slack
      .ephemerals({ user: "U0ALICE", channel: "C0ENGPROD" })
      .filter((e) => e.text.includes(`<#${incident.warRoomChannelId}>`));
    expect(told).toHaveLength(1);

    // The timeline, in one transaction with the incident.
    const kinds = (await h.db.prisma.timelineEvent.findMany({ where: { incidentId: incident.id }, orderBy: { occurredAt: "asc" } })).map(
      (e) => e.kind,
    );
    expect(kinds).toEqual(expect.arrayContaining(["incident_started", "declared", "war_room_created"]));
    expect(incident.roles.map((r) => [r.role, r.userId])).toEqual([["commander", "U0BOB"]]);
    expect(incident.slaDeadline?.getTime()).toBe(incident.startedAt.getTime() + 4 * 3_600_000);
  });

  it("never makes two incidents from a replayed or double-clicked submit", async () => {
    const viewId = await openDeclareForm(h.slack, { title: "Login loop on iOS" });
    const first = await submitDeclare(h.slack, viewId);
    expect(first.status).toBe(200);
    // Slack's retry of the same delivery, and a second click on the same form.
    await h.slack.replay(first.delivery);
    await submitDeclare(h.slack, viewId, {}).catch(() => undefined);
    await settled(h.db.prisma);
    const incidents = await h.db.prisma.incident.findMany({ where: { title: "Login loop on iOS" } });
    expect(incidents).toHaveLength(1);
    const name = `hotfix-${today()}-login-loop-on-ios`;
    expect([...h.slack.state.channels.values()].filter((c) => c.name.startsWith(name))).toHaveLength(1);
    expect(h.slack.messages("C0INCIDENTS").filter((m) => m.text.includes(`HF-${incidents[0]?.number}`))).toHaveLength(1);
  });

  it("adds a numbered suffix when the channel name is taken", async () => {
    const taken = `hotfix-${today()}-search-is-down`;
    h.slack.state.addChannel({ name: taken });
    h.slack.state.addChannel({ name: `${taken}-2` });
    await declareViaSlack(h.slack, { title: "Search is down" });
    await settled(h.db.prisma);
    const incident = await h.db.prisma.incident.findFirst({ where: { title: "Search is down" } });
    expect(incident?.warRoomChannelName).toBe(`${taken}-3`);
  });
});

describe("bad input", () => {
  it("explains an empty title, an unknown commander kind and P2 without override inline, and creates nothing", async () => {
    const count = await h.db.prisma.incident.count();
    const viewId = await openDeclareForm(h.slack, { title: "Bad input" });
    const empty = await h.slack.submitView({ viewId, userId: "U0ALICE", values: { title: { value: "   " } }, skipClientValidation: true });
    expect(empty.body).toMatchObject({ response_action: "errors", errors: { title: expect.stringContaining("title") } });
    const bot = await submitDeclare(h.slack, viewId, { values: { title: "Bad input", commander: "U0DEPLOYBOT" } });
    expect(bot.body).toMatchObject({ response_action: "errors", errors: { commander: expect.stringContaining("bot") } });
    const gone = await submitDeclare(h.slack, viewId, { values: { commander: "U0FRANK" } });
    expect(gone.body).toMatchObject({ response_action: "errors", errors: { commander: expect.stringContaining("deactivated") } });
    const p2 = await submitDeclare(h.slack, viewId, { values: { severity: "P2" } });
    expect(p2.body).toMatchObject({ response_action: "errors", errors: { severity: expect.stringContaining("next release") } });
    expect(await h.db.prisma.incident.count()).toBe(count);
  });

  it("accepts P2 with the override, and records it", async () => {
    await declareViaSlack(h.slack, { title: "Typo on receipts", values: { severity: "P2", override: ["override"] } });
    const incident = await eventually(async () => {
      const found = await h.db.prisma.incident.findFirst({ where: { title: "Typo on receipts" } });
      expect(found?.title).toBe("Typo on receipts");
      return found;
    });
    expect(incident?.severityOverride).toBe(true);
    expect(incident?.slaDeadline).toBeNull();
    const events = await h.db.prisma.timelineEvent.findMany({ where: { incidentId: incident?.id, kind: "severity_override" } });
    expect(events).toHaveLength(1);
  });
});
