// The release lane when GitHub misbehaves or the world is not as expected:
// 5xx mid-way (retried, nothing made twice), writes that find their work done
// already (adopted) or taken by something else (a clear error), a merge back
// that cannot fast-forward, rate limits waited out, webhook edge cases, and
// a bot without GitHub configured.

import { createHmac } from "node:crypto";
import { deploymentStatusEvent, type EmulatedRepo } from "@hotfix/github-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settled } from "../support/declare.js";
import { eventually, GITHUB_WEBHOOK_SECRET, type Harness, startHarness } from "../support/harness.js";
import {
  answer,
  click,
  declared,
  hotfix,
  incidentNow,
  JUSTIFICATION,
  movableClock,
  openReleaseForm,
  saidInRoom,
  startReleaseLane,
  stopReleaseLane,
  submitRelease,
  timelineKinds,
} from "../support/release-lane.js";

const HOUR = 3_600_000;
const clock = movableClock();
// U0ALICE (the declarer) drives the lane in these tests: a release captain by policy, as permissions require.
const ALICE_CAPTAIN = { people: { releaseCaptains: { users: ["U0ALICE"] } } };
let h: Harness;
let repo: EmulatedRepo;

beforeAll(async () => {
  ({ h, repo } = await startReleaseLane({ now: clock.now, policy: ALICE_CAPTAIN }));
});

afterAll(() => stopReleaseLane(h));

async function branchFor(room: string, name: string, user = "U0ALICE") {
  await hotfix(h, room, `branch ${name}`, user);
  const preview = await answer(h, room, user, "Create branch");
  await click(h, preview, "lane_branch_create");
}

describe("5xx mid-way", () => {
  it("retries a 502 on creating the branch, and makes one branch", async () => {
    const incident = await declared(h, { title: "Branch under 502s" });
    const fault = h.github?.faults.add({ operationId: "git/create-ref", status: 502, times: 2 });
    await branchFor(incident.warRoomChannelId, "hotfix/retry-502");
    await saidInRoom(h, incident.warRoomChannelId, "hotfix/retry-502");
    expect(fault?.hits).toBe(2);
    const creates = repo.calls({ operationId: "git/create-ref" }).filter((c) => JSON.stringify(c.body).includes("hotfix/retry-502"));
    expect(creates.map((c) => c.status)).toEqual([502, 502, 201]);
    expect(repo.branchNames().filter((b) => b === "hotfix/retry-502")).toHaveLength(1);
    expect(repo.branch("hotfix/retry-502")?.sha).toBe(repo.mustResolve("v1.2.3").sha);
  });

  it("outlasts Octokit's retries through the outbox: the tag step is retried later, one tag, one message, one event", async () => {
    const incident = await declared(h, { title: "Tags under 500s" });
    const room = incident.warRoomChannelId;
    await branchFor(room, "hotfix/tags-500");
    await saidInRoom(h, room, "is protected");
    // More failures than Octokit's own retries (1 + 3): the step fails once and the outbox runs it again.
    const fault = h.github?.faults.add({ operationId: "git/create-tag", status: 500, times: 5 });
    await hotfix(h, room, "tag before-fix");
    await saidInRoom(h, room, "milestone/before-fix", 30_000);
    expect(fault?.hits).toBe(5);
    // The war-room message is part of the step; the step is recorded done right after it.
    const step = await eventually(async () => {
      const found = await h.db.prisma.sideEffect.findFirst({ where: { incidentId: incident.id, key: { startsWith: "gh-tag:" } } });
      expect(found?.status).toBe("done");
      return found;
    });
    expect(step?.attempts).toBeGreaterThanOrEqual(2);
    expect(repo.tag("milestone/before-fix")).toMatchObject({ annotated: true });
    expect(
      repo.calls({ operationId: "git/create-ref", status: 201 }).filter((c) => JSON.stringify(c.body).includes("milestone/before-fix")),
    ).toHaveLength(1);
    expect(h.slack.messages(room).filter((m) => m.text.includes("milestone/before-fix"))).toHaveLength(1);
    expect((await timelineKinds(h, incident.id)).filter((k) => k === "milestone_tagged")).toHaveLength(1);
  });
});

describe("work found done already, or taken", () => {
  it("refuses a branch that exists already, even at the parent's commit: the bot only works on branches it creates (issue 8.6)", async () => {
    const incident = await declared(h, { title: "Branch exists" });
    const room = incident.warRoomChannelId;
    repo.createBranch("hotfix/already-there", "v1.2.3");
    const res = await hotfix(h, room, "branch hotfix/already-there");
    await eventually(() => expect(res.text()).toContain("The branch `hotfix/already-there` exists already"));
    expect(res.text()).toContain("only works on a branch it creates");
    expect(res.text()).not.toContain("lane_branch_create");
    expect((await incidentNow(h, incident.id)).hotfixBranch).toBeNull();
    expect(repo.branch("hotfix/already-there")?.protected).toBe(false);
  });

  it("refuses a branch someone created between the preview and the click, and leaves it alone", async () => {
    const incident = await declared(h, { title: "Branch taken" });
    const room = incident.warRoomChannelId;
    await hotfix(h, room, "branch hotfix/raced");
    const raced = await answer(h, room, "U0ALICE", "hotfix/raced");
    // Someone takes the name between the preview and the click, at the very commit the bot would use.
    repo.createBranch("hotfix/raced", "v1.2.3");
    await click(h, raced, "lane_branch_create");
    const said = await saidInRoom(h, room, /Could not create the hotfix branch/);
    expect(said).toContain("exists already");
    expect(said).toContain("only protects, merges back and deletes a branch it created");
    await settled(h.db.prisma);
    expect(repo.branch("hotfix/raced")?.protected).toBe(false);
    expect((await incidentNow(h, incident.id)).hotfixBranch).toBeNull();
  });

  it("refuses a rollback tag whose name is on another commit", async () => {
    const incident = await declared(h, { title: "Tag taken" });
    const room = incident.warRoomChannelId;
    await branchFor(room, "hotfix/tag-taken");
    await saidInRoom(h, room, "hotfix/tag-taken");
    repo.tag("milestone/taken", "v1.2.0");
    await hotfix(h, room, "tag taken");
    const said = await saidInRoom(h, room, /Could not tag milestone\/taken/);
    expect(said).toContain("Tag milestone/taken already exists on");
    expect(said).toContain("Tags do not move");
  });

  it("reuses a GitHub release that already exists for the tag", async () => {
    const incident = await declared(h, { title: "Release exists", ticketUrl: "https://linear.app/acme/issue/ENG-77" });
    const room = incident.warRoomChannelId;
    await branchFor(room, "hotfix/release-exists");
    await saidInRoom(h, room, "is protected");
    const fix = repo.commit({ branch: "hotfix/release-exists", message: "fix: x", files: { "src/x.ts": "export const x = 2;\n" } });
    // main's protection requires build and test: gates fail closed without them (issue 8.5).
    repo.addCheckRun(fix, { name: "build", conclusion: "success" });
    repo.addCheckRun(fix, { name: "test", conclusion: "success" });
    repo.tag("v1.2.9", fix, { annotated: true, message: "made by hand" });
    const existing = repo.release({ tag: "v1.2.9", body: "Made by hand before the bot got there." });
    const view = await openReleaseForm(h, room);
    await submitRelease(h, view.id, {
      version: "1.2.9",
      commit: fix,
      parent: "v1.2.3",
      justification: JUSTIFICATION,
      ticket: "https://linear.app/acme/issue/ENG-77",
      risk: "low",
    });
    await saidInRoom(h, room, /v1\.2\.9 released/);
    const after = await incidentNow(h, incident.id);
    expect(after.releaseId).toBe(existing.id);
    expect(repo.releases.filter((r) => r.tagName === "v1.2.9")).toHaveLength(1);
    expect(repo.calls({ operationId: "repos/create-release" })).toHaveLength(0);
  });
});

describe("merge back that cannot fast-forward", () => {
  it("is reported with what to do; nothing is deleted, tagged or completed", async () => {
    const incident = await declared(h, { title: "Main moved on", commanderId: "U0BOB" });
    const room = incident.warRoomChannelId;
    await branchFor(room, "hotfix/diverged");
    await saidInRoom(h, room, "is protected");
    const fix = repo.commit({ branch: "hotfix/diverged", message: "fix: y", files: { "src/y.ts": "export const y = 1;\n" } });
    await hotfix(h, room, `deployed production ${fix}`, "U0BOB");
    await settled(h.db.prisma);
    clock.advance(49 * HOUR);
    await hotfix(h, room, "complete", "U0BOB");
    const said = await saidInRoom(h, room, "Merge back blocked");
    // main has the commits made after v1.2.3 (reconciliation, rc, report): not a fast-forward.
    expect(said).toMatch(/`main` has \d+ commits that `hotfix\/diverged` lacks/);
    expect(said).toContain("merge `hotfix/diverged` into `main` with a pull request");
    await settled(h.db.prisma);
    expect(repo.branch("hotfix/diverged")?.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(repo.isAncestor(fix, "main")).toBe(false);
    expect(repo.calls({ operationId: "git/update-ref" })).toHaveLength(0);
    expect(repo.calls({ operationId: "repos/create-or-update-file-contents" })).toHaveLength(0);
    const after = await incidentNow(h, incident.id);
    expect(after.completedAt).toBeNull();
    expect(h.slack.channel(room)?.isArchived).toBe(false);
    expect(await timelineKinds(h, incident.id)).toContain("merge_back_blocked");
  });
});

describe("webhooks", () => {
  const url = () => `${h.app.url}/webhooks/github`;
  const sign = (body: string) => `sha256=${createHmac("sha256", GITHUB_WEBHOOK_SECRET).update(body).digest("hex")}`;

  it("refuses a delivery without a signature, and answers bad JSON with 400", async () => {
    const unsigned = await fetch(url(), {
      method: "POST",
      body: "{}",
      headers: { "x-github-event": "ping", "content-type": "application/json" },
    });
    expect(unsigned.status).toBe(401);
    const bad = "{oops";
    const malformed = await fetch(url(), {
      method: "POST",
      body: bad,
      headers: { "x-github-event": "ping", "x-hub-signature-256": sign(bad) },
    });
    expect(malformed.status).toBe(400);
    const ping = await fetch(url(), {
      method: "POST",
      body: "{}",
      headers: { "x-github-event": "ping", "x-hub-signature-256": sign("{}") },
    });
    expect(ping.status).toBe(200);
    const other = await fetch(url(), {
      method: "POST",
      body: "{}",
      headers: { "x-github-event": "push", "x-hub-signature-256": sign("{}") },
    });
    expect(other.status).toBe(202);
  });

  it("logs a failed deploy without starting any clock, and a deploy of the parent as a rollback", async () => {
    const incident = await declared(h, { title: "Deploys that do not count" });
    const room = incident.warRoomChannelId;
    await branchFor(room, "hotfix/deploys");
    await saidInRoom(h, room, "is protected");
    const fix = repo.commit({ branch: "hotfix/deploys", message: "fix: z", files: { "src/z.ts": "export const z = 1;\n" } });
    const send = (payload: unknown) => h.github?.sendWebhook("deployment_status", payload, { url: url(), secret: GITHUB_WEBHOOK_SECRET });
    const failed = await send(
      deploymentStatusEvent(repo, { ref: "hotfix/deploys", environment: "production", state: "failure", creator: "sam-sre" }),
    );
    expect(failed?.status).toBe(200);
    await saidInRoom(h, room, /Deploy of `[0-9a-f]{7}` to \*production\* failure/);
    // Production back on the parent release (recorded by hand): logged as a rollback, no clock.
    const { parentTag, parentSha } = await incidentNow(h, incident.id);
    await hotfix(h, room, `deployed production ${parentSha?.slice(0, 9)} back to the parent`, "U0BOB");
    await saidInRoom(h, room, `the parent release ${parentTag}, to *production* by <@U0BOB>`);
    const after = await incidentNow(h, incident.id);
    expect(after.productionDeployedAt).toBeNull();
    expect(after.stabilityEndsAt).toBeNull();
    const rows = await h.db.prisma.deployment.findMany({ where: { incidentId: incident.id }, orderBy: { occurredAt: "asc" } });
    expect(rows.map((r) => [r.status, r.sha])).toEqual([
      ["failure", fix],
      ["success", parentSha?.slice(0, 9)],
    ]);
    expect(await timelineKinds(h, incident.id)).toContain("deployment_failed");
  });
});

describe("rate limits", () => {
  let throttled: Harness;
  beforeAll(async () => {
    throttled = await startHarness({ github: true, githubClient: { throttle: true, retryAfterBaseValue: 20 }, policy: ALICE_CAPTAIN });
  });
  afterAll(async () => {
    await throttled?.close();
  });

  it("waits out a secondary limit (retry-after) and a primary one (x-ratelimit-reset), and makes the tag once", async () => {
    const em = throttled.github;
    if (!em) throw new Error("no emulator");
    const incident = await declared(throttled, { title: "Rate limited" });
    const room = incident.warRoomChannelId;
    em.faults.add({ operationId: "git/create-ref", status: 403, rateLimit: "secondary", retryAfter: 1, times: 1 });
    em.faults.add({ operationId: "git/create-tag", status: 429, resetIn: 1, times: 1 });
    await throttled.slack.slashCommand({
      userId: "U0ALICE",
      channelId: room,
      text: `tag limited ${em.repo("acme/payments").mustResolve("v1.2.3").sha}`,
    });
    await eventually(() => expect(em.repo("acme/payments").tag("milestone/limited")).toMatchObject({ annotated: true }), {
      timeoutMs: 20_000,
    });
    const refs = em.calls({ operationId: "git/create-ref" }).map((c) => c.status);
    expect(refs).toEqual([403, 201]);
    expect(em.calls({ operationId: "git/create-tag" }).map((c) => c.status)).toEqual([429, 201]);
    // Waited out inside one run of the step; the 404s of "does the tag exist yet?" are not retried.
    await eventually(async () => {
      const step = await throttled.db.prisma.sideEffect.findFirst({ where: { incidentId: incident.id, key: { startsWith: "gh-tag:" } } });
      expect(step).toMatchObject({ status: "done", attempts: 1 });
    });
    expect(em.calls({ operationId: "git/get-ref" }).map((c) => c.status)).toEqual([404]);
  });
});

describe("without GitHub configured", () => {
  let bare: Harness;
  beforeAll(async () => {
    bare = await startHarness({ policy: ALICE_CAPTAIN });
  });
  afterAll(async () => {
    await bare?.close();
  });

  it("every lane verb refuses clearly, and the webhook refuses every delivery", async () => {
    const incident = await declared(bare, { title: "No GitHub here" });
    for (const verb of ["branch", "tag prep", "release", "rollback", "complete"]) {
      const res = await hotfix(bare, incident.warRoomChannelId, verb, "U0BOB");
      await eventually(() =>
        expect(res.text()).toContain("GitHub is not configured for this bot: set `GITHUB_TOKEN` and `GITHUB_REPOSITORY`"),
      );
    }
    expect(bare.slack.views({ callbackId: "release" })).toHaveLength(0);
    const body = "{}";
    const res = await fetch(`${bare.app.url}/webhooks/github`, {
      method: "POST",
      body,
      headers: { "x-github-event": "ping", "x-hub-signature-256": `sha256=${createHmac("sha256", "anything").update(body).digest("hex")}` },
    });
    expect(res.status).toBe(403);
  });

  it("still records a deploy by hand", async () => {
    const incident = await declared(bare, { title: "Manual only" });
    const res = await hotfix(bare, incident.warRoomChannelId, "deployed staging abcdef1 smoke ok", "U0BOB");
    expect(res.text()).toContain("deployed to staging");
    expect((await incidentNow(bare, incident.id)).stagingDeployedAt).toBeInstanceOf(Date);
  });
});
