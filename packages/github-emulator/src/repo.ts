// One emulated GitHub repository: a real git object store and refs, plus what
// GitHub keeps around them (releases, checks, statuses, deployments, pull
// requests, workflows, protection). Route handlers and test seeding go
// through the same methods, so seeded state and API-made state are alike.

import type { CallFilter, RecordedCall } from "./calls.js";
import { commitsBetween, isAncestor, mergeBase } from "./git/graph.js";
import { mergeSnapshots } from "./git/merge.js";
import { type CommitObject, ObjectStore, SHA_PATTERN, type Sha, type Signature, type TagObject } from "./git/objects.js";
import { compareTagNamesDesc } from "./git/refnames.js";
import type {
  BranchProtection,
  CheckConclusion,
  CheckRun,
  CheckStatus,
  CommitStatus,
  Deployment,
  EmulatorContext,
  Issue,
  IssueComment,
  PullRequest,
  Release,
  StatusState,
  Workflow,
  WorkflowDispatch,
  WorkflowInput,
} from "./model.js";
import { checkProtectedWrite } from "./protection.js";
import { isoSeconds } from "./render/links.js";
import { type Actor, makeActor, WEB_FLOW } from "./users.js";
import { WorkflowRuns } from "./workflow-runs.js";

export type FileChanges = Record<string, string | Buffer | null>;

export interface SeedCommit {
  /** Branch to commit on (created if missing). Default: the default branch, unless `parents` is given. */
  branch?: string;
  /** Explicit parents (shas or ref names). Default: the branch head; a new branch starts from the default branch. */
  parents?: string[];
  message: string;
  /** Changes on top of the first parent: text or bytes to write, `null` to delete. */
  files?: FileChanges;
  /** A known login, or a git identity. Default: the seed developer. */
  author?: string | { name: string; email: string };
  date?: string | Date;
}

export type MergeOutcome = { kind: "merged"; sha: Sha } | { kind: "up-to-date" } | { kind: "conflict"; paths: string[] };

export interface Mergeability {
  mergeable: boolean;
  /** GitHub's mergeable_state: clean, dirty (conflicts), unstable (failing checks), blocked. */
  state: "clean" | "dirty" | "unstable" | "blocked";
  testMergeSha: Sha | null;
}

export const SEED_DEVELOPER: Actor = makeActor("dana-dev", { name: "Dana Developer", email: "dana@acme.example", id: 5_010_001 });

export class EmulatedRepo {
  readonly id: number;
  readonly owner: Actor;
  readonly name: string;
  readonly objects = new ObjectStore();
  /** Full ref name -> sha ("refs/heads/main", "refs/tags/v1.2.3"). */
  readonly refs = new Map<string, Sha>();
  readonly protections = new Map<string, BranchProtection>();
  readonly releases: Release[] = [];
  /** Set by `make_latest: true`; when unset or no longer eligible, GitHub's legacy rule picks the latest. */
  latestReleaseId: number | null = null;
  readonly checkRuns: CheckRun[] = [];
  readonly statuses: CommitStatus[] = [];
  readonly deployments: Deployment[] = [];
  readonly pulls: PullRequest[] = [];
  readonly issues: Issue[] = [];
  readonly comments: IssueComment[] = [];
  readonly workflows: Workflow[] = [];
  readonly dispatches: WorkflowDispatch[] = [];
  /** Runs of the workflows, and the controls a test moves them with. */
  readonly workflowRuns = new WorkflowRuns(this);
  defaultBranch: string;
  description: string | null;
  isPrivate: boolean;
  readonly createdAt: string;
  updatedAt: string;
  pushedAt: string;
  private nextNumber = 1;

  constructor(
    readonly ctx: EmulatorContext,
    fullName: string,
    options: { defaultBranch?: string; description?: string | null; private?: boolean } = {},
  ) {
    const [owner, name] = fullName.split("/");
    if (!owner || !name || fullName.split("/").length !== 2) throw new Error(`repository name must be "owner/name", got "${fullName}"`);
    this.owner = makeActor(owner, { type: "Organization" });
    this.name = name;
    this.id = ctx.nextId("repository");
    this.defaultBranch = options.defaultBranch ?? "main";
    this.description = options.description ?? null;
    this.isPrivate = options.private ?? true;
    this.createdAt = isoSeconds(ctx.now());
    this.updatedAt = this.createdAt;
    this.pushedAt = this.createdAt;
  }

  get fullName(): string {
    return `${this.owner.login}/${this.name}`;
  }

  // ---------------------------------------------------------------- resolving

  /**
   * What `git rev-parse <name>^{commit}` finds: a full sha, then `refs/<name>`,
   * `refs/tags/<name>`, `refs/heads/<name>` (tags win over branches, as in
   * git), then an unambiguous short sha.
   */
  resolve(name: string): CommitObject | undefined {
    if (SHA_PATTERN.test(name)) return this.objects.peelToCommit(name);
    if (name === "HEAD") return this.resolve(`refs/heads/${this.defaultBranch}`);
    for (const ref of name.startsWith("refs/") ? [name] : [`refs/${name}`, `refs/tags/${name}`, `refs/heads/${name}`]) {
      const sha = this.refs.get(ref);
      if (sha) return this.objects.peelToCommit(sha);
    }
    return this.objects.commitByPrefix(name);
  }

  branchHead(branch: string): Sha | undefined {
    return this.refs.get(`refs/heads/${branch}`);
  }

  /** Writes a commit object and, when `branch` is given, moves the branch to it. */
  writeCommit(input: {
    parents: Sha[];
    files: ReadonlyMap<string, Sha>;
    message: string;
    author: Signature;
    committer: Signature;
    branch?: string;
  }): Sha {
    const sha = this.objects.writeCommit(input);
    if (input.branch) this.setRef(`refs/heads/${input.branch}`, sha);
    return sha;
  }

  setRef(ref: string, sha: Sha): void {
    this.refs.set(ref, sha);
    this.pushedAt = isoSeconds(this.ctx.now());
    this.updatedAt = this.pushedAt;
  }

  deleteRef(ref: string): void {
    this.refs.delete(ref);
    this.pushedAt = isoSeconds(this.ctx.now());
  }

  /** A file or text change applied to a snapshot; returns the new snapshot. */
  applyChanges(files: ReadonlyMap<string, Sha>, changes: FileChanges): Map<string, Sha> {
    const next = new Map(files);
    for (const [path, content] of Object.entries(changes)) {
      const clean = path.replace(/^\/+/, "");
      if (content === null) next.delete(clean);
      else next.set(clean, this.objects.writeBlob(typeof content === "string" ? Buffer.from(content, "utf8") : content));
    }
    return next;
  }

  signature(actor: Actor, date: Date | string = this.ctx.now()): Signature {
    return { name: actor.name, email: actor.email, date: isoSeconds(date) };
  }

  /**
   * Merges `head` into `base` the way GitHub's merge endpoints do: nothing to
   * do when head is already contained in base; otherwise a real merge commit
   * with parents [base, head] (even when a fast-forward was possible), or the
   * conflicting paths.
   */
  mergeCommits(base: Sha, head: Sha, message: string, author: Actor): MergeOutcome {
    if (isAncestor(this.objects, head, base)) return { kind: "up-to-date" };
    const merged = this.threeWay(base, head);
    if (!merged.ok) return { kind: "conflict", paths: merged.conflicts };
    const sha = this.objects.writeCommit({
      parents: [base, head],
      files: merged.files,
      message,
      author: this.signature(author),
      committer: this.signature(WEB_FLOW),
    });
    return { kind: "merged", sha };
  }

  threeWay(base: Sha, head: Sha) {
    const fork = mergeBase(this.objects, base, head);
    const ancestor = fork ? (this.objects.commit(fork)?.files ?? new Map()) : new Map<string, Sha>();
    const ours = this.objects.commit(base)?.files ?? new Map();
    const theirs = this.objects.commit(head)?.files ?? new Map();
    return mergeSnapshots(this.objects, ancestor, ours, theirs);
  }

  // ---------------------------------------------------------------- releases

  /**
   * GitHub's latest release: the one marked `make_latest`, if still a
   * published full release; else the newest published non-prerelease by
   * `created_at` (the tagged commit's date), higher version winning ties.
   */
  latestRelease(): Release | undefined {
    const eligible = this.releases.filter((r) => !r.draft && !r.prerelease);
    const marked = eligible.find((r) => r.id === this.latestReleaseId);
    if (marked) return marked;
    return [...eligible].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || compareTagNamesDesc(a.tagName, b.tagName))[0];
  }

  /** Applies `make_latest` after a release is created or edited. */
  markLatest(release: Release, makeLatest: "true" | "false" | "legacy" | undefined): void {
    if (release.draft || release.prerelease) {
      if (this.latestReleaseId === release.id) this.latestReleaseId = null;
      return;
    }
    if (makeLatest === "true") this.latestReleaseId = release.id;
    else if (makeLatest === "legacy") this.latestReleaseId = null;
    else if (makeLatest === "false" && this.latestReleaseId === release.id) this.latestReleaseId = null;
  }

  /** Creates the release record; creates a lightweight tag at `target` when a published release names a missing tag. */
  createRelease(input: {
    tagName: string;
    target: CommitObject;
    targetCommitish: string;
    name: string | null;
    body: string | null;
    draft: boolean;
    prerelease: boolean;
    author: Actor;
  }): Release {
    const now = isoSeconds(this.ctx.now());
    const tagged = this.resolveTagCommit(input.tagName) ?? input.target;
    if (!input.draft && !this.refs.has(`refs/tags/${input.tagName}`)) this.setRef(`refs/tags/${input.tagName}`, input.target.sha);
    const release: Release = {
      id: this.ctx.nextId("release"),
      tagName: input.tagName,
      targetCommitish: input.targetCommitish,
      name: input.name,
      body: input.body,
      draft: input.draft,
      prerelease: input.prerelease,
      createdAt: tagged.committer.date,
      publishedAt: input.draft ? null : now,
      updatedAt: now,
      author: input.author,
    };
    this.releases.push(release);
    return release;
  }

  resolveTagCommit(tagName: string): CommitObject | undefined {
    const sha = this.refs.get(`refs/tags/${tagName}`);
    return sha ? this.objects.peelToCommit(sha) : undefined;
  }

  // ---------------------------------------------------------------- checks and statuses

  /** The newest status per context for a commit, newest first (what the combined status reports). */
  latestStatuses(sha: Sha): CommitStatus[] {
    const latest = new Map<string, CommitStatus>();
    for (const status of this.statuses.filter((s) => s.sha === sha).sort((a, b) => b.id - a.id)) {
      if (!latest.has(status.context)) latest.set(status.context, status);
    }
    return [...latest.values()];
  }

  /** Check runs on a commit; `latest` keeps the newest run per name, as GitHub's default filter does. */
  checkRunsFor(sha: Sha, filter: "latest" | "all" = "latest"): CheckRun[] {
    const runs = this.checkRuns.filter((r) => r.headSha === sha).sort((a, b) => b.id - a.id);
    if (filter === "all") return runs;
    const seen = new Set<string>();
    return runs.filter((run) => !seen.has(run.name) && seen.add(run.name));
  }

  /**
   * Contexts that are not green on a commit: statuses not `success` and
   * check runs not completed with `success` (GitHub refuses deployments over
   * any of them, `skipped` included, unless required_contexts says otherwise).
   */
  failingContexts(sha: Sha, only?: string[]): string[] {
    const contexts = new Map<string, boolean>();
    for (const status of this.latestStatuses(sha)) contexts.set(status.context, status.state === "success");
    for (const run of this.checkRunsFor(sha)) contexts.set(run.name, run.status === "completed" && run.conclusion === "success");
    if (only) return only.filter((name) => contexts.get(name) !== true);
    return [...contexts].filter(([, ok]) => !ok).map(([name]) => name);
  }

  // ---------------------------------------------------------------- pull requests

  /** Re-reads the branch heads of an open pull request (GitHub tracks pushes to them). */
  refreshPull(pr: PullRequest): PullRequest {
    if (pr.state !== "open") return pr;
    pr.headSha = this.branchHead(pr.head) ?? pr.headSha;
    pr.baseSha = this.branchHead(pr.base) ?? pr.baseSha;
    return pr;
  }

  /** Whether the pull request merges cleanly, computed synchronously (GitHub computes it in the background). */
  pullMergeability(pr: PullRequest): Mergeability {
    this.refreshPull(pr);
    const merged = this.threeWay(pr.baseSha, pr.headSha);
    if (!merged.ok) return { mergeable: false, state: "dirty", testMergeSha: null };
    // GitHub exposes a test merge commit's sha while the pull request is open.
    const testMergeSha = this.objects.writeCommit({
      parents: [pr.baseSha, pr.headSha],
      files: merged.files,
      message: `Merge ${pr.headSha} into ${pr.baseSha}`,
      author: this.signature(WEB_FLOW, pr.updatedAt),
      committer: this.signature(WEB_FLOW, pr.updatedAt),
    });
    let state: Mergeability["state"] = this.failingContexts(pr.headSha).length > 0 ? "unstable" : "clean";
    try {
      checkProtectedWrite(this, { branch: pr.base, to: testMergeSha, via: "pull-request", pull: pr });
    } catch {
      state = "blocked"; // protection (reviews, required checks) would refuse the merge
    }
    return { mergeable: true, state, testMergeSha };
  }

  nextIssueNumber(): number {
    return this.nextNumber++;
  }

  // ---------------------------------------------------------------- seeding (tests and demo)

  /** Makes a commit from file changes; see SeedCommit for defaults. Returns its sha. */
  commit(input: SeedCommit): Sha {
    const branch = input.branch ?? (input.parents ? undefined : this.defaultBranch);
    let parents: Sha[];
    if (input.parents) {
      parents = input.parents.map((p) => this.mustResolve(p).sha);
    } else {
      const start = (branch && this.branchHead(branch)) ?? this.branchHead(this.defaultBranch);
      parents = start ? [start] : [];
    }
    const first = parents[0] ? this.objects.commit(parents[0]) : undefined;
    const files = this.applyChanges(first?.files ?? new Map(), input.files ?? {});
    const who = this.identity(input.author);
    const date = input.date ?? this.ctx.now();
    const signature = { name: who.name, email: who.email, date: isoSeconds(date) };
    return this.writeCommit({
      parents,
      files,
      message: input.message,
      author: signature,
      committer: signature,
      ...(branch ? { branch } : {}),
    });
  }

  /** Creates a branch at a sha or ref name; throws if it exists. Returns the sha. */
  createBranch(name: string, at: string): Sha {
    if (this.refs.has(`refs/heads/${name}`)) throw new Error(`branch ${name} already exists in ${this.fullName}`);
    const sha = this.mustResolve(at).sha;
    this.setRef(`refs/heads/${name}`, sha);
    return sha;
  }

  /** Looks up a tag: the commit it names and, for an annotated tag, the tag object. */
  tag(name: string): { name: string; sha: Sha; annotated: boolean; object?: TagObject } | undefined;
  /** Creates a tag (lightweight unless `annotated`); returns the sha the ref points at. */
  tag(name: string, at: string, options?: { annotated?: boolean; message?: string; tagger?: string; date?: string | Date }): Sha;
  tag(
    name: string,
    at?: string,
    options: { annotated?: boolean; message?: string; tagger?: string; date?: string | Date } = {},
  ): Sha | { name: string; sha: Sha; annotated: boolean; object?: TagObject } | undefined {
    const ref = `refs/tags/${name}`;
    if (at === undefined) {
      const sha = this.refs.get(ref);
      if (!sha) return undefined;
      const object = this.objects.tagObject(sha);
      const commit = this.objects.peelToCommit(sha);
      if (!commit) return undefined;
      return { name, sha: commit.sha, annotated: Boolean(object), ...(object ? { object } : {}) };
    }
    if (this.refs.has(ref)) throw new Error(`tag ${name} already exists in ${this.fullName}`);
    const commit = this.mustResolve(at);
    let sha = commit.sha;
    if (options.annotated || options.message !== undefined) {
      const who = this.identity(options.tagger);
      sha = this.objects.writeTag({
        tag: name,
        object: commit.sha,
        objectType: "commit",
        tagger: { name: who.name, email: who.email, date: isoSeconds(options.date ?? this.ctx.now()) },
        message: options.message ?? name,
      });
    }
    this.setRef(ref, sha);
    return sha;
  }

  /** Looks up the release for a tag (drafts included). */
  release(tag: string): Release | undefined;
  /**
   * Creates a release (and its tag at `target`, default branch head, if
   * missing). Unless `makeLatest` is given, latest follows GitHub's legacy
   * rule (newest commit date, then highest version).
   */
  release(input: {
    tag: string;
    name?: string;
    body?: string;
    prerelease?: boolean;
    draft?: boolean;
    target?: string;
    makeLatest?: boolean;
  }): Release;
  release(
    input:
      | string
      | { tag: string; name?: string; body?: string; prerelease?: boolean; draft?: boolean; target?: string; makeLatest?: boolean },
  ): Release | undefined {
    if (typeof input === "string") return this.releases.find((r) => r.tagName === input);
    if (this.releases.some((r) => r.tagName === input.tag))
      throw new Error(`a release for ${input.tag} already exists in ${this.fullName}`);
    const target = this.resolveTagCommit(input.tag) ?? this.mustResolve(input.target ?? this.defaultBranch);
    const release = this.createRelease({
      tagName: input.tag,
      target,
      targetCommitish: input.target ?? this.defaultBranch,
      name: input.name ?? input.tag,
      body: input.body ?? null,
      draft: input.draft ?? false,
      prerelease: input.prerelease ?? false,
      author: this.ctx.actor,
    });
    this.markLatest(release, input.makeLatest === false ? "false" : input.makeLatest ? "true" : "legacy");
    return release;
  }

  addCheckRun(
    at: string,
    input: {
      name: string;
      status?: CheckStatus;
      conclusion?: CheckConclusion | null;
      detailsUrl?: string;
      title?: string;
      summary?: string;
    },
  ): CheckRun {
    const now = isoSeconds(this.ctx.now());
    const status = input.status ?? "completed";
    const run: CheckRun = {
      id: this.ctx.nextId("check_run"),
      headSha: this.mustResolve(at).sha,
      name: input.name,
      status,
      conclusion: status === "completed" ? (input.conclusion ?? "success") : null,
      startedAt: now,
      completedAt: status === "completed" ? now : null,
      detailsUrl: input.detailsUrl ?? null,
      externalId: null,
      title: input.title ?? null,
      summary: input.summary ?? null,
    };
    this.checkRuns.push(run);
    return run;
  }

  addStatus(at: string, input: { context: string; state: StatusState; description?: string; targetUrl?: string }): CommitStatus {
    const now = isoSeconds(this.ctx.now());
    const status: CommitStatus = {
      id: this.ctx.nextId("status"),
      sha: this.mustResolve(at).sha,
      context: input.context,
      state: input.state,
      description: input.description ?? null,
      targetUrl: input.targetUrl ?? null,
      createdAt: now,
      updatedAt: now,
      creator: this.ctx.actor,
    };
    this.statuses.push(status);
    return status;
  }

  /** Registers a workflow that can be dispatched (`file` like "hotfix-release.yml"). */
  addWorkflow(file: string, options: { name?: string; inputs?: Record<string, WorkflowInput>; dispatchable?: boolean } = {}): Workflow {
    const workflow: Workflow = {
      id: this.ctx.nextId("workflow"),
      path: `.github/workflows/${file}`,
      name: options.name ?? file.replace(/\.ya?ml$/, ""),
      dispatchable: options.dispatchable ?? true,
      inputs: options.inputs ?? {},
    };
    this.workflows.push(workflow);
    return workflow;
  }

  /** Protects a branch (same defaults as GitHub: no force pushes, no deletion). */
  protectBranch(branch: string, settings: Partial<BranchProtection> = {}): BranchProtection {
    if (!this.branchHead(branch)) throw new Error(`branch ${branch} does not exist in ${this.fullName}`);
    const protection: BranchProtection = {
      requiredStatusChecks: null,
      enforceAdmins: false,
      requiredPullRequestReviews: null,
      restrictions: null,
      requiredLinearHistory: false,
      allowForcePushes: false,
      allowDeletions: false,
      blockCreations: false,
      requiredConversationResolution: false,
      lockBranch: false,
      allowForkSyncing: false,
      ...settings,
    };
    this.protections.set(branch, protection);
    return protection;
  }

  openPullRequest(input: { head: string; base?: string; title: string; body?: string; draft?: boolean; user?: string }): PullRequest {
    const base = input.base ?? this.defaultBranch;
    const headSha = this.branchHead(input.head);
    const baseSha = this.branchHead(base);
    if (!headSha || !baseSha) throw new Error(`both ${input.head} and ${base} must be branches of ${this.fullName}`);
    const now = isoSeconds(this.ctx.now());
    const pr: PullRequest = {
      id: this.ctx.nextId("pull"),
      number: this.nextIssueNumber(),
      title: input.title,
      body: input.body ?? null,
      head: input.head,
      base,
      headSha,
      baseSha,
      state: "open",
      draft: input.draft ?? false,
      merged: false,
      mergedAt: null,
      mergedBy: null,
      mergeCommitSha: null,
      maintainerCanModify: false,
      approvals: [],
      user: input.user ? this.identityActor(input.user) : this.ctx.actor,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
    };
    this.pulls.push(pr);
    return pr;
  }

  /** Merges an open pull request with a merge commit (what "Merge pull request" does). Returns the merge commit sha. */
  mergePullRequest(number: number, options: { by?: string; message?: string } = {}): Sha {
    const pr = this.pulls.find((p) => p.number === number);
    if (pr?.state !== "open") throw new Error(`pull request #${number} is not open in ${this.fullName}`);
    this.refreshPull(pr);
    const by = options.by ? this.identityActor(options.by) : this.ctx.actor;
    const outcome = this.mergeCommits(
      pr.baseSha,
      pr.headSha,
      options.message ?? `Merge pull request #${pr.number} from ${this.owner.login}/${pr.head}\n\n${pr.title}`,
      by,
    );
    if (outcome.kind === "conflict") throw new Error(`pull request #${number} conflicts in ${outcome.paths.join(", ")}`);
    const sha = outcome.kind === "merged" ? outcome.sha : pr.baseSha;
    this.setRef(`refs/heads/${pr.base}`, sha);
    this.closePullAsMerged(pr, sha, by);
    return sha;
  }

  closePullAsMerged(pr: PullRequest, mergeCommitSha: Sha, by: Actor): void {
    const now = isoSeconds(this.ctx.now());
    Object.assign(pr, { state: "closed", merged: true, mergedAt: now, closedAt: now, updatedAt: now, mergedBy: by, mergeCommitSha });
  }

  /** Records an approving review (reviews are not in the API subset, so tests seed them). */
  approvePullRequest(number: number, login: string): void {
    const pr = this.pulls.find((p) => p.number === number);
    if (!pr) throw new Error(`no pull request #${number} in ${this.fullName}`);
    if (!pr.approvals.includes(login)) pr.approvals.push(login);
  }

  addIssue(title: string): Issue {
    const issue: Issue = { id: this.ctx.nextId("issue"), number: this.nextIssueNumber(), title, locked: false };
    this.issues.push(issue);
    return issue;
  }

  // ---------------------------------------------------------------- queries (assertions)

  branch(name: string): { name: string; sha: Sha; protected: boolean } | undefined {
    const sha = this.branchHead(name);
    return sha ? { name, sha, protected: this.protections.has(name) } : undefined;
  }

  branchNames(): string[] {
    return [...this.refs.keys()]
      .filter((r) => r.startsWith("refs/heads/"))
      .map((r) => r.slice("refs/heads/".length))
      .sort();
  }

  tagNames(): string[] {
    return [...this.refs.keys()]
      .filter((r) => r.startsWith("refs/tags/"))
      .map((r) => r.slice("refs/tags/".length))
      .sort(compareTagNamesDesc);
  }

  /** `git merge-base --is-ancestor a b` on shas or ref names. */
  isAncestor(ancestor: string, descendant: string): boolean {
    return isAncestor(this.objects, this.mustResolve(ancestor).sha, this.mustResolve(descendant).sha);
  }

  /** Commits on `head` that `base` lacks, oldest first. */
  log(base: string, head: string): CommitObject[] {
    return commitsBetween(this.objects, this.mustResolve(base).sha, this.mustResolve(head).sha);
  }

  /** A file's text at a branch, tag or sha; undefined when absent. */
  file(ref: string, path: string): string | undefined {
    const blob = this.resolve(ref)?.files.get(path);
    return blob ? this.objects.blob(blob)?.content.toString("utf8") : undefined;
  }

  /** Requests the emulator answered for this repository. */
  calls(filter: CallFilter = {}): RecordedCall[] {
    return this.ctx.calls.list({ ...filter, repo: this.fullName });
  }

  mustResolve(name: string): CommitObject {
    const commit = this.resolve(name);
    if (!commit) throw new Error(`${name} does not name a commit in ${this.fullName}`);
    return commit;
  }

  private identity(who: SeedCommit["author"]): { name: string; email: string } {
    if (!who) return SEED_DEVELOPER;
    if (typeof who === "string") return this.identityActor(who);
    return who;
  }

  private identityActor(login: string): Actor {
    return this.ctx.people.get(login) ?? this.ctx.people.add(makeActor(login));
  }
}
