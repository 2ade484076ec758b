// Workflow runs of one repository and the test's controls over them. A
// dispatch queues a run; from then on only the test moves it (start, wait on
// an environment's reviewers, approve, complete), so a client that polls
// sees every state it must handle, for as long as the test wants.
import type { Sha } from "./git/objects.js";
import type { EnvironmentReviewer, PendingDeployment, Workflow, WorkflowRun, WorkflowRunConclusion } from "./model.js";
import { isoSeconds } from "./render/links.js";
import type { EmulatedRepo } from "./repo.js";
import { type Actor, makeActor, stableId } from "./users.js";

export interface PendingDeploymentInput {
  /** The environment whose protection rules hold the job, e.g. "hotfix-release". */
  environment: string;
  /** Logins of required reviewers, or `{ team: "release-captains" }`. */
  reviewers?: Array<string | { team: string }>;
  /** Minutes the environment's wait timer holds the job (default 0). */
  waitTimer?: number;
}

export class WorkflowRuns {
  private readonly runs: WorkflowRun[] = [];

  constructor(private readonly repo: EmulatedRepo) {}

  /** Every run, oldest first. */
  list(): WorkflowRun[] {
    return [...this.runs];
  }

  latest(): WorkflowRun | undefined {
    return this.runs.at(-1);
  }

  get(id: number): WorkflowRun | undefined {
    return this.runs.find((run) => run.id === id);
  }

  /** Queues a run, as a dispatch (or a push, with `event: "push"`) does. */
  create(input: {
    workflow: Workflow;
    ref: string;
    sha: Sha;
    event?: string;
    actor?: Actor;
    inputs?: Record<string, unknown>;
    id?: number;
  }): WorkflowRun {
    const now = isoSeconds(this.repo.ctx.now());
    const branch = input.ref.replace(/^refs\/heads\//, "");
    const onBranch = !input.ref.startsWith("refs/tags/") && this.repo.branchHead(branch) !== undefined;
    const runNumber = this.runs.filter((run) => run.workflow.id === input.workflow.id).length + 1;
    const run: WorkflowRun = {
      id: input.id ?? this.repo.ctx.nextId("workflow_run"),
      runNumber,
      runAttempt: 1,
      workflow: input.workflow,
      event: input.event ?? "workflow_dispatch",
      headBranch: onBranch ? branch : null,
      headSha: input.sha,
      displayTitle: input.workflow.name,
      status: "queued",
      conclusion: null,
      actor: input.actor ?? this.repo.ctx.actor,
      inputs: input.inputs ?? {},
      pendingDeployments: [],
      createdAt: now,
      updatedAt: now,
      runStartedAt: now,
    };
    this.runs.push(run);
    return run;
  }

  /** queued -> in_progress. */
  start(id: number): WorkflowRun {
    const run = this.open(id);
    run.status = "in_progress";
    run.runStartedAt = this.touch(run);
    return run;
  }

  /** The run waits for these environments' reviewers (status `waiting`) until approved or completed. */
  setPendingDeployments(id: number, deployments: PendingDeploymentInput[]): WorkflowRun {
    const run = this.open(id);
    const now = this.touch(run);
    run.pendingDeployments = deployments.map((input) => this.pending(input, now));
    run.status = run.pendingDeployments.length > 0 ? "waiting" : "in_progress";
    return run;
  }

  /** The reviewers approved: the pending deployments go and the run carries on. */
  approvePendingDeployments(id: number): WorkflowRun {
    return this.setPendingDeployments(id, []);
  }

  /** Ends the run with a conclusion; pending deployments end with it (a rejected or cancelled wait). */
  complete(id: number, conclusion: WorkflowRunConclusion): WorkflowRun {
    const run = this.open(id);
    run.status = "completed";
    run.conclusion = conclusion;
    run.pendingDeployments = [];
    this.touch(run);
    return run;
  }

  private open(id: number): WorkflowRun {
    const run = this.get(id);
    if (!run) throw new Error(`${this.repo.fullName} has no workflow run ${id}`);
    if (run.status === "completed") throw new Error(`workflow run ${id} already completed (${run.conclusion})`);
    return run;
  }

  private touch(run: WorkflowRun): string {
    run.updatedAt = isoSeconds(this.repo.ctx.now());
    return run.updatedAt;
  }

  private pending(input: PendingDeploymentInput, now: string): PendingDeployment {
    const reviewers: EnvironmentReviewer[] = (input.reviewers ?? []).map((reviewer) =>
      typeof reviewer === "string"
        ? { user: this.repo.ctx.people.get(reviewer) ?? this.repo.ctx.people.add(makeActor(reviewer)) }
        : { team: { slug: reviewer.team, name: reviewer.team, id: stableId(`team:${this.repo.owner.login}/${reviewer.team}`) } },
    );
    return {
      environment: { id: stableId(`environment:${this.repo.fullName}:${input.environment}`), name: input.environment },
      waitTimer: input.waitTimer ?? 0,
      waitTimerStartedAt: input.waitTimer ? now : null,
      reviewers,
    };
  }
}
