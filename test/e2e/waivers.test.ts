// Gate waivers end to end (runbook 004 steps 2 and 4, issue 10): requested
// through `/hotfix waiver request`, posted to the approvers with Approve /
// Deny, every click checked on the server (requester, outsiders, twice,
// denied), active only with two approvals from two approvers; an expired
// waiver stops the release it covered a minute earlier; every action in the
// timeline and in an audit log the database refuses to edit; the CLI's
// verify / export / import.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { EmulatedRepo } from "@hotfix/github-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expireWaiver, waiverExpiryTimer } from "../../src/workflows/waivers.js";
import { settled } from "../support/declare.js";
import { eventually, type Harness } from "../support/harness.js";
import {
  answer,
  declared,
  hotfix,
  JUSTIFICATION,
  movableClock,
  openReleaseForm,
  roomTexts,
  saidInRoom,
  startReleaseLane,
  stopReleaseLane,
  submitRelease,
  timelineKinds,
} from "../support/release-lane.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const clock = movableClock();
const APPROVERS = { usergroup: "S0APPROVERS", users: ["U0ERIN"] }; // S0APPROVERS: U0BOB, U0CAROL
let h: Harness;
let repo: EmulatedRepo;
let room: string;
let incidentId: string;
let fix: string;

beforeAll(async () => {
  ({ h, repo } = await startReleaseLane({ now: clock.now, policy: { people: { approvers: APPROVERS } } }));
  const incident = await declared(h, {
    title: "Card fees rounded wrong",
    commanderId: "U0BOB",
    ticketUrl: "https://linear.app/acme/issue/ENG-7",
  });
  incidentId = incident.id;
  room = incident.warRoomChannelId;
  // The hotfix branch with a fix whose integration tests fail: the gate a waiver may cover.
  const v123 = repo.mustResolve("v1.2.3").sha;
  repo.createBranch("release/hotfix-eng-7", v123);
  fix = repo.commit({ branch: "release/hotfix-eng-7", message: "fix: fees", files: { "src/money.ts": "export const fee = 1;\n" } });
  repo.addCheckRun(fix, { name: "build", conclusion: "success" });
  repo.addCheckRun(fix, { name: "integration-tests", conclusion: "failure" });
  await h.db.prisma.incident.update({
    where: { id: incidentId },
    data: { hotfixBranch: "release/hotfix-eng-7", parentTag: "v1.2.3", parentSha: v123 },
  });
});

afterAll(() => stopReleaseLane(h));

async function openWaiverForm(userId: string) {
  const before = h.slack.views({ callbackId: "waiver_request" }).length;
  const res = await hotfix(h, room, "waiver request", userId);
  expect(res.status).toBe(200);
  return eventually(() => {
    const view = h.slack.views({ callbackId: "waiver_request" }).at(before);
    expect(view).toBeTruthy();
    return view as NonNullable<typeof view>;
  });
}

const GOOD = {
  type: "gate-bypass",
  tag: "v1.2.4",
  gates: "integration-tests",
  justification: "Emergency fee fix: the integration suite does not exercise fee rounding and is flaky on the payment sandbox.",
  risk: "low",
  mitigations: "Manual verification of fee posting\nCanary at 5% traffic",
  expiry: "1h",
  ticket: "https://linear.app/acme/issue/ENG-7",
};

const submitWaiver = (viewId: string, userId: string, values: Record<string, string>, skipClientValidation = false) =>
  h.slack.submitView({
    viewId,
    userId,
    values: Object.fromEntries(Object.entries(values).map(([block, value]) => [block, { value }])),
    ...(skipClientValidation ? { skipClientValidation: true } : {}),
  });

/** Requests a waiver through the modal; returns its code once its request is posted in the war room. */
async function requestWaiver(userId: string, values: Partial<typeof GOOD> = {}): Promise<string> {
  const view = await openWaiverForm(userId);
  const res = await submitWaiver(view.id, userId, { ...GOOD, ...values });
  expect(res.body ?? {}).not.toMatchObject({ response_action: "errors" });
  const row = await h.db.prisma.waiver.findFirstOrThrow({ where: { requestedBy: userId }, orderBy: { createdAt: "desc" } });
  await saidInRoom(h, room, `waiver *${row.code}* requested`);
  return row.code;
}

const requestMessage = (code: string) => {
  const found = h.slack.messages(room).find((m) => m.text.includes(`waiver *${code}* requested`));
  if (!found) throw new Error(`no request message for ${code}`);
  return found;
};
const click = (code: string, userId: string, decision: "approve" | "deny") =>
  h.slack.blockAction({ userId, actionId: `waiver_${decision}`, channelId: room, messageTs: requestMessage(code).ts });
const statusOf = async (code: string) => (await h.db.prisma.waiver.findUniqueOrThrow({ where: { code } })).status;
const audit = async (code: string) =>
  (await h.db.prisma.waiverAudit.findMany({ where: { waiverCode: code }, orderBy: { id: "asc" } })).map(
    (a) => `${a.action}:${a.actor ?? "-"}`,
  );

describe("/hotfix waiver request", () => {
  it("refuses bad input inline, naming the field and the limit, and stores nothing", async () => {
    const view = await openWaiverForm("U0ALICE");
    const res = await submitWaiver(
      view.id,
      "U0ALICE",
      { ...GOOD, type: "security-exception", justification: "too short", expiry: "4d", ticket: "javascript:alert(1)", gates: "" },
      true,
    );
    expect(res.body).toMatchObject({
      response_action: "errors",
      errors: {
        justification: expect.stringContaining("at least 50 characters"),
        ticket: expect.stringContaining("ticket link"),
        gates: expect.stringContaining("at least one gate"),
      },
    });
    // The shape was fine apart from the expiry: a security exception lives at most 72 h.
    const onlyExpiry = await submitWaiver(view.id, "U0ALICE", { ...GOOD, type: "security-exception", expiry: "4d" });
    expect(onlyExpiry.body).toMatchObject({ response_action: "errors", errors: { expiry: expect.stringContaining("at most 3 d") } });
    expect(await h.db.prisma.waiver.count()).toBe(0);
    expect(await h.db.prisma.waiverAudit.count()).toBe(0);
    await h.slack.closeView({ viewId: view.id, userId: "U0ALICE" });
  });

  it("numbers it HW-YYYY-NNN, records it, posts it to the approvers (war room and DMs) with Approve / Deny", async () => {
    const code = await requestWaiver("U0ALICE");
    expect(code).toBe(`HW-${clock.now().getUTCFullYear()}-001`);
    const row = await h.db.prisma.waiver.findUniqueOrThrow({ where: { code } });
    expect(row).toMatchObject({
      status: "pending",
      type: "gate-bypass",
      hotfixTag: "v1.2.4",
      gatesWaived: ["integration-tests"],
      riskAssessment: "low",
      incidentId,
    });
    expect(row.mitigations).toEqual(["Manual verification of fee posting", "Canary at 5% traffic"]);
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(HOUR);
    const message = requestMessage(code);
    expect(message.text).toContain("<!subteam^S0APPROVERS>");
    const actions = JSON.stringify(message.blocks);
    expect(actions).toContain('"action_id":"waiver_approve"');
    expect(actions).toContain('"action_id":"waiver_deny"');
    await settled(h.db.prisma);
    const dms = h.slack
      .calls("chat.postMessage")
      .filter((c) => String(c.params.text ?? "").includes(`waiver *${code}* requested`))
      .map((c) => c.params.channel);
    expect(dms).toEqual(expect.arrayContaining(["U0BOB", "U0CAROL", "U0ERIN"]));
    expect(dms).not.toContain("U0ALICE");
    expect(await timelineKinds(h, incidentId)).toContain("waiver_requested");
    expect(await audit(code)).toEqual(["requested:U0ALICE"]);
  });
});

describe("approvals, checked on the server for every click", () => {
  let code: string;

  it("a waiver approved by its requester stays inactive, and the click is recorded", async () => {
    // Bob is an approver, and requests this one himself.
    code = await requestWaiver("U0BOB", { tag: "v1.2.4", gates: "integration-tests" });
    await click(code, "U0BOB", "approve");
    await answer(h, room, "U0BOB", "You requested this waiver; another approver must decide on it.");
    expect(await statusOf(code)).toBe("pending");
    expect(await h.db.prisma.waiverApproval.count({ where: { waiver: { code } } })).toBe(0);
  });

  it("a waiver approved by someone outside the approvers group stays inactive", async () => {
    await click(code, "U0DAVE", "approve");
    await answer(h, room, "U0DAVE", "Only a waiver approver can approve or deny a waiver");
    await click(code, "U0ALICE", "deny");
    await answer(h, room, "U0ALICE", "Only a waiver approver can approve or deny a waiver");
    expect(await statusOf(code)).toBe("pending");
    expect(await audit(code)).toEqual(["requested:U0BOB", "approve_refused:U0BOB", "approve_refused:U0DAVE", "deny_refused:U0ALICE"]);
    const refused = await h.db.prisma.timelineEvent.findMany({ where: { incidentId, kind: "permission_refused" } });
    expect(refused.map((e) => e.actor)).toEqual(expect.arrayContaining(["U0BOB", "U0DAVE", "U0ALICE"]));
  });

  it("one approval is not enough, and the same approver cannot count twice", async () => {
    await click(code, "U0CAROL", "approve");
    await answer(h, room, "U0CAROL", `You approved ${code}`);
    expect(await statusOf(code)).toBe("pending");
    await click(code, "U0CAROL", "approve");
    await answer(h, room, "U0CAROL", "You approved this waiver already");
    expect(await statusOf(code)).toBe("pending");
    expect(await h.db.prisma.waiverApproval.count({ where: { waiver: { code } } })).toBe(1);
  });

  it("a second approver (a listed user, not in the group) activates it", async () => {
    await click(code, "U0ERIN", "approve");
    await answer(h, room, "U0ERIN", "it is now active");
    expect(await statusOf(code)).toBe("active");
    await saidInRoom(h, room, `Waiver *${code}* is *active* (2 approvals)`);
    const kinds = await timelineKinds(h, incidentId);
    expect(kinds).toEqual(expect.arrayContaining(["waiver_approved", "waiver_activated"]));
    expect((await audit(code)).slice(-2)).toEqual(["approve_refused:U0CAROL", "activated:U0ERIN"]);
  });

  it("a denial ends a waiver: later approvals are refused", async () => {
    const denied = await requestWaiver("U0ALICE", { gates: "lint" });
    await click(denied, "U0CAROL", "deny");
    await answer(h, room, "U0CAROL", `You denied ${denied}`);
    expect(await statusOf(denied)).toBe("denied");
    await saidInRoom(h, room, `<@U0CAROL> denied waiver *${denied}*`);
    await click(denied, "U0ERIN", "approve");
    await answer(h, room, "U0ERIN", "was denied by U0CAROL");
    expect(await statusOf(denied)).toBe("denied");
    expect(await timelineKinds(h, incidentId)).toEqual(expect.arrayContaining(["waiver_denied", "waiver_refused"]));
    expect(await audit(denied)).toEqual(["requested:U0ALICE", "denied:U0CAROL", "approve_refused:U0ERIN"]);
  });
});

describe("the audit log", () => {
  it("cannot be edited or emptied row by row through the database the product uses", async () => {
    const count = await h.db.prisma.waiverAudit.count();
    expect(count).toBeGreaterThan(5);
    await expect(h.db.prisma.$executeRawUnsafe(`update "WaiverAudit" set actor = 'U0MALLORY'`)).rejects.toThrow(/append-only/);
    await expect(h.db.prisma.$executeRawUnsafe(`delete from "WaiverAudit"`)).rejects.toThrow(/append-only/);
    await expect(h.db.prisma.waiverAudit.updateMany({ data: { action: "approved" } })).rejects.toThrow(/append-only/);
    expect(await h.db.prisma.waiverAudit.count()).toBe(count);
    expect(await h.db.prisma.waiverAudit.count({ where: { actor: "U0MALLORY" } })).toBe(0);
  });
});

describe("expiry", () => {
  const releaseForm = (waivers = "") => ({
    version: "1.2.4",
    commit: fix,
    parent: "v1.2.3",
    justification: JUSTIFICATION,
    ticket: "https://linear.app/acme/issue/ENG-7",
    risk: "low",
    // Always sent: a field left out keeps what was typed before (as in Slack).
    waivers,
  });

  it("an expired waiver stops a release it covered a minute earlier; it is never extended", async () => {
    const code = (await h.db.prisma.waiver.findFirstOrThrow({ where: { status: "active" } })).code;
    const { expiresAt } = await h.db.prisma.waiver.findUniqueOrThrow({ where: { code } });
    // A minute before the expiry: the form shows the failing gate waived by it.
    clock.advance(expiresAt.getTime() - clock.now().getTime() - MINUTE);
    const early = await openReleaseForm(h, room);
    expect(JSON.stringify(early.blocks)).toContain(`waived by ${code}`);
    await h.slack.closeView({ viewId: early.id, userId: "U0BOB" });
    expect(await expireWaiver(h.app.ctx, code)).toBe("not-yet");

    // Two minutes later the durable timer fires (here its handler runs, as pg-boss would then).
    clock.advance(2 * MINUTE);
    expect(await waiverExpiryTimer.fire(h.app.ctx, { code })).toBe("expired");
    expect(await waiverExpiryTimer.fire(h.app.ctx, { code })).toBe("stale");
    expect(await statusOf(code)).toBe("expired");
    await saidInRoom(h, room, `Waiver *${code}* expired`);
    expect(await timelineKinds(h, incidentId)).toContain("waiver_expired");
    expect((await audit(code)).at(-1)).toBe("expired:-");

    // Named in the form, it is refused inline; not named, the release's gate check blocks.
    const named = await openReleaseForm(h, room);
    const refused = await submitRelease(h, named.id, releaseForm(code));
    expect(refused.body).toMatchObject({
      response_action: "errors",
      errors: { waivers: expect.stringContaining(`${code} cannot be used`) },
    });
    const res = await submitRelease(h, named.id, releaseForm());
    expect(res.status).toBe(200);
    const blocked = await saidInRoom(h, room, "Release v1.2.4 blocked by gates");
    expect(blocked).toContain("integration-tests");
    await settled(h.db.prisma);
    expect(repo.tag("v1.2.4")).toBeUndefined();
    // The first request (pending, same expiry) expired too: approving it now changes nothing, it is never extended.
    const pending = `HW-${clock.now().getUTCFullYear()}-001`;
    await click(pending, "U0CAROL", "approve");
    await answer(h, room, "U0CAROL", "expired waivers are never extended");
    expect(await statusOf(pending)).toBe("pending");
    expect(await h.db.prisma.waiverApproval.count({ where: { waiver: { code: pending } } })).toBe(0);
  });

  it("is a durable timer queued with the request", async () => {
    const jobs = await h.db.prisma.$queryRawUnsafe<Array<{ name: string; start_after: Date }>>(
      `select name, start_after from pgboss.job where name = 'waiver.expiry'`,
    );
    expect(jobs.length).toBeGreaterThanOrEqual(3);
  });
});

describe("npm run hotfix -- waivers", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "hf-waivers-"));
  const policyFile = path.join(dir, "policy.yml");
  writeFileSync(policyFile, "people:\n  approvers:\n    users: [U0BOB, U0CAROL, U0ERIN]\n");
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", path.resolve("src/cli.ts"), "waivers", ...args], {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
        DATABASE_URL: h.db.url,
        HOTFIX_POLICY: policyFile,
        LOG_LEVEL: "warn",
      },
      encoding: "utf8",
      timeout: 60_000,
    });

  it("export writes runbook 004's hotfix_waivers.json", () => {
    const out = path.join(dir, "hotfix_waivers.json");
    const res = cli("export", "--out", out);
    expect(res.status, res.stderr).toBe(0);
    const file = JSON.parse(readFileSync(out, "utf8"));
    expect(file.version).toBe("1.0.0");
    expect(file.waivers.length).toBe(3);
    const first = file.waivers[0];
    expect(Object.keys(first).sort()).toEqual(
      [
        "id",
        "type",
        "hotfix_tag",
        "gates_waived",
        "justification",
        "risk_assessment",
        "mitigations",
        "created_at",
        "expires_at",
        "approved_by",
        "ticket_url",
        "status",
      ].sort(),
    );
    expect(file.waivers.map((w: { status: string }) => w.status)).toEqual(["pending", "expired", "denied"]);
  });

  it("verify passes, --strict fails on the warnings (a pending waiver), --json gives the findings", () => {
    const plain = cli("verify");
    expect(plain.status, plain.stdout + plain.stderr).toBe(0);
    expect(plain.stdout).toContain("3 waiver(s) checked: 0 error(s)");
    const strict = cli("verify", "--strict", "--json");
    expect(strict.status).toBe(1);
    const json = JSON.parse(strict.stdout);
    expect(json.ok).toBe(false);
    expect(json.findings.map((f: { code: string }) => f.code)).toContain("pending");
  });

  it("import stores the entries that keep the rules and refuses the others with reasons (exit 1)", async () => {
    const created = new Date(Date.now() - HOUR);
    const entry = (id: string, over: Record<string, unknown> = {}) => ({
      id,
      type: "gate-bypass",
      hotfix_tag: "v1.2.5",
      gates_waived: ["integration-tests"],
      justification: "Emergency CVE patch - integration tests not affected by the security fix at all",
      risk_assessment: "low",
      mitigations: ["Manual verification of affected endpoints"],
      created_at: created.toISOString(),
      expires_at: new Date(created.getTime() + 48 * HOUR).toISOString(),
      approved_by: ["U0BOB", "U0CAROL"],
      ticket_url: "https://issues.example.com/SEC-1234",
      status: "active",
      ...over,
    });
    const file = path.join(dir, "import.json");
    writeFileSync(
      file,
      JSON.stringify({
        version: "1.0.0",
        waivers: [
          entry("HW-2026-101"),
          entry("HW-2026-102", { approved_by: ["U0BOB", "U0MALLORY"] }),
          entry("HW-2026-103", { requested_by: "U0BOB" }),
          entry("HW-2026-104", { type: "security-exception", expires_at: new Date(created.getTime() + 96 * HOUR).toISOString() }),
          entry("HW-2026-105", { approved_by: ["U0BOB"] }),
        ],
      }),
    );
    const res = cli("import", file);
    expect(res.status).toBe(1);
    expect(res.stdout).toContain("imported HW-2026-101");
    expect(res.stderr).toContain("HW-2026-102");
    expect(res.stderr).toContain("U0MALLORY not in the approvers group");
    expect(res.stderr).toContain("U0BOB requested it and cannot approve it");
    expect(res.stderr).toMatch(/HW-2026-104.*runs at most 3 d/);
    expect(res.stderr).toMatch(/HW-2026-105.*needs 2 approvals/);
    const stored = await h.db.prisma.waiver.findMany({ where: { code: { startsWith: "HW-2026-10" } } });
    expect(stored.map((w) => w.code)).toEqual(["HW-2026-101"]);
    expect(await audit("HW-2026-101")).toEqual([expect.stringMatching(/^imported:cli/)]);
  });

  it("verify exits non-zero when a stored waiver breaks the rules", async () => {
    // A row written behind the product's back: active with one approval.
    await h.db.prisma.waiver.create({
      data: {
        code: "HW-2026-900",
        type: "gate-bypass",
        hotfixTag: "v9.9.9",
        gatesWaived: ["build"],
        justification: "x".repeat(60),
        riskAssessment: "low",
        mitigations: [],
        ticketUrl: "https://issues.example.com/X-1",
        status: "active",
        requestedBy: "U0ALICE",
        expiresAt: new Date(Date.now() + HOUR),
        approvals: { create: [{ approver: "U0BOB" }] },
      },
    });
    const res = cli("verify");
    expect(res.status).toBe(1);
    expect(res.stdout).toMatch(/ERROR HW-2026-900 approvals-missing/);
  });

  it("says how to use it", () => {
    const res = cli("frobnicate");
    expect(res.status).toBe(64);
    expect(res.stderr).toContain("waivers verify");
    expect(roomTexts(h, room).length).toBeGreaterThan(0);
  });
});
