// A private war room is listed only to its members: App Home and the "this
// works in a war room" reply never tell someone outside it that the incident
// exists or what it is called. Public ones are listed to everyone.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { declareIncident } from "../../src/workflows/declare.js";
import { settled } from "../support/declare.js";
import { eventually, type Harness, startHarness } from "../support/harness.js";

let h: Harness;
const SECRET = "Card data exposed in logs";
const OPEN = "Checkout slow for EU users";

async function declare(title: string, commanderId: string): Promise<void> {
  await declareIncident(h.app.ctx, {
    requestKey: `private:${title}`,
    title,
    severity: "P1",
    severityOverride: false,
    commanderId,
    startedAt: new Date(Date.now() - 60_000),
    rollbackFaster: false,
    declaredBy: commanderId,
  });
  await settled(h.db.prisma);
}

/** What `userId` sees on the App Home, once it is published anew. */
async function homeOf(userId: string): Promise<string> {
  const before = h.slack.calls("views.publish").length;
  await h.slack.event({ type: "app_home_opened", user: userId, tab: "home" });
  await eventually(() => expect(h.slack.calls("views.publish").length).toBeGreaterThan(before));
  return JSON.stringify(h.slack.homeView(userId)?.blocks ?? []);
}

/** The answer to a war-room verb typed outside any war room. */
async function notAWarRoom(userId: string): Promise<string> {
  const before = h.slack.ephemerals({ channel: "C0GENERAL", user: userId }).length;
  const res = await h.slack.slashCommand({ userId, channelId: "C0GENERAL", text: "status" });
  expect(res.status).toBe(200);
  return eventually(() => {
    const answers = h.slack.ephemerals({ channel: "C0GENERAL", user: userId });
    expect(answers.length).toBeGreaterThan(before);
    const text = answers.at(-1)?.text ?? "";
    expect(text).toContain("works in an incident's war room");
    return text;
  });
}

beforeAll(async () => {
  // This file's policy makes war rooms private; the public incident is declared after switching it off again.
  h = await startHarness({ policy: { warRoom: { private: true } } });
  await declare(SECRET, "U0BOB");
  (h.app.ctx.config.policy.warRoom as { private: boolean }).private = false;
  await declare(OPEN, "U0DAVE");
}, 60_000);

afterAll(() => h.close());

describe("a private war room", () => {
  it("was created private, with the commander in it", async () => {
    const incident = await h.db.prisma.incident.findFirstOrThrow({ where: { title: SECRET } });
    const channel = h.slack.channel(incident.warRoomChannelId ?? "");
    expect(channel?.kind).toBe("private");
    expect(channel?.members).toContain("U0BOB");
    expect(channel?.members).not.toContain("U0ERIN");
  });

  it("is on the App Home of its members only; the public one is on everyone's", async () => {
    const outsider = await homeOf("U0ERIN");
    expect(outsider).not.toContain(SECRET);
    expect(outsider).toContain(OPEN);
    const member = await homeOf("U0BOB");
    expect(member).toContain(SECRET);
    expect(member).toContain(OPEN);
  });

  it("is named in the 'works in a war room' reply to its members only", async () => {
    const outsider = await notAWarRoom("U0ERIN");
    expect(outsider).not.toContain(SECRET);
    expect(outsider).toContain(OPEN);
    const member = await notAWarRoom("U0BOB");
    expect(member).toContain(SECRET);
  });
});
