// Helpers for the release-lane end-to-end tests: an incident with its war
// room, `/hotfix <verb>` typed in it, what the user and the room were told,
// and a movable clock.

import { deploymentStatusEvent, type EmulatedRepo } from "@hotfix/github-emulator";
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
  const h = await startHarness({ ...options, policy: laneDefaults(options.policy), github: true });
  if (!h.github) throw new Error("no GitHub emulator");
  return { h, repo: h.github.repo("acme/payments") };
}

/**
 * The lane's tests' policy, unless a test says otherwise. Completion waits
 * for UAT (runbooks 000 and 001); the GitHub lane's tests are not about UAT,
 * so `uat.required: false` (release-lane.test.ts requires it and skips UAT
 * with a reason, as a commander would; test/e2e/uat*.test.ts test the gate
 * itself). Waivers count only approvals by approvers: Bob and Carol approve
 * (steps.waiver() is approved by them).
 */
function laneDefaults(policy: unknown): Record<string, unknown> {
  const given = typeof policy === "object" && policy !== null ? (policy as Record<string, unknown>) : {};
  const section = (name: string) =>
    typeof given[name] === "object" && given[name] !== null ? (given[name] as Record<string, unknown>) : {};
  return {
    ...given,
    uat: { required: false, ...section("uat") },
    people: { approvers: { users: ["U0BOB", "U0CAROL"] }, ...section("people") },
  };
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

/**
 * The one incident of test/e2e/release-lane.test.ts, brought to a stage of the
 * lane idempotently, so each test there can run alone (`-t "<name>"`) or after
 * the others: a helper looks at GitHub and the database and does only what is
 * missing, through the same signed Slack requests and webhooks the tests use.
 */
export interface LaneIncident {
  h: Harness;
  repo: EmulatedRepo;
  room: string;
  incidentId: string;
  clock: { advance(ms: number): void };
  webhookSecret: string;
}

export const LANE_BRANCH = "release/hotfix-eng-42";
export const LANE_TICKET = "https://linear.app/acme/issue/ENG-42/fees";
const HOUR_MS = 3_600_000;

export function laneSteps(lane: LaneIncident) {
  const { h, repo, room, incidentId } = lane;
  const fixMessage = "fix: round card fees half-up again";
  const fix2Message = "fix: round JPY fees too";
  const commitOnBranch = (message: string) => repo.log("v1.2.3", LANE_BRANCH).find((c) => c.message.startsWith(message))?.sha;
  const webhook = (event: string, payload: unknown) =>
    h.github?.sendWebhook(event, payload, { url: `${h.app.url}/webhooks/github`, secret: lane.webhookSecret });
  const form = (commit: string, version: string, over: Record<string, unknown> = {}) => ({
    version,
    commit,
    parent: "v1.2.3",
    justification: JUSTIFICATION,
    ticket: LANE_TICKET,
    risk: "high",
    ...over,
  });

  const steps = {
    async branch(): Promise<void> {
      if ((await incidentNow(h, incidentId)).hotfixBranch) return;
      await hotfix(h, room, "branch");
      await click(h, await answer(h, room, "U0ALICE", "Create branch"), "lane_branch_create");
      await eventually(async () => expect((await incidentNow(h, incidentId)).hotfixBranch).toBe(LANE_BRANCH));
      await saidInRoom(h, room, "is protected");
      await settled(h.db.prisma);
    },
    /** The first fix on the branch, with CI: build and test pass, integration-tests fails. */
    async fix(): Promise<string> {
      await steps.branch();
      const found = commitOnBranch(fixMessage);
      if (found) return found;
      const sha = repo.commit({
        branch: LANE_BRANCH,
        message: fixMessage,
        files: { "src/money.ts": "export function roundHalfEven(value: number): number {\n  return Math.round(value);\n}\n" },
      });
      repo.addCheckRun(sha, { name: "build", conclusion: "success" });
      repo.addCheckRun(sha, { name: "test", conclusion: "success" });
      repo.addCheckRun(sha, { name: "integration-tests", conclusion: "failure" });
      repo.addStatus(sha, { context: "ci/circleci", state: "success" });
      return sha;
    },
    async waiver(): Promise<void> {
      if (await h.db.prisma.waiver.findUnique({ where: { code: "HW-2026-001" } })) return;
      await h.db.prisma.waiver.create({
        data: {
          code: "HW-2026-001",
          type: "gate-bypass",
          incidentId,
          hotfixTag: "v1.2.4",
          gatesWaived: ["integration-tests"],
          justification: "Integration tests are not affected by a rounding fix",
          riskAssessment: "low",
          mitigations: ["Manual verification of fee posting"],
          status: "active",
          requestedBy: "U0ALICE",
          expiresAt: new Date(Date.now() + 7 * 24 * HOUR_MS),
          activatedAt: new Date(),
          approvals: { create: [{ approver: "U0BOB" }, { approver: "U0CAROL" }] },
        },
      });
    },
    /** v1.2.4 released (through the form, with the waiver). */
    async released(): Promise<string> {
      const fix = await steps.fix();
      if (repo.release("v1.2.4")) return fix;
      await steps.waiver();
      const view = await openReleaseForm(h, room);
      await submitRelease(h, view.id, form(fix, "1.2.4", { waivers: "HW-2026-001" }));
      await saidInRoom(h, room, /v1\.2\.4 released/);
      await settled(h.db.prisma);
      return fix;
    },
    async staging(): Promise<void> {
      await steps.released();
      if ((await incidentNow(h, incidentId)).stagingDeployedAt) return;
      const payload = deploymentStatusEvent(repo, {
        ref: "v1.2.4",
        environment: "staging",
        creator: "sam-sre",
        description: "hotfix to staging",
      });
      await webhook("deployment_status", payload);
      await settled(h.db.prisma);
    },
    async production(): Promise<void> {
      await steps.staging();
      if ((await incidentNow(h, incidentId)).productionDeployedAt) return;
      await webhook("deployment_status", deploymentStatusEvent(repo, { ref: "v1.2.4", environment: "production", creator: "sam-sre" }));
      await settled(h.db.prisma);
    },
    async rolledBack(): Promise<void> {
      await steps.production();
      if (repo.release("v1.2.4")?.prerelease) return;
      await hotfix(h, room, "rollback fees still wrong for JPY", "U0BOB");
      await click(h, await answer(h, room, "U0BOB", "Roll back v1.2.4"), "lane_rollback_confirm");
      await saidInRoom(h, room, "is now a *pre-release*");
      await settled(h.db.prisma);
    },
    /** The second fix, released as v1.2.5. */
    async releasedAgain(): Promise<string> {
      await steps.rolledBack();
      const found = commitOnBranch(fix2Message);
      if (found && repo.release("v1.2.5")) return found;
      const fix2 =
        found ??
        repo.commit({
          branch: LANE_BRANCH,
          message: fix2Message,
          files: { "src/money.ts": "export function roundHalfEven(value: number): number {\n  return Math.round(value + 0);\n}\n" },
        });
      repo.addCheckRun(fix2, { name: "build", conclusion: "success" });
      repo.addCheckRun(fix2, { name: "test", conclusion: "success" });
      const view = await openReleaseForm(h, room);
      await submitRelease(h, view.id, form(fix2, "v1.2.5", { risk: "medium" }));
      await saidInRoom(h, room, /v1\.2\.5 released/);
      await settled(h.db.prisma);
      return fix2;
    },
    async deployedByHand(): Promise<string> {
      const fix2 = await steps.releasedAgain();
      if (await h.db.prisma.deployment.findFirst({ where: { incidentId, source: "manual" } })) return fix2;
      await hotfix(h, room, `deployed production ${fix2.slice(0, 12)} JPY fees`, "U0BOB");
      await settled(h.db.prisma);
      return fix2;
    },
    async stabilityPassed(): Promise<string> {
      const fix2 = await steps.deployedByHand();
      const incident = await incidentNow(h, incidentId);
      if (incident.stabilityEndsAt && incident.stabilityEndsAt.getTime() <= h.app.ctx.now().getTime()) return fix2;
      lane.clock.advance(25 * HOUR_MS);
      return fix2;
    },
  };
  return steps;
}
