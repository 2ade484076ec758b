// Issue 12: the release lane as the runbooks say, one incident per test.
// Runbook 002's production deploy (SLA met with a signed margin, "HOTFIX
// DEPLOYED" to #incidents, merge back at once, the staging-first flag) and
// its rollback ("redeploy previous tag", dispatched and watched).

import { deploymentStatusEvent, type EmulatedRepo } from "@hotfix/github-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fireSlaReminder } from "../../src/workflows/sla.js";
import { settled } from "../support/declare.js";
import { eventually, GITHUB_WEBHOOK_SECRET, type Harness } from "../support/harness.js";
import {
  answer,
  click,
  declared,
  hotfix,
  incidentNow,
  roomTexts,
  saidInRoom,
  startReleaseLane,
  stopReleaseLane,
  timelineKinds,
} from "../support/release-lane.js";

let h: Harness;
let repo: EmulatedRepo;

beforeAll(async () => {
  ({ h, repo } = await startReleaseLane({
    policy: {
      github: { deployWorkflow: "deploy.yml", watchRuns: { every: "100ms", max: "500ms" } },
      stability: { requireStaging: true },
    },
  }));
});

afterAll(() => stopReleaseLane(h));

/** A released incident (as if released), its branch cut by the bot from v1.2.3, a fix on it. */
async function releasedIncident(title: string) {
  const incident = await declared(h, { title, commanderId: "U0BOB" });
  const room = incident.warRoomChannelId;
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  await hotfix(h, room, `branch hotfix/${slug}`, "U0BOB");
  await click(h, await answer(h, room, "U0BOB", "Create branch"), "lane_branch_create");
  await saidInRoom(h, room, "is protected");
  const branch = `hotfix/${slug}`;
  const fix = repo.commit({ branch, message: `fix: ${slug}`, files: { [`src/${slug}.ts`]: "export const fixed = true;\n" } });
  const v123 = repo.mustResolve("v1.2.3").sha;
  await h.db.prisma.incident.update({
    where: { id: incident.id },
    data: { releaseTag: "v1.2.4", version: "1.2.4", fixSha: fix, parentSha: v123 },
  });
  return { incident, room, branch, fix };
}

describe("a production deploy (runbook 002)", () => {
  it("meets the SLA with its margin, says HOTFIX DEPLOYED in #incidents, merges back at once, flags the missing staging deploy, and completion waits for staging", async () => {
    // Runbook 002 merges back to main immediately: main is at the production release, so it fast-forwards.
    repo.setRef("refs/heads/main", repo.mustResolve("v1.2.3").sha);
    const { incident, room, branch, fix } = await releasedIncident("Payments down");
    const payload = deploymentStatusEvent(repo, { ref: branch, environment: "production", creator: "sam-sre" });
    const res = await h.github?.sendWebhook("deployment_status", payload, {
      url: `${h.app.url}/webhooks/github`,
      secret: GITHUB_WEBHOOK_SECRET,
    });
    expect(res?.status).toBe(200);
    await saidInRoom(h, room, /reached \*production\* without a staging deploy/);
    const summary = await eventually(() => {
      const found = roomTexts(h, "C0INCIDENTS").find((t) => t.includes("HOTFIX DEPLOYED"));
      expect(found).toBeTruthy();
      return found ?? "";
    });
    expect(summary).toContain("Payments down");
    expect(summary).toContain("Version: v1.2.4");
    expect(summary).toMatch(/SLA met, \d+ h( \d+ min)? before the deadline/);
    // Merged back at once (github.mergeBackAt: production-deploy).
    await eventually(() => expect(repo.isAncestor(fix, repo.branch("main")?.sha ?? "")).toBe(true));
    await settled(h.db.prisma);
    const kinds = await timelineKinds(h, incident.id);
    expect(kinds).toEqual(expect.arrayContaining(["sla_met", "staging_skipped", "merged_back"]));
    // The SLA reminders stop: monitoring is not SLA time.
    const now = await incidentNow(h, incident.id);
    const deadline = now.slaDeadline?.toISOString() ?? "";
    expect(await fireSlaReminder(h.app.ctx, { incidentId: incident.id, fraction: 0.9, deadline })).toBe("stale");
    // The card: met, with the margin signed right.
    const card = h.slack.messages(room).find((m) => JSON.stringify(m.blocks ?? []).includes("SLA"));
    await eventually(() => expect(JSON.stringify(h.slack.messages(room).map((m) => m.blocks))).toMatch(/met: fix in production \d+/));
    expect(card).toBeTruthy();
    // stability.requireStaging: completion refuses while production runs a commit never deployed to staging.
    await h.db.prisma.incident.update({ where: { id: incident.id }, data: { stabilityEndsAt: new Date(Date.now() - 1000) } });
    const complete = await hotfix(h, room, "complete", "U0BOB");
    await eventually(() => expect(complete.text()).toContain("never deployed to staging"));
  });
});

describe("a rollback with github.deployWorkflow (runbook 002: redeploy previous tag)", () => {
  it("dispatches the deploy workflow with the parent tag and reports the run's failure with its link", async () => {
    const { incident, room } = await releasedIncident("Checkout broken");
    repo.release({ tag: "v1.2.4", target: repo.mustResolve("v1.2.3").sha, prerelease: false, body: "x" });
    await hotfix(h, room, "rollback bad fix", "U0BOB");
    await click(h, await answer(h, room, "U0BOB", "Roll back v1.2.4"), "lane_rollback_confirm");
    await saidInRoom(h, room, /dispatched to redeploy \*v1\.2\.3\* to production/);
    const dispatch = await eventually(() => {
      const found = repo.dispatches.find((d) => d.workflow.path.endsWith("deploy.yml"));
      expect(found).toBeTruthy();
      return found as NonNullable<typeof found>;
    });
    expect(dispatch.inputs).toEqual({ environment: "production", ref: "v1.2.3" });
    h.github?.startWorkflowRun(dispatch.runId);
    h.github?.completeWorkflowRun(dispatch.runId, "failure");
    const said = await saidInRoom(h, room, /redeploy of \*v1\.2\.3\*.*ended \*failure\*/);
    expect(said).toContain(`/actions/runs/${dispatch.runId}`);
    expect(await timelineKinds(h, incident.id)).toEqual(expect.arrayContaining(["rollback_dispatched", "rollback_run_failed"]));
  });
});

describe("runbook 003's branch from main, and runbook 000/001's clean-up", () => {
  it("cuts the branch from the default branch's head, then at completion closes its open pull requests with a comment, writes UAT and thresholds into CHANGELOG.md and announces in #eng-prod and #stakeholders", async () => {
    const lane = await startReleaseLane({
      policy: {
        github: { branchFrom: "default-branch", mergeBackAt: "complete", legacyBranchAge: "30d" },
        warRoom: { archiveOnComplete: false },
      },
    });
    try {
      const { h: h2, repo: repo2 } = lane;
      const main = repo2.branch("main")?.sha ?? "";
      const incident = await declared(h2, { title: "Refunds stuck", commanderId: "U0BOB" });
      const room = incident.warRoomChannelId;
      await hotfix(h2, room, "branch hotfix/refunds", "U0BOB");
      await click(h2, await answer(h2, room, "U0BOB", "Create branch"), "lane_branch_create");
      const said = await saidInRoom(h2, room, "Hotfix branch");
      expect(said).toContain("from the head of `main`");
      expect(said).toContain("the parent release is *v1.2.3*");
      expect(repo2.branch("hotfix/refunds")?.sha).toBe(main);
      expect((await incidentNow(h2, incident.id)).parentTag).toBe("v1.2.3");
      await saidInRoom(h2, room, "is protected");
      // A fix through a pull request that is still open at completion, and one more commit on the branch.
      repo2.createBranch("fix/refunds-followup", "hotfix/refunds");
      repo2.commit({ branch: "fix/refunds-followup", message: "wip", files: { "src/wip.ts": "export {};\n" } });
      const pr = repo2.openPullRequest({ head: "fix/refunds-followup", base: "hotfix/refunds", title: "Follow-up" });
      const fix = repo2.commit({ branch: "hotfix/refunds", message: "fix: refunds", files: { "src/refunds.ts": "export const r = 1;\n" } });
      await hotfix(h2, room, `deployed staging ${fix}`, "U0BOB");
      await hotfix(h2, room, `deployed production ${fix}`, "U0BOB");
      await settled(h2.db.prisma);
      await h2.db.prisma.incident.update({ where: { id: incident.id }, data: { stabilityEndsAt: new Date(Date.now() - 1000) } });
      // Legacy hotfix branches: one an earlier incident's (the bot made it), one made by hand (January 2025).
      repo2.createBranch("release/hotfix-20250110", "v1.2.0");
      repo2.createBranch("release/hotfix-old", "v1.2.0");
      const earlier = await declared(h2, { title: "Earlier hotfix" });
      await h2.db.prisma.incident.update({ where: { id: earlier.id }, data: { hotfixBranch: "release/hotfix-old" } });
      const res = await hotfix(h2, room, "complete", "U0BOB");
      await eventually(() => expect(res.text()).toContain("Completing"));
      await saidInRoom(h2, room, /complete\*/, 20_000);
      expect(repo2.pulls.find((p) => p.number === pr.number)?.state).toBe("closed");
      expect(repo2.comments.find((c) => c.issueNumber === pr.number)?.body).toContain("is complete and its hotfix branch `hotfix/refunds`");
      const changelog = repo2.file("main", "CHANGELOG.md") ?? "";
      expect(changelog).toContain("- UAT: none held");
      expect(changelog).toMatch(/- Alert thresholds: .*1%/);
      await eventually(() => {
        for (const channel of ["C0ENGPROD", "C0STAKEHOLDERS"])
          expect(roomTexts(h2, channel).some((t) => t.includes("Refunds stuck") && t.includes("is complete"))).toBe(true);
      });
      expect(await timelineKinds(h2, incident.id)).toEqual(expect.arrayContaining(["pull_request_closed", "completed"]));
      // Runbook 001: legacy branches offered for deletion with a button each, in #eng-prod.
      const offer = await eventually(() => {
        const found = h2.slack.messages("C0ENGPROD").find((m) => JSON.stringify(m.blocks ?? []).includes("lane_legacy_delete"));
        expect(found).toBeTruthy();
        return found as NonNullable<typeof found>;
      });
      const blockOf = (branch: string) =>
        (offer.blocks as Array<{ block_id?: string; text?: { text?: string } }>).find((b) => b.text?.text?.includes(`\`${branch}\``))
          ?.block_id;
      expect(blockOf("release/hotfix-old")).toBeTruthy();
      expect(JSON.stringify(offer.blocks)).toContain("created by the bot");
      // Not made by the bot: a release captain may not delete it; the commander may, after the dialog.
      const stranger = await h2.slack.blockAction({
        userId: "U0DAVE",
        actionId: "lane_legacy_delete",
        blockId: blockOf("release/hotfix-20250110"),
        channelId: "C0ENGPROD",
        messageTs: offer.ts,
      });
      expect(stranger.status).toBe(200);
      await h2.slack.blockAction({
        userId: "U0BOB",
        actionId: "lane_legacy_delete",
        blockId: blockOf("release/hotfix-20250110"),
        channelId: "C0ENGPROD",
        messageTs: offer.ts,
      });
      await h2.slack.blockAction({
        userId: "U0BOB",
        actionId: "lane_legacy_delete",
        blockId: blockOf("release/hotfix-old"),
        channelId: "C0ENGPROD",
        messageTs: offer.ts,
      });
      await eventually(() => {
        expect(repo2.branch("release/hotfix-20250110")).toBeUndefined();
        expect(repo2.branch("release/hotfix-old")).toBeUndefined();
      });
      // Two requests (the stranger's click was refused) and two deletions.
      await eventually(async () =>
        expect(await h2.db.prisma.timelineEvent.count({ where: { incidentId: incident.id, kind: "legacy_branch_deleted" } })).toBe(4),
      );
      expect(await h2.db.prisma.timelineEvent.count({ where: { incidentId: incident.id, kind: "permission_refused" } })).toBe(1);
    } finally {
      await stopReleaseLane(lane.h);
    }
  });
});
