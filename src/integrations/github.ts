// GitHub through Octokit, with GitHub's own failure modes handled once:
// - plugin-retry retries 5xx (and network failures) with backoff; 4xx answers
//   that will not change on a retry (400, 401, 403, 404, 409 merge conflict,
//   410, 422, 451) are never retried;
// - plugin-throttling paces content-creating requests (GitHub's secondary
//   limit is about 80 a minute) and waits out rate limits as GitHub asks
//   (retry-after, x-ratelimit-reset);
// - writes are idempotent here: "reference already exists" at the same sha is
//   success and at another sha a clear error; a release that already exists
//   for a tag is fetched and reused.
// Everything that changes GitHub runs from the incident's outbox (see
// src/effects/github-*.ts), never from a Slack request.
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import type { Logger } from "pino";
import type { Env } from "../config.js";
import { shortSha } from "../domain/names.js";
import { describeSource, type ParentRelease } from "../domain/parent-release.js";
import { highestReleaseTag, hotfixParent, type Versioning } from "../domain/versions.js";

const HotfixOctokit = Octokit.plugin(retry, throttling);
export type GitHubOctokit = InstanceType<typeof HotfixOctokit>;

export interface GitHubClientOptions {
  /** Pace writes and wait out rate limits (default true). Tests turn it off to run fast. */
  throttle?: boolean;
  /** Milliseconds per "second" GitHub asks to wait, for retries and limits (default 1000; tests shrink it). */
  retryAfterBaseValue?: number;
  /** Retries of a 5xx or a network failure (default 3). */
  retries?: number;
  /** Per-request timeout (default 30 s); a timeout is retried like a 5xx. */
  timeoutMs?: number;
  /** Longest rate-limit wait done in process (default 60 s); longer ones fail the step, which the outbox retries later. */
  maxRateLimitWaitSeconds?: number;
}

export interface GitHubClient {
  readonly octokit: GitHubOctokit;
  readonly owner: string;
  readonly repo: string;
  /** "owner/repo" */
  readonly fullName: string;
  /** Default branch and web address, read once. */
  repository(): Promise<{ defaultBranch: string; htmlUrl: string }>;
  /** The reads workflows make before acting (previews, form defaults), as methods: workflows never import this module. */
  readonly reads: GitHubReads;
}

export interface GitHubReads {
  listTagNames(): Promise<Array<{ name: string; sha: string }>>;
  tagCommit(tag: string): Promise<string | undefined>;
  latestRelease(): Promise<ReleaseInfo | undefined>;
  getRefSha(ref: string): Promise<{ sha: string; type: string } | undefined>;
  compareCommits(base: string, head: string): ReturnType<typeof compareCommits>;
  commitChecks(sha: string): ReturnType<typeof commitChecks>;
  /** The tag named, else the highest GA semver tag matching `pattern`, else GitHub's latest release (then chained, see findParentRelease). */
  parentRelease(pattern: string, named?: string | null, versioning?: Versioning): Promise<ParentRelease | undefined>;
  /** Names of the required status checks of `branch`'s protection; [] when the branch is not protected. */
  requiredChecks(branch: string): Promise<string[]>;
}

function readsOf(gh: GitHubClient): GitHubReads {
  return {
    listTagNames: () => listTagNames(gh),
    tagCommit: (tag) => tagCommit(gh, tag),
    latestRelease: () => latestRelease(gh),
    getRefSha: (ref) => getRefSha(gh, ref),
    compareCommits: (base, head) => compareCommits(gh, base, head),
    commitChecks: (sha) => commitChecks(gh, sha),
    parentRelease: (pattern, named, versioning) => findParentRelease(gh, pattern, named, versioning),
    requiredChecks: (branch) => requiredChecks(gh, branch),
  };
}

/**
 * The production release a hotfix starts from: the tag the user names, else
 * the highest GA semver tag matching the policy's pattern, else GitHub's
 * latest release. Undefined when none exists.
 */
export async function findParentRelease(
  gh: GitHubClient,
  pattern: string,
  named?: string | null,
  versioning: Versioning = "patch",
): Promise<ParentRelease | undefined> {
  const found = await findProductionRelease(gh, pattern, named);
  if (!found || named || versioning === "patch") return found;
  // With a suffix, a second hotfix starts from the first (if it was not rolled back), never from the GA tag under both.
  const rolledBack = new Set((await listReleases(gh)).filter((r) => r.prerelease).map((r) => r.tagName));
  const chained = hotfixParent(found.tag, found.tags, versioning, rolledBack);
  if (chained === found.tag) return found;
  const sha = await tagCommit(gh, chained);
  return sha ? { tag: chained, sha, source: "last-hotfix", how: describeSource("last-hotfix", pattern), tags: found.tags } : found;
}

async function findProductionRelease(gh: GitHubClient, pattern: string, named?: string | null): Promise<ParentRelease | undefined> {
  const tags = await listTagNames(gh);
  const names = tags.map((t) => t.name);
  const shaOf = async (tag: string) => tags.find((t) => t.name === tag)?.sha ?? (await tagCommit(gh, tag));
  if (named) {
    const sha = await shaOf(named);
    return sha ? { tag: named, sha, source: "named", how: describeSource("named", pattern), tags: names } : undefined;
  }
  const best = highestReleaseTag(names, pattern);
  if (best) {
    const sha = await shaOf(best.tag);
    if (sha) return { tag: best.tag, sha, source: "highest-tag", how: describeSource("highest-tag", pattern), tags: names };
  }
  const latest = await latestRelease(gh);
  if (latest) {
    const sha = await shaOf(latest.tagName);
    if (sha) return { tag: latest.tagName, sha, source: "latest-release", how: describeSource("latest-release", pattern), tags: names };
  }
  return undefined;
}

/** GitHub answers that must not be retried: a retry gets the same answer (409 is a merge conflict). */
export const DO_NOT_RETRY = [400, 401, 403, 404, 409, 410, 422, 451];

export function createGitHubClient(env: Env, logger: Logger, options: GitHubClientOptions = {}): GitHubClient | undefined {
  if (!env.GITHUB_TOKEN || !env.GITHUB_REPOSITORY) return undefined;
  const [owner = "", repo = ""] = env.GITHUB_REPOSITORY.split("/");
  const log = logger.child({ component: "github" });
  const throttle = options.throttle ?? true;
  const base = options.retryAfterBaseValue ?? 1000;
  const maxWait = options.maxRateLimitWaitSeconds ?? 60;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const octokit = new HotfixOctokit({
    auth: env.GITHUB_TOKEN,
    baseUrl: env.GITHUB_API_URL.replace(/\/+$/, ""),
    userAgent: "hotfix-commander",
    log: {
      debug: (message: string) => log.debug(message),
      info: (message: string) => log.info(message),
      warn: (message: string) => log.warn(message),
      error: (message: string) => log.error(message),
    },
    request: {
      // Not `retries` here: a per-request retry count makes plugin-retry ignore doNotRetry (and retry a 409).
      fetch: (url: string | URL, init?: RequestInit) => fetch(url, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) }),
    },
    // With throttling on, rate limits (403/429 with GitHub's headers) belong to it alone.
    retry: { doNotRetry: throttle ? [...DO_NOT_RETRY, 429] : DO_NOT_RETRY, retryAfterBaseValue: base, retries: options.retries ?? 3 },
    throttle: throttle
      ? {
          id: `hotfix-commander:${env.GITHUB_REPOSITORY}`,
          retryAfterBaseValue: base,
          onRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
            const wait = retryCount < 3 && retryAfter <= maxWait;
            log.warn({ method: request.method, url: request.url, retryAfter, retryCount, wait }, "GitHub rate limit");
            return wait;
          },
          onSecondaryRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
            const wait = retryCount < 3 && retryAfter <= maxWait;
            log.warn({ method: request.method, url: request.url, retryAfter, retryCount, wait }, "GitHub secondary rate limit");
            return wait;
          },
        }
      : { enabled: false },
  });
  let info: Promise<{ defaultBranch: string; htmlUrl: string }> | undefined;
  const client: GitHubClient = {
    get reads() {
      return readsOf(client);
    },
    octokit,
    owner,
    repo,
    fullName: `${owner}/${repo}`,
    repository() {
      info ??= octokit.rest.repos
        .get({ owner, repo })
        .then((r) => ({ defaultBranch: r.data.default_branch, htmlUrl: r.data.html_url }))
        .catch((error: unknown) => {
          info = undefined;
          throw error;
        });
      return info;
    },
  };
  return client;
}

// ------------------------------------------------------------------ errors

export function githubStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown }).status;
  return typeof status === "number" ? status : undefined;
}

/** GitHub's own message ("Reference already exists", "Merge conflict"). */
export function githubMessage(error: unknown): string {
  const data = (error as { response?: { data?: { message?: string; errors?: Array<{ message?: string; code?: string }> } } }).response
    ?.data;
  const detail = data?.errors
    ?.map((e) => e.message ?? e.code)
    .filter(Boolean)
    .join("; ");
  const message = data?.message ?? (error instanceof Error ? error.message : String(error));
  return detail ? `${message} (${detail})` : message;
}

/** A rate limit GitHub may lift by itself: worth retrying later, not a refusal. */
export function isRateLimited(error: unknown): boolean {
  const status = githubStatus(error);
  if (status === 429) return true;
  if (status !== 403) return false;
  const headers = (error as { response?: { headers?: Record<string, string> } }).response?.headers ?? {};
  return headers["x-ratelimit-remaining"] === "0" || headers["retry-after"] !== undefined || /rate limit/i.test(githubMessage(error));
}

/** GitHub refused for good (a 4xx that is not a rate limit): retrying cannot help. */
export function isRefusal(error: unknown): boolean {
  const status = githubStatus(error);
  return status !== undefined && status >= 400 && status < 500 && !isRateLimited(error);
}

/** A write that found its target taken by something else. */
export class RefConflictError extends Error {
  override readonly name = "RefConflictError";
}

// ------------------------------------------------------------------ refs and tags

/** The sha a ref points at ("heads/main", "tags/v1.2.3"); undefined when it does not exist. */
export async function getRefSha(gh: GitHubClient, ref: string): Promise<{ sha: string; type: string } | undefined> {
  try {
    const res = await gh.octokit.rest.git.getRef({ owner: gh.owner, repo: gh.repo, ref: ref.replace(/^refs\//, "") });
    return { sha: res.data.object.sha, type: res.data.object.type };
  } catch (error) {
    if (githubStatus(error) === 404) return undefined;
    throw error;
  }
}

/** Follows annotated tags down to the commit they name. */
export async function peelToCommit(gh: GitHubClient, object: { sha: string; type: string }): Promise<string> {
  let current = object;
  for (let depth = 0; current.type === "tag" && depth < 10; depth++) {
    const tag = await gh.octokit.rest.git.getTag({ owner: gh.owner, repo: gh.repo, tag_sha: current.sha });
    current = { sha: tag.data.object.sha, type: tag.data.object.type };
  }
  return current.sha;
}

/** The commit a tag names; undefined when there is no such tag. */
export async function tagCommit(gh: GitHubClient, tag: string): Promise<string | undefined> {
  const ref = await getRefSha(gh, `tags/${tag}`);
  return ref ? peelToCommit(gh, ref) : undefined;
}

/** The full sha of a commit, branch or tag ("abc1234", "main", "v1.2.3"); undefined when GitHub knows none. */
export async function resolveCommit(gh: GitHubClient, ref: string): Promise<string | undefined> {
  try {
    const res = await gh.octokit.rest.repos.getCommit({ owner: gh.owner, repo: gh.repo, ref });
    return res.data.sha;
  } catch (error) {
    if (githubStatus(error) === 404 || githubStatus(error) === 422) return undefined;
    throw error;
  }
}

/** Creates `refs/heads/<branch>` at `sha`; the branch already there at that sha is success. */
export async function ensureBranch(gh: GitHubClient, branch: string, sha: string): Promise<{ created: boolean }> {
  const ref = `refs/heads/${branch}`;
  try {
    await gh.octokit.rest.git.createRef({ owner: gh.owner, repo: gh.repo, ref, sha });
    return { created: true };
  } catch (error) {
    if (githubStatus(error) !== 422) throw error;
    const existing = await getRefSha(gh, `heads/${branch}`);
    if (!existing) throw error; // refused for another reason (name, clash with a ref below it)
    if (existing.sha === sha) return { created: false };
    throw new RefConflictError(
      `Branch ${branch} already exists at ${shortSha(existing.sha)}, not at ${shortSha(sha)}. Pick another name (/hotfix branch <name>) or delete the old branch.`,
    );
  }
}

/**
 * An annotated tag `name` on `commit`: the tag object, then its ref. A tag of
 * that name already on that commit is success; on another commit, an error
 * (tags are rollback points: they never move).
 */
export async function ensureAnnotatedTag(
  gh: GitHubClient,
  name: string,
  commit: string,
  message: string,
): Promise<{ created: boolean; objectSha: string; annotated: boolean }> {
  const existing = async () => {
    const ref = await getRefSha(gh, `tags/${name}`);
    if (!ref) return undefined;
    const at = await peelToCommit(gh, ref);
    if (at !== commit)
      throw new RefConflictError(
        `Tag ${name} already exists on ${shortSha(at)}, not on ${shortSha(commit)}. Tags do not move; name another one.`,
      );
    return { created: false, objectSha: ref.sha, annotated: ref.type === "tag" };
  };
  const found = await existing();
  if (found) return found;
  const tag = await gh.octokit.rest.git.createTag({ owner: gh.owner, repo: gh.repo, tag: name, message, object: commit, type: "commit" });
  try {
    await gh.octokit.rest.git.createRef({ owner: gh.owner, repo: gh.repo, ref: `refs/tags/${name}`, sha: tag.data.sha });
    return { created: true, objectSha: tag.data.sha, annotated: true };
  } catch (error) {
    // Lost a race, or an earlier attempt's ref landed after all: same commit is fine.
    if (githubStatus(error) !== 422) throw error;
    const raced = await existing();
    if (raced) return raced;
    throw error;
  }
}

/** Every tag name of the repository (GitHub paginates, 100 a page). */
export async function listTagNames(gh: GitHubClient): Promise<Array<{ name: string; sha: string }>> {
  const tags = await gh.octokit.paginate(gh.octokit.rest.repos.listTags, { owner: gh.owner, repo: gh.repo, per_page: 100 });
  return tags.map((t) => ({ name: t.name, sha: t.commit.sha }));
}

/** compare base...head: "ahead", "identical", "behind", "diverged"; undefined when either side is unknown. */
export async function compareCommits(
  gh: GitHubClient,
  base: string,
  head: string,
): Promise<{ status: string; aheadBy: number; behindBy: number } | undefined> {
  try {
    const res = await gh.octokit.rest.repos.compareCommitsWithBasehead({
      owner: gh.owner,
      repo: gh.repo,
      basehead: `${base}...${head}`,
      per_page: 1,
    });
    return { status: res.data.status, aheadBy: res.data.ahead_by, behindBy: res.data.behind_by };
  } catch (error) {
    if (githubStatus(error) === 404) return undefined;
    throw error;
  }
}

// ------------------------------------------------------------------ gates

/** Check runs and commit statuses of a commit, every page of both (GitHub lists 100 at most a page). */
export async function commitChecks(gh: GitHubClient, sha: string) {
  const checkRuns = await gh.octokit.paginate(gh.octokit.rest.checks.listForRef, {
    owner: gh.owner,
    repo: gh.repo,
    ref: sha,
    per_page: 100,
  });
  // Every status ever posted, newest first: the first one seen per context is its current state.
  const all = await gh.octokit.paginate(gh.octokit.rest.repos.listCommitStatusesForRef, {
    owner: gh.owner,
    repo: gh.repo,
    ref: sha,
    per_page: 100,
  });
  const latest = new Map<string, (typeof all)[number]>();
  for (const status of all) if (!latest.has(status.context)) latest.set(status.context, status);
  return {
    checkRuns: checkRuns.map((r) => ({
      name: r.name,
      status: r.status,
      conclusion: r.conclusion,
      html_url: r.html_url,
      details_url: r.details_url,
    })),
    statuses: [...latest.values()].map((s) => ({ context: s.context, state: s.state, target_url: s.target_url })),
  };
}

/** The required status checks of a branch's protection (contexts and checks); [] when it is not protected. */
export async function requiredChecks(gh: GitHubClient, branch: string): Promise<string[]> {
  try {
    const res = await gh.octokit.rest.repos.getBranchProtection({ owner: gh.owner, repo: gh.repo, branch });
    const required = res.data.required_status_checks;
    return [...new Set([...(required?.contexts ?? []), ...(required?.checks ?? []).map((c) => c.context)])].sort();
  } catch (error) {
    if (githubStatus(error) === 404) return [];
    throw error;
  }
}

// ------------------------------------------------------------------ releases

export interface ReleaseInfo {
  id: number;
  tagName: string;
  htmlUrl: string;
  body: string | null;
  prerelease: boolean;
}

const releaseInfo = (r: { id: number; tag_name: string; html_url: string; body?: string | null; prerelease: boolean }): ReleaseInfo => ({
  id: r.id,
  tagName: r.tag_name,
  htmlUrl: r.html_url,
  body: r.body ?? null,
  prerelease: r.prerelease,
});

export async function releaseByTag(gh: GitHubClient, tag: string): Promise<ReleaseInfo | undefined> {
  try {
    return releaseInfo((await gh.octokit.rest.repos.getReleaseByTag({ owner: gh.owner, repo: gh.repo, tag })).data);
  } catch (error) {
    if (githubStatus(error) === 404) return undefined;
    throw error;
  }
}

/** Every release (GitHub paginates, 100 a page). */
export async function listReleases(gh: GitHubClient): Promise<ReleaseInfo[]> {
  const releases = await gh.octokit.paginate(gh.octokit.rest.repos.listReleases, { owner: gh.owner, repo: gh.repo, per_page: 100 });
  return releases.map(releaseInfo);
}

export async function latestRelease(gh: GitHubClient): Promise<ReleaseInfo | undefined> {
  try {
    return releaseInfo((await gh.octokit.rest.repos.getLatestRelease({ owner: gh.owner, repo: gh.repo })).data);
  } catch (error) {
    if (githubStatus(error) === 404) return undefined;
    throw error;
  }
}

/** Creates the release for `tag`, or returns the one that already exists for it. */
export async function ensureRelease(
  gh: GitHubClient,
  input: { tag: string; name: string; body: string; target: string; makeLatest: boolean },
): Promise<{ release: ReleaseInfo; created: boolean }> {
  const existing = await releaseByTag(gh, input.tag);
  if (existing) return { release: existing, created: false };
  try {
    const res = await gh.octokit.rest.repos.createRelease({
      owner: gh.owner,
      repo: gh.repo,
      tag_name: input.tag,
      name: input.name,
      body: input.body,
      target_commitish: input.target,
      draft: false,
      prerelease: false,
      make_latest: input.makeLatest ? "true" : "false",
    });
    return { release: releaseInfo(res.data), created: true };
  } catch (error) {
    if (githubStatus(error) !== 422) throw error;
    const raced = await releaseByTag(gh, input.tag);
    if (raced) return { release: raced, created: false };
    throw error;
  }
}

export async function updateRelease(gh: GitHubClient, id: number, changes: { body?: string; prerelease?: boolean }): Promise<ReleaseInfo> {
  const res = await gh.octokit.rest.repos.updateRelease({
    owner: gh.owner,
    repo: gh.repo,
    release_id: id,
    ...changes,
    ...(changes.prerelease ? { make_latest: "false" as const } : {}),
  });
  return releaseInfo(res.data);
}

/** workflow_dispatch: GitHub queues a run and answers 204 (or the run's ids when asked). Sent once: plugin-retry does not retry it. */
export async function dispatchWorkflow(
  gh: GitHubClient,
  workflow: string,
  ref: string,
  inputs: Record<string, string>,
): Promise<{ runId?: number; runUrl?: string }> {
  const res = await gh.octokit.request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", {
    owner: gh.owner,
    repo: gh.repo,
    workflow_id: workflow,
    ref,
    inputs,
    return_run_details: true,
    // Never retried: a 5xx or a timeout may come after GitHub queued the run, and a retry would release twice.
    request: { retries: 0 },
  });
  const data = (res.data ?? {}) as { workflow_run_id?: number; html_url?: string };
  return {
    ...(data.workflow_run_id ? { runId: data.workflow_run_id } : {}),
    ...(data.html_url ? { runUrl: data.html_url } : {}),
  };
}

// ------------------------------------------------------------------ branches, merges, contents

/** Runbook 000: "lock the branch to critical fixes only and require code-owner review before merging". */
export async function protectBranch(gh: GitHubClient, branch: string, options: { allowDeletions?: boolean } = {}): Promise<void> {
  await gh.octokit.rest.repos.updateBranchProtection({
    owner: gh.owner,
    repo: gh.repo,
    branch,
    required_status_checks: null,
    enforce_admins: null,
    required_pull_request_reviews: { require_code_owner_reviews: true, required_approving_review_count: 1, dismiss_stale_reviews: true },
    restrictions: null,
    allow_force_pushes: false,
    allow_deletions: options.allowDeletions ?? false,
  });
}

export async function isBranchProtected(gh: GitHubClient, branch: string): Promise<boolean | undefined> {
  try {
    return (await gh.octokit.rest.repos.getBranch({ owner: gh.owner, repo: gh.repo, branch })).data.protected;
  } catch (error) {
    if (githubStatus(error) === 404) return undefined;
    throw error;
  }
}

/** Moves a branch forward only (force: false): GitHub refuses anything but a fast-forward. */
export async function fastForward(gh: GitHubClient, branch: string, sha: string): Promise<void> {
  await gh.octokit.rest.git.updateRef({ owner: gh.owner, repo: gh.repo, ref: `heads/${branch}`, sha, force: false });
}

/** POST /merges: a merge commit (201), or nothing to do (204). A conflict is a 409 the caller reports. */
export async function mergeInto(gh: GitHubClient, base: string, head: string, message: string): Promise<{ sha?: string; merged: boolean }> {
  const res = await gh.octokit.rest.repos.merge({ owner: gh.owner, repo: gh.repo, base, head, commit_message: message });
  if ((res.status as number) === 204) return { merged: false };
  return { merged: true, sha: (res.data as { sha?: string }).sha };
}

/** Deletes a branch; one already gone is success. */
export async function deleteBranch(gh: GitHubClient, branch: string): Promise<{ deleted: boolean }> {
  try {
    await gh.octokit.rest.git.deleteRef({ owner: gh.owner, repo: gh.repo, ref: `heads/${branch}` });
    return { deleted: true };
  } catch (error) {
    if (githubStatus(error) === 422 && /does not exist/i.test(githubMessage(error))) return { deleted: false };
    if (githubStatus(error) === 404) return { deleted: false };
    throw error;
  }
}

/** A file's text and blob sha on a branch; undefined when absent. */
export async function readFile(gh: GitHubClient, path: string, ref: string): Promise<{ text: string; sha: string } | undefined> {
  try {
    const res = await gh.octokit.rest.repos.getContent({ owner: gh.owner, repo: gh.repo, path, ref });
    const data = res.data as { type?: string; content?: string; sha?: string; encoding?: string };
    if (Array.isArray(res.data) || data.type !== "file" || data.sha === undefined) return undefined;
    return { text: Buffer.from(data.content ?? "", "base64").toString("utf8"), sha: data.sha };
  } catch (error) {
    if (githubStatus(error) === 404) return undefined;
    throw error;
  }
}

/** Writes a file as a commit on `branch`, guarded by the blob sha last read (a 409 means someone wrote in between). */
export async function writeFile(
  gh: GitHubClient,
  input: { path: string; branch: string; text: string; message: string; sha?: string },
): Promise<{ commit: string }> {
  const res = await gh.octokit.rest.repos.createOrUpdateFileContents({
    owner: gh.owner,
    repo: gh.repo,
    path: input.path,
    branch: input.branch,
    message: input.message,
    content: Buffer.from(input.text, "utf8").toString("base64"),
    ...(input.sha ? { sha: input.sha } : {}),
  });
  return { commit: res.data.commit.sha ?? "" };
}

/** Branches under a prefix ("release/hotfix-") with their head commit's date. */
export async function branchesWithDates(
  gh: GitHubClient,
  prefix: string,
): Promise<Array<{ name: string; sha: string; date: Date | null }>> {
  let refs: Array<{ ref: string; object: { sha: string } }>;
  try {
    refs = (await gh.octokit.rest.git.listMatchingRefs({ owner: gh.owner, repo: gh.repo, ref: `heads/${prefix}` })).data;
  } catch (error) {
    if (githubStatus(error) === 404) return [];
    throw error;
  }
  const out: Array<{ name: string; sha: string; date: Date | null }> = [];
  for (const ref of refs) {
    const commit = await gh.octokit.rest.repos.getCommit({ owner: gh.owner, repo: gh.repo, ref: ref.object.sha });
    const when = commit.data.commit.committer?.date ?? commit.data.commit.author?.date;
    out.push({ name: ref.ref.replace(/^refs\/heads\//, ""), sha: ref.object.sha, date: when ? new Date(when) : null });
  }
  return out;
}

// ------------------------------------------------------------------ workflow runs

export interface RunInfo {
  id: number;
  status: string;
  conclusion: string | null;
  htmlUrl: string;
  event: string;
  headBranch: string | null;
  createdAt: string;
}

const runInfo = (r: {
  id: number;
  status: string | null;
  conclusion: string | null;
  html_url: string;
  event: string;
  head_branch: string | null;
  created_at: string;
}): RunInfo => ({
  id: r.id,
  status: r.status ?? "queued",
  conclusion: r.conclusion,
  htmlUrl: r.html_url,
  event: r.event,
  headBranch: r.head_branch,
  createdAt: r.created_at,
});

export async function workflowRun(gh: GitHubClient, runId: number): Promise<RunInfo | undefined> {
  try {
    return runInfo((await gh.octokit.rest.actions.getWorkflowRun({ owner: gh.owner, repo: gh.repo, run_id: runId })).data);
  } catch (error) {
    if (githubStatus(error) === 404) return undefined;
    throw error;
  }
}

/** The newest workflow_dispatch run of `workflow` on `branch` created at or after `since` (when the dispatch gave no run id). */
export async function dispatchedRun(gh: GitHubClient, workflow: string, branch: string, since: Date): Promise<RunInfo | undefined> {
  const res = await gh.octokit.rest.actions.listWorkflowRuns({
    owner: gh.owner,
    repo: gh.repo,
    workflow_id: workflow,
    branch,
    event: "workflow_dispatch",
    per_page: 10,
  });
  // GitHub's created_at has seconds: a run created in the dispatch's second counts.
  const from = Math.floor(since.getTime() / 1000) * 1000;
  return res.data.workflow_runs.map(runInfo).find((r) => new Date(r.createdAt).getTime() >= from);
}

/** Environments a waiting run needs approval for, and who may approve (logins and teams). */
export async function pendingDeployments(gh: GitHubClient, runId: number): Promise<Array<{ environment: string; reviewers: string[] }>> {
  const res = await gh.octokit.rest.actions.getPendingDeploymentsForRun({ owner: gh.owner, repo: gh.repo, run_id: runId });
  return res.data.map((p) => ({
    environment: p.environment.name ?? "?",
    reviewers: p.reviewers.map((r) => {
      const who = r.reviewer as { login?: string; slug?: string } | undefined;
      return r.type === "Team" ? `team ${who?.slug ?? "?"}` : `@${who?.login ?? "?"}`;
    }),
  }));
}

// ------------------------------------------------------------------ pull requests

/** Open pull requests from or into `branch`. */
export async function openPullsOf(gh: GitHubClient, branch: string): Promise<Array<{ number: number; title: string; htmlUrl: string }>> {
  const list = async (filter: { head?: string; base?: string }) =>
    gh.octokit.paginate(gh.octokit.rest.pulls.list, { owner: gh.owner, repo: gh.repo, state: "open", per_page: 100, ...filter });
  const pulls = [...(await list({ head: `${gh.owner}:${branch}` })), ...(await list({ base: branch }))];
  const seen = new Map<number, { number: number; title: string; htmlUrl: string }>();
  for (const p of pulls) seen.set(p.number, { number: p.number, title: p.title, htmlUrl: p.html_url });
  return [...seen.values()];
}

/**
 * The open pull request from `head` into `base`, opened when there is none. Looked up first, so a retry after a
 * lost answer finds the one it made instead of asking for a second (GitHub would refuse it with 422 anyway).
 */
export async function ensurePull(
  gh: GitHubClient,
  pull: { head: string; base: string; title: string; body: string },
): Promise<{ number: number; htmlUrl: string }> {
  const existing = async () => {
    const open = await gh.octokit.rest.pulls.list({
      owner: gh.owner,
      repo: gh.repo,
      state: "open",
      head: `${gh.owner}:${pull.head}`,
      base: pull.base,
    });
    const first = open.data[0];
    return first ? { number: first.number, htmlUrl: first.html_url } : undefined;
  };
  const found = await existing();
  if (found) return found;
  try {
    const { data } = await gh.octokit.rest.pulls.create({ owner: gh.owner, repo: gh.repo, ...pull });
    return { number: data.number, htmlUrl: data.html_url };
  } catch (error) {
    const raced = githubStatus(error) === 422 ? await existing() : undefined;
    if (raced) return raced;
    throw error;
  }
}

/** Closes a pull request, then says why in a comment. */
export async function closePull(gh: GitHubClient, number: number, comment: string): Promise<void> {
  // Closed first: a retry after a lost answer no longer lists it, so the comment is never posted twice.
  await gh.octokit.rest.pulls.update({ owner: gh.owner, repo: gh.repo, pull_number: number, state: "closed" });
  await gh.octokit.rest.issues.createComment({ owner: gh.owner, repo: gh.repo, issue_number: number, body: comment });
}
