// Pull requests, deployments, comments and branch protection through Octokit,
// and GitHub calling the app: signed webhook deliveries built from the
// emulated repository.
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sharedSpecs } from "../../../test/support/shared-specs.js";
import { deploymentStatusEvent, type EmulatedRepo, type GitHubEmulator, pullRequestEvent, startGitHubEmulator } from "../src/index.js";

const owner = "acme";
const repo = "payments";
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

let em: GitHubEmulator;
let gh: Octokit;
let payments: EmulatedRepo;

beforeEach(async () => {
  em = await startGitHubEmulator({ specPath: sharedSpecs.githubRest });
  gh = new Octokit({ auth: "ghp_test_token", baseUrl: em.url, request: { retries: 0 }, log: quiet });
  payments = em.repo("acme/payments");
});

afterEach(async () => {
  expect(em.specViolations().map((call) => call.specViolation)).toEqual([]);
  await em.close();
});

function hotfix(name = "hotfix/v1.2.4"): string {
  payments.createBranch(name, "v1.2.3");
  return payments.commit({
    branch: name,
    message: "fix: cap batch size",
    files: { "src/ledger.ts": (payments.file("v1.2.3", "src/ledger.ts") ?? "").replace("batchSize = 100", "batchSize = 50") },
  });
}

describe("pull requests", () => {
  it("opens, reads and merges a pull request; comments on it", async () => {
    const fix = hotfix();
    const opened = await gh.pulls.create({
      owner,
      repo,
      head: "hotfix/v1.2.4",
      base: "main",
      title: "Hotfix v1.2.4",
      body: "Caps the batch size.",
    });
    expect(opened.status).toBe(201);
    expect(opened.data).toMatchObject({
      state: "open",
      merged: false,
      commits: 1,
      changed_files: 1,
      head: { ref: "hotfix/v1.2.4", sha: fix },
      base: { ref: "main" },
    });

    const read = await gh.pulls.get({ owner, repo, pull_number: opened.data.number });
    expect(read.data).toMatchObject({ mergeable: true, mergeable_state: "clean" });

    const comment = await gh.issues.createComment({ owner, repo, issue_number: opened.data.number, body: "UAT passed" });
    expect(comment.status).toBe(201);
    expect(payments.comments.map((c) => c.body)).toEqual(["UAT passed"]);

    await expect(gh.pulls.merge({ owner, repo, pull_number: opened.data.number, sha: "0".repeat(40) })).rejects.toMatchObject({
      status: 409,
    });
    const merged = await gh.pulls.merge({ owner, repo, pull_number: opened.data.number, merge_method: "merge" });
    expect(merged.data).toMatchObject({ merged: true, message: "Pull Request successfully merged" });
    expect(payments.branch("main")?.sha).toBe(merged.data.sha);
    expect(payments.isAncestor(fix, "main")).toBe(true);
    const after = await gh.pulls.get({ owner, repo, pull_number: opened.data.number });
    expect(after.data).toMatchObject({ state: "closed", merged: true, merge_commit_sha: merged.data.sha });
    await expect(gh.pulls.merge({ owner, repo, pull_number: opened.data.number })).rejects.toMatchObject({ status: 405 });
  });

  it("refuses duplicates, empty pull requests and unknown branches", async () => {
    hotfix();
    await gh.pulls.create({ owner, repo, head: "hotfix/v1.2.4", base: "main", title: "one" });
    await expect(gh.pulls.create({ owner, repo, head: "hotfix/v1.2.4", base: "main", title: "two" })).rejects.toMatchObject({
      status: 422,
    });
    await expect(gh.pulls.create({ owner, repo, head: "release/1.2", base: "main", title: "nothing" })).rejects.toMatchObject({
      status: 422,
    });
    await expect(gh.pulls.create({ owner, repo, head: "nope", base: "main", title: "x" })).rejects.toMatchObject({ status: 422 });
    await expect(gh.pulls.get({ owner, repo, pull_number: 999 })).rejects.toMatchObject({ status: 404 });
  });

  it("squash-merges into a single commit on the base", async () => {
    hotfix();
    payments.commit({ branch: "hotfix/v1.2.4", message: "test: cover the cap", files: { "test/ledger.test.ts": "// cap\n" } });
    const pr = await gh.pulls.create({ owner, repo, head: "hotfix/v1.2.4", base: "release/1.2", title: "Hotfix" });
    const merged = await gh.pulls.merge({ owner, repo, pull_number: pr.data.number, merge_method: "squash" });
    const commit = payments.objects.commit(merged.data.sha);
    expect(commit?.parents).toEqual([payments.tag("v1.2.3")?.sha]);
    expect(payments.file("release/1.2", "test/ledger.test.ts")).toBe("// cap\n");
  });
});

describe("deployments", () => {
  it("creates a deployment and statuses; auto_inactive retires the previous success", async () => {
    hotfix();
    const first = await gh.repos.createDeployment({
      owner,
      repo,
      ref: "hotfix/v1.2.4",
      environment: "staging",
      auto_merge: false,
      required_contexts: [],
    });
    expect(first.status).toBe(201);
    if (!("id" in first.data)) throw new Error("expected a deployment");
    const firstId = first.data.id;
    const status = await gh.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: firstId,
      state: "success",
      log_url: "https://ci.acme.example/1",
    });
    expect(status.data).toMatchObject({ state: "success", target_url: "https://ci.acme.example/1", environment: "staging" });

    const second = await gh.repos.createDeployment({
      owner,
      repo,
      ref: "hotfix/v1.2.4",
      environment: "staging",
      auto_merge: false,
      required_contexts: [],
    });
    if (!("id" in second.data)) throw new Error("expected a deployment");
    await gh.repos.createDeploymentStatus({ owner, repo, deployment_id: second.data.id, state: "success" });
    expect(payments.deployments.find((d) => d.id === firstId)?.statuses.map((s) => s.state)).toEqual(["success", "inactive"]);
    await expect(gh.repos.createDeploymentStatus({ owner, repo, deployment_id: 1, state: "success" })).rejects.toMatchObject({
      status: 404,
    });
  });

  it("models GitHub's defaults: auto_merge answers 202 for a branch behind main; checks must be green", async () => {
    hotfix();
    const before = payments.branch("hotfix/v1.2.4")?.sha;
    const autoMerged = await gh.repos.createDeployment({
      owner,
      repo,
      ref: "hotfix/v1.2.4",
      environment: "staging",
      required_contexts: [],
    });
    expect(autoMerged.status).toBe(202);
    expect(autoMerged.data).toEqual({ message: "Auto-merged main into hotfix/v1.2.4 on deployment." });
    expect(payments.branch("hotfix/v1.2.4")?.sha).not.toBe(before);
    expect(payments.isAncestor("main", "hotfix/v1.2.4")).toBe(true);

    payments.createBranch("hotfix/red", "main");
    const red = payments.commit({ branch: "hotfix/red", message: "fix", files: { "a.txt": "a\n" } });
    payments.addCheckRun(red, { name: "test", conclusion: "failure" });
    const refused = await gh.repos
      .createDeployment({ owner, repo, ref: "hotfix/red", environment: "staging" })
      .catch((e: { status: number; message: string }) => e);
    expect(refused).toMatchObject({ status: 409 });
    expect("message" in refused && refused.message).toContain("Conflict: Commit status checks failed for hotfix/red.");
    expect(
      (await gh.repos.createDeployment({ owner, repo, ref: "hotfix/red", environment: "staging", required_contexts: [] })).status,
    ).toBe(201);
  });
});

describe("branch protection", () => {
  it("protects a branch and reports it on the branch", async () => {
    hotfix();
    const protection = await gh.repos.updateBranchProtection({
      owner,
      repo,
      branch: "hotfix/v1.2.4",
      required_status_checks: { strict: true, contexts: ["build", "test"] },
      enforce_admins: true,
      required_pull_request_reviews: { required_approving_review_count: 2, require_code_owner_reviews: true },
      restrictions: null,
      allow_force_pushes: false,
    });
    expect(protection.data.required_status_checks?.contexts).toEqual(["build", "test"]);
    expect(protection.data.required_pull_request_reviews?.required_approving_review_count).toBe(2);
    const branch = await gh.repos.getBranch({ owner, repo, branch: "hotfix/v1.2.4" });
    expect(branch.data).toMatchObject({
      protected: true,
      protection: { enabled: true, required_status_checks: { enforcement_level: "everyone", contexts: ["build", "test"] } },
    });
    await expect(gh.git.deleteRef({ owner, repo, ref: "heads/hotfix/v1.2.4" })).rejects.toMatchObject({ status: 422 });
    await expect(
      gh.repos.updateBranchProtection({
        owner,
        repo,
        branch: "nope",
        required_status_checks: null,
        enforce_admins: null,
        required_pull_request_reviews: null,
        restrictions: null,
      }),
    ).rejects.toMatchObject({ status: 404 });
  });
});

describe("branch protection for a token that is not an admin", () => {
  it("refuses direct writes to main and merges a pull request only with approval and green checks", async () => {
    const strict = await startGitHubEmulator({ specPath: sharedSpecs.githubRest, actorIsAdmin: false });
    try {
      const bot = new Octokit({ auth: "ghp_test_token", baseUrl: strict.url, request: { retries: 0 }, log: quiet });
      const repoState = strict.repo("acme/payments");
      repoState.createBranch("hotfix/v1.2.4", "main");
      const fix = repoState.commit({ branch: "hotfix/v1.2.4", message: "fix", files: { "FIX.md": "fixed\n" } });

      const direct = await bot.git
        .updateRef({ owner, repo, ref: "heads/main", sha: fix })
        .catch((e: { status: number; message: string }) => e);
      expect(direct).toMatchObject({ status: 422 });
      expect("message" in direct && direct.message).toContain("Changes must be made through a pull request.");
      const viaContents = bot.repos.createOrUpdateFileContents({ owner, repo, path: "NOTE.md", message: "note", content: "eA==" });
      await expect(viaContents).rejects.toMatchObject({ status: 409 });

      const pr = await bot.pulls.create({ owner, repo, head: "hotfix/v1.2.4", base: "main", title: "Hotfix" });
      const merge = () => bot.pulls.merge({ owner, repo, pull_number: pr.data.number });
      await expect(merge()).rejects.toMatchObject({
        status: 405,
        message: expect.stringContaining("At least 1 approving review is required"),
      });
      repoState.approvePullRequest(pr.data.number, "sam-sre");
      await expect(merge()).rejects.toMatchObject({
        status: 405,
        message: expect.stringContaining('Required status check "build" is expected.'),
      });
      repoState.addCheckRun(fix, { name: "build", conclusion: "success" });
      repoState.addCheckRun(fix, { name: "test", conclusion: "success" });
      expect((await merge()).data.merged).toBe(true);
      expect(strict.specViolations()).toEqual([]);
    } finally {
      await strict.close();
    }
  });
});

describe("webhooks", () => {
  async function receiver() {
    const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(202).end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/github`;
    return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  it("delivers a signed deployment_status event built from the repository", async () => {
    const target = await receiver();
    try {
      const fix = hotfix();
      const payload = deploymentStatusEvent(payments, {
        ref: "hotfix/v1.2.4",
        environment: "staging",
        state: "success",
        creator: "sam-sre",
        description: "Deployed to staging",
      });
      expect(payload).toMatchObject({
        action: "created",
        deployment_status: { state: "success", environment: "staging", description: "Deployed to staging", creator: { login: "sam-sre" } },
        deployment: { sha: fix, ref: "hotfix/v1.2.4", environment: "staging" },
        repository: { full_name: "acme/payments" },
        sender: { login: "sam-sre" },
      });
      // The API agrees with the webhook.
      expect(payments.deployments.at(-1)?.statuses.at(-1)?.state).toBe("success");

      const delivery = await em.sendWebhook("deployment_status", payload, { url: target.url, secret: "s3cret" });
      expect(delivery.status).toBe(202);
      const [got] = target.received;
      expect(got?.headers["x-github-event"]).toBe("deployment_status");
      expect(got?.headers["x-github-delivery"]).toBe(delivery.deliveryId);
      expect(delivery.deliveryId).toMatch(/^[0-9a-f-]{36}$/);
      const expected = `sha256=${createHmac("sha256", "s3cret")
        .update(got?.body ?? "")
        .digest("hex")}`;
      expect(got?.headers["x-hub-signature-256"]).toBe(expected);
      expect(JSON.parse(got?.body ?? "{}")).toEqual(JSON.parse(JSON.stringify(payload)));
    } finally {
      await target.close();
    }
  });

  it("builds a pull_request closed+merged event by really merging the pull request", async () => {
    const fix = hotfix();
    const payload = pullRequestEvent(payments, { head: "hotfix/v1.2.4", base: "main", title: "Hotfix v1.2.4" });
    expect(payload.action).toBe("closed");
    expect(payload.pull_request).toMatchObject({
      merged: true,
      state: "closed",
      head: { ref: "hotfix/v1.2.4", sha: fix },
      base: { ref: "main" },
    });
    expect(payload.pull_request.merge_commit_sha).toBe(payments.branch("main")?.sha);
    expect(payments.isAncestor(fix, "main")).toBe(true);
  });
});
