// The release lane under another team's policy (runbook 004's habits): the
// branch cut at declare and named hotfix/<version>, suffix versions
// (vX.Y.Z-hotfix.N), the release workflow dispatched instead of a direct
// release, and merge back with a merge commit, including a real merge
// conflict (409, reported with what to do, not retried) and its resolution.

import type { EmulatedRepo } from "@hotfix/github-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settled } from "../support/declare.js";
import { eventually, type Harness } from "../support/harness.js";
import {
  answer,
  click,
  declared,
  hotfix,
  incidentNow,
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

const HOUR = 3_600_000;
const clock = movableClock();
let h: Harness;
let repo: EmulatedRepo;
let v123: string;

beforeAll(async () => {
  ({ h, repo } = await startReleaseLane({
    now: clock.now,
    policy: {
      github: {
        branch: "hotfix/{version}",
        versioning: "suffix",
        branchOnDeclare: true,
        releaseWorkflow: "hotfix-release.yml",
        mergeBack: "merge",
        // This file is about completion's merge back; runbook 002's merge at the production deploy is in release-lane-runbooks.test.ts.
        mergeBackAt: "complete",
        requiredChecks: [],
        watchRuns: { every: "100ms", max: "500ms" },
      },
      stability: { window: "48h" },
      warRoom: { archiveOnComplete: false },
      people: { releaseCaptains: { users: ["U0DAVE"] } },
    },
  }));
  v123 = repo.mustResolve("v1.2.3").sha;
  // One hotfix of v1.2.3 was shipped before: the next is hotfix.2.
  repo.tag("v1.2.3-hotfix.1", v123, { annotated: true, message: "earlier hotfix" });
});

afterAll(() => stopReleaseLane(h));

async function branchOf(incidentId: string): Promise<string> {
  return eventually(async () => {
    const incident = await incidentNow(h, incidentId);
    expect(incident.hotfixBranch).toMatch(/^hotfix\/v\d+\.\d+\.\d+/);
    return incident.hotfixBranch as string;
  });
}

async function deployAndWait(room: string, sha: string) {
  await hotfix(h, room, `deployed production ${sha}`, "U0BOB");
  await settled(h.db.prisma);
  clock.advance(49 * HOUR);
}

describe("branch at declare, suffix versions, release workflow", () => {
  let incidentId: string;
  let room: string;
  let fix: string;

  it("cuts hotfix/<next version> from the parent as soon as the war room opens", async () => {
    const incident = await declared(h, { title: "Auth tokens expire early" });
    incidentId = incident.id;
    room = incident.warRoomChannelId;
    expect(await branchOf(incidentId)).toBe("hotfix/v1.2.3-hotfix.2");
    // Suffix versions chain (issue 12.1): hotfix 2 is cut from hotfix 1, which reached production, not from v1.2.3.
    await saidInRoom(
      h,
      room,
      /Hotfix branch .*hotfix\/v1\.2\.3-hotfix\.2.* created from \*v1\.2\.3-hotfix\.1\*.*Created at declare, per policy/s,
    );
    expect((await incidentNow(h, incidentId)).parentTag).toBe("v1.2.3-hotfix.1");
    expect(repo.branch("hotfix/v1.2.3-hotfix.2")?.sha).toBe(v123);
    expect(await timelineKinds(h, incidentId)).toEqual(expect.arrayContaining(["branch_requested", "branch_created"]));
    // Exactly once, however many times the outbox runs.
    await settled(h.db.prisma);
    expect(await h.db.prisma.sideEffect.count({ where: { incidentId, key: { startsWith: "gh-branch:" } } })).toBe(1);
  });

  it("dispatches the release workflow with runbook 004's inputs, watches the run through its approvals, and counts the release when it succeeds", async () => {
    fix = repo.commit({
      branch: "hotfix/v1.2.3-hotfix.2",
      message: "fix: token expiry",
      files: { "src/auth.ts": "export const ttl = 3600;\n" },
    });
    const view = await openReleaseForm(h, room);
    const blocks = JSON.stringify(view.blocks);
    expect(blocks).toContain('"initial_value":"v1.2.3-hotfix.2"');
    expect(blocks).toContain("suffix, hotfix #2 on this parent");
    expect(blocks).toContain("dispatches `hotfix-release.yml`");
    await submitRelease(h, view.id, {
      version: "v1.2.3-hotfix.2",
      commit: fix,
      parent: "v1.2.3-hotfix.1",
      justification: JUSTIFICATION,
      ticket: "https://issues.example.com/SEC-1234",
      risk: "high",
    });
    await saidInRoom(h, room, /release workflow .*hotfix-release\.yml.* dispatched on `hotfix\/v1\.2\.3-hotfix\.2`/);
    expect(repo.dispatches).toHaveLength(1);
    expect(repo.dispatches[0]).toMatchObject({
      ref: "hotfix/v1.2.3-hotfix.2",
      sha: fix,
      inputs: {
        version: "1.2.3-hotfix.2",
        commit_sha: fix,
        parent_tag: "v1.2.3-hotfix.1",
        justification: JUSTIFICATION,
        ticket_url: "https://issues.example.com/SEC-1234",
        risk_level: "high",
      },
    });
    expect(repo.dispatches[0]?.workflow.path).toBe(".github/workflows/hotfix-release.yml");
    // The workflow makes the tag and the release, not the bot.
    expect(repo.tag("v1.2.3-hotfix.2")).toBeUndefined();
    // Dispatched is not released (issue 12.2): the run is watched.
    expect(await timelineKinds(h, incidentId)).toContain("release_dispatched");
    const runId = repo.dispatches[0]?.runId ?? 0;
    expect((await incidentNow(h, incidentId)).releaseTag).toBeNull();
    const gh = h.github;
    if (!gh) throw new Error("no GitHub emulator");
    gh.startWorkflowRun(runId);
    gh.setPendingDeployments(runId, [{ environment: "hotfix-release", reviewers: ["cole", { team: "release-captains" }] }]);
    const waiting = await saidInRoom(h, room, /waits for approval of the environment `hotfix-release`/);
    expect(waiting).toContain("@cole");
    expect(waiting).toContain("team release-captains");
    expect(waiting).toContain(`/actions/runs/${runId}`);
    expect((await incidentNow(h, incidentId)).releaseTag).toBeNull();
    // A second release is refused while the run goes on.
    const again = await hotfix(h, room, "release", "U0BOB");
    await eventually(() => expect(again.text()).toContain("being checked and created already"));
    gh.approvePendingDeployments(runId);
    repo.release({ tag: "v1.2.3-hotfix.2", target: fix, prerelease: false, body: "Hotfix release." });
    gh.completeWorkflowRun(runId, "success");
    await saidInRoom(h, room, /v1\.2\.3-hotfix\.2 released\*: the release workflow .*run.* succeeded/);
    const incident = await eventually(async () => {
      const found = await incidentNow(h, incidentId);
      expect(found.releaseTag).toBe("v1.2.3-hotfix.2");
      return found;
    });
    expect(incident).toMatchObject({ version: "1.2.3-hotfix.2", releaseTag: "v1.2.3-hotfix.2", fixSha: fix, phase: "deploying" });
    expect(await timelineKinds(h, incidentId)).toEqual(expect.arrayContaining(["workflow_run_waiting", "released"]));
  });

  it("rolls back the release the workflow published, pointing at the next suffix version", async () => {
    await hotfix(h, room, "rollback", "U0BOB");
    const preview = await answer(h, room, "U0BOB", "Roll back v1.2.3-hotfix.2");
    await click(h, preview, "lane_rollback_confirm");
    await saidInRoom(h, room, "is now a *pre-release*");
    const release = repo.release("v1.2.3-hotfix.2");
    expect(release?.prerelease).toBe(true);
    expect(release?.body).toContain("**WARNING: This release has been rolled back. See v1.2.3-hotfix.3 for fix.**");
  });
});

describe("merge back with the merges API", () => {
  it("merges with a merge commit when there is no conflict", async () => {
    const incident = await declared(h, { title: "Ledger rounding", commanderId: "U0BOB" });
    const room = incident.warRoomChannelId;
    const branch = await branchOf(incident.id);
    await saidInRoom(h, room, "is protected");
    const fix = repo.commit({ branch, message: "fix: ledger rounding", files: { "src/rounding.ts": "export const mode = 'half-up';\n" } });
    await deployAndWait(room, fix);
    // A release captain named in the policy.
    await hotfix(h, room, "complete", "U0DAVE");
    await saidInRoom(h, room, /complete\*: the hotfix merged into `main`/);
    const main = repo.branch("main")?.sha ?? "";
    expect(repo.isAncestor(fix, main)).toBe(true);
    expect(repo.calls({ operationId: "repos/merge", status: 201 })).toHaveLength(1);
    // The merge commit has two parents (main before, the hotfix branch); CHANGELOG.md was committed on top.
    const merge = repo.log("v1.2.3", "main").find((c) => c.parents.length === 2);
    expect(merge?.parents).toContain(fix);
    expect(repo.branch(branch)).toBeUndefined();
    expect(h.slack.channel(room)?.isArchived).toBe(false);
    expect((await incidentNow(h, incident.id)).completedAt).toBeInstanceOf(Date);
  });

  it("reports a merge conflict (409) in the war room with what to do, does not retry it, and finishes after the conflict is resolved", async () => {
    const incident = await declared(h, { title: "Version bump clash", commanderId: "U0BOB" });
    const room = incident.warRoomChannelId;
    const branch = await branchOf(incident.id);
    await saidInRoom(h, room, "is protected");
    // main changed package.json since v1.2.3 (1.3.0-rc.1); the fix changes the same line.
    const fix = repo.commit({
      branch,
      message: "fix: bump to 1.2.4",
      files: { "package.json": '{\n  "name": "payments",\n  "version": "1.2.4"\n}\n' },
    });
    await deployAndWait(room, fix);
    const mergesBefore = repo.calls({ operationId: "repos/merge" }).length;
    await hotfix(h, room, "complete", "U0BOB");
    const said = await saidInRoom(h, room, "Merge back blocked");
    expect(said).toContain(`\`${branch}\` conflicts with \`main\` (GitHub: 409 Merge conflict)`);
    expect(said).toContain("Not retried");
    expect(said).toContain(`git merge origin/${branch}`);
    expect(said).toContain("run `/hotfix complete` again");
    // The conflict also becomes a pull request carrying the same steps (runbook 002), opened once.
    const conflictPulls = repo.pulls.filter((p) => p.head === branch && p.base === "main" && p.state === "open");
    expect(conflictPulls).toHaveLength(1);
    expect(said).toContain(`pull request #${conflictPulls[0]?.number}`);
    await settled(h.db.prisma);
    const merges = repo.calls({ operationId: "repos/merge" }).slice(mergesBefore);
    expect(merges.map((c) => c.status)).toEqual([409]);
    expect(repo.branch(branch)?.sha).toMatch(/^[0-9a-f]{40}$/);
    expect((await incidentNow(h, incident.id)).completedAt).toBeNull();
    expect(await timelineKinds(h, incident.id)).toContain("merge_back_conflict");
    // Not a failed step: a conflict is an outcome that needs a person, said once.
    expect(await h.db.prisma.sideEffect.count({ where: { incidentId: incident.id, status: "failed" } })).toBe(0);
    expect(roomTexts(h, room).filter((t) => t.includes("Merge back blocked"))).toHaveLength(1);

    // Someone resolves it in a pull request and merges it into main.
    const resolved = repo.commit({
      branch: "main",
      parents: ["main", branch],
      message: `Merge ${branch} into main (conflict resolved)`,
      files: { "package.json": '{\n  "name": "payments",\n  "version": "1.3.0-rc.2"\n}\n' },
    });
    await hotfix(h, room, "complete", "U0BOB");
    await saidInRoom(h, room, /complete\*: the hotfix was already in `main`/);
    expect(repo.isAncestor(resolved, "main")).toBe(true);
    expect(repo.calls({ operationId: "repos/merge" }).slice(mergesBefore)).toHaveLength(1);
    expect(repo.branch(branch)).toBeUndefined();
    expect(repo.file("main", "CHANGELOG.md")).toContain("Version bump clash");
    expect((await incidentNow(h, incident.id)).completedAt).toBeInstanceOf(Date);
  });
});

describe("the release workflow is dispatched at most once", () => {
  it("does not retry a dispatch that failed with a 5xx (GitHub may have queued the run): one POST, then a clear permanent failure", async () => {
    const incident = await declared(h, { title: "Dispatch under 502s", commanderId: "U0BOB" });
    const room = incident.warRoomChannelId;
    const branch = await branchOf(incident.id);
    await saidInRoom(h, room, "is protected");
    const version = branch.replace(/^hotfix\//, "");
    const fix = repo.commit({ branch, message: "fix: dispatch", files: { "src/dispatch.ts": "export const d = 1;\n" } });
    const before = repo.calls({ operationId: "actions/create-workflow-dispatch" }).length;
    const fault = h.github?.faults.add({ operationId: "actions/create-workflow-dispatch", status: 502, times: 10 });
    try {
      const view = await openReleaseForm(h, room);
      await submitRelease(h, view.id, {
        version,
        commit: fix,
        parent: "v1.2.3",
        justification: JUSTIFICATION,
        ticket: "https://issues.example.com/SEC-1235",
        risk: "low",
      });
      const said = await saidInRoom(h, room, "may have started a run", 30_000);
      expect(said).toContain("hotfix-release.yml");
      await settled(h.db.prisma);
      // Neither Octokit's retries nor the outbox's sent it again.
      expect(repo.calls({ operationId: "actions/create-workflow-dispatch" }).slice(before)).toHaveLength(1);
      const step = await h.db.prisma.sideEffect.findFirst({
        where: { incidentId: incident.id, key: { startsWith: "gh-release-dispatch:" } },
      });
      expect(step?.status).toBe("failed");
      expect(step?.result).toMatchObject({ dispatchAttemptedAt: expect.any(String) });
      expect((await incidentNow(h, incident.id)).releaseTag).toBeNull();
    } finally {
      if (fault) h.github?.faults.remove(fault);
      // Out of the way of the next incident's branch at declare.
      repo.deleteRef(`refs/heads/${branch}`);
    }
  });
});

describe("completion after production went back to the parent", () => {
  it("refuses to complete (or tag the parent as final) while production runs the parent release", async () => {
    const incident = await declared(h, { title: "Rolled back by deploy", commanderId: "U0BOB" });
    const room = incident.warRoomChannelId;
    const branch = await branchOf(incident.id);
    await saidInRoom(h, room, "is protected");
    const fix = repo.commit({ branch, message: "fix: rollback by deploy", files: { "src/rb.ts": "export const rb = 1;\n" } });
    await deployAndWait(room, fix);
    // Production goes back to the parent release by hand.
    await hotfix(h, room, `deployed production ${v123} back to v1.2.3`, "U0BOB");
    await saidInRoom(h, room, "the parent release v1.2.3-hotfix.1, to *production*");
    await settled(h.db.prisma);
    const res = await hotfix(h, room, "complete", "U0BOB");
    await eventually(() => expect(res.text()).toContain("production runs the parent release v1.2.3-hotfix.1"));
    expect(await h.db.prisma.sideEffect.count({ where: { incidentId: incident.id, key: { startsWith: "gh-final-tag:" } } })).toBe(0);
    expect(repo.branch(branch)?.sha).toMatch(/^[0-9a-f]{40}$/);
    repo.deleteRef(`refs/heads/${branch}`);
  });

  it("counts a production deploy of the parent as a rollback of the standing release", async () => {
    const incident = await declared(h, { title: "Released, then parent redeployed", commanderId: "U0BOB" });
    const room = incident.warRoomChannelId;
    const branch = await branchOf(incident.id);
    await saidInRoom(h, room, "is protected");
    // As if released (the release itself is covered above).
    await h.db.prisma.incident.update({ where: { id: incident.id }, data: { releaseTag: "v9.9.9", version: "9.9.9" } });
    await hotfix(h, room, `deployed production ${v123} back to v1.2.3`, "U0BOB");
    await saidInRoom(h, room, "v9.9.9 counts as rolled back");
    const after = await incidentNow(h, incident.id);
    expect(after.rolledBackAt).toBeInstanceOf(Date);
    const res = await hotfix(h, room, "complete", "U0BOB");
    await eventually(() => expect(res.text()).toContain("the release was rolled back"));
    repo.deleteRef(`refs/heads/${branch}`);
  });
});

describe("a release workflow run that fails (issue 12.2)", () => {
  it("is reported with its link, releases nothing and leaves the incident in fixing; a new release may follow", async () => {
    const incident = await declared(h, { title: "Release run cancelled", commanderId: "U0BOB" });
    const room = incident.warRoomChannelId;
    const branch = await branchOf(incident.id);
    await saidInRoom(h, room, "is protected");
    const version = branch.replace(/^hotfix\//, "");
    const fix = repo.commit({ branch, message: "fix: cancelled run", files: { "src/cancel.ts": "export const c = 1;\n" } });
    const before = repo.dispatches.length;
    const view = await openReleaseForm(h, room);
    await submitRelease(h, view.id, {
      version,
      commit: fix,
      parent: (await incidentNow(h, incident.id)).parentTag ?? "v1.2.3",
      justification: JUSTIFICATION,
      ticket: "https://issues.example.com/SEC-1236",
      risk: "low",
    });
    const dispatch = await eventually(() => {
      const found = repo.dispatches[before];
      expect(found).toBeTruthy();
      return found as NonNullable<typeof found>;
    });
    h.github?.startWorkflowRun(dispatch.runId);
    h.github?.completeWorkflowRun(dispatch.runId, "cancelled");
    const said = await saidInRoom(h, room, /release workflow .*run.* ended \*cancelled\*/);
    expect(said).toContain(`/actions/runs/${dispatch.runId}`);
    expect(said).toContain("stays in fixing");
    await settled(h.db.prisma);
    const after = await incidentNow(h, incident.id);
    expect(after.releaseTag).toBeNull();
    expect(["declared", "preparing", "fixing"]).toContain(after.phase);
    expect(await timelineKinds(h, incident.id)).toContain("release_run_failed");
    // Nothing watched any more: /hotfix release opens again.
    await openReleaseForm(h, room);
    repo.deleteRef(`refs/heads/${branch}`);
  });
});
