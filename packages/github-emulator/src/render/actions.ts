// Workflow runs and their pending deployments as the Actions REST API shows them.
import type { EnvironmentReviewer, PendingDeployment, WorkflowRun } from "../model.js";
import type { EmulatedRepo } from "../repo.js";
import type { Actor } from "../users.js";
import { type Links, nodeId } from "./links.js";
import { repositoryJson } from "./repository.js";
import { simpleUser } from "./users.js";

export function workflowRunJson(repo: EmulatedRepo, run: WorkflowRun, options: { excludePullRequests?: boolean } = {}) {
  const { links } = repo.ctx;
  const url = links.repoApi(repo.fullName, `/actions/runs/${run.id}`);
  const commit = repo.objects.commit(run.headSha);
  const checkSuiteId = run.id + 2_000_000;
  const minimal = repositoryJson(repo, "minimal");
  return {
    id: run.id,
    name: run.workflow.name,
    node_id: nodeId("WorkflowRun", run.id),
    check_suite_id: checkSuiteId,
    check_suite_node_id: nodeId("CheckSuite", checkSuiteId),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: run.workflow.path,
    run_number: run.runNumber,
    run_attempt: run.runAttempt,
    referenced_workflows: [],
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflow.id,
    url,
    html_url: links.repoWeb(repo.fullName, `/actions/runs/${run.id}`),
    // GitHub lists the open pull requests whose head is the run's branch or commit.
    pull_requests: options.excludePullRequests
      ? []
      : repo.pulls
          .filter((pr) => pr.state === "open" && (pr.head === run.headBranch || pr.headSha === run.headSha))
          .map((pr) => ({
            id: pr.id,
            number: pr.number,
            url: links.repoApi(repo.fullName, `/pulls/${pr.number}`),
            head: { ref: pr.head, sha: pr.headSha, repo: { id: repo.id, url: links.repoApi(repo.fullName), name: repo.name } },
            base: { ref: pr.base, sha: pr.baseSha, repo: { id: repo.id, url: links.repoApi(repo.fullName), name: repo.name } },
          })),
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    actor: simpleUser(run.actor, links),
    triggering_actor: simpleUser(run.actor, links),
    run_started_at: run.runStartedAt,
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: links.repoApi(repo.fullName, `/check-suites/${checkSuiteId}`),
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    previous_attempt_url: null,
    workflow_url: links.repoApi(repo.fullName, `/actions/workflows/${run.workflow.id}`),
    head_commit: commit
      ? {
          id: commit.sha,
          tree_id: commit.tree,
          message: commit.message,
          timestamp: commit.committer.date,
          author: { name: commit.author.name, email: commit.author.email },
          committer: { name: commit.committer.name, email: commit.committer.email },
        }
      : null,
    repository: minimal,
    head_repository: minimal,
    head_repository_id: repo.id,
    display_title: run.displayTitle,
  };
}

export function pendingDeploymentJson(repo: EmulatedRepo, pending: PendingDeployment, viewer: Actor) {
  const { links } = repo.ctx;
  const name = pending.environment.name;
  return {
    environment: {
      id: pending.environment.id,
      node_id: nodeId("Environment", pending.environment.id),
      name,
      url: links.repoApi(repo.fullName, `/environments/${encodeURIComponent(name)}`),
      html_url: links.repoWeb(repo.fullName, `/deployments/activity_log?environments_filter=${encodeURIComponent(name)}`),
    },
    wait_timer: pending.waitTimer,
    wait_timer_started_at: pending.waitTimerStartedAt,
    // Team membership is not modelled: only a reviewer named in person can approve.
    current_user_can_approve: pending.reviewers.some((r) => "user" in r && r.user.login.toLowerCase() === viewer.login.toLowerCase()),
    reviewers: pending.reviewers.map((reviewer) => reviewerJson(repo, reviewer, links)),
  };
}

function reviewerJson(repo: EmulatedRepo, reviewer: EnvironmentReviewer, links: Links) {
  if ("user" in reviewer) return { type: "User", reviewer: simpleUser(reviewer.user, links) };
  const { team } = reviewer;
  const org = repo.owner.login;
  return {
    type: "Team",
    reviewer: {
      id: team.id,
      node_id: nodeId("Team", team.id),
      url: links.api(`/organizations/${repo.owner.id}/team/${team.id}`),
      html_url: links.web(`/orgs/${org}/teams/${team.slug}`),
      name: team.name,
      slug: team.slug,
      description: null,
      privacy: "closed",
      notification_setting: "notifications_enabled",
      permission: "pull",
      members_url: `${links.api(`/organizations/${repo.owner.id}/team/${team.id}/members`)}{/member}`,
      repositories_url: links.api(`/organizations/${repo.owner.id}/team/${team.id}/repos`),
      parent: null,
      type: "organization",
    },
  };
}
