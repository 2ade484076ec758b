// The GitHub client on its own, against the emulator: what is retried and
// what is not (a 409 never), and the idempotent writes the outbox relies on.

import { type EmulatedRepo, type GitHubEmulator, startGitHubEmulator } from "@hotfix/github-emulator";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { envSchema } from "../../src/config.js";
import {
  createGitHubClient,
  deleteBranch,
  ensureAnnotatedTag,
  ensureBranch,
  ensureRelease,
  type GitHubClient,
  githubStatus,
  isRateLimited,
  isRefusal,
  mergeInto,
  RefConflictError,
  readFile,
  tagCommit,
  writeFile,
} from "../../src/integrations/github.js";
import { sharedSpecs } from "../support/shared-specs.js";

let em: GitHubEmulator;
let gh: GitHubClient;
let repo: EmulatedRepo;

beforeAll(async () => {
  em = await startGitHubEmulator({ specPath: sharedSpecs.githubRest, onSpecViolation: () => undefined });
  const env = envSchema.parse({ GITHUB_TOKEN: "ghp_test_token", GITHUB_REPOSITORY: "acme/payments", GITHUB_API_URL: `${em.url}/` });
  const client = createGitHubClient(env, pino({ level: "silent" }), { throttle: false, retryAfterBaseValue: 1 });
  if (!client) throw new Error("not configured");
  gh = client;
  repo = em.repo("acme/payments");
});

beforeEach(() => {
  em.faults.clear();
  em.clearCalls();
});

afterAll(async () => {
  expect(em.specViolations()).toEqual([]);
  await em.close();
});

describe("configuration", () => {
  it("is off without a token or a repository", () => {
    const logger = pino({ level: "silent" });
    expect(createGitHubClient(envSchema.parse({ GITHUB_REPOSITORY: "acme/payments" }), logger)).toBeUndefined();
    expect(createGitHubClient(envSchema.parse({ GITHUB_TOKEN: "x" }), logger)).toBeUndefined();
  });

  it("reads the repository once", async () => {
    expect(await gh.repository()).toEqual({ defaultBranch: "main", htmlUrl: "https://github.com/acme/payments" });
    await gh.repository();
    expect(em.calls({ operationId: "repos/get" }).length).toBeLessThanOrEqual(1);
  });
});

describe("retries", () => {
  it("retries 5xx (up to 3 times) and gives up after", async () => {
    em.faults.add({ operationId: "repos/get-branch", status: 503, times: 3 });
    expect((await gh.octokit.rest.repos.getBranch({ owner: "acme", repo: "payments", branch: "main" })).status).toBe(200);
    expect(em.calls({ operationId: "repos/get-branch" }).map((c) => c.status)).toEqual([503, 503, 503, 200]);
    em.clearCalls();
    em.faults.add({ operationId: "repos/get-branch", status: 500, times: 10 });
    await expect(gh.octokit.rest.repos.getBranch({ owner: "acme", repo: "payments", branch: "main" })).rejects.toMatchObject({
      status: 500,
    });
    expect(em.calls({ operationId: "repos/get-branch" })).toHaveLength(4);
  });

  it.each([400, 401, 403, 404, 409, 422])("never retries a %i", async (status) => {
    em.faults.add({ operationId: "repos/get-branch", status, rateLimit: false, times: 5 });
    const error = await gh.octokit.rest.repos.getBranch({ owner: "acme", repo: "payments", branch: "main" }).catch((e: unknown) => e);
    expect(githubStatus(error)).toBe(status);
    expect(isRefusal(error)).toBe(true);
    expect(em.calls({ operationId: "repos/get-branch" })).toHaveLength(1);
  });

  it("does not retry a real merge conflict", async () => {
    const base = repo.createBranch("conflict/base", "v1.2.3");
    repo.commit({ branch: "conflict/base", message: "a", files: { "README.md": "one\n" } });
    repo.createBranch("conflict/head", base);
    repo.commit({ branch: "conflict/head", message: "b", files: { "README.md": "two\n" } });
    const error = await mergeInto(gh, "conflict/base", "conflict/head", "merge").catch((e: unknown) => e);
    expect(githubStatus(error)).toBe(409);
    expect(em.calls({ operationId: "repos/merge" })).toHaveLength(1);
  });

  it("tells rate limits from refusals", async () => {
    em.faults.add({ operationId: "repos/get-branch", status: 403, rateLimit: "secondary", retryAfter: 1 });
    const limited = await gh.octokit.rest.repos.getBranch({ owner: "acme", repo: "payments", branch: "main" }).catch((e: unknown) => e);
    expect(isRateLimited(limited)).toBe(true);
    expect(isRefusal(limited)).toBe(false);
  });
});

describe("idempotent writes", () => {
  it("creates a branch once; the same branch at the same sha is success; at another sha a clear error", async () => {
    const sha = repo.mustResolve("v1.2.3").sha;
    expect(await ensureBranch(gh, "idem/branch", sha)).toEqual({ created: true });
    expect(await ensureBranch(gh, "idem/branch", sha)).toEqual({ created: false });
    await expect(ensureBranch(gh, "idem/branch", repo.mustResolve("v1.2.0").sha)).rejects.toThrow(RefConflictError);
    await expect(ensureBranch(gh, "idem/branch", repo.mustResolve("v1.2.0").sha)).rejects.toThrow(
      /already exists at [0-9a-f]{7}, not at [0-9a-f]{7}/,
    );
  });

  it("creates an annotated tag once; an existing lightweight tag on the same commit is accepted; another commit is refused", async () => {
    const sha = repo.mustResolve("v1.2.3").sha;
    const first = await ensureAnnotatedTag(gh, "idem/tag", sha, "first");
    expect(first).toMatchObject({ created: true, annotated: true });
    expect(await ensureAnnotatedTag(gh, "idem/tag", sha, "again")).toMatchObject({
      created: false,
      annotated: true,
      objectSha: first.objectSha,
    });
    expect(await tagCommit(gh, "idem/tag")).toBe(sha);
    repo.tag("idem/light", sha);
    expect(await ensureAnnotatedTag(gh, "idem/light", sha, "x")).toMatchObject({ created: false, annotated: false });
    await expect(ensureAnnotatedTag(gh, "idem/tag", repo.mustResolve("v1.2.0").sha, "moved")).rejects.toThrow(/Tags do not move/);
    expect(em.calls({ operationId: "git/create-tag" })).toHaveLength(1);
  });

  it("reuses the release that exists for a tag", async () => {
    const first = await ensureRelease(gh, { tag: "v9.9.9", name: "v9.9.9", body: "b", target: "main", makeLatest: false });
    const second = await ensureRelease(gh, { tag: "v9.9.9", name: "v9.9.9", body: "other", target: "main", makeLatest: false });
    expect(first.created).toBe(true);
    expect(second).toEqual({ release: first.release, created: false });
    expect(repo.releases.filter((r) => r.tagName === "v9.9.9")).toHaveLength(1);
  });

  it("deletes a branch once; one already gone is success", async () => {
    repo.createBranch("idem/gone", "v1.2.3");
    expect(await deleteBranch(gh, "idem/gone")).toEqual({ deleted: true });
    expect(await deleteBranch(gh, "idem/gone")).toEqual({ deleted: false });
  });

  it("writes a file guarded by its blob sha: a stale sha is a 409", async () => {
    repo.createBranch("idem/docs", "main");
    const before = await readFile(gh, "CHANGELOG.md", "idem/docs");
    expect(before?.text).toContain("# Changelog");
    await writeFile(gh, {
      path: "CHANGELOG.md",
      branch: "idem/docs",
      text: `${before?.text}more\n`,
      message: "docs",
      sha: before?.sha ?? "",
    });
    const stale = await writeFile(gh, {
      path: "CHANGELOG.md",
      branch: "idem/docs",
      text: "x",
      message: "docs",
      sha: before?.sha ?? "",
    }).catch((e: unknown) => e);
    expect(githubStatus(stale)).toBe(409);
    expect(await readFile(gh, "nope.md", "idem/docs")).toBeUndefined();
  });
});
