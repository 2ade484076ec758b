// GitHub calling the app: signed webhook deliveries, and builders for the
// payloads the product reacts to (deployment_status, pull_request), made from
// the emulated repository so shas, refs and ids agree with the API.
import { createHmac, randomUUID } from "node:crypto";
import type { Deployment, DeploymentState } from "./model.js";
import { deploymentJson, deploymentStatusJson } from "./render/deployments.js";
import { isoSeconds, nodeId } from "./render/links.js";
import { pullJson } from "./render/pulls.js";
import { repositoryJson } from "./render/repository.js";
import { simpleUser } from "./render/users.js";
import type { EmulatedRepo } from "./repo.js";
import { addDeploymentStatus } from "./routes/deployments.js";
import { makeActor } from "./users.js";

export interface WebhookTarget {
  url: string;
  secret: string;
  /** Default: a fresh UUID, as GitHub sends. */
  deliveryId?: string;
  headers?: Record<string, string>;
}

export interface WebhookDelivery {
  deliveryId: string;
  status: number;
  body: string;
  headers: Record<string, string>;
}

/** `sha256=<hex HMAC of the raw body>`: what GitHub puts in X-Hub-Signature-256. */
export function signWebhook(body: string, secret: string, algorithm: "sha256" | "sha1" = "sha256"): string {
  return `${algorithm}=${createHmac(algorithm, secret).update(body).digest("hex")}`;
}

/** POSTs `payload` to `target.url` with GitHub's delivery headers and signatures. */
export async function sendWebhook(event: string, payload: unknown, target: WebhookTarget): Promise<WebhookDelivery> {
  const body = JSON.stringify(payload);
  const deliveryId = target.deliveryId ?? randomUUID();
  const response = await fetch(target.url, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/6f3c2a1",
      "x-github-event": event,
      "x-github-delivery": deliveryId,
      "x-github-hook-id": "512345678",
      "x-github-hook-installation-target-type": "repository",
      "x-github-hook-installation-target-id": String((payload as { repository?: { id?: number } })?.repository?.id ?? 0),
      "x-hub-signature": signWebhook(body, target.secret, "sha1"),
      "x-hub-signature-256": signWebhook(body, target.secret),
      ...target.headers,
    },
  });
  return { deliveryId, status: response.status, body: await response.text(), headers: Object.fromEntries(response.headers) };
}

function envelope(repo: EmulatedRepo, senderLogin?: string) {
  const { links, people } = repo.ctx;
  const sender = senderLogin ? (people.get(senderLogin) ?? people.add(makeActor(senderLogin))) : repo.ctx.actor;
  return {
    repository: repositoryJson(repo, "repository"),
    organization: {
      login: repo.owner.login,
      id: repo.owner.id,
      node_id: nodeId("Organization", repo.owner.id),
      url: links.api(`/orgs/${repo.owner.login}`),
      repos_url: links.api(`/orgs/${repo.owner.login}/repos`),
      events_url: links.api(`/orgs/${repo.owner.login}/events`),
      hooks_url: links.api(`/orgs/${repo.owner.login}/hooks`),
      issues_url: links.api(`/orgs/${repo.owner.login}/issues`),
      members_url: links.api(`/orgs/${repo.owner.login}/members{/member}`),
      public_members_url: links.api(`/orgs/${repo.owner.login}/public_members{/member}`),
      avatar_url: `https://avatars.githubusercontent.com/u/${repo.owner.id}?v=4`,
      description: null,
    },
    sender: simpleUser(sender, links),
  };
}

export interface DeploymentStatusEventOptions {
  environment?: string;
  state?: DeploymentState;
  /** Branch, tag or sha deployed; default the default branch. Ignored with `deploymentId`. */
  ref?: string;
  /** Report on an existing deployment (e.g. one the product created through the API). */
  deploymentId?: number;
  /** Login of whoever deployed (deployment creator and webhook sender); default the token's account. */
  creator?: string;
  description?: string;
  targetUrl?: string;
  environmentUrl?: string;
}

/**
 * A `deployment_status` "created" payload. Records the status on the
 * deployment (creating the deployment first when none is given), so the
 * API tells the same story as the webhook.
 */
export function deploymentStatusEvent(repo: EmulatedRepo, options: DeploymentStatusEventOptions = {}) {
  const { people } = repo.ctx;
  const creator = options.creator ? (people.get(options.creator) ?? people.add(makeActor(options.creator))) : repo.ctx.actor;
  const now = isoSeconds(repo.ctx.now());
  let deployment: Deployment | undefined;
  if (options.deploymentId !== undefined) {
    deployment = repo.deployments.find((d) => d.id === options.deploymentId);
    if (!deployment) throw new Error(`no deployment ${options.deploymentId} in ${repo.fullName}`);
  } else {
    const ref = options.ref ?? repo.defaultBranch;
    const environment = options.environment ?? "production";
    deployment = {
      id: repo.ctx.nextId("deployment"),
      sha: repo.mustResolve(ref).sha,
      ref,
      task: "deploy",
      payload: {},
      environment,
      originalEnvironment: environment,
      description: options.description ?? "",
      transientEnvironment: false,
      productionEnvironment: environment === "production",
      creator,
      createdAt: now,
      updatedAt: now,
      statuses: [],
    };
    repo.deployments.push(deployment);
  }
  const environment = options.environment ?? deployment.environment;
  const status = addDeploymentStatus(repo.ctx.nextId("deployment_status"), deployment, {
    state: options.state ?? "success",
    description: options.description ?? "",
    environment,
    targetUrl: options.targetUrl ?? "",
    logUrl: options.targetUrl ?? "",
    environmentUrl: options.environmentUrl ?? "",
    creator,
    now,
  });
  return {
    action: "created",
    deployment_status: deploymentStatusJson(repo, deployment, status),
    deployment: deploymentJson(repo, deployment),
    ...envelope(repo, creator.login),
  };
}

export interface PullRequestEventOptions {
  action?: "opened" | "closed" | "reopened" | "synchronize" | "edited";
  /** An existing pull request; without it one is opened from `head` into `base`. */
  number?: number;
  head?: string;
  base?: string;
  title?: string;
  /** For `closed`: merge it first (default true). */
  merge?: boolean;
  sender?: string;
}

/**
 * A `pull_request` payload. For action `closed` (the default) with `merge`,
 * the pull request is really merged in the repository first, so
 * `merge_commit_sha` is the commit now on the base branch.
 */
export function pullRequestEvent(repo: EmulatedRepo, options: PullRequestEventOptions = {}) {
  const action = options.action ?? "closed";
  let pr = options.number !== undefined ? repo.pulls.find((p) => p.number === options.number) : undefined;
  if (options.number !== undefined && !pr) throw new Error(`no pull request #${options.number} in ${repo.fullName}`);
  if (!pr) {
    if (!options.head) throw new Error("pullRequestEvent needs `number` or `head`");
    pr = repo.openPullRequest({
      head: options.head,
      base: options.base ?? repo.defaultBranch,
      title: options.title ?? `Merge ${options.head}`,
    });
  }
  if (action === "closed" && pr.state === "open") {
    if (options.merge ?? true) repo.mergePullRequest(pr.number, options.sender ? { by: options.sender } : {});
    else Object.assign(pr, { state: "closed", closedAt: isoSeconds(repo.ctx.now()), updatedAt: isoSeconds(repo.ctx.now()) });
  }
  return { action, number: pr.number, pull_request: pullJson(repo, pr), ...envelope(repo, options.sender) };
}
