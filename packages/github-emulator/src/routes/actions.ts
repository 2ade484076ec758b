// workflow_dispatch: GitHub checks the workflow, the ref and the inputs
// against the workflow's declaration before queueing a run; so do we, and
// record the dispatch for assertions.
import { notFound, unprocessable } from "../errors.js";
import type { Workflow } from "../model.js";
import { isoSeconds } from "../render/links.js";
import { type Handler, str } from "./types.js";

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
  const refSha = candidates.map((name) => ctx.repo.refs.get(name)).find(Boolean);
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
  const runId = ctx.repo.ctx.nextId("workflow_run");
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
