// Helpers for the release-lane end-to-end tests: an incident with its war
// room, `/hotfix <verb>` typed in it, what the user and the room were told,
// and a movable clock.

import type { EmulatedRepo } from "@hotfix/github-emulator";
import type { EphemeralMessage } from "@hotfix/slack-emulator";
import { expect } from "vitest";
import type { IncidentWithRoles } from "../../src/store/incidents.js";
import { declareIncident } from "../../src/workflows/declare.js";
import { settled } from "./declare.js";
import { eventually, type Harness, type HarnessOptions, startHarness } from "./harness.js";

/**
 * The release-lane set-up every release-lane test file shares: the app with
 * the GitHub emulator and the repository acme/payments (tag v1.2.3 and main).
 * `stopReleaseLane` checks that nothing the app sent broke GitHub's spec.
 */
export async function startReleaseLane(options: Omit<HarnessOptions, "github"> = {}): Promise<{ h: Harness; repo: EmulatedRepo }> {
  const h = await startHarness({ ...options, policy: uatNotRequiredUnlessSaid(options.policy), github: true });
  if (!h.github) throw new Error("no GitHub emulator");
  return { h, repo: h.github.repo("acme/payments") };
}

/**
 * Completion waits for UAT (runbooks 000 and 001). The GitHub lane's tests are
 * not about UAT, so their policy says `uat.required: false` unless a test sets
 * it (release-lane.test.ts requires it and skips UAT with a reason, as a
 * commander would; test/e2e/uat*.test.ts test the gate itself).
 */
function uatNotRequiredUnlessSaid(policy: unknown): Record<string, unknown> {
  const given = typeof policy === "object" && policy !== null ? (policy as Record<string, unknown>) : {};
  const uat = typeof given.uat === "object" && given.uat !== null ? (given.uat as Record<string, unknown>) : {};
  return { ...given, uat: { required: false, ...uat } };
}

export async function stopReleaseLane(h: Harness | undefined): Promise<void> {
  expect(h?.github?.specViolations() ?? []).toEqual([]);
  await h?.close();
}

/** A clock the app reads; tests move it forward (past a stability window). */
export function movableClock(): { now: () => Date; advance(ms: number): void } {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance(ms: number) {
      offset += ms;
    },
  };
}

let counter = 0;

/** An incident declared through the workflow, with its war room open and every war-room step done. */
export async function declared(
  h: Harness,
  options: { title?: string; ticketUrl?: string; commanderId?: string; declaredBy?: string } = {},
): Promise<IncidentWithRoles & { warRoomChannelId: string }> {
  counter += 1;
  const { incident } = await declareIncident(h.app.ctx, {
    requestKey: `test:${Date.now()}:${counter}`,
    title: options.title ?? `Payments failing ${counter}`,
    severity: "P1",
    severityOverride: false,
    commanderId: options.commanderId ?? "U0BOB",
    startedAt: new Date(h.app.ctx.now().getTime() - 600_000),
    rollbackFaster: false,
    ...(options.ticketUrl ? { ticketUrl: options.ticketUrl } : {}),
    declaredBy: options.declaredBy ?? "U0ALICE",
  });
  const ready = await eventually(async () => {
    const found = await h.db.prisma.incident.findUniqueOrThrow({ where: { id: incident.id }, include: { roles: true } });
    expect(found.warRoomChannelId).toMatch(/^C[A-Z0-9]+$/);
    return found;
  });
  await settled(h.db.prisma);
  return ready as IncidentWithRoles & { warRoomChannelId: string };
}

export async function incidentNow(h: Harness, id: string): Promise<IncidentWithRoles> {
  return h.db.prisma.incident.findUniqueOrThrow({ where: { id }, include: { roles: true } });
}

/** `/hotfix <text>` typed by `userId` in `channel`; returns every ephemeral answer it got (ack and response_url). */
export async function hotfix(
  h: Harness,
  channel: string,
  text: string,
  userId = "U0ALICE",
): Promise<{ status: number; answers: () => EphemeralMessage[]; text: () => string }> {
  const before = new Set(h.slack.ephemerals({ channel, user: userId, includeDeleted: true }).map((e) => `${e.ts}:${e.source}`));
  const res = await h.slack.slashCommand({ userId, channelId: channel, text });
  const answers = () => h.slack.ephemerals({ channel, user: userId }).filter((e) => !before.has(`${e.ts}:${e.source}`));
  return {
    status: res.status,
    answers,
    text: () =>
      answers()
        .map((a) => `${a.text}\n${JSON.stringify(a.blocks ?? [])}`)
        .join("\n"),
  };
}

/** Waits for an ephemeral answer containing `pattern` (answers after the ack arrive through response_url). */
export async function answer(h: Harness, channel: string, userId: string, pattern: RegExp | string): Promise<EphemeralMessage> {
  return eventually(() => {
    const found = h.slack
      .ephemerals({ channel, user: userId })
      .filter((e) =>
        typeof pattern === "string"
          ? `${e.text}${JSON.stringify(e.blocks ?? [])}`.includes(pattern)
          : pattern.test(`${e.text}${JSON.stringify(e.blocks ?? [])}`),
      )
      .at(-1);
    expect(found, `no ephemeral answer matching ${pattern}`).toBeTruthy();
    return found as EphemeralMessage;
  });
}

/** The war room's messages (text and blocks) as one string per message. */
export function roomTexts(h: Harness, channel: string): string[] {
  return h.slack.messages(channel).map((m) => `${m.text}${m.blocks ? JSON.stringify(m.blocks) : ""}`);
}

/** Waits until the war room has a message matching `pattern`; returns it. */
export async function saidInRoom(h: Harness, channel: string, pattern: RegExp | string, timeoutMs = 15_000): Promise<string> {
  return eventually(
    () => {
      const found = roomTexts(h, channel).find((t) => (typeof pattern === "string" ? t.includes(pattern) : pattern.test(t)));
      expect(found, `no war-room message matching ${pattern}; have:\n${roomTexts(h, channel).join("\n")}`).toBeTruthy();
      return found as string;
    },
    { timeoutMs },
  );
}

/** Timeline kinds of an incident, in order. */
export async function timelineKinds(h: Harness, incidentId: string): Promise<string[]> {
  const events = await h.db.prisma.timelineEvent.findMany({ where: { incidentId }, orderBy: [{ occurredAt: "asc" }, { id: "asc" }] });
  return events.map((e) => e.kind);
}

/** Clicks a button of an ephemeral message. */
export async function click(h: Harness, message: EphemeralMessage, actionId: string, userId = message.user) {
  return h.slack.blockAction({ userId, actionId, channelId: message.channel, messageTs: message.ts });
}

/** Opens `/hotfix release` in the war room (as the commander by default) and waits for the form to fill in from GitHub. */
export async function openReleaseForm(h: Harness, channel: string, userId = "U0BOB") {
  const before = h.slack.views({ callbackId: "release" }).length;
  const res = await h.slack.slashCommand({ userId, channelId: channel, text: "release" });
  expect(res.status).toBe(200);
  return eventually(() => {
    const view = h.slack.views({ callbackId: "release" }).at(before);
    expect(view).toBeTruthy();
    expect(JSON.stringify(view?.blocks)).toContain('"block_id":"version"');
    return view as NonNullable<typeof view>;
  });
}

/** Submits the release form; every input has action_id "value", so values are addressed by block id. */
export function submitRelease(
  h: Harness,
  viewId: string,
  values: Record<string, unknown>,
  options: { skipClientValidation?: boolean; userId?: string } = {},
) {
  return h.slack.submitView({
    viewId,
    userId: options.userId ?? "U0BOB",
    values: Object.fromEntries(Object.entries(values).map(([block, value]) => [block, { value }])),
    ...(options.skipClientValidation ? { skipClientValidation: true } : {}),
  });
}

export const JUSTIFICATION = "Card payments fail for every EU customer since v1.2.3; this reverts the half-even rounding of fees.";
