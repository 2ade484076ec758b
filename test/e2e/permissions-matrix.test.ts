// The permission matrix: every action as every kind of user, through signed
// Slack requests into the real app (Slack and GitHub emulators, real
// Postgres). One table, mirroring DESIGN.md's "Who may do what", generates
// every case. An allowed case must not be refused for permission (it may
// still be refused for another reason, e.g. "no release yet"); a refused case
// must say who may do it, be recorded as permission_refused, and change
// nothing: the incident, its roles, its timeline, its outbox, no Slack write
// and no GitHub write.

import type { EmulatedRepo } from "@hotfix/github-emulator";
import type { EphemeralMessage } from "@hotfix/slack-emulator";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { BRANCH_CREATE_ACTION } from "../../src/slack/blocks/release-lane.js";
import type { IncidentWithRoles } from "../../src/store/incidents.js";
import { declareIncident } from "../../src/workflows/declare.js";
import { assignRole } from "../../src/workflows/incident-updates.js";
import { requestWaiver } from "../../src/workflows/waivers.js";
import { declareViaSlack, settled } from "../support/declare.js";
import { eventually, type Harness } from "../support/harness.js";
import {
  hotfix,
  incidentNow,
  JUSTIFICATION,
  openReleaseForm,
  startReleaseLane,
  stopReleaseLane,
  submitRelease,
} from "../support/release-lane.js";

const USERS = {
  commander: "U0MXCMDR",
  releaseCaptainRole: "U0MXRCAPT",
  releaseCaptainGroup: "U0MXGCAPT",
  incidentManager: "U0MXMGR",
  approver: "U0MXAPPR",
  requester: "U0MXREQ",
  stranger: "U0MXSTRANGE",
} as const;
type Kind = keyof typeof USERS;
const KINDS = Object.keys(USERS) as Kind[];

const GROUPS = { captains: "S0MXCAPT", managers: "S0MXMGR", approvers: "S0MXAPPR" } as const;

/** DESIGN.md, "Who may do what", as data: every action below is driven as every kind of user. */
type Who = Kind[] | "anyone";
const ANYONE = "anyone" as const;
const COMMAND: Kind[] = ["commander", "incidentManager"];
const LANE: Kind[] = ["commander", "releaseCaptainRole", "releaseCaptainGroup"];

interface Case {
  /** The DESIGN.md row. */
  rule: string;
  action: string;
  /** The domain action a refusal records. */
  recorded: string;
  who: Who;
  /** Set the incident up before each user's attempt (e.g. back to an open phase). */
  prepare?: (h: Harness, incident: IncidentWithRoles) => Promise<void>;
  /** What the user types after `/hotfix` in the war room (n: a counter, so repeated attempts differ). */
  command?: (n: number, user: string) => string;
  /** Instead of a command: drive it some other way; resolves when the app answered. */
  drive?: (h: Harness, incident: IncidentWithRoles, user: string) => Promise<void>;
  /** Extra proof an allowed attempt did what it says. */
  effect?: (h: Harness, incident: IncidentWithRoles, user: string) => Promise<void>;
  /** Before the attempts: the incident's release lane state. */
  release?: boolean;
}

/** The waiver each incident's approve row clicks on (requested by the requester in `prepare`). */
const waiverOf = new Map<string, string>();

const WAIVER_FORM = {
  type: "gate-bypass",
  hotfixTag: "v1.2.4",
  gates: "integration-tests",
  justification: "Emergency fee fix: the integration suite does not exercise fee rounding and is flaky on the payment sandbox.",
  risk: "low",
  mitigations: "Manual verification of fee posting",
  expiry: "1h",
  ticketUrl: "https://linear.app/acme/issue/ENG-7",
};

const TABLE: Case[] = [
  {
    rule: "status",
    action: "status",
    recorded: "status",
    who: ANYONE,
    command: () => "status",
  },
  {
    rule: "post an update",
    action: "update",
    recorded: "post_update",
    who: ANYONE,
    command: (n, user) => `update Update ${n} from ${user}`,
    effect: async (h, incident, user) => {
      const events = await h.db.prisma.timelineEvent.findMany({ where: { incidentId: incident.id, kind: "status_update", actor: user } });
      expect(events).toHaveLength(1);
    },
  },
  {
    rule: "add to the timeline",
    action: "timeline add (message shortcut)",
    recorded: "add_timeline",
    who: ANYONE,
    drive: async (h, incident, user) => {
      const channel = incident.warRoomChannelId as string;
      const message = h.slack.state.addMessage({ channel, user: USERS.requester, text: `Seen by ${user}: errors at 12:00` });
      await h.slack.messageShortcut({ userId: user, channelId: channel, messageTs: message.ts, callbackId: "add_to_timeline" });
    },
    effect: async (h, incident, user) => {
      const events = await h.db.prisma.timelineEvent.findMany({ where: { incidentId: incident.id, kind: "message" } });
      expect(events.filter((e) => (e.data as { capturedBy?: string }).capturedBy === user)).toHaveLength(1);
    },
  },
  {
    rule: "change severity",
    action: "severity",
    recorded: "change_severity",
    who: COMMAND,
    prepare: async (h, incident) => {
      await h.db.prisma.incident.update({ where: { id: incident.id }, data: { severity: "P1" } });
    },
    command: () => "severity P0",
    effect: async (h, incident) => expect((await incidentNow(h, incident.id)).severity).toBe("P0"),
  },
  {
    rule: "change phase",
    action: "phase",
    recorded: "change_phase",
    who: COMMAND,
    prepare: async (h, incident) => {
      await h.db.prisma.incident.update({ where: { id: incident.id }, data: { phase: "declared" } });
    },
    command: () => "phase fixing",
    effect: async (h, incident) => expect((await incidentNow(h, incident.id)).phase).toBe("fixing"),
  },
  {
    rule: "resolve",
    action: "resolve",
    recorded: "resolve",
    who: COMMAND,
    prepare: async (h, incident) => {
      await h.db.prisma.incident.update({ where: { id: incident.id }, data: { phase: "fixing", resolvedAt: null } });
    },
    command: () => "resolve the fix holds",
    effect: async (h, incident) => expect((await incidentNow(h, incident.id)).phase).toBe("resolved"),
  },
  {
    rule: "assign or hand over a role",
    action: "role comms @someone",
    recorded: "assign_role",
    who: COMMAND,
    command: () => `role comms <@${USERS.approver}>`,
    effect: async (h, incident) => {
      const roles = await h.db.prisma.incidentRole.findMany({ where: { incidentId: incident.id, role: "comms" } });
      expect(roles.map((r) => r.userId)).toEqual([USERS.approver]);
    },
  },
  {
    rule: "assign or hand over a role",
    action: "role commander @someone-else (hand over)",
    recorded: "assign_role",
    who: COMMAND,
    prepare: async (h, incident) => setCommander(h, incident.id, USERS.commander),
    // Someone who is none of the kinds, so nobody hands it to themselves.
    command: () => `role commander <@${h.slack.ids.users.dave}>`,
    effect: async (h, incident) => {
      const roles = await h.db.prisma.incidentRole.findMany({ where: { incidentId: incident.id, role: "commander" } });
      expect(roles.map((r) => r.userId)).toEqual([h.slack.ids.users.dave]);
    },
  },
  {
    rule: "make yourself commander: as an incident manager (the incident has one)",
    action: "role commander @me (commander present)",
    recorded: "take_command",
    who: ["commander", "incidentManager"],
    prepare: async (h, incident) => setCommander(h, incident.id, USERS.commander),
    command: (_n, user) => `role commander <@${user}>`,
    effect: async (h, incident, user) => {
      const roles = await h.db.prisma.incidentRole.findMany({ where: { incidentId: incident.id, role: "commander" } });
      expect(roles.map((r) => r.userId)).toEqual([user]);
    },
  },
  {
    rule: "make yourself commander: only when the incident has none",
    action: "role commander @me (no commander)",
    recorded: "take_command",
    who: ANYONE,
    prepare: async (h, incident) => {
      await h.db.prisma.incidentRole.deleteMany({ where: { incidentId: incident.id, role: "commander" } });
    },
    command: (_n, user) => `role commander <@${user}>`,
    effect: async (h, incident, user) => {
      const roles = await h.db.prisma.incidentRole.findMany({ where: { incidentId: incident.id, role: "commander" } });
      expect(roles.map((r) => r.userId)).toEqual([user]);
    },
  },
  {
    rule: "branch",
    action: "branch (preview)",
    recorded: "branch",
    who: LANE,
    command: () => "branch",
  },
  {
    rule: "tag",
    action: "tag prep <sha>",
    recorded: "tag",
    who: LANE,
    command: (n) => `tag matrix-${n} ${repo.branchHead("main")}`,
  },
  {
    rule: "record a deploy by hand",
    action: "deployed staging <sha>",
    recorded: "record_deploy",
    who: LANE,
    command: (n) => `deployed staging ${"b".repeat(39)}${n % 10} by hand`,
    effect: async (h, incident) => expect(await h.db.prisma.deployment.count({ where: { incidentId: incident.id } })).toBeGreaterThan(0),
  },
  {
    rule: "retry failed steps",
    action: "retry",
    recorded: "retry",
    who: LANE,
    command: () => "retry",
  },
  {
    rule: "release",
    action: "release (opens the form)",
    recorded: "release",
    who: LANE,
    command: () => "release",
  },
  {
    rule: "roll back",
    action: "rollback (preview)",
    recorded: "rollback",
    who: LANE,
    release: true,
    command: () => "rollback it breaks refunds",
  },
  {
    rule: "request a waiver",
    action: "waiver request (opens the form)",
    recorded: "request_waiver",
    who: ANYONE,
    command: () => "waiver request",
  },
  {
    rule: "approve or deny a waiver: members of people.approvers",
    action: "waiver Approve (button)",
    recorded: "approve_waiver",
    who: ["approver"],
    prepare: async (h, incident) => {
      if (waiverOf.has(incident.id)) return;
      const made = await requestWaiver(h.app.ctx, incident, WAIVER_FORM, USERS.requester, `matrix:${incident.id}`);
      if (!made.ok) throw new Error(`no waiver: ${made.errors.join("; ")}`);
      waiverOf.set(incident.id, made.waiver.id);
    },
    drive: async (h, incident, user) => {
      const code = waiverOf.get(incident.id) as string;
      const channel = incident.warRoomChannelId as string;
      const message = await eventually(() => {
        const found = h.slack.messages(channel).find((m) => m.text.includes(`waiver *${code}* requested`));
        if (!found) throw new Error(`no request message for ${code}`);
        return found;
      });
      await h.slack.blockAction({ userId: user, actionId: "waiver_approve", channelId: channel, messageTs: message.ts });
    },
    effect: async (h, incident, user) => {
      const waiver = await h.db.prisma.waiver.findFirstOrThrow({ where: { incidentId: incident.id }, include: { approvals: true } });
      expect(waiver.approvals.map((a) => a.approver)).toEqual([user]);
    },
  },
  {
    rule: "approve or deny a waiver: never the requester",
    action: "waiver Deny (button) on your own request",
    recorded: "approve_waiver",
    // The approver requested this one: nobody of the kinds but another approver could decide it.
    who: [],
    prepare: async (h, incident) => {
      if (waiverOf.has(incident.id)) return;
      const made = await requestWaiver(h.app.ctx, incident, WAIVER_FORM, USERS.approver, `matrix:${incident.id}`);
      if (!made.ok) throw new Error(`no waiver: ${made.errors.join("; ")}`);
      waiverOf.set(incident.id, made.waiver.id);
    },
    drive: async (h, incident, user) => {
      const code = waiverOf.get(incident.id) as string;
      const channel = incident.warRoomChannelId as string;
      const message = await eventually(() => {
        const found = h.slack.messages(channel).find((m) => m.text.includes(`waiver *${code}* requested`));
        if (!found) throw new Error(`no request message for ${code}`);
        return found;
      });
      await h.slack.blockAction({ userId: user, actionId: "waiver_deny", channelId: channel, messageTs: message.ts });
    },
  },
  {
    rule: "UAT: skip it (completion no longer waits for it)",
    action: "uat skip <reason>",
    recorded: "uat_skip",
    who: COMMAND,
    command: (n) => `uat skip staging verified by hand (${n})`,
  },
  {
    rule: "UAT: run it (schedule, close, resolve feedback)",
    action: "uat schedule (opens the form)",
    recorded: "uat_manage",
    who: LANE,
    command: () => "uat schedule",
  },
  {
    rule: "complete",
    action: "complete",
    recorded: "complete",
    who: LANE,
    release: true,
    command: () => "complete",
  },
];

/** Slack Web API methods that only read: a refusal may look people up, never write. */
const SLACK_READS = new Set([
  "users.info",
  "users.list",
  "usergroups.users.list",
  "usergroups.list",
  "conversations.info",
  "conversations.members",
  "conversations.history",
  "chat.getPermalink",
  "auth.test",
]);

let h: Harness;
let repo: EmulatedRepo;

/**
 * Every queued step has run (done or failed). Longer than `settled` (a loaded
 * machine runs the whole suite at once), and naming what is still pending when
 * it gives up.
 */
async function quiet(): Promise<void> {
  try {
    await settled(h.db.prisma, 120_000);
  } catch (error) {
    const pending = await h.db.prisma.sideEffect.findMany({
      where: { status: { in: ["pending", "running"] } },
      select: { incidentId: true, key: true, status: true, attempts: true, lastError: true },
    });
    throw new Error(`steps still pending: ${JSON.stringify(pending)}`, { cause: error });
  }
}
let n = 0;

/** Set-up and each case may wait for the queue (quiet) on a machine running the whole suite at once. */
const PATIENT = 180_000;

vi.setConfig({ testTimeout: PATIENT, hookTimeout: PATIENT });

let made = 0;

/** An incident with its war room, declared through the workflow (the set-up, not what is tested); patient on a loaded machine. */
async function warRoomIncident(title: string): Promise<IncidentWithRoles & { warRoomChannelId: string }> {
  made += 1;
  const { incident } = await declareIncident(h.app.ctx, {
    requestKey: `matrix:${made}:${Date.now()}`,
    title,
    severity: "P1",
    severityOverride: false,
    commanderId: USERS.commander,
    startedAt: new Date(h.app.ctx.now().getTime() - 600_000),
    rollbackFaster: false,
    declaredBy: USERS.requester,
  });
  await quiet();
  const ready = await incidentNow(h, incident.id);
  expect(ready.warRoomChannelId).toMatch(/^C[A-Z0-9]+$/);
  return ready as IncidentWithRoles & { warRoomChannelId: string };
}

async function setCommander(harness: Harness, incidentId: string, userId: string): Promise<void> {
  await harness.db.prisma.incidentRole.upsert({
    where: { incidentId_role: { incidentId, role: "commander" } },
    create: { incidentId, role: "commander", userId, assignedBy: userId },
    update: { userId },
  });
}

const json = (value: unknown) => JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));

/** Everything a refused attempt must leave as it was. */
async function snapshot(incidentId: string): Promise<string> {
  const p = h.db.prisma;
  const where = { incidentId };
  return json({
    incident: await p.incident.findUnique({ where: { id: incidentId } }),
    roles: await p.incidentRole.findMany({ where, orderBy: { role: "asc" } }),
    timeline: await p.timelineEvent.findMany({ where: { incidentId, kind: { not: "permission_refused" } }, orderBy: { id: "asc" } }),
    steps: await p.sideEffect.findMany({ where, orderBy: { key: "asc" }, select: { key: true, status: true, attempts: true } }),
    milestones: await p.milestone.findMany({ where }),
    deployments: await p.deployment.findMany({ where }),
    waivers: await p.waiver.findMany({ where, include: { approvals: true } }),
    // A refused decision is audited (like permission_refused on the timeline): that is the record of the attempt, not a change.
    waiverAudit: await p.waiverAudit.findMany({ where: { NOT: { action: { endsWith: "_refused" } } }, orderBy: { id: "asc" } }),
    uat: await p.uatSession.findMany({ where }),
    feedback: await p.uatFeedback.findMany({ where }),
    incidents: await p.incident.count(),
  });
}

const slackWrites = () => h.slack.calls().filter((c) => !SLACK_READS.has(c.method)).length;
const githubWrites = () => (h.github?.calls() ?? []).filter((c) => c.method !== "GET").length;
const refusalsOf = (incidentId: string, user: string) =>
  h.db.prisma.timelineEvent.findMany({ where: { incidentId, kind: "permission_refused", actor: user } });

/** Drives one attempt and returns the user's new ephemeral answers (ack or response_url), once there is one. */
async function attempt(row: Case, incident: IncidentWithRoles, user: string): Promise<EphemeralMessage[]> {
  const channel = incident.warRoomChannelId as string;
  const before = new Set(h.slack.ephemerals({ user, includeDeleted: true }).map((e) => `${e.ts}:${e.source}`));
  const viewsBefore = h.slack.calls("views.open").length;
  n += 1;
  if (row.drive) await row.drive(h, incident, user);
  else {
    const res = await hotfix(h, channel, row.command?.(n, user) ?? "", user);
    expect(res.status).toBe(200);
  }
  return eventually(() => {
    const answers = h.slack.ephemerals({ user }).filter((e) => !before.has(`${e.ts}:${e.source}`));
    // The release verb answers by opening its form.
    if (answers.length === 0 && h.slack.calls("views.open").length === viewsBefore) throw new Error(`no answer to ${row.action} yet`);
    return answers;
  });
}

const text = (answers: EphemeralMessage[]) => answers.map((a) => `${a.text} ${JSON.stringify(a.blocks ?? [])}`).join("\n");
const PERMISSION_REFUSAL = /Only .* can |You requested this waiver; another approver must decide on it/;

beforeAll(async () => {
  ({ h, repo } = await startReleaseLane({
    policy: {
      people: {
        releaseCaptains: { usergroup: GROUPS.captains },
        incidentManagers: { usergroup: GROUPS.managers },
        approvers: { usergroup: GROUPS.approvers },
      },
    },
  }));
  for (const [kind, id] of Object.entries(USERS)) h.slack.state.addUser({ id, name: kind.toLowerCase(), realName: `Matrix ${kind}` });
  h.slack.state.addUsergroup({ id: GROUPS.captains, handle: "mx-captains", users: [USERS.releaseCaptainGroup] });
  h.slack.state.addUsergroup({ id: GROUPS.managers, handle: "mx-managers", users: [USERS.incidentManager] });
  h.slack.state.addUsergroup({ id: GROUPS.approvers, handle: "mx-approvers", users: [USERS.approver] });
}, 60_000);

afterAll(async () => {
  await stopReleaseLane(h);
});

describe("declare: anyone in the workspace", () => {
  it.each(KINDS)("%s may declare", async (kind) => {
    const result = await declareViaSlack(h.slack, {
      userId: USERS[kind],
      title: `Declared by ${kind}`,
      values: { commander: USERS[kind] },
    });
    expect(result.status).toBe(200);
    const incident = await eventually(() => h.db.prisma.incident.findFirstOrThrow({ where: { declaredBy: USERS[kind] } }));
    expect(incident.title).toBe(`Declared by ${kind}`);
  });
});

/** Refused first (on the untouched incident), then the allowed, each after `prepare`. */
const ordered = (who: Who) => (who === ANYONE ? KINDS : [...KINDS.filter((k) => !who.includes(k)), ...who]);

for (const row of TABLE) {
  describe(`${row.action} — DESIGN.md: ${row.rule}: ${row.who === ANYONE ? "anyone" : row.who.join(", ")}`, () => {
    let incident: IncidentWithRoles;

    beforeAll(async () => {
      const made = await warRoomIncident(`Matrix: ${row.action}`);
      await assignRole(h.app.ctx, made, "release_captain", USERS.releaseCaptainRole, USERS.commander);
      if (row.release) {
        await h.db.prisma.incident.update({
          where: { id: made.id },
          data: { parentTag: "v1.2.3", releaseTag: "v1.2.4", version: "1.2.4", fixSha: "c".repeat(40), phase: "monitoring" },
        });
      }
      await quiet();
      incident = await incidentNow(h, made.id);
    }, PATIENT);

    it.each(ordered(row.who))("as %s", async (kind) => {
      const user = USERS[kind];
      const allowed = row.who === ANYONE || row.who.includes(kind);
      await row.prepare?.(h, incident);
      // A refusal is compared with a quiet state: whatever earlier attempts queued has run.
      if (!allowed) await quiet();
      const current = await incidentNow(h, incident.id);
      const before = allowed ? "" : await snapshot(incident.id);
      const writes = { slack: slackWrites(), github: githubWrites() };
      const answers = await attempt(row, current, user);
      const refusals = await refusalsOf(incident.id, user);
      if (allowed) {
        expect(text(answers)).not.toMatch(PERMISSION_REFUSAL);
        expect(refusals).toEqual([]);
        await row.effect?.(h, current, user);
        return;
      }
      // Refused: said to the person with who may do it, recorded, and nothing else happened.
      expect(answers.length).toBeGreaterThan(0);
      expect(text(answers)).toMatch(PERMISSION_REFUSAL);
      expect(refusals.map((r) => (r.data as { action?: string }).action)).toContain(row.recorded);
      await quiet();
      expect(await snapshot(incident.id)).toBe(before);
      expect(slackWrites()).toBe(writes.slack);
      expect(githubWrites()).toBe(writes.github);
    });
  });
}

describe("permission is checked again on the click and the submission, not only when the preview or form was shown", () => {
  it("a release captain who lost the role before pressing Create branch is refused, and no branch is made", async () => {
    const incident = await warRoomIncident("Matrix: branch click");
    await assignRole(h.app.ctx, incident, "release_captain", USERS.releaseCaptainRole, USERS.commander);
    await quiet();
    const channel = incident.warRoomChannelId;
    const [preview] = await attempt(
      TABLE.find((r) => r.recorded === "branch") as Case,
      await incidentNow(h, incident.id),
      USERS.releaseCaptainRole,
    );
    expect(JSON.stringify(preview?.blocks)).toContain(BRANCH_CREATE_ACTION);
    // The commander hands the role to someone else meanwhile.
    await assignRole(h.app.ctx, await incidentNow(h, incident.id), "release_captain", USERS.requester, USERS.commander);
    await quiet();
    const before = await snapshot(incident.id);
    const branches = repo.branchNames();
    const writes = { slack: slackWrites(), github: githubWrites() };
    await h.slack.blockAction({
      userId: USERS.releaseCaptainRole,
      actionId: BRANCH_CREATE_ACTION,
      channelId: channel,
      messageTs: (preview as EphemeralMessage).ts,
    });
    await eventually(async () => expect(await refusalsOf(incident.id, USERS.releaseCaptainRole)).toHaveLength(1));
    await quiet();
    expect(await snapshot(incident.id)).toBe(before);
    expect(slackWrites()).toBe(writes.slack);
    expect(githubWrites()).toBe(writes.github);
    expect(repo.branchNames()).toEqual(branches);
  });

  it("a release captain who lost the role before submitting the release form is refused, and nothing is queued", async () => {
    const incident = await warRoomIncident("Matrix: release submit");
    await assignRole(h.app.ctx, incident, "release_captain", USERS.releaseCaptainRole, USERS.commander);
    await quiet();
    const view = await openReleaseForm(h, incident.warRoomChannelId, USERS.releaseCaptainRole);
    await assignRole(h.app.ctx, await incidentNow(h, incident.id), "release_captain", USERS.requester, USERS.commander);
    await quiet();
    const before = await snapshot(incident.id);
    const writes = { slack: slackWrites(), github: githubWrites() };
    const res = await submitRelease(
      h,
      view.id,
      {
        version: "1.2.4",
        commit: repo.branchHead("main"),
        parent: "v1.2.3",
        justification: JUSTIFICATION,
        ticket: "https://linear.app/acme/issue/ENG-42/fees",
        risk: "high",
      },
      { userId: USERS.releaseCaptainRole },
    );
    expect(res.body).toMatchObject({ response_action: "errors", errors: { version: expect.stringMatching(PERMISSION_REFUSAL) } });
    expect((await refusalsOf(incident.id, USERS.releaseCaptainRole)).map((r) => (r.data as { action?: string }).action)).toEqual([
      "release",
    ]);
    await quiet();
    expect(await snapshot(incident.id)).toBe(before);
    expect(slackWrites()).toBe(writes.slack);
    expect(githubWrites()).toBe(writes.github);
  });
});

describe("taking an empty command", () => {
  it("two people at once: one becomes commander, the other is refused and told who has it", async () => {
    const incident = await warRoomIncident("Matrix: command race");
    await h.db.prisma.incidentRole.deleteMany({ where: { incidentId: incident.id, role: "commander" } });
    const channel = incident.warRoomChannelId;
    const [a, b] = await Promise.all([USERS.approver, USERS.stranger].map((user) => hotfix(h, channel, `role commander <@${user}>`, user)));
    const texts = await eventually(() => {
      const all = [a, b].map((r) => r?.text() ?? "");
      expect(all.every((t) => t.length > 0)).toBe(true);
      return all;
    });
    const roles = await h.db.prisma.incidentRole.findMany({ where: { incidentId: incident.id, role: "commander" } });
    expect(roles).toHaveLength(1);
    const winner = roles[0]?.userId;
    const loser = winner === USERS.approver ? USERS.stranger : USERS.approver;
    expect(texts.filter((t) => PERMISSION_REFUSAL.test(t))).toHaveLength(1);
    expect(texts.join("\n")).toContain(`Only the commander (<@${winner}>) or an incident manager can make yourself commander`);
    expect(await refusalsOf(incident.id, loser)).toHaveLength(1);
    const assigned = await h.db.prisma.timelineEvent.findMany({ where: { incidentId: incident.id, kind: "role_assigned" } });
    expect(assigned.filter((e) => (e.data as { role?: string }).role === "commander").map((e) => e.actor)).toEqual([winner]);
  });
});
