// The records an emulated repository keeps besides its git objects: what
// GitHub stores about releases, checks, statuses, deployments, pull requests,
// comments and workflows. Field names follow GitHub's, in camelCase.
import type { CallLog } from "./calls.js";
import type { Sha } from "./git/objects.js";
import type { Links } from "./render/links.js";
import type { Actor, People } from "./users.js";

/** What every repository shares with the emulator that owns it. */
export interface EmulatorContext {
  now(): Date;
  /** GitHub ids are unique across the whole site, so one sequence per kind. */
  nextId(kind: string): number;
  links: Links;
  /** The account the API token belongs to. */
  actor: Actor;
  /** Whether that account administers the repositories (admins bypass protection unless enforce_admins). */
  actorIsAdmin: boolean;
  people: People;
  calls: CallLog;
}

export interface Release {
  id: number;
  tagName: string;
  targetCommitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  /** GitHub sets this to the date of the tagged commit, not the date of the release. */
  createdAt: string;
  publishedAt: string | null;
  updatedAt: string;
  author: Actor;
}

export type CheckStatus = "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
export type CheckConclusion = "success" | "failure" | "neutral" | "cancelled" | "skipped" | "timed_out" | "action_required";

export interface CheckRun {
  id: number;
  headSha: Sha;
  name: string;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
  startedAt: string;
  completedAt: string | null;
  detailsUrl: string | null;
  externalId: string | null;
  title: string | null;
  summary: string | null;
}

export type StatusState = "error" | "failure" | "pending" | "success";

export interface CommitStatus {
  id: number;
  sha: Sha;
  context: string;
  state: StatusState;
  description: string | null;
  targetUrl: string | null;
  createdAt: string;
  updatedAt: string;
  creator: Actor;
}

export type DeploymentState = "error" | "failure" | "inactive" | "pending" | "success" | "queued" | "in_progress";

export interface DeploymentStatus {
  id: number;
  deploymentId: number;
  state: DeploymentState;
  description: string;
  environment: string;
  targetUrl: string;
  logUrl: string;
  environmentUrl: string;
  creator: Actor;
  createdAt: string;
  updatedAt: string;
}

export interface Deployment {
  id: number;
  sha: Sha;
  ref: string;
  task: string;
  payload: Record<string, unknown> | string;
  environment: string;
  originalEnvironment: string;
  description: string | null;
  transientEnvironment: boolean;
  productionEnvironment: boolean;
  creator: Actor;
  createdAt: string;
  updatedAt: string;
  statuses: DeploymentStatus[];
}

export interface PullRequest {
  id: number;
  number: number;
  title: string;
  body: string | null;
  head: string;
  base: string;
  /** Head sha as last seen; frozen once the pull request is merged or closed. */
  headSha: Sha;
  baseSha: Sha;
  state: "open" | "closed";
  draft: boolean;
  merged: boolean;
  mergedAt: string | null;
  mergedBy: Actor | null;
  mergeCommitSha: Sha | null;
  maintainerCanModify: boolean;
  /** Logins that approved (seeded with `repo.approvePullRequest`; reviews are not in the API subset). */
  approvals: string[];
  user: Actor;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface Issue {
  id: number;
  number: number;
  title: string;
  locked: boolean;
}

export interface IssueComment {
  id: number;
  issueNumber: number;
  body: string;
  user: Actor;
  createdAt: string;
  updatedAt: string;
}

export interface WorkflowInput {
  required?: boolean;
  type?: "string" | "boolean" | "choice" | "number" | "environment";
  options?: string[];
  default?: string | boolean | number;
}

export interface Workflow {
  id: number;
  /** `.github/workflows/<file>` */
  path: string;
  name: string;
  /** Without a `workflow_dispatch` trigger GitHub refuses dispatches. */
  dispatchable: boolean;
  inputs: Record<string, WorkflowInput>;
}

export interface WorkflowDispatch {
  workflow: Workflow;
  ref: string;
  sha: Sha;
  inputs: Record<string, unknown>;
  runId: number;
  actor: Actor;
  at: string;
}

/** Branch protection as sent to `PUT .../protection`, kept to answer reads and enforce what the emulator enforces. */
export interface BranchProtection {
  requiredStatusChecks: { strict: boolean; contexts: string[]; checks: Array<{ context: string; app_id?: number }> } | null;
  enforceAdmins: boolean;
  requiredPullRequestReviews: Record<string, unknown> | null;
  restrictions: { users: string[]; teams: string[]; apps?: string[] } | null;
  requiredLinearHistory: boolean;
  allowForcePushes: boolean;
  allowDeletions: boolean;
  blockCreations: boolean;
  requiredConversationResolution: boolean;
  lockBranch: boolean;
  allowForkSyncing: boolean;
}

export type WorkflowRunStatus = "queued" | "in_progress" | "waiting" | "completed";
export type WorkflowRunConclusion = "success" | "failure" | "cancelled" | "skipped" | "timed_out" | "action_required" | "neutral";

/** Who may approve a deployment waiting on an environment's protection rules. */
export type EnvironmentReviewer = { user: Actor } | { team: { slug: string; name: string; id: number } };

/** A job of the run waits for an environment's required reviewers (and wait timer) before it deploys. */
export interface PendingDeployment {
  environment: { id: number; name: string };
  waitTimer: number;
  waitTimerStartedAt: string | null;
  reviewers: EnvironmentReviewer[];
}

/**
 * A run of a workflow. GitHub moves it queued -> in_progress -> (waiting on
 * an environment) -> completed with a conclusion; the emulator moves it only
 * when a test says so (`EmulatedRepo.startWorkflowRun`, `setPendingDeployments`,
 * `approvePendingDeployments`, `completeWorkflowRun`), so a client's polling
 * sees each state for as long as the test wants.
 */
export interface WorkflowRun {
  id: number;
  runNumber: number;
  runAttempt: number;
  workflow: Workflow;
  event: string;
  /** The branch the run is on; null for a run on a tag. */
  headBranch: string | null;
  headSha: Sha;
  displayTitle: string;
  status: WorkflowRunStatus;
  conclusion: WorkflowRunConclusion | null;
  actor: Actor;
  inputs: Record<string, unknown>;
  pendingDeployments: PendingDeployment[];
  createdAt: string;
  updatedAt: string;
  runStartedAt: string;
}
