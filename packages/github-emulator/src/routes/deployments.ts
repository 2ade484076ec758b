// Deployments and deployment statuses, including GitHub's two surprises:
// `auto_merge` (default true) merges the default branch into a branch that
// is behind it and answers 202 instead of deploying, and omitted
// `required_contexts` means every status and check on the commit must be green.
import { HttpError, notFound, unprocessable } from "../errors.js";
import { isAncestor } from "../git/graph.js";
import type { Deployment, DeploymentState, DeploymentStatus } from "../model.js";
import { checkProtectedWrite } from "../protection.js";
import { deploymentJson, deploymentStatusJson } from "../render/deployments.js";
import { isoSeconds } from "../render/links.js";
import { paginate } from "./paginate.js";
import { type Handler, optionalString, str } from "./types.js";

export const createDeployment: Handler = (ctx) => {
  const repo = ctx.repo;
  const ref = str(ctx.body.ref);
  const commit = repo.resolve(ref);
  if (!commit) throw unprocessable(`No ref found for: ${ref}`);
  const branchHead = repo.branchHead(ref);
  const defaultHead = repo.branchHead(repo.defaultBranch);
  if (
    ctx.body.auto_merge !== false &&
    branchHead &&
    defaultHead &&
    ref !== repo.defaultBranch &&
    !isAncestor(repo.objects, defaultHead, branchHead)
  ) {
    const outcome = repo.mergeCommits(branchHead, defaultHead, `Merge ${repo.defaultBranch} into ${ref}`, ctx.actor);
    if (outcome.kind === "conflict") throw new HttpError(409, `Conflict merging ${repo.defaultBranch} into ${ref}.`);
    if (outcome.kind === "merged") {
      checkProtectedWrite(repo, { branch: ref, to: outcome.sha, via: "merges" });
      repo.setRef(`refs/heads/${ref}`, outcome.sha);
      return { status: 202, body: { message: `Auto-merged ${repo.defaultBranch} into ${ref} on deployment.` } };
    }
  }
  const required = ctx.body.required_contexts as string[] | undefined;
  const failing = repo.failingContexts(commit.sha, required);
  if (failing.length > 0) {
    throw new HttpError(409, `Conflict: Commit status checks failed for ${ref}.`, {
      errors: [{ resource: "Deployment", field: "required_contexts", code: "invalid", message: failing.join(", ") }],
    });
  }
  const now = isoSeconds(ctx.now);
  const environment = optionalString(ctx.body.environment) ?? "production";
  const payload = ctx.body.payload;
  const deployment: Deployment = {
    id: repo.ctx.nextId("deployment"),
    sha: commit.sha,
    ref,
    task: optionalString(ctx.body.task) ?? "deploy",
    payload: payload === undefined || payload === "" ? {} : (payload as Deployment["payload"]),
    environment,
    originalEnvironment: environment,
    description: (ctx.body.description as string | null | undefined) ?? "",
    transientEnvironment: ctx.body.transient_environment === true,
    productionEnvironment:
      typeof ctx.body.production_environment === "boolean" ? ctx.body.production_environment : environment === "production",
    creator: ctx.actor,
    createdAt: now,
    updatedAt: now,
    statuses: [],
  };
  repo.deployments.push(deployment);
  return { status: 201, body: deploymentJson(repo, deployment) };
};

export const createDeploymentStatus: Handler = (ctx) => {
  const repo = ctx.repo;
  const deployment = repo.deployments.find((d) => d.id === ctx.params.deployment_id);
  if (!deployment) throw notFound();
  const state = str(ctx.body.state) as DeploymentState;
  // log_url replaces target_url; setting either sets both.
  const logUrl = optionalString(ctx.body.log_url) ?? optionalString(ctx.body.target_url) ?? "";
  const environment = optionalString(ctx.body.environment) ?? deployment.environment;
  const status = addDeploymentStatus(repo.ctx.nextId("deployment_status"), deployment, {
    state,
    description: optionalString(ctx.body.description) ?? "",
    environment,
    targetUrl: logUrl,
    logUrl,
    environmentUrl: optionalString(ctx.body.environment_url) ?? "",
    creator: ctx.actor,
    now: isoSeconds(ctx.now),
  });
  deployment.environment = environment;
  // auto_inactive (default true): earlier successful deployments to the same
  // non-production, non-transient environment become inactive.
  if (state === "success" && ctx.body.auto_inactive !== false) {
    for (const other of repo.deployments) {
      if (other === deployment || other.environment !== environment || other.transientEnvironment || other.productionEnvironment) continue;
      if (other.statuses.at(-1)?.state !== "success") continue;
      addDeploymentStatus(repo.ctx.nextId("deployment_status"), other, {
        ...status,
        state: "inactive",
        description: "",
        now: status.createdAt,
      });
    }
  }
  return { status: 201, body: deploymentStatusJson(repo, deployment, status) };
};

export function addDeploymentStatus(
  id: number,
  deployment: Deployment,
  input: Omit<DeploymentStatus, "id" | "deploymentId" | "createdAt" | "updatedAt"> & { now: string },
): DeploymentStatus {
  const { now, ...fields } = input;
  const status: DeploymentStatus = { ...fields, id, deploymentId: deployment.id, createdAt: now, updatedAt: now };
  deployment.statuses.push(status);
  deployment.updatedAt = now;
  return status;
}

/** Newest first; `sha`, `ref`, `task` and `environment` filter ("none", their default, means any). */
export const listDeployments: Handler = (ctx) => {
  const wanted = (name: string) => {
    const value = ctx.query[name];
    return value === undefined || value === null || value === "none" ? undefined : str(value);
  };
  const [sha, ref, task, environment] = ["sha", "ref", "task", "environment"].map(wanted);
  const deployments = ctx.repo.deployments
    .filter((d) => sha === undefined || d.sha === sha)
    .filter((d) => ref === undefined || d.ref === ref)
    .filter((d) => task === undefined || d.task === task)
    .filter((d) => environment === undefined || d.environment === environment)
    .sort((a, b) => b.id - a.id);
  const page = paginate(ctx, deployments);
  return { status: 200, headers: page.headers, body: page.items.map((d) => deploymentJson(ctx.repo, d)) };
};

/** Newest first, paginated. */
export const listDeploymentStatuses: Handler = (ctx) => {
  const deployment = ctx.repo.deployments.find((d) => d.id === ctx.params.deployment_id);
  if (!deployment) throw notFound();
  const statuses = [...deployment.statuses].sort((a, b) => b.id - a.id);
  const page = paginate(ctx, statuses);
  return { status: 200, headers: page.headers, body: page.items.map((status) => deploymentStatusJson(ctx.repo, deployment, status)) };
};
