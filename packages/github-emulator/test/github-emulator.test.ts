// The GitHub emulator driven by the real Octokit client, the way the product
// will drive GitHub: refs and tags, compare, merges, fast-forward, releases,
// CI results, contents, workflow dispatch, and GitHub's error answers.
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sharedSpecs } from "../../../test/support/shared-specs.js";
import { type EmulatedRepo, type GitHubEmulator, startGitHubEmulator } from "../src/index.js";

const TOKEN = "ghp_test_token";
const owner = "acme";
const repo = "payments";
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

let em: GitHubEmulator;
let gh: Octokit;
let payments: EmulatedRepo;

beforeEach(async () => {
  em = await startGitHubEmulator({ specPath: sharedSpecs.githubRest });
  gh = new Octokit({ auth: TOKEN, baseUrl: em.url, request: { retries: 0 }, log: quiet });
  payments = em.repo("acme/payments");
});

afterEach(async () => {
  // A test that passes must not have sent anything GitHub would refuse.
  expect(em.specViolations().map((call) => call.specViolation)).toEqual([]);
  await em.close();
});

async function status(promise: Promise<unknown>): Promise<number> {
  try {
    const response = (await promise) as { status: number };
    return response.status;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

async function failure(promise: Promise<unknown>): Promise<{ status: number; message: string; data: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status: number; response?: { data: Record<string, unknown> } };
    return { status: e.status, message: String(e.response?.data?.message), data: e.response?.data ?? {} };
  }
  throw new Error("expected the request to fail");
}

describe("refs and tags", () => {
  it("cuts a hotfix branch from a tag and reads it back through Octokit's %2F-escaped ref", async () => {
    const parent = payments.tag("v1.2.3");
    expect(parent?.annotated).toBe(true);
    const created = await gh.git.createRef({ owner, repo, ref: "refs/heads/hotfix/v1.2.4", sha: parent?.sha as string });
    expect(created.status).toBe(201);
    expect(created.data.object).toMatchObject({ type: "commit", sha: parent?.sha });

    const read = await gh.git.getRef({ owner, repo, ref: "heads/hotfix/v1.2.4" });
    expect(read.data.ref).toBe("refs/heads/hotfix/v1.2.4");
    expect(read.data.object.sha).toBe(parent?.sha);
    expect(em.calls({ operationId: "git/get-ref" })[0]?.url).toContain("heads%2Fhotfix%2Fv1.2.4");
    expect(payments.branch("hotfix/v1.2.4")?.sha).toBe(parent?.sha);

    const branch = await gh.repos.getBranch({ owner, repo, branch: "hotfix/v1.2.4" });
    expect(branch.data.commit.sha).toBe(parent?.sha);
  });

  it("refuses an existing ref, a malformed name, an unknown object, and a D/F clash", async () => {
    const sha = payments.branch("main")?.sha as string;
    expect(await failure(gh.git.createRef({ owner, repo, ref: "refs/heads/main", sha }))).toMatchObject({
      status: 422,
      message: "Reference already exists",
    });
    expect(await failure(gh.git.createRef({ owner, repo, ref: "heads/x", sha }))).toMatchObject({ status: 422 });
    expect(await failure(gh.git.createRef({ owner, repo, ref: "refs/heads/bad..name", sha }))).toMatchObject({
      status: 422,
      message: "refs/heads/bad..name is not a valid ref name.",
    });
    expect(await failure(gh.git.createRef({ owner, repo, ref: "refs/heads/x", sha: "0".repeat(40) }))).toMatchObject({
      status: 422,
      message: "Object does not exist",
    });
    expect(await failure(gh.git.createRef({ owner, repo, ref: "refs/heads/main/child", sha }))).toMatchObject({
      status: 422,
      message: "Reference update failed",
    });
  });

  it("answers 404 for a missing ref and lists refs by prefix", async () => {
    expect(await status(gh.git.getRef({ owner, repo, ref: "heads/nope" }))).toBe(404);
    const matching = await gh.git.listMatchingRefs({ owner, repo, ref: "tags/v1.2" });
    expect(matching.data.map((r) => r.ref)).toEqual(["refs/tags/v1.2.0", "refs/tags/v1.2.3"]);
    expect((await gh.git.listMatchingRefs({ owner, repo, ref: "heads/zzz" })).data).toEqual([]);
  });

  it("creates an annotated tag: tag object first, then the ref; the ref reports object.type tag", async () => {
    const head = payments.branch("main")?.sha as string;
    const tagObject = await gh.git.createTag({
      owner,
      repo,
      tag: "hotfix-prep-20250128",
      message: "QA sign-off",
      object: head,
      type: "commit",
      tagger: { name: "Release Bot", email: "bot@acme.example", date: "2025-01-28T10:00:00Z" },
    });
    expect(tagObject.status).toBe(201);
    expect(tagObject.data.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(payments.tag("hotfix-prep-20250128")).toBeUndefined(); // no ref yet, as on GitHub

    await gh.git.createRef({ owner, repo, ref: "refs/tags/hotfix-prep-20250128", sha: tagObject.data.sha });
    const ref = await gh.git.getRef({ owner, repo, ref: "tags/hotfix-prep-20250128" });
    expect(ref.data.object).toMatchObject({ type: "tag", sha: tagObject.data.sha });
    const fetched = await gh.git.getTag({ owner, repo, tag_sha: tagObject.data.sha });
    expect(fetched.data).toMatchObject({ tag: "hotfix-prep-20250128", message: "QA sign-off", object: { sha: head, type: "commit" } });
    expect(payments.tag("hotfix-prep-20250128")).toMatchObject({ sha: head, annotated: true });

    const tags = await gh.repos.listTags({ owner, repo, per_page: 100 });
    expect(tags.data.find((t) => t.name === "hotfix-prep-20250128")?.commit.sha).toBe(head); // peeled to the commit
    expect(tags.data.slice(0, 3).map((t) => t.name)).toEqual(["v1.3.0-rc.1", "v1.2.3", "v1.2.0"]);
  });

  it("deletes a branch with 204 and answers 422 for a missing one and for the default branch", async () => {
    payments.createBranch("hotfix/old", "v1.2.3");
    expect(await status(gh.git.deleteRef({ owner, repo, ref: "heads/hotfix/old" }))).toBe(204);
    expect(payments.branch("hotfix/old")).toBeUndefined();
    expect(await failure(gh.git.deleteRef({ owner, repo, ref: "heads/hotfix/old" }))).toMatchObject({
      status: 422,
      message: "Reference does not exist",
    });
    expect(await status(gh.git.deleteRef({ owner, repo, ref: "heads/main" }))).toBe(422);
  });
});

describe("compare", () => {
  it("reports ahead, identical, behind and diverged from the real graph", async () => {
    const compare = (basehead: string) => gh.repos.compareCommitsWithBasehead({ owner, repo, basehead });
    const ahead = await compare("v1.2.3...main");
    expect(ahead.data).toMatchObject({ status: "ahead", ahead_by: 3, behind_by: 0, total_commits: 3 });
    expect(ahead.data.merge_base_commit.sha).toBe(payments.tag("v1.2.3")?.sha);
    expect(ahead.data.commits.map((c) => c.commit.message)).toEqual([
      "feat: nightly reconciliation job",
      "chore: release v1.3.0-rc.1",
      "feat: export the reconciliation report",
    ]);
    expect(ahead.data.files?.map((f) => f.filename)).toEqual(["package.json", "src/reconcile.ts", "src/report.ts"]);

    expect((await compare("main...main")).data).toMatchObject({ status: "identical", ahead_by: 0, behind_by: 0 });
    expect((await compare("main...v1.2.0")).data).toMatchObject({ status: "behind", ahead_by: 0, behind_by: 5 });

    payments.createBranch("hotfix/v1.2.4", "v1.2.3");
    payments.commit({
      branch: "hotfix/v1.2.4",
      message: "fix: cap batch size",
      files: { "src/ledger.ts": payments.file("v1.2.3", "src/ledger.ts")?.replace("batchSize = 100", "batchSize = 50") ?? "" },
    });
    const diverged = await compare("main...hotfix/v1.2.4");
    expect(diverged.data).toMatchObject({ status: "diverged", ahead_by: 1, behind_by: 3 });
    expect(diverged.data.files?.[0]).toMatchObject({ filename: "src/ledger.ts", status: "modified", additions: 1, deletions: 1 });
    expect(diverged.data.files?.[0]?.patch).toContain("-export function post(entries: Entry[], batchSize = 100): number {");
  });

  it("answers 404 for an unknown side", async () => {
    expect(await status(gh.repos.compareCommitsWithBasehead({ owner, repo, basehead: "main...nope" }))).toBe(404);
  });
});

describe("merges and fast-forward", () => {
  function hotfixBranch(): string {
    payments.createBranch("hotfix/v1.2.4", "v1.2.3");
    const ledger = payments.file("v1.2.3", "src/ledger.ts") ?? "";
    return payments.commit({
      branch: "hotfix/v1.2.4",
      message: "fix: cap batch size",
      files: { "src/ledger.ts": ledger.replace("batchSize = 100", "batchSize = 50") },
    });
  }

  it("merges a diverged hotfix into main with a real merge commit (201)", async () => {
    const fix = hotfixBranch();
    const before = payments.branch("main")?.sha as string;
    const merged = await gh.repos.merge({ owner, repo, base: "main", head: "hotfix/v1.2.4" });
    expect(merged.status).toBe(201);
    expect(merged.data.parents.map((p) => p.sha)).toEqual([before, fix]);
    expect(merged.data.commit.message).toBe("Merge hotfix/v1.2.4 into main");
    expect(payments.branch("main")?.sha).toBe(merged.data.sha);
    // Line-level merge: main's later files and the hotfix's change are both there.
    expect(payments.file("main", "src/ledger.ts")).toContain("batchSize = 50");
    expect(payments.file("main", "src/report.ts")).toBeDefined();
    expect(payments.isAncestor(fix, "main")).toBe(true);
  });

  it("answers 204 when head is already in base, 409 on a conflict, 404 for a missing side", async () => {
    expect(await status(gh.repos.merge({ owner, repo, base: "main", head: "release/1.2" }))).toBe(204);

    hotfixBranch();
    payments.commit({
      message: "refactor: smaller batches on main",
      files: { "src/ledger.ts": (payments.file("main", "src/ledger.ts") ?? "").replace("batchSize = 100", "batchSize = 25") },
    });
    expect(await failure(gh.repos.merge({ owner, repo, base: "main", head: "hotfix/v1.2.4" }))).toMatchObject({
      status: 409,
      message: "Merge conflict",
    });
    expect(await failure(gh.repos.merge({ owner, repo, base: "nope", head: "main" }))).toMatchObject({
      status: 404,
      message: "Base does not exist",
    });
    expect(await failure(gh.repos.merge({ owner, repo, base: "main", head: "nope" }))).toMatchObject({
      status: 404,
      message: "Head does not exist",
    });
  });

  it("fast-forwards with updateRef (no force) and refuses a non-fast-forward", async () => {
    // Runbook 000: after the hotfix lands on main, fast-forward the hotfix branch to main.
    hotfixBranch();
    const merged = await gh.repos.merge({ owner, repo, base: "main", head: "hotfix/v1.2.4" });
    const ff = await gh.git.updateRef({ owner, repo, ref: "heads/hotfix/v1.2.4", sha: merged.data.sha, force: false });
    expect(ff.status).toBe(200);
    expect(payments.branch("hotfix/v1.2.4")?.sha).toBe(merged.data.sha);

    payments.createBranch("legacy", "v1.2.0");
    const nonFf = gh.git.updateRef({ owner, repo, ref: "heads/release/1.2", sha: payments.branch("legacy")?.sha as string });
    expect(await failure(nonFf)).toMatchObject({ status: 422, message: "Update is not a fast forward" });
    expect(
      await status(gh.git.updateRef({ owner, repo, ref: "heads/release/1.2", sha: payments.branch("legacy")?.sha as string, force: true })),
    ).toBe(200);
    expect(await failure(gh.git.updateRef({ owner, repo, ref: "heads/missing", sha: merged.data.sha }))).toMatchObject({
      status: 422,
      message: "Reference does not exist",
    });
  });

  it("merges with a merge commit even when a fast-forward was possible; ff-only is updateRef without force", async () => {
    payments.createBranch("hotfix/ahead", "main");
    const fix = payments.commit({ branch: "hotfix/ahead", message: "fix: ahead of main", files: { "FIX.md": "fixed\n" } });
    const mainBefore = payments.branch("main")?.sha as string;

    // The merges API never fast-forwards: two parents, base first.
    const merged = await gh.repos.merge({ owner, repo, base: "main", head: "hotfix/ahead" });
    expect(merged.status).toBe(201);
    expect(merged.data.parents.map((p) => p.sha)).toEqual([mainBefore, fix]);

    // The ff-only merge-back (runbook 000) moves main itself, refused unless it is a fast-forward.
    payments.createBranch("hotfix/ff", "main");
    const ffTip = payments.commit({ branch: "hotfix/ff", message: "fix: fast-forwardable", files: { "FF.md": "ff\n" } });
    const moved = await gh.git.updateRef({ owner, repo, ref: "heads/main", sha: ffTip, force: false });
    expect(moved.data.object.sha).toBe(ffTip);
    expect(payments.branch("main")?.sha).toBe(ffTip);
    expect(payments.objects.commit(ffTip)?.parents).toEqual([merged.data.sha]);
  });

  it("refuses to force-push a protected branch", async () => {
    const old = payments.tag("v1.2.0")?.sha as string;
    expect(await failure(gh.git.updateRef({ owner, repo, ref: "heads/main", sha: old, force: true }))).toMatchObject({ status: 422 });
    expect(payments.branch("main")?.sha).not.toBe(old);
  });
});

describe("releases", () => {
  it("creates a release (and its tag), finds it by tag, and keeps latest on the newest full release", async () => {
    expect((await gh.repos.getLatestRelease({ owner, repo })).data.tag_name).toBe("v1.2.3"); // the rc is a prerelease
    payments.createBranch("hotfix/v1.2.4", "v1.2.3");
    const fix = payments.commit({ branch: "hotfix/v1.2.4", message: "fix: cap batch size", files: { "FIX.md": "capped\n" } });

    const created = await gh.repos.createRelease({
      owner,
      repo,
      tag_name: "v1.2.4",
      target_commitish: "hotfix/v1.2.4",
      name: "v1.2.4",
      body: "Hotfix.",
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ tag_name: "v1.2.4", draft: false, prerelease: false, target_commitish: "hotfix/v1.2.4" });
    expect(payments.tag("v1.2.4")?.sha).toBe(fix);
    expect((await gh.repos.getReleaseByTag({ owner, repo, tag: "v1.2.4" })).data.id).toBe(created.data.id);
    expect((await gh.repos.getLatestRelease({ owner, repo })).data.tag_name).toBe("v1.2.4");

    // Runbook 004 rollback: mark the hotfix as a prerelease; latest falls back.
    const updated = await gh.repos.updateRelease({ owner, repo, release_id: created.data.id, prerelease: true });
    expect(updated.data.prerelease).toBe(true);
    expect((await gh.repos.getLatestRelease({ owner, repo })).data.tag_name).toBe("v1.2.3");

    const all = await gh.repos.listReleases({ owner, repo });
    expect(all.data.map((r) => r.tag_name)).toContain("v1.2.4");
  });

  it("refuses a second release for a tag and a missing target, and 404s unknown tags and ids", async () => {
    const again = await failure(gh.repos.createRelease({ owner, repo, tag_name: "v1.2.3" }));
    expect(again).toMatchObject({ status: 422, message: "Validation Failed" });
    expect(again.data.errors).toEqual([{ resource: "Release", code: "already_exists", field: "tag_name" }]);
    expect(await status(gh.repos.createRelease({ owner, repo, tag_name: "v9.9.9", target_commitish: "nope" }))).toBe(422);
    expect(await status(gh.repos.getReleaseByTag({ owner, repo, tag: "v0.0.1" }))).toBe(404);
    expect(await status(gh.repos.updateRelease({ owner, repo, release_id: 1, name: "x" }))).toBe(404);
  });

  it("does not expose drafts by tag nor create their tag until published", async () => {
    const draft = await gh.repos.createRelease({ owner, repo, tag_name: "v1.3.0", draft: true });
    expect(draft.data.published_at).toBeNull();
    expect(payments.tag("v1.3.0")).toBeUndefined();
    expect(await status(gh.repos.getReleaseByTag({ owner, repo, tag: "v1.3.0" }))).toBe(404);
    await gh.repos.updateRelease({ owner, repo, release_id: draft.data.id, draft: false });
    expect(payments.tag("v1.3.0")?.sha).toBe(payments.branch("main")?.sha);
    expect((await gh.repos.getLatestRelease({ owner, repo })).data.tag_name).toBe("v1.3.0");
  });
});

describe("CI results", () => {
  it("lists check runs and the combined status for a ref", async () => {
    const runs = await gh.checks.listForRef({ owner, repo, ref: "main" });
    expect(runs.data.total_count).toBe(2);
    expect(runs.data.check_runs.map((r) => [r.name, r.status, r.conclusion])).toEqual([
      ["test", "completed", "success"],
      ["build", "completed", "success"],
    ]);
    expect((await gh.repos.getCombinedStatusForRef({ owner, repo, ref: "main" })).data.state).toBe("success");

    payments.createBranch("hotfix/x", "main");
    const head = payments.commit({ branch: "hotfix/x", message: "fix", files: { "a.txt": "a\n" } });
    expect((await gh.repos.getCombinedStatusForRef({ owner, repo, ref: "hotfix/x" })).data).toMatchObject({
      state: "pending",
      total_count: 0,
    });
    payments.addStatus(head, { context: "ci/circleci", state: "pending" });
    payments.addStatus(head, { context: "ci/circleci", state: "failure" });
    payments.addCheckRun(head, { name: "build", status: "in_progress" });
    const combined = await gh.repos.getCombinedStatusForRef({ owner, repo, ref: head });
    expect(combined.data).toMatchObject({ state: "failure", total_count: 1, sha: head });
    const building = await gh.checks.listForRef({ owner, repo, ref: "hotfix/x", status: "in_progress" });
    expect(building.data.check_runs[0]).toMatchObject({ name: "build", conclusion: null, completed_at: null });
  });
});

describe("contents", () => {
  it("reads a file and updates it only with the current blob sha", async () => {
    const file = await gh.repos.getContent({ owner, repo, path: "CHANGELOG.md", ref: "main" });
    if (Array.isArray(file.data) || file.data.type !== "file") throw new Error("expected a file");
    const current = file.data;
    const mainBefore = payments.branch("main")?.sha;
    const text = Buffer.from(current.content, "base64").toString("utf8");
    expect(text).toContain("## v1.2.3");

    const stale = await failure(
      gh.repos.createOrUpdateFileContents({
        owner,
        repo,
        path: "CHANGELOG.md",
        message: "docs",
        content: Buffer.from("x").toString("base64"),
        sha: "0".repeat(40),
      }),
    );
    expect(stale).toMatchObject({ status: 409, message: `CHANGELOG.md does not match ${"0".repeat(40)}` });
    expect(
      await failure(gh.repos.createOrUpdateFileContents({ owner, repo, path: "CHANGELOG.md", message: "docs", content: "eA==" })),
    ).toMatchObject({
      status: 422,
      message: 'Invalid request.\n\n"sha" wasn\'t supplied.',
    });

    const updated = await gh.repos.createOrUpdateFileContents({
      owner,
      repo,
      path: "CHANGELOG.md",
      message: "docs: changelog for v1.2.4",
      content: Buffer.from(`${text}\n## v1.2.4\n- Cap batch size\n`).toString("base64"),
      sha: current.sha,
    });
    expect(updated.status).toBe(200);
    expect(updated.data.commit.parents?.[0]?.sha).toBe(mainBefore);
    expect(payments.branch("main")?.sha).toBe(updated.data.commit.sha);
    expect(payments.file("main", "CHANGELOG.md")).toContain("## v1.2.4");

    const created = await gh.repos.createOrUpdateFileContents({
      owner,
      repo,
      path: "docs/hotfix.md",
      message: "docs",
      content: Buffer.from("# Hotfix\n").toString("base64"),
      branch: "release/1.2",
    });
    expect(created.status).toBe(201);
    expect(payments.file("release/1.2", "docs/hotfix.md")).toBe("# Hotfix\n");
    expect(
      await failure(gh.repos.createOrUpdateFileContents({ owner, repo, path: "x.md", message: "m", content: "eA==", branch: "nope" })),
    ).toMatchObject({ status: 404 });
  });

  it("lists a directory and 404s a missing path", async () => {
    const dir = await gh.repos.getContent({ owner, repo, path: "src" });
    expect(Array.isArray(dir.data) && dir.data.map((e) => `${e.type}:${e.name}`)).toEqual([
      "file:ledger.ts",
      "file:money.ts",
      "file:reconcile.ts",
      "file:report.ts",
    ]);
    expect(await status(gh.repos.getContent({ owner, repo, path: "nope.md" }))).toBe(404);
  });
});

describe("workflow dispatch", () => {
  it("records a dispatch with the declared inputs and refuses unknown or missing ones", async () => {
    const inputs = {
      version: "1.2.4",
      commit_sha: payments.branch("main")?.sha as string,
      parent_tag: "v1.2.3",
      justification: "Critical fee rounding regression affecting settlement of card payments",
      ticket_url: "https://linear.app/acme/issue/ENG-42",
      risk_level: "high",
    };
    expect(await status(gh.actions.createWorkflowDispatch({ owner, repo, workflow_id: "hotfix-release.yml", ref: "main", inputs }))).toBe(
      204,
    );
    expect(payments.dispatches).toHaveLength(1);
    expect(payments.dispatches[0]).toMatchObject({ ref: "main", inputs, workflow: { path: ".github/workflows/hotfix-release.yml" } });

    expect(
      await failure(
        gh.actions.createWorkflowDispatch({
          owner,
          repo,
          workflow_id: "hotfix-release.yml",
          ref: "main",
          inputs: { ...inputs, extra: "x" },
        }),
      ),
    ).toMatchObject({
      status: 422,
      message: 'Unexpected inputs provided: ["extra"]',
    });
    const { risk_level: _omitted, ...missing } = inputs;
    expect(
      await failure(gh.actions.createWorkflowDispatch({ owner, repo, workflow_id: "hotfix-release.yml", ref: "main", inputs: missing })),
    ).toMatchObject({
      status: 422,
      message: "Required input 'risk_level' not provided",
    });
    expect(await status(gh.actions.createWorkflowDispatch({ owner, repo, workflow_id: "hotfix-release.yml", ref: "nope", inputs }))).toBe(
      422,
    );
    expect(await status(gh.actions.createWorkflowDispatch({ owner, repo, workflow_id: "missing.yml", ref: "main" }))).toBe(404);

    const withRun = await gh.request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", {
      owner,
      repo,
      workflow_id: "deploy.yml",
      ref: "main",
      inputs: { environment: "staging" },
      return_run_details: true,
    });
    expect(withRun.status).toBe(200);
    expect(withRun.data).toMatchObject({ workflow_run_id: expect.any(Number) });
  });
});

describe("GitHub's error answers", () => {
  it("401 for a wrong or missing token, with GitHub's body", async () => {
    const wrong = new Octokit({ auth: "ghp_wrong", baseUrl: em.url, request: { retries: 0 }, log: quiet });
    const denied = await failure(wrong.repos.get({ owner, repo }));
    expect(denied).toMatchObject({ status: 401, message: "Bad credentials" });
    expect(denied.data.documentation_url).toBe("https://docs.github.com/rest");
    const anonymous = new Octokit({ baseUrl: em.url, request: { retries: 0 }, log: quiet });
    expect(await failure(anonymous.repos.get({ owner, repo }))).toMatchObject({ status: 401, message: "Requires authentication" });
    const bearer = await fetch(`${em.url}/repos/acme/payments`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bearer.status).toBe(200);
  });

  it("404 for an unknown repository (names are case-insensitive), 422 for an unknown commit", async () => {
    expect(await failure(gh.repos.get({ owner, repo: "nope" }))).toMatchObject({ status: 404, message: "Not Found" });
    expect((await gh.repos.get({ owner: "ACME", repo: "Payments" })).data.full_name).toBe("acme/payments");
    expect(await failure(gh.repos.getCommit({ owner, repo, ref: "deadbeef" }))).toMatchObject({
      status: 422,
      message: "No commit found for SHA: deadbeef",
    });
  });

  it("paginates with a Link header that octokit.paginate follows", async () => {
    for (let i = 0; i < 4; i++) payments.createBranch(`feature/${i}`, "main");
    const first = await gh.repos.listBranches({ owner, repo, per_page: 2 });
    expect(first.headers.link).toContain('rel="next"');
    const all = await gh.paginate(gh.repos.listBranches, { owner, repo, per_page: 2 });
    expect(all.map((b) => b.name)).toEqual(payments.branchNames());
  });

  it("answers 409 on git endpoints of an empty repository", async () => {
    em.createRepo("acme/empty");
    expect(await failure(gh.git.getRef({ owner, repo: "empty", ref: "heads/main" }))).toMatchObject({
      status: 409,
      message: "Git Repository is empty.",
    });
  });
});
