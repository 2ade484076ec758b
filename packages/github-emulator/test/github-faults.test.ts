// Failure modes: injected 5xx with Octokit's retry plugin, 409s that must not
// be retried, rate limits with GitHub's headers (primary and secondary), and
// the emulator refusing requests and answers that GitHub's description rejects.
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sharedSpecs } from "../../../test/support/shared-specs.js";
import { type GitHubEmulator, loadSpec, startGitHubEmulator, validatorFor } from "../src/index.js";

const owner = "acme";
const repo = "payments";
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const RetryingOctokit = Octokit.plugin(retry);

let em: GitHubEmulator;
let violations: string[];

beforeEach(async () => {
  violations = [];
  em = await startGitHubEmulator({ specPath: sharedSpecs.githubRest, onSpecViolation: (message) => violations.push(message) });
});

afterEach(async () => {
  await em.close();
});

describe("injected server errors and retries", () => {
  it("fails once with 500, and Octokit's retry plugin gets the answer on the second try", async () => {
    const fault = em.faults.add({ operationId: "git/get-ref", status: 500, times: 1 });
    const gh = new RetryingOctokit({ auth: "ghp_test_token", baseUrl: em.url, log: quiet, retry: { retryAfterBaseValue: 1 } });
    const ref = await gh.git.getRef({ owner, repo, ref: "heads/main" });
    expect(ref.status).toBe(200);
    expect(fault.hits).toBe(1);
    expect(em.calls({ operationId: "git/get-ref" }).map((c) => c.status)).toEqual([500, 200]);
  });

  it("does not retry a 409 when doNotRetry lists it", async () => {
    em.faults.add({ method: "POST", pathPattern: "/repos/acme/payments/merges", status: 409, message: "Merge conflict", times: 3 });
    const gh = new RetryingOctokit({
      auth: "ghp_test_token",
      baseUrl: em.url,
      log: quiet,
      retry: { retryAfterBaseValue: 1, doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451] },
    });
    await expect(gh.repos.merge({ owner, repo, base: "main", head: "release/1.2" })).rejects.toMatchObject({ status: 409 });
    expect(em.calls({ operationId: "repos/merge" })).toHaveLength(1);
  });

  it("matches faults by glob path and counts them down", async () => {
    const gh = new Octokit({ auth: "ghp_test_token", baseUrl: em.url, request: { retries: 0 }, log: quiet });
    em.faults.add({ pathPattern: "/repos/*/payments/branches*", status: 503, times: 2 });
    await expect(gh.repos.listBranches({ owner, repo })).rejects.toMatchObject({ status: 503 });
    await expect(gh.repos.getBranch({ owner, repo, branch: "main" })).rejects.toMatchObject({ status: 503 });
    expect((await gh.repos.listBranches({ owner, repo })).status).toBe(200);
    expect(em.faults.pending()).toEqual([]);
  });
});

describe("rate limits", () => {
  it("sends GitHub's primary rate-limit headers and message on 429", async () => {
    em.faults.add({ operationId: "repos/get", status: 429, resetIn: 30 });
    const response = await fetch(`${em.url}/repos/acme/payments`, { headers: { authorization: "token ghp_test_token" } });
    expect(response.status).toBe(429);
    expect(response.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(response.headers.get("x-ratelimit-limit")).toBe("5000");
    const reset = Number(response.headers.get("x-ratelimit-reset"));
    expect(reset - Date.now() / 1000).toBeGreaterThan(25);
    const body = (await response.json()) as { message: string };
    expect(body.message).toMatch(/^API rate limit exceeded for user ID \d+\./);
    // Ordinary answers carry the budget too.
    const ok = await fetch(`${em.url}/repos/acme/payments`, { headers: { authorization: "token ghp_test_token" } });
    expect(Number(ok.headers.get("x-ratelimit-remaining"))).toBeLessThan(5000);
  });

  it("drives Octokit's throttling plugin: a secondary limit with retry-after is waited out and retried", async () => {
    em.faults.add({ operationId: "git/create-ref", status: 403, rateLimit: "secondary", retryAfter: 1 });
    const seen: number[] = [];
    const ThrottledOctokit = Octokit.plugin(throttling);
    const gh = new ThrottledOctokit({
      auth: "ghp_test_token",
      baseUrl: em.url,
      log: quiet,
      throttle: {
        retryAfterBaseValue: 10, // scale GitHub's seconds down for the test
        onRateLimit: () => false,
        onSecondaryRateLimit: (retryAfter: number) => {
          seen.push(retryAfter);
          return true;
        },
      },
    });
    const sha = em.repo("acme/payments").branch("main")?.sha as string;
    const created = await gh.git.createRef({ owner, repo, ref: "refs/heads/hotfix/throttled", sha });
    expect(created.status).toBe(201);
    expect(seen).toEqual([1]);
  });

  it("enforces the optional secondary limit on content-creating requests", async () => {
    const limited = await startGitHubEmulator({ specPath: sharedSpecs.githubRest, secondaryRateLimit: { perMinute: 2 } });
    try {
      const gh = new Octokit({ auth: "ghp_test_token", baseUrl: limited.url, request: { retries: 0 }, log: quiet });
      const sha = limited.repo("acme/payments").branch("main")?.sha as string;
      await gh.git.createRef({ owner, repo, ref: "refs/heads/a", sha });
      await gh.git.createRef({ owner, repo, ref: "refs/heads/b", sha });
      const refused = await gh.git
        .createRef({ owner, repo, ref: "refs/heads/c", sha })
        .catch((e: { status: number; response: { headers: Record<string, string> }; message: string }) => e);
      expect(refused).toMatchObject({ status: 403 });
      expect("message" in refused && refused.message).toMatch(/secondary rate limit/);
      expect("response" in refused && Number(refused.response.headers["retry-after"])).toBeGreaterThan(0);
      expect((await gh.repos.get({ owner, repo })).status).toBe(200); // reads are not content-creating
    } finally {
      await limited.close();
    }
  });
});

describe("checking against GitHub's description", () => {
  it("answers 500 explaining a request GitHub would reject", async () => {
    const gh = new Octokit({ auth: "ghp_test_token", baseUrl: em.url, request: { retries: 0 }, log: quiet });
    // The body lacks `sha`, which GitHub requires (sent without Octokit's typed route to get past the compiler).
    const error = await gh
      .request({ method: "POST", url: "/repos/{owner}/{repo}/git/refs", owner, repo, ref: "refs/heads/x" })
      .catch((e: { status: number; response: { data: { message: string; errors: string[] } } }) => e);
    expect(error).toMatchObject({ status: 500 });
    const data = (error as { response: { data: { message: string; errors: string[] } } }).response.data;
    expect(data.message).toContain("the request does not match GitHub's description of git/create-ref");
    expect(data.errors).toContain("body must have required property 'sha'");
    expect(violations).toHaveLength(1);
    expect(em.specViolations()).toHaveLength(1);
  });

  it("answers 500 when its own answer would not match (a deliberately corrupted handler result)", async () => {
    em.faults.add({
      operationId: "repos/get-latest-release",
      transform: (body) => ({ ...(body as Record<string, unknown>), id: "not-a-number", tag_name: undefined }),
    });
    const gh = new Octokit({ auth: "ghp_test_token", baseUrl: em.url, request: { retries: 0 }, log: quiet });
    const error = await gh.repos
      .getLatestRelease({ owner, repo })
      .catch((e: { status: number; response: { data: { message: string; errors: string[] } } }) => e);
    expect(error).toMatchObject({ status: 500 });
    const data = (error as { response: { data: { errors: string[] } } }).response.data;
    expect(data.errors).toEqual(expect.arrayContaining(["response/id must be integer", "response must have required property 'tag_name'"]));
  });

  it("answers 501 for an operation outside the description", async () => {
    const gh = new Octokit({ auth: "ghp_test_token", baseUrl: em.url, request: { retries: 0 }, log: quiet });
    await expect(gh.git.getCommit({ owner, repo, commit_sha: "abc" })).rejects.toMatchObject({ status: 501 });
    expect(violations[0]).toContain("no operation of the description matches GET /repos/acme/payments/git/commits/abc");
  });

  it("validates directly: documented statuses, required fields, formats", () => {
    const spec = loadSpec(sharedSpecs.githubRest);
    expect(spec.operations).toHaveLength(40);
    const validator = validatorFor(spec);
    const getRef = spec.byId.get("git/get-ref");
    const createRef = spec.byId.get("git/create-ref");
    if (!getRef || !createRef) throw new Error("operations missing from the description");
    expect(validator.validateResponse(createRef, 200, {})).toEqual([
      expect.stringContaining("status 200 is not documented for git/create-ref"),
    ]);
    expect(
      validator.validateResponse(getRef, 200, {
        ref: "refs/heads/main",
        node_id: "x",
        url: "not a url",
        object: { sha: "a".repeat(40), type: "commit", url: "http://x/y" },
      }),
    ).toEqual(['response/url must match format "uri"']);
    expect(validator.validateResponse(getRef, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" })).toEqual(
      [],
    );
    expect(validator.validateResponse(getRef, 404, { documentation_url: 1 })).not.toEqual([]);
  });
});
