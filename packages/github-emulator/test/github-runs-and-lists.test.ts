// The nine operations the release lane reads to follow its work to the end:
// workflow runs (dispatched, then moved by the test through the control API)
// and the deployments they wait on, pull requests listed and closed,
// deployments and their statuses, branch protection, and every status and
// check run of a commit across pages (per_page/page and the Link header).
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sharedSpecs } from "../../../test/support/shared-specs.js";
import { type EmulatedRepo, type GitHubEmulator, startGitHubEmulator } from "../src/index.js";

const owner = "acme";
const repo = "payments";
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

let em: GitHubEmulator;
let gh: Octokit;
let payments: EmulatedRepo;

beforeEach(async () => {
  em = await startGitHubEmulator({ specPath: sharedSpecs.githubRest, actor: { login: "cole" } });
  gh = new Octokit({ auth: "ghp_test_token", baseUrl: em.url, request: { retries: 0 }, log: quiet });
  payments = em.repo("acme/payments");
});

afterEach(async () => {
  expect(em.specViolations().map((call) => call.specViolation)).toEqual([]);
  await em.close();
});

async function failure(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status: number; response?: { data?: { message?: string } } };
    return { status: e.status, message: e.response?.data?.message ?? "" };
  }
  throw new Error("expected the request to fail");
}

function hotfixBranch(name = "hotfix/v1.2.4"): string {
  payments.createBranch(name, "v1.2.3");
  return payments.commit({
    branch: name,
    message: "fix: cap batch size",
    files: { "src/ledger.ts": (payments.file("v1.2.3", "src/ledger.ts") ?? "").replace("batchSize = 100", "batchSize = 50") },
  });
}

const releaseInputs = () => ({
  version: "1.2.4",
  commit_sha: payments.branch("main")?.sha as string,
  parent_tag: "v1.2.3",
  justification: "Critical fee rounding regression affecting settlement of card payments",
  ticket_url: "https://linear.app/acme/issue/ENG-42",
  risk_level: "high",
});

async function dispatchRelease(ref = "main"): Promise<number> {
  const answer = await gh.request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", {
    owner,
    repo,
    workflow_id: "hotfix-release.yml",
    ref,
    inputs: releaseInputs(),
    return_run_details: true,
  });
  expect(answer.status).toBe(200);
  return (answer.data as { workflow_run_id: number }).workflow_run_id;
}

describe("workflow runs", () => {
  it("a dispatch queues a run that the test moves to success; reads and lists follow it", async () => {
    const runId = await dispatchRelease();
    const queued = await gh.actions.getWorkflowRun({ owner, repo, run_id: runId });
    expect(queued.data).toMatchObject({
      id: runId,
      status: "queued",
      conclusion: null,
      event: "workflow_dispatch",
      head_branch: "main",
      head_sha: payments.branch("main")?.sha,
      path: ".github/workflows/hotfix-release.yml",
      run_number: 1,
      actor: { login: "cole" },
      html_url: `https://github.com/acme/payments/actions/runs/${runId}`,
    });
    expect(queued.data.head_commit?.id).toBe(payments.branch("main")?.sha);

    em.startWorkflowRun(runId);
    expect((await gh.actions.getWorkflowRun({ owner, repo, run_id: runId })).data.status).toBe("in_progress");
    em.completeWorkflowRun(runId, "success");
    expect((await gh.actions.getWorkflowRun({ owner, repo, run_id: runId })).data).toMatchObject({
      status: "completed",
      conclusion: "success",
    });
    expect(() => em.completeWorkflowRun(runId, "failure")).toThrow(/already completed/);
    expect(await failure(gh.actions.getWorkflowRun({ owner, repo, run_id: 999_999_999 }))).toMatchObject({ status: 404 });
  });

  it("lists a workflow's runs newest first, filtered by branch, status or conclusion, event and head sha", async () => {
    hotfixBranch();
    const onMain = await dispatchRelease("main");
    const onHotfix = await dispatchRelease("hotfix/v1.2.4");
    const deploy = await gh.request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", {
      owner,
      repo,
      workflow_id: "deploy.yml",
      ref: "main",
      inputs: { environment: "staging" },
      return_run_details: true,
    });
    em.completeWorkflowRun(onMain, "cancelled");

    const all = await gh.actions.listWorkflowRuns({ owner, repo, workflow_id: "hotfix-release.yml" });
    expect(all.data.total_count).toBe(2);
    expect(all.data.workflow_runs.map((r) => r.id)).toEqual([onHotfix, onMain]);
    expect(all.data.workflow_runs.map((r) => r.run_number)).toEqual([2, 1]);

    const byBranch = await gh.actions.listWorkflowRuns({ owner, repo, workflow_id: "hotfix-release.yml", branch: "hotfix/v1.2.4" });
    expect(byBranch.data.workflow_runs.map((r) => r.id)).toEqual([onHotfix]);
    const cancelled = await gh.actions.listWorkflowRuns({ owner, repo, workflow_id: "hotfix-release.yml", status: "cancelled" });
    expect(cancelled.data.workflow_runs.map((r) => r.id)).toEqual([onMain]);
    const queued = await gh.actions.listWorkflowRuns({ owner, repo, workflow_id: "hotfix-release.yml", status: "queued" });
    expect(queued.data.workflow_runs.map((r) => r.id)).toEqual([onHotfix]);
    const pushes = await gh.actions.listWorkflowRuns({ owner, repo, workflow_id: "hotfix-release.yml", event: "push" });
    expect(pushes.data.total_count).toBe(0);
    const bySha = await gh.actions.listWorkflowRuns({
      owner,
      repo,
      workflow_id: "hotfix-release.yml",
      head_sha: payments.branch("hotfix/v1.2.4")?.sha as string,
    });
    expect(bySha.data.workflow_runs.map((r) => r.id)).toEqual([onHotfix]);

    // By numeric workflow id too, and one page at a time with a Link header.
    const workflowId = payments.workflows.find((w) => w.path.endsWith("hotfix-release.yml"))?.id as number;
    const first = await gh.actions.listWorkflowRuns({ owner, repo, workflow_id: workflowId, per_page: 1 });
    expect(first.data.workflow_runs.map((r) => r.id)).toEqual([onHotfix]);
    expect(first.headers.link).toContain('rel="next"');
    const deployRuns = await gh.actions.listWorkflowRuns({ owner, repo, workflow_id: "deploy.yml" });
    expect(deployRuns.data.workflow_runs.map((r) => r.id)).toEqual([(deploy.data as { workflow_run_id: number }).workflow_run_id]);
    expect(await failure(gh.actions.listWorkflowRuns({ owner, repo, workflow_id: "missing.yml" }))).toMatchObject({ status: 404 });
  });

  it("a run on a hotfix branch lists the branch's open pull request unless excluded", async () => {
    hotfixBranch();
    const pr = payments.openPullRequest({ head: "hotfix/v1.2.4", title: "Hotfix v1.2.4" });
    const runId = await dispatchRelease("hotfix/v1.2.4");
    const run = await gh.actions.getWorkflowRun({ owner, repo, run_id: runId });
    expect(run.data.pull_requests?.map((p) => p.number)).toEqual([pr.number]);
    const without = await gh.actions.getWorkflowRun({ owner, repo, run_id: runId, exclude_pull_requests: true });
    expect(without.data.pull_requests).toEqual([]);
  });

  it("waits on an environment's reviewers: pending deployments say who can approve, then the run goes on or fails", async () => {
    const runId = await dispatchRelease();
    expect((await gh.actions.getPendingDeploymentsForRun({ owner, repo, run_id: runId })).data).toEqual([]);

    em.setPendingDeployments(runId, [{ environment: "hotfix-release", reviewers: ["cole", "dana", { team: "release-captains" }] }]);
    const waiting = await gh.actions.getWorkflowRun({ owner, repo, run_id: runId });
    expect(waiting.data.status).toBe("waiting");
    const pending = (await gh.actions.getPendingDeploymentsForRun({ owner, repo, run_id: runId })).data;
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({
      environment: { name: "hotfix-release" },
      wait_timer: 0,
      wait_timer_started_at: null,
      current_user_can_approve: true, // the token's account (cole) is a required reviewer
    });
    expect(
      pending[0]?.reviewers.map((r) => [
        r.type,
        (r.reviewer as { login?: string; slug?: string }).login ?? (r.reviewer as { slug?: string }).slug,
      ]),
    ).toEqual([
      ["User", "cole"],
      ["User", "dana"],
      ["Team", "release-captains"],
    ]);

    em.approvePendingDeployments(runId);
    expect((await gh.actions.getWorkflowRun({ owner, repo, run_id: runId })).data.status).toBe("in_progress");
    expect((await gh.actions.getPendingDeploymentsForRun({ owner, repo, run_id: runId })).data).toEqual([]);

    // A second run is rejected while waiting: it fails and nothing is pending any more.
    const second = await dispatchRelease();
    em.setPendingDeployments(second, [{ environment: "hotfix-release", reviewers: ["dana"], waitTimer: 5 }]);
    const timed = (await gh.actions.getPendingDeploymentsForRun({ owner, repo, run_id: second })).data[0];
    expect(timed).toMatchObject({ wait_timer: 5, current_user_can_approve: false, wait_timer_started_at: expect.any(String) });
    em.completeWorkflowRun(second, "failure");
    expect((await gh.actions.getWorkflowRun({ owner, repo, run_id: second })).data).toMatchObject({
      status: "completed",
      conclusion: "failure",
    });
    expect((await gh.actions.getPendingDeploymentsForRun({ owner, repo, run_id: second })).data).toEqual([]);
    expect(await failure(gh.actions.getPendingDeploymentsForRun({ owner, repo, run_id: 999_999_999 }))).toMatchObject({ status: 404 });
  });
});

describe("pull requests: list and update", () => {
  it("lists by state, head and base, newest first, and closes with a state change", async () => {
    hotfixBranch("hotfix/v1.2.4");
    hotfixBranch("hotfix/v1.2.5");
    const a = payments.openPullRequest({ head: "hotfix/v1.2.4", title: "Hotfix v1.2.4" });
    const b = payments.openPullRequest({ head: "hotfix/v1.2.5", title: "Hotfix v1.2.5" });

    const open = await gh.pulls.list({ owner, repo });
    expect(open.data.map((p) => p.number)).toEqual([b.number, a.number]);
    const asc = await gh.pulls.list({ owner, repo, direction: "asc" });
    expect(asc.data.map((p) => p.number)).toEqual([a.number, b.number]);
    const byHead = await gh.pulls.list({ owner, repo, head: "acme:hotfix/v1.2.4" });
    expect(byHead.data.map((p) => p.number)).toEqual([a.number]);
    expect((await gh.pulls.list({ owner, repo, head: "someone-else:hotfix/v1.2.4" })).data).toEqual([]);
    expect((await gh.pulls.list({ owner, repo, base: "release/1.x" })).data).toEqual([]);

    const closed = await gh.pulls.update({ owner, repo, pull_number: a.number, state: "closed", title: "Hotfix v1.2.4 (superseded)" });
    expect(closed.data).toMatchObject({
      state: "closed",
      merged: false,
      title: "Hotfix v1.2.4 (superseded)",
      closed_at: expect.any(String),
    });
    expect((await gh.pulls.list({ owner, repo })).data.map((p) => p.number)).toEqual([b.number]);
    expect((await gh.pulls.list({ owner, repo, state: "closed" })).data.map((p) => p.number)).toEqual([a.number]);
    expect((await gh.pulls.list({ owner, repo, state: "all" })).data).toHaveLength(2);
    const page = await gh.pulls.list({ owner, repo, state: "all", per_page: 1 });
    expect(page.data).toHaveLength(1);
    expect(page.headers.link).toContain('rel="last"');

    const reopened = await gh.pulls.update({ owner, repo, pull_number: a.number, state: "open", body: "Back again" });
    expect(reopened.data).toMatchObject({ state: "open", closed_at: null, body: "Back again" });
  });

  it("refuses GitHub's way: reopening a merged pull request, an unknown base, a base change while closed", async () => {
    hotfixBranch();
    const pr = payments.openPullRequest({ head: "hotfix/v1.2.4", title: "Hotfix v1.2.4" });
    expect(await failure(gh.pulls.update({ owner, repo, pull_number: pr.number, base: "nope" }))).toMatchObject({ status: 422 });
    await gh.pulls.update({ owner, repo, pull_number: pr.number, state: "closed" });
    expect(await failure(gh.pulls.update({ owner, repo, pull_number: pr.number, base: "main-old" }))).toMatchObject({
      status: 422,
      message: "Validation Failed",
    });
    await gh.pulls.update({ owner, repo, pull_number: pr.number, state: "open" });
    payments.mergePullRequest(pr.number);
    expect(await failure(gh.pulls.update({ owner, repo, pull_number: pr.number, state: "open" }))).toMatchObject({ status: 422 });
    expect(await failure(gh.pulls.update({ owner, repo, pull_number: 4242, state: "closed" }))).toMatchObject({ status: 404 });
  });
});

describe("deployments and their statuses", () => {
  it("lists deployments newest first with filters, and each one's statuses newest first", async () => {
    const main = payments.branch("main")?.sha as string;
    const staging = await gh.repos.createDeployment({
      owner,
      repo,
      ref: "main",
      environment: "staging",
      required_contexts: [],
      auto_merge: false,
    });
    const production = await gh.repos.createDeployment({ owner, repo, ref: "v1.2.3", environment: "production", required_contexts: [] });
    const stagingId = (staging.data as { id: number }).id;
    const productionId = (production.data as { id: number }).id;

    const all = await gh.repos.listDeployments({ owner, repo });
    expect(all.data.map((d) => d.id)).toEqual([productionId, stagingId]);
    expect((await gh.repos.listDeployments({ owner, repo, environment: "staging" })).data.map((d) => d.id)).toEqual([stagingId]);
    expect((await gh.repos.listDeployments({ owner, repo, sha: main })).data.map((d) => d.id)).toEqual([stagingId]);
    expect((await gh.repos.listDeployments({ owner, repo, ref: "v1.2.3" })).data.map((d) => d.id)).toEqual([productionId]);
    expect((await gh.repos.listDeployments({ owner, repo, task: "deploy:migrations" })).data).toEqual([]);

    await gh.repos.createDeploymentStatus({ owner, repo, deployment_id: productionId, state: "in_progress" });
    await gh.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: productionId,
      state: "success",
      environment_url: "https://pay.acme.example",
    });
    const statuses = await gh.repos.listDeploymentStatuses({ owner, repo, deployment_id: productionId });
    expect(statuses.data.map((s) => s.state)).toEqual(["success", "in_progress"]);
    const firstPage = await gh.repos.listDeploymentStatuses({ owner, repo, deployment_id: productionId, per_page: 1 });
    expect(firstPage.data.map((s) => s.state)).toEqual(["success"]);
    expect(firstPage.headers.link).toContain('rel="next"');
    expect(await failure(gh.repos.listDeploymentStatuses({ owner, repo, deployment_id: 999_999_999 }))).toMatchObject({ status: 404 });
  });
});

describe("branch protection", () => {
  it("reads what was set, required status checks included; an unprotected branch is a 404", async () => {
    hotfixBranch("release/1.x");
    expect(await failure(gh.repos.getBranchProtection({ owner, repo, branch: "release/1.x" }))).toMatchObject({
      status: 404,
      message: "Branch not protected",
    });
    const seeded = await gh.repos.getBranchProtection({ owner, repo, branch: "main" });
    expect(seeded.data.required_status_checks?.contexts).toEqual(payments.protections.get("main")?.requiredStatusChecks?.contexts);
    await gh.repos.updateBranchProtection({
      owner,
      repo,
      branch: "release/1.x",
      required_status_checks: { strict: true, contexts: ["build", "test"] },
      enforce_admins: true,
      required_pull_request_reviews: { required_approving_review_count: 2 },
      restrictions: null,
    });
    const read = await gh.repos.getBranchProtection({ owner, repo, branch: "release/1.x" });
    expect(read.data).toMatchObject({
      required_status_checks: { strict: true, contexts: ["build", "test"] },
      enforce_admins: { enabled: true },
      required_pull_request_reviews: { required_approving_review_count: 2 },
    });
    expect(await failure(gh.repos.getBranchProtection({ owner, repo, branch: "nope" }))).toMatchObject({ status: 404 });
  });
});

describe("commit statuses and check runs across pages", () => {
  it("lists every status of a commit, newest first, and octokit.paginate reads them all", async () => {
    const sha = hotfixBranch();
    for (let i = 0; i < 7; i++) payments.addStatus(sha, { context: `ci/shard-${i % 3}`, state: i === 6 ? "failure" : "success" });

    const first = await gh.repos.listCommitStatusesForRef({ owner, repo, ref: "hotfix/v1.2.4", per_page: 3 });
    expect(first.data).toHaveLength(3);
    expect(first.data[0]).toMatchObject({ context: "ci/shard-0", state: "failure", creator: { login: "cole" } });
    expect(first.headers.link).toMatch(/page=2>; rel="next".*page=3>; rel="last"/);
    const third = await gh.repos.listCommitStatusesForRef({ owner, repo, ref: sha, per_page: 3, page: 3 });
    expect(third.data).toHaveLength(1);
    expect(third.headers.link).toContain('rel="prev"');
    expect(third.headers.link).not.toContain('rel="next"');

    const all = await gh.paginate(gh.repos.listCommitStatusesForRef, { owner, repo, ref: sha, per_page: 2 });
    expect(all).toHaveLength(7);
    expect(new Set(all.map((s) => s.id)).size).toBe(7);
    expect(all.map((s) => s.id)).toEqual([...all.map((s) => s.id)].sort((x, y) => y - x));
    expect(await failure(gh.repos.listCommitStatusesForRef({ owner, repo, ref: "no-such-branch" }))).toMatchObject({ status: 404 });
  });

  it("pages check runs with the Link header so octokit.paginate reads them all", async () => {
    const sha = hotfixBranch();
    for (let i = 0; i < 5; i++) payments.addCheckRun(sha, { name: `job-${i}`, conclusion: "success" });
    const first = await gh.checks.listForRef({ owner, repo, ref: sha, per_page: 2 });
    expect(first.data.total_count).toBe(5);
    expect(first.data.check_runs).toHaveLength(2);
    expect(first.headers.link).toContain('rel="next"');
    const all = await gh.paginate(gh.checks.listForRef, { owner, repo, ref: sha, per_page: 2 });
    expect(all.map((run) => run.name).sort()).toEqual(["job-0", "job-1", "job-2", "job-3", "job-4"]);
  });
});
