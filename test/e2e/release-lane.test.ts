// The release lane end to end (runbooks 000, 001, 004): each /hotfix verb as
// a signed Slack request into the real app, its GitHub work done by the
// outbox against the GitHub emulator, and the emulator's repository, the
// war room and the database asserted afterwards. One incident goes through
// the whole lane: branch, rollback tags, ancestry refusal, gates blocked then
// waived, release, deploys by webhook, rollback, release again, completion.

import { deploymentStatusEvent, type EmulatedRepo, pullRequestEvent } from "@hotfix/github-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POSTMORTEM_DUE_QUEUE } from "../../src/effects/postmortem-due.js";
import { fireStabilityWindow } from "../../src/workflows/deploy.js";
import { firePostmortemReminder } from "../../src/workflows/postmortem.js";
import { requestRollback } from "../../src/workflows/rollback.js";
import { settled } from "../support/declare.js";
import { eventually, GITHUB_WEBHOOK_SECRET, type Harness } from "../support/harness.js";
import {
  answer,
  click,
  declared,
  hotfix,
  incidentNow,
  JUSTIFICATION,
  laneSteps,
  movableClock,
  openReleaseForm,
  roomTexts,
  saidInRoom,
  startReleaseLane,
  stopReleaseLane,
  submitRelease,
  timelineKinds,
} from "../support/release-lane.js";

const clock = movableClock();
let h: Harness;
let repo: EmulatedRepo;
let room: string;
let incidentId: string;
let v123: string;
let fix: string;
let steps: ReturnType<typeof laneSteps>;
const HOUR = 3_600_000;

beforeAll(async () => {
  ({ h, repo } = await startReleaseLane({
    now: clock.now,
    // UAT is required here (the runbooks' default): the commander skips it with a reason before completing.
    // Runbook 000's habit: merge back at clean-up (runbook 002's merge at the production deploy: release-lane-runbooks.test.ts).
    policy: { people: { releaseCaptains: { usergroup: "S0CAPTAINS" } }, uat: { required: true }, github: { mergeBackAt: "complete" } },
  }));
  v123 = repo.mustResolve("v1.2.3").sha;
  // Runbook 000: main is at the production release when the hotfix starts, so the merge back can fast-forward.
  repo.setRef("refs/heads/main", v123);
  const incident = await declared(h, {
    title: "Card fees rounded wrong",
    ticketUrl: "https://linear.app/acme/issue/ENG-42/fees",
    commanderId: "U0BOB",
  });
  incidentId = incident.id;
  room = incident.warRoomChannelId;
  steps = laneSteps({ h, repo, room, incidentId, clock, webhookSecret: GITHUB_WEBHOOK_SECRET });
});

/** Rollback points the status and refusal tests need, made once. */
async function ensureTags(): Promise<void> {
  await steps.branch();
  if (!repo.tagNames().some((t) => t.startsWith("hotfix-prep-2"))) {
    await hotfix(h, room, "tag prep");
    await saidInRoom(h, room, /Rollback point .*hotfix-prep-\d{8}/);
  }
  if (!repo.tag("milestone/pre-fix")) {
    await hotfix(h, room, `tag pre-fix ${repo.mustResolve("v1.2.0").sha.slice(0, 10)}`);
    await saidInRoom(h, room, "milestone/pre-fix");
  }
  await settled(h.db.prisma);
}

afterAll(() => stopReleaseLane(h));

const webhook = (event: string, payload: unknown, options: { deliveryId?: string; secret?: string } = {}) =>
  h.github?.sendWebhook(event, payload, {
    url: `${h.app.url}/webhooks/github`,
    secret: options.secret ?? GITHUB_WEBHOOK_SECRET,
    ...(options.deliveryId ? { deliveryId: options.deliveryId } : {}),
  }) as ReturnType<NonNullable<Harness["github"]>["sendWebhook"]>;

describe("the verbs", () => {
  it("are listed by /hotfix help", async () => {
    const res = await h.slack.slashCommand({ userId: "U0ALICE", channelId: "C0ENGPROD", text: "help" });
    const text = JSON.stringify(res.body);
    for (const verb of ["branch", "tag", "release", "deployed", "rollback", "complete"]) expect(text).toContain(`/hotfix ${verb}`);
  });

  it("refuse outside a war room, naming the open war rooms", async () => {
    const res = await hotfix(h, "C0ENGPROD", "branch");
    expect(res.text()).toContain("works in an incident's war room");
    expect(res.text()).toContain(`<#${room}>`);
  });
});

describe("/hotfix branch", () => {
  it("shows the parent release and the branch before acting", async () => {
    const res = await hotfix(h, room, "branch");
    expect(res.status).toBe(200);
    const preview = await answer(h, room, "U0ALICE", "Create branch");
    const text = `${preview.text} ${JSON.stringify(preview.blocks)}`;
    // v1.3.0-rc.1 is a pre-release and hotfix-prod-20250116 is not semver: v1.2.3 is the parent.
    expect(text).toContain("*v1.2.3*");
    expect(text).toContain("highest semver tag matching `v*`");
    expect(text).toContain("pre-releases and non-semver tags ignored");
    expect(text).toContain("release/hotfix-eng-42");
    expect(repo.branch("release/hotfix-eng-42")).toBeUndefined();
  });

  it("creates the branch at the parent tag's commit, protects it and says so in the war room", async () => {
    if (!(await incidentNow(h, incidentId)).hotfixBranch) await hotfix(h, room, "branch");
    const preview = await answer(h, room, "U0ALICE", "Create branch");
    await click(h, preview, "lane_branch_create");
    const said = await saidInRoom(h, room, /Hotfix branch .*release\/hotfix-eng-42.* created from \*v1\.2\.3\*/);
    expect(said).toContain("the highest semver tag matching `v*`");
    await saidInRoom(h, room, "is protected");
    const branch = repo.branch("release/hotfix-eng-42");
    expect(branch?.sha).toBe(v123);
    expect(branch?.protected).toBe(true);
    expect(repo.protections.get("release/hotfix-eng-42")?.requiredPullRequestReviews).toMatchObject({ require_code_owner_reviews: true });
    const incident = await incidentNow(h, incidentId);
    expect(incident).toMatchObject({ parentTag: "v1.2.3", parentSha: v123, hotfixBranch: "release/hotfix-eng-42" });
    expect(await timelineKinds(h, incidentId)).toEqual(expect.arrayContaining(["branch_requested", "branch_created", "branch_protected"]));
    // The preview was replaced by what happened.
    expect(h.slack.ephemerals({ channel: room, user: "U0ALICE" }).some((e) => e.text.includes("Creating `release/hotfix-eng-42`"))).toBe(
      true,
    );
  });

  it("refuses a second branch", async () => {
    await steps.branch();
    const res = await hotfix(h, room, "branch other");
    await eventually(() => expect(res.text()).toContain("already has its hotfix branch `release/hotfix-eng-42`"));
  });
});

describe("/hotfix tag", () => {
  it("tags prep as an annotated rollback point at the branch head", async () => {
    await steps.branch();
    const res = await hotfix(h, room, "tag prep");
    expect(res.text()).toContain("hotfix-prep-");
    const tagName = (await saidInRoom(h, room, /Rollback point .*hotfix-prep-\d{8}/)).match(/hotfix-prep-\d{8}/)?.[0] ?? "";
    const tag = repo.tag(tagName);
    expect(tag).toMatchObject({ sha: v123, annotated: true });
    expect(tag?.object?.message).toContain("pre-deployment rollback point");
    const milestone = await h.db.prisma.milestone.findUnique({ where: { incidentId_tag: { incidentId, tag: tagName } } });
    expect(milestone).toMatchObject({ kind: "prep", sha: v123 });
  });

  it("tags a named milestone at a given commit", async () => {
    await steps.branch();
    const v120 = repo.mustResolve("v1.2.0").sha;
    await hotfix(h, room, `tag pre-fix ${v120.slice(0, 10)}`);
    await saidInRoom(h, room, "milestone/pre-fix");
    expect(repo.tag("milestone/pre-fix")).toMatchObject({ sha: v120, annotated: true });
  });

  it("refuses the same tag twice and a bad sha", async () => {
    await ensureTags();
    await settled(h.db.prisma);
    expect((await hotfix(h, room, "tag pre-fix")).text()).toContain("already a rollback point");
    expect((await hotfix(h, room, "tag later xyz")).text()).toContain("not a commit sha");
  });

  it("lists every rollback point in /hotfix status", async () => {
    await ensureTags();
    const res = await hotfix(h, room, "status");
    const text = res.text();
    expect(text).toContain("*Branch:* `release/hotfix-eng-42`");
    expect(text).toContain("*Rollback points:*");
    expect(text).toMatch(/`hotfix-prep-\d{8}` at `[0-9a-f]{7}` \(pre-deploy/);
    expect(text).toContain("`milestone/pre-fix`");
    expect(text).toContain("`v1.2.3` at");
  });
});

describe("/hotfix release", () => {
  const submit = async (values: Record<string, unknown>, options: { skipClientValidation?: boolean; userId?: string } = {}) => {
    const view = await openReleaseForm(h, room);
    return { view, result: await submitRelease(h, view.id, values, options) };
  };
  const form = (commit: string, over: Record<string, unknown> = {}) => ({
    version: "1.2.4",
    commit,
    parent: "v1.2.3",
    justification: JUSTIFICATION,
    ticket: "https://linear.app/acme/issue/ENG-42/fees",
    risk: "high",
    ...over,
  });

  it("opens the form filled in from GitHub: parent, next version, the branch head", async () => {
    await steps.branch();
    const view = await openReleaseForm(h, room);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('"initial_value":"v1.2.4"');
    expect(text).toContain(`"initial_value":"${v123}"`);
    expect(text).toContain('"initial_value":"v1.2.3"');
    expect(text).toContain("creates the version tag and a GitHub release");
    await h.slack.closeView({ viewId: view.id, userId: "U0BOB" });
  });

  it("is for the commander or a release captain only, checked when the form opens and again on submit", async () => {
    await steps.branch();
    const typed = await hotfix(h, room, "release", "U0DAVE");
    await eventually(() => expect(typed.text()).toContain("Only the commander (<@U0BOB>) or a release captain can release the hotfix"));
    // A form opened by the commander and submitted by someone else (a shared screen, a forged payload).
    const view = await openReleaseForm(h, room);
    const res = await submitRelease(h, view.id, form(v123), { userId: "U0DAVE" });
    expect(res.body).toMatchObject({ response_action: "errors", errors: { version: expect.stringContaining("Only the commander") } });
    await h.slack.closeView({ viewId: view.id, userId: "U0BOB" });
    expect(await h.db.prisma.sideEffect.count({ where: { incidentId, key: { startsWith: "gh-release-" } } })).toBe(0);
  });

  it("explains bad input inline and creates nothing", async () => {
    await steps.branch();
    const { result } = await submit(form("abc1234", { justification: "too short", ticket: "nope" }), { skipClientValidation: true });
    expect(result.body).toMatchObject({
      response_action: "errors",
      errors: { commit: expect.stringContaining("40-character"), justification: expect.stringContaining("50"), ticket: expect.any(String) },
    });
    const unknownWaiver = await submit(form(v123, { waivers: "HW-2099-999" }));
    expect(unknownWaiver.result.body).toMatchObject({
      response_action: "errors",
      errors: { waivers: expect.stringContaining("No waiver HW-2099-999") },
    });
    expect(await h.db.prisma.sideEffect.count({ where: { incidentId, key: { startsWith: "gh-release-" } } })).toBe(0);
  });

  it("refuses a commit that does not descend from the parent, with runbook 004's message and remedy", async () => {
    await steps.branch();
    // A fix made from v1.2.0 instead of v1.2.3.
    const stray = repo.commit({
      parents: ["v1.2.0"],
      message: "fix: fees (from the wrong base)",
      files: { "src/money.ts": "export const x = 1;\n" },
    });
    repo.createBranch("wrong-base", stray);
    const { result } = await submit(form(stray));
    expect(result.status).toBe(200);
    const message = await saidInRoom(h, room, "Hotfix commit does not descend from parent");
    expect(message).toContain(`git merge-base --is-ancestor v1.2.3 ${stray}`);
    expect(message).toContain("git cherry-pick <fix-commits>");
    await settled(h.db.prisma);
    expect(repo.tag("v1.2.4")).toBeUndefined();
    expect(repo.release("v1.2.4")).toBeUndefined();
    expect(await timelineKinds(h, incidentId)).toContain("release_refused");
  });

  it("blocks on a failing gate of the fix commit", async () => {
    fix = await steps.fix();
    const view = await openReleaseForm(h, room);
    expect(JSON.stringify(view.blocks)).toContain(`"initial_value":"${fix}"`);
    expect(JSON.stringify(view.blocks)).toContain("integration-tests (failure)");
    await submitRelease(h, view.id, form(fix));
    const message = await saidInRoom(h, room, "Release v1.2.4 blocked by gates");
    expect(message).toContain("*integration-tests* is failure");
    await settled(h.db.prisma);
    expect(repo.tag("v1.2.4")).toBeUndefined();
  });

  it("is allowed by an active waiver with its approvals, for that gate and that tag; tags and releases with notes linking the incident", async () => {
    fix = await steps.fix();
    // Waivers come from the waiver lane; here one is in the database already. An expired one does not count.
    const expired = await h.db.prisma.waiver.create({
      data: {
        code: "HW-2026-000",
        type: "gate-bypass",
        hotfixTag: "v1.2.4",
        gatesWaived: ["integration-tests"],
        justification: "old",
        riskAssessment: "low",
        mitigations: [],
        status: "active",
        requestedBy: "U0ALICE",
        expiresAt: new Date(Date.now() - HOUR),
        approvals: { create: [{ approver: "U0BOB" }, { approver: "U0CAROL" }] },
      },
    });
    expect(expired.code).toBe("HW-2026-000");
    await steps.waiver();
    const view = await openReleaseForm(h, room);
    expect(JSON.stringify(view.blocks)).toContain("waived by HW-2026-001");
    const res = await submitRelease(h, view.id, form(fix, { waivers: "HW-2026-001" }));
    expect(res.status).toBe(200);
    await saidInRoom(h, room, /v1\.2\.4 released/);
    const tag = repo.tag("v1.2.4");
    expect(tag).toMatchObject({ sha: fix, annotated: true });
    const release = repo.release("v1.2.4");
    expect(release?.tagName).toBe("v1.2.4");
    expect(release?.prerelease).toBe(false);
    const incident = await incidentNow(h, incidentId);
    expect(release?.body).toContain(`HF-${incident.number}: Card fees rounded wrong`);
    // The incident link is the pinned card's permalink.
    expect(release?.body).toMatch(/\]\(https?:\/\/[^)]*\/archives\/C[A-Z0-9]+\/p\d+/);
    expect(release?.body).toContain("HW-2026-001");
    expect(release?.body).toContain("**Risk level:** high");
    expect(repo.latestRelease()?.tagName).toBe("v1.2.4");
    expect(incident).toMatchObject({ version: "1.2.4", releaseTag: "v1.2.4", fixSha: fix, releaseId: release?.id, phase: "deploying" });
    expect(incident.releaseUrl).toContain("/releases/tag/v1.2.4");
    const kinds = await timelineKinds(h, incidentId);
    expect(kinds).toEqual(expect.arrayContaining(["release_requested", "release_checks_passed", "released"]));
    // One tag and one release, whatever the retries.
    expect(repo.calls({ operationId: "repos/create-release", status: 201 })).toHaveLength(1);
  });

  it("refuses a second release while one stands", async () => {
    await steps.released();
    const res = await hotfix(h, room, "release");
    expect(res.text()).toContain("v1.2.4 is released already");
  });
});

describe("deployments", () => {
  it("refuses a webhook with a bad signature and records nothing", async () => {
    fix = await steps.released();
    const payload = deploymentStatusEvent(repo, { ref: "v1.2.4", environment: "staging" });
    const res = await webhook("deployment_status", payload, { secret: "wrong" });
    expect(res.status).toBe(401);
    expect(await h.db.prisma.deployment.count({ where: { incidentId } })).toBe(0);
  });

  it("records a staging deploy once despite redelivery, and starts the UAT clock", async () => {
    fix = await steps.released();
    const payload = deploymentStatusEvent(repo, {
      ref: "v1.2.4",
      environment: "staging",
      creator: "sam-sre",
      description: "hotfix to staging",
    });
    const first = await webhook("deployment_status", payload, { deliveryId: "d-1" });
    expect(first.status).toBe(200);
    const again = await webhook("deployment_status", payload, { deliveryId: "d-1" });
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body)).toMatchObject({ duplicate: true });
    const rows = await h.db.prisma.deployment.findMany({ where: { incidentId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      environment: "staging",
      sha: fix,
      deployer: "sam-sre",
      reason: "hotfix to staging",
      status: "success",
      source: "webhook",
    });
    const incident = await incidentNow(h, incidentId);
    expect(incident.stagingDeployedAt).toBeInstanceOf(Date);
    await saidInRoom(h, room, /Deployed .* to \*staging\* by `sam-sre`: hotfix to staging.*UAT clock starts now/);
    const events = await h.db.prisma.timelineEvent.findMany({ where: { incidentId, kind: "deployed" } });
    expect(events).toHaveLength(1);
    expect(events[0]?.summary).toContain("Deployed to staging");
  });

  it("ignores deploys in progress and deploys of unrelated commits", async () => {
    fix = await steps.released();
    await steps.staging();
    const queued = await webhook(
      "deployment_status",
      deploymentStatusEvent(repo, { ref: "v1.2.4", environment: "production", state: "in_progress" }),
    );
    expect(queued.status).toBe(202);
    repo.commit({ branch: "feature/unrelated", message: "feat: unrelated", files: { "src/other.ts": "export {};\n" } });
    const other = await webhook("deployment_status", deploymentStatusEvent(repo, { ref: "feature/unrelated", environment: "production" }));
    expect(other.status).toBe(202);
    expect(await h.db.prisma.deployment.count({ where: { incidentId } })).toBe(1);
  });

  it("records a production deploy: stability window from the policy, phase monitoring", async () => {
    fix = await steps.released();
    await steps.staging();
    const res = await webhook(
      "deployment_status",
      deploymentStatusEvent(repo, { ref: "v1.2.4", environment: "production", creator: "sam-sre" }),
    );
    expect(res.status).toBe(200);
    const incident = await incidentNow(h, incidentId);
    expect(incident.phase).toBe("monitoring");
    expect(incident.productionDeployedAt).toBeInstanceOf(Date);
    expect(incident.stabilityEndsAt?.getTime()).toBe((incident.productionDeployedAt?.getTime() ?? 0) + 24 * HOUR);
    await saidInRoom(h, room, /to \*production\* by `sam-sre`.*stability window ends/);
  });

  it("records a merged pull request into the hotfix branch", async () => {
    fix = await steps.released();
    await steps.production();
    repo.createBranch("fix/log-fees", "release/hotfix-eng-42");
    repo.commit({ branch: "fix/log-fees", message: "chore: log fee rounding", files: { "src/log.ts": "export const log = true;\n" } });
    repo.protections.delete("release/hotfix-eng-42");
    const payload = pullRequestEvent(repo, {
      head: "fix/log-fees",
      base: "release/hotfix-eng-42",
      title: "Log fee rounding",
      sender: "dana-dev",
    });
    const res = await webhook("pull_request", payload);
    expect(res.status).toBe(200);
    const again = await webhook("pull_request", payload);
    expect(JSON.parse(again.body)).toMatchObject({ duplicate: true });
    const rows = await h.db.prisma.deployment.findMany({ where: { incidentId, environment: "pull_request" } });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.reason).toContain("Log fee rounding");
    expect(await timelineKinds(h, incidentId)).toContain("pull_request_merged");
    // Put the branch back where the release is, protected, for the rest of the lane.
    repo.setRef("refs/heads/release/hotfix-eng-42", fix);
    repo.protectBranch("release/hotfix-eng-42", { requiredPullRequestReviews: { require_code_owner_reviews: true } });
  });
});

describe("/hotfix complete, refused", () => {
  it("refuses someone who is neither commander nor release captain", async () => {
    await steps.production();
    const res = await hotfix(h, room, "complete", "U0DAVE");
    await eventually(() => expect(res.text()).toContain("Only the commander (<@U0BOB>) or a release captain"));
  });

  it("refuses the commander before the stability window has passed", async () => {
    await steps.production();
    const res = await hotfix(h, room, "complete", "U0BOB");
    await eventually(() => expect(res.text()).toMatch(/stability window is still running: \d+ h/));
    expect(await h.db.prisma.sideEffect.count({ where: { incidentId, key: { startsWith: "gh-merge-back:" } } })).toBe(0);
  });
});

describe("/hotfix rollback", () => {
  it("is for the commander or a release captain only, on the preview and on confirming", async () => {
    await steps.production();
    await settled(h.db.prisma);
    const typed = await hotfix(h, room, "rollback", "U0DAVE");
    await eventually(() => expect(typed.text()).toContain("Only the commander (<@U0BOB>) or a release captain can roll back the release"));
    // The confirm button's handler checks again (a button payload names its clicker).
    await expect(requestRollback(h.app.ctx, await incidentNow(h, incidentId), "U0DAVE")).rejects.toThrow(
      /Only the commander \(<@U0BOB>\) or a release captain can roll back/,
    );
    expect((await incidentNow(h, incidentId)).rolledBackAt).toBeNull();
    expect(await h.db.prisma.sideEffect.count({ where: { incidentId, key: { startsWith: "gh-rollback:" } } })).toBe(0);
  });

  it("shows the rollback points, then marks the release pre-release with runbook 004's warning and announces", async () => {
    await steps.production();
    await settled(h.db.prisma);
    await hotfix(h, room, "rollback fees still wrong for JPY", "U0BOB");
    const preview = await answer(h, room, "U0BOB", "Roll back v1.2.4");
    const text = `${preview.text}${JSON.stringify(preview.blocks)}`;
    expect(text).toContain("Rollback points:");
    expect(text).toContain("`v1.2.3` at");
    expect(text).toContain("`v1.2.4` at");
    expect(text).toContain("Production goes back to *v1.2.3*");
    await click(h, preview, "lane_rollback_confirm");
    await saidInRoom(h, room, /v1\.2\.4 rolled back\* by <@U0BOB>: fees still wrong for JPY/);
    await saidInRoom(h, room, "is now a *pre-release*");
    // No github.deployWorkflow here: the war room is told the exact redeploy step (runbook 002, issue 12.9).
    const redeploy = await saidInRoom(h, room, "Next: point production back at v1.2.3");
    expect(redeploy).toContain("`git checkout v1.2.3`");
    const release = repo.release("v1.2.4");
    expect(release?.prerelease).toBe(true);
    expect(release?.body).toMatch(/\n\n---\n\n\*\*WARNING: This release has been rolled back\. See v1\.2\.5 for fix\.\*\*$/);
    const incident = await incidentNow(h, incidentId);
    expect(incident.rolledBackAt).toBeInstanceOf(Date);
    expect(incident.phase).toBe("fixing");
    // Announced where the severity says (P1: #incidents and #eng-prod).
    await eventually(() => {
      for (const channel of ["C0INCIDENTS", "C0ENGPROD"])
        expect(roomTexts(h, channel).some((t) => t.includes("v1.2.4 rolled back"))).toBe(true);
    });
    expect(await timelineKinds(h, incidentId)).toEqual(expect.arrayContaining(["rolled_back", "release_marked_prerelease"]));
  });

  it("refuses a second rollback", async () => {
    await steps.rolledBack();
    const res = await hotfix(h, room, "rollback", "U0BOB");
    expect(res.text()).toContain("rolled back already");
  });
});

describe("release again, deploy, and complete", () => {
  it("releases the next fix as v1.2.5", async () => {
    await steps.rolledBack();
    const fix2 = repo.commit({
      branch: "release/hotfix-eng-42",
      message: "fix: round JPY fees too",
      files: { "src/money.ts": "export function roundHalfEven(value: number): number {\n  return Math.round(value + 0);\n}\n" },
    });
    // An admin pushing to the protected branch, as the emulator allows.
    repo.addCheckRun(fix2, { name: "build", conclusion: "success" });
    repo.addCheckRun(fix2, { name: "test", conclusion: "success" });
    const view = await openReleaseForm(h, room);
    expect(JSON.stringify(view.blocks)).toContain('"initial_value":"v1.2.5"');
    await submitRelease(h, view.id, {
      version: "v1.2.5",
      commit: fix2,
      parent: "v1.2.3",
      justification: JUSTIFICATION,
      ticket: "https://linear.app/acme/issue/ENG-42/fees",
      risk: "medium",
    });
    await saidInRoom(h, room, /v1\.2\.5 released/);
    expect(repo.tag("v1.2.5")).toMatchObject({ sha: fix2, annotated: true });
    const incident = await incidentNow(h, incidentId);
    expect(incident).toMatchObject({ releaseTag: "v1.2.5", rolledBackAt: null, fixSha: fix2 });
    fix = fix2;
  });

  it("records a production deploy by hand", async () => {
    fix = await steps.releasedAgain();
    const res = await hotfix(h, room, `deployed production ${fix.slice(0, 12)} JPY fees`, "U0BOB");
    expect(res.text()).toContain("deployed to production");
    const row = await h.db.prisma.deployment.findFirst({ where: { incidentId, source: "manual" } });
    expect(row).toMatchObject({ environment: "production", sha: fix.slice(0, 12), deployer: "Bob Brown", reason: "JPY fees" });
    const incident = await incidentNow(h, incidentId);
    expect(incident.phase).toBe("monitoring");
  });

  it("tags prod at the commit deployed to production, by itself (runbook 000, github.autoTags), the day's second one with -2", async () => {
    fix = await steps.deployedByHand();
    const tags = await eventually(() => {
      const today = clock.now().toISOString().slice(0, 10).replace(/-/g, "");
      const found = repo.tagNames().filter((t) => t === `hotfix-prod-${today}` || t === `hotfix-prod-${today}-2`);
      expect(found).toHaveLength(2);
      return found.sort();
    });
    // The first at v1.2.4 (rolled back since), the second at the fix production runs now.
    expect(repo.tag(tags[1] ?? "")).toMatchObject({ sha: fix, annotated: true });
    expect(tags[1]).toMatch(/-2$/);
    const res = await hotfix(h, room, "tag prod", "U0BOB");
    expect(res.text()).toContain("already a rollback point");
  });

  it("says in the war room when the stability window has passed", async () => {
    fix = await steps.deployedByHand();
    await settled(h.db.prisma);
    clock.advance(25 * HOUR);
    const incident = await incidentNow(h, incidentId);
    // The durable timer fires at stabilityEndsAt; here its handler runs now, as pg-boss would then.
    expect(await fireStabilityWindow(h.app.ctx, { incidentId, endsAt: incident.stabilityEndsAt?.toISOString() ?? "" })).toBe("sent");
    expect(await fireStabilityWindow(h.app.ctx, { incidentId, endsAt: "2020-01-01T00:00:00.000Z" })).toBe("stale");
    await saidInRoom(h, room, /The 24h stability window of HF-\d+ has passed/);
    expect(await timelineKinds(h, incidentId)).toContain("stability_window_passed");
  });

  it("completes after the stability window: ff-only merge, branch deleted, final tag, CHANGELOG, war room archived", async () => {
    fix = await steps.stabilityPassed();
    await settled(h.db.prisma);
    // A hotfix branch from an older incident, to retire (last commit in January 2025).
    repo.createBranch("release/hotfix-20250110", "v1.2.0");
    // Runbooks 000 and 001 want UAT first; here the commander skips it, with the reason on the record.
    const before = await hotfix(h, room, "complete", "U0ALICE");
    await eventually(() => expect(before.text()).toMatch(/UAT has not run: schedule it .* or skip it with a reason/));
    const skipped = await hotfix(h, room, "uat skip the fix is a fee-rounding revert, covered by the staging soak", "U0BOB");
    await eventually(() => expect(skipped.text()).toContain("UAT skipped"));
    // Alice is a release captain through the policy's user group.
    const res = await hotfix(h, room, "complete", "U0ALICE");
    await eventually(() => expect(res.text()).toContain("Completing"));
    const done = await saidInRoom(h, room, /HF-\d+ complete\*: v1\.2\.5 fast-forwarded into `main`/, 20_000);
    expect(done).toContain("Legacy hotfix branches older than 30d, to retire:* `release/hotfix-20250110` (2025-01-10)");
    expect(repo.branch("release/hotfix-20250110")?.sha).toMatch(/^[0-9a-f]{40}$/);
    // Fast-forward: main is the hotfix head itself, no merge commit.
    const mainHead = repo.branch("main")?.sha ?? "";
    expect(repo.isAncestor(fix, mainHead)).toBe(true);
    expect(repo.objects.commit(mainHead)?.parents).toHaveLength(1);
    expect(repo.calls({ operationId: "repos/merge" })).toHaveLength(0);
    expect(repo.calls({ operationId: "git/update-ref" }).map((c) => (c.body as { force?: boolean }).force)).toEqual([false]);
    expect(repo.branch("release/hotfix-eng-42")).toBeUndefined();
    const finalName = repo.tagNames().find((t) => /^prod-\d{8}-hotfix$/.test(t)) ?? "";
    expect(repo.tag(finalName)).toMatchObject({ sha: expect.stringMatching(/^[0-9a-f]{40}$/), annotated: true });
    expect(repo.tag(finalName)?.sha.startsWith(fix.slice(0, 12))).toBe(true);
    const changelog = repo.file("main", "CHANGELOG.md") ?? "";
    expect(changelog.startsWith("# Changelog\n\n## v1.2.5 (hotfix,")).toBe(true);
    expect(changelog).toContain("Deployed to production");
    expect(changelog).toContain("sam-sre");
    expect(changelog).toContain("by Bob Brown — JPY fees (recorded by hand)");
    expect(changelog).toContain("## v1.2.3");
    const incident = await incidentNow(h, incidentId);
    expect(incident.completedAt).toBeInstanceOf(Date);
    expect(incident.phase).toBe("resolved");
    await eventually(() => expect(h.slack.channel(room)?.isArchived).toBe(true));
    await settled(h.db.prisma);
    expect(await timelineKinds(h, incidentId)).toEqual(
      expect.arrayContaining([
        "completion_started",
        "merged_back",
        "final_tagged",
        "changelog_updated",
        "branch_deleted",
        "completed",
        "war_room_archived",
      ]),
    );
    const failed = await h.db.prisma.sideEffect.findMany({ where: { incidentId, status: "failed" } });
    expect(failed).toEqual([]);

    // Completing resolved the incident: the post-mortem's deadline is a durable reminder, as with /hotfix resolve.
    const [job] = await h.db.prisma.$queryRawUnsafe<Array<{ start_after: Date; data: { due: string; round: number } }>>(
      `select start_after, data from pgboss.job where name = $1 and data->>'incidentId' = $2`,
      POSTMORTEM_DUE_QUEUE,
      incidentId,
    );
    expect(job?.start_after.getTime()).toBe(incident.postmortemDueAt?.getTime());
    // The war room is archived, so the reminder reaches the commander by DM, with how to export from outside Slack.
    expect(await firePostmortemReminder(h.app.ctx, { incidentId, due: job?.data.due ?? "", round: 0 })).toBe("sent");
    await settled(h.db.prisma);
    const dm = h.slack.messages(h.slack.state.openIm("U0BOB").id).filter((m) => m.text.includes("post-mortem of HF-"));
    expect(dm).toHaveLength(1);
    expect(dm[0]?.text).toMatch(/war room is archived: export it with `hotfix postmortem HF-\d+ --out hf-\d+-postmortem\.md`/);
    expect(h.slack.messages(room).filter((m) => m.text.includes("post-mortem of HF-"))).toHaveLength(0);
    expect(await h.db.prisma.sideEffect.count({ where: { incidentId, status: "failed" } })).toBe(0);
  });
});
