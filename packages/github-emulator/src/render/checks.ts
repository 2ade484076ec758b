// Check runs (GitHub Actions and other apps) and commit statuses (older CI
// integrations) as the REST API shows them.
import type { CheckRun, CommitStatus, StatusState } from "../model.js";
import type { EmulatedRepo } from "../repo.js";
import type { Links } from "./links.js";
import { nodeId } from "./links.js";
import { simpleUser } from "./users.js";

/** The GitHub Actions app, which owns the check runs of workflow jobs. */
export function githubActionsApp(links: Links) {
  return {
    id: 15368,
    slug: "github-actions",
    node_id: "MDM6QXBwMTUzNjg=",
    client_id: "Iv1.05c79e9ad1f6bdfa",
    owner: simpleUser({ login: "github", id: 9919, type: "Organization", name: "GitHub", email: "" }, links),
    name: "GitHub Actions",
    description: "Automate your workflow from idea to production",
    external_url: "https://help.github.com/en/actions",
    html_url: links.web("/apps/github-actions"),
    created_at: "2018-07-30T09:30:17Z",
    updated_at: "2019-12-10T19:04:12Z",
    permissions: { actions: "write", checks: "write", contents: "write", deployments: "write", metadata: "read", statuses: "write" },
    events: ["check_run", "check_suite", "deployment", "push", "workflow_dispatch"],
  };
}

export function checkRunJson(repo: EmulatedRepo, run: CheckRun) {
  const { links } = repo.ctx;
  const url = links.repoApi(repo.fullName, `/check-runs/${run.id}`);
  return {
    id: run.id,
    head_sha: run.headSha,
    node_id: nodeId("CheckRun", run.id),
    external_id: run.externalId,
    url,
    html_url: links.repoWeb(repo.fullName, `/runs/${run.id}`),
    details_url: run.detailsUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: { title: run.title, summary: run.summary, text: null, annotations_count: 0, annotations_url: `${url}/annotations` },
    name: run.name,
    check_suite: { id: run.id + 1_000_000 },
    app: githubActionsApp(links),
    pull_requests: [],
  };
}

export function statusJson(repo: EmulatedRepo, status: CommitStatus) {
  const { links } = repo.ctx;
  return {
    url: links.repoApi(repo.fullName, `/statuses/${status.sha}`),
    avatar_url: `https://avatars.githubusercontent.com/u/${status.creator.id}?v=4`,
    id: status.id,
    node_id: nodeId("StatusContext", status.id),
    state: status.state,
    description: status.description,
    target_url: status.targetUrl,
    context: status.context,
    created_at: status.createdAt,
    updated_at: status.updatedAt,
  };
}

/**
 * GitHub's rule for the combined state: `failure` if any context's latest
 * status is error or failure, `pending` if there are none or any is pending,
 * else `success`.
 */
export function combinedState(latest: CommitStatus[]): StatusState {
  if (latest.some((s) => s.state === "error" || s.state === "failure")) return "failure";
  if (latest.length === 0 || latest.some((s) => s.state === "pending")) return "pending";
  return "success";
}
