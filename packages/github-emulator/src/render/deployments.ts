// Deployments and their statuses as the REST API (and the deployment_status
// webhook) show them.
import type { Deployment, DeploymentStatus } from "../model.js";
import type { EmulatedRepo } from "../repo.js";
import { nodeId } from "./links.js";
import { simpleUser } from "./users.js";

export function deploymentJson(repo: EmulatedRepo, deployment: Deployment) {
  const { links } = repo.ctx;
  const url = links.repoApi(repo.fullName, `/deployments/${deployment.id}`);
  return {
    url,
    id: deployment.id,
    node_id: nodeId("Deployment", deployment.id),
    sha: deployment.sha,
    ref: deployment.ref,
    task: deployment.task,
    payload: deployment.payload,
    original_environment: deployment.originalEnvironment,
    environment: deployment.environment,
    description: deployment.description,
    creator: simpleUser(deployment.creator, links),
    created_at: deployment.createdAt,
    updated_at: deployment.updatedAt,
    statuses_url: `${url}/statuses`,
    repository_url: links.repoApi(repo.fullName),
    transient_environment: deployment.transientEnvironment,
    production_environment: deployment.productionEnvironment,
  };
}

export function deploymentStatusJson(repo: EmulatedRepo, deployment: Deployment, status: DeploymentStatus) {
  const { links } = repo.ctx;
  const deploymentUrl = links.repoApi(repo.fullName, `/deployments/${deployment.id}`);
  return {
    url: `${deploymentUrl}/statuses/${status.id}`,
    id: status.id,
    node_id: nodeId("DeploymentStatus", status.id),
    state: status.state,
    creator: simpleUser(status.creator, links),
    description: status.description,
    environment: status.environment,
    target_url: status.targetUrl,
    created_at: status.createdAt,
    updated_at: status.updatedAt,
    deployment_url: deploymentUrl,
    repository_url: links.repoApi(repo.fullName),
    environment_url: status.environmentUrl,
    log_url: status.logUrl,
  };
}
