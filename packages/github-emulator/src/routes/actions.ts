// workflow_dispatch: GitHub checks the workflow, the ref and the inputs
// against the workflow's declaration before queueing a run; so do we, and
// record the dispatch for assertions. Then the runs: read, list (filtered,
// newest first, paginated) and the deployments they wait on.
import { notFound, unprocessable } from "../errors.js";
import type { Workflow, WorkflowRun } from "../model.js";
import { pendingDeploymentJson, workflowRunJson } from "../render/actions.js";
import { isoSeconds } from "../render/links.js";
import { paginate } from "./paginate.js";
import { type Handler, type RouteContext, str } from "./types.js";

function findWorkflow(workflows: Workflow[], id: string | number): Workflow | undefined {
  if (typeof id === "number") return workflows.find((w) => w.id === id);
  return workflows.find((w) => w.path === id || w.path === `.github/workflows/${id}`);
}

export const createWorkflowDispatch: Handler = (ctx) => {
  const workflow = findWorkflow(ctx.repo.workflows, ctx.params.workflow_id as string | number);
  if (!workflow) throw notFound();
  if (!workflow.dispatchable) throw unprocessable("Workflow does not have 'workflow_dispatch' trigger");
  // A branch or tag name (or a full refs/... name); GitHub does not take a sha here.
  const ref = str(ctx.body.ref);
  const candidates = ref.startsWith("refs/") ? [ref] : [`refs/heads/${ref}`, `refs/tags/${ref}`];
  const matched = candidates.find((name) => ctx.repo.refs.has(name));
  const refSha = matched ? ctx.repo.refs.get(matched) : undefined;
  const commit = refSha ? ctx.repo.objects.peelToCommit(refSha) : undefined;
  if (!commit) throw unprocessable(`No ref found for: ${ref}`);
  const inputs = (ctx.body.inputs as Record<string, unknown> | undefined) ?? {};
  const unexpected = Object.keys(inputs).filter((name) => !(name in workflow.inputs));
  if (unexpected.length > 0) throw unprocessable(`Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
  for (const [name, input] of Object.entries(workflow.inputs)) {
    const value = inputs[name];
    if (value === undefined) {
      if (input.required && input.default === undefined) throw unprocessable(`Required input '${name}' not provided`);
      continue;
    }
    if (input.type === "choice" && input.options && !input.options.includes(String(value))) {
      throw unprocessable(`Provided value '${String(value)}' for input '${name}' not in the list of allowed values`);
    }
    if (input.type === "boolean" && !["true", "false"].includes(String(value))) {
      throw unprocessable(`Provided value '${String(value)}' for input '${name}' is not a valid boolean`);
    }
  }
  // The run is queued; the test moves it on (EmulatedRepo.workflowRuns).
  const run = ctx.repo.workflowRuns.create({ workflow, ref: matched ?? ref, sha: commit.sha, actor: ctx.actor, inputs });
  const runId = run.id;
  ctx.repo.dispatches.push({ workflow, ref, sha: commit.sha, inputs, runId, actor: ctx.actor, at: isoSeconds(ctx.now) });
  if (ctx.body.return_run_details !== true) return { status: 204 };
  const { links } = ctx.repo.ctx;
  return {
    status: 200,
    body: {
      workflow_run_id: runId,
      run_url: links.repoApi(ctx.repo.fullName, `/actions/runs/${runId}`),
      html_url: links.repoWeb(ctx.repo.fullName, `/actions/runs/${runId}`),
    },
  };
};

function findRun(ctx: RouteContext): WorkflowRun {
  const run = ctx.repo.workflowRuns.get(Number(ctx.params.run_id));
  if (!run) throw notFound();
  return run;
}

export const getWorkflowRun: Handler = (ctx) => ({
  status: 200,
  body: workflowRunJson(ctx.repo, findRun(ctx), { excludePullRequests: ctx.query.exclude_pull_requests === true }),
});

/** Newest first, like GitHub; `status` matches a run's status or its conclusion. */
export const listWorkflowRuns: Handler = (ctx) => {
  const workflow = findWorkflow(ctx.repo.workflows, ctx.params.workflow_id as string | number);
  if (!workflow) throw notFound();
  for (const unsupported of ["created", "check_suite_id"]) {
    if (ctx.query[unsupported] !== undefined) throw unprocessable(`The GitHub emulator does not filter workflow runs by ${unsupported}`);
  }
  const q = ctx.query;
  const runs = ctx.repo.workflowRuns
    .list()
    .filter((run) => run.workflow.id === workflow.id)
    .filter((run) => q.actor === undefined || run.actor.login.toLowerCase() === str(q.actor).toLowerCase())
    .filter((run) => q.branch === undefined || run.headBranch === q.branch)
    .filter((run) => q.event === undefined || run.event === q.event)
    .filter((run) => q.status === undefined || run.status === q.status || run.conclusion === q.status)
    .filter((run) => q.head_sha === undefined || run.headSha === q.head_sha)
    .reverse();
  const page = paginate(ctx, runs);
  const excludePullRequests = q.exclude_pull_requests === true;
  return {
    status: 200,
    headers: page.headers,
    body: { total_count: runs.length, workflow_runs: page.items.map((run) => workflowRunJson(ctx.repo, run, { excludePullRequests })) },
  };
};

export const getPendingDeploymentsForRun: Handler = (ctx) => {
  const run = findRun(ctx);
  return { status: 200, body: run.pendingDeployments.map((pending) => pendingDeploymentJson(ctx.repo, pending, ctx.actor)) };
};
