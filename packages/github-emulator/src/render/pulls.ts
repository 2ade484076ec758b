// Pull requests as the REST API shows them. Counts (commits, additions,
// changed files) and mergeability are computed from the real graph.
import { diffSnapshots } from "../git/diff.js";
import { commitsBetween, mergeBase } from "../git/graph.js";
import type { PullRequest } from "../model.js";
import type { EmulatedRepo } from "../repo.js";
import { escapePath, nodeId } from "./links.js";
import { repositoryJson } from "./repository.js";
import { simpleUser } from "./users.js";

export function pullJson(repo: EmulatedRepo, pr: PullRequest) {
  const { links } = repo.ctx;
  const api = (path: string) => links.repoApi(repo.fullName, path);
  const web = (path: string) => links.repoWeb(repo.fullName, path);
  // baseSha stops following the base branch once the pull request is closed: it is the base it merged into.
  const base = pr.baseSha;
  const fork = mergeBase(repo.objects, base, pr.headSha);
  const commits = commitsBetween(repo.objects, base, pr.headSha);
  const before = fork ? (repo.objects.commit(fork)?.files ?? new Map()) : new Map();
  const after = repo.objects.commit(pr.headSha)?.files ?? new Map();
  const files = diffSnapshots(repo.objects, before, after);
  const mergeability = pr.state === "open" ? repo.pullMergeability(pr) : null;
  const owner = repo.owner;
  const side = (branch: string, sha: string) => ({
    label: `${owner.login}:${branch}`,
    ref: branch,
    sha,
    user: simpleUser(owner, links),
    repo: repositoryJson(repo, "repository"),
  });
  const link = (href: string) => ({ href });
  return {
    url: api(`/pulls/${pr.number}`),
    id: pr.id,
    node_id: nodeId("PullRequest", pr.id),
    html_url: web(`/pull/${pr.number}`),
    diff_url: web(`/pull/${pr.number}.diff`),
    patch_url: web(`/pull/${pr.number}.patch`),
    issue_url: api(`/issues/${pr.number}`),
    commits_url: api(`/pulls/${pr.number}/commits`),
    review_comments_url: api(`/pulls/${pr.number}/comments`),
    review_comment_url: api("/pulls/comments{/number}"),
    comments_url: api(`/issues/${pr.number}/comments`),
    statuses_url: api(`/statuses/${pr.headSha}`),
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: simpleUser(pr.user, links),
    body: pr.body,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.closedAt,
    merged_at: pr.mergedAt,
    merge_commit_sha: pr.merged ? pr.mergeCommitSha : (mergeability?.testMergeSha ?? null),
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: side(pr.head, pr.headSha),
    base: side(pr.base, base),
    _links: {
      self: link(api(`/pulls/${pr.number}`)),
      html: link(web(`/pull/${pr.number}`)),
      issue: link(api(`/issues/${pr.number}`)),
      comments: link(api(`/issues/${pr.number}/comments`)),
      review_comments: link(api(`/pulls/${pr.number}/comments`)),
      review_comment: link(api("/pulls/comments{/number}")),
      commits: link(api(`/pulls/${pr.number}/commits`)),
      statuses: link(api(`/statuses/${escapePath(pr.headSha)}`)),
    },
    author_association: "MEMBER",
    auto_merge: null,
    draft: pr.draft,
    merged: pr.merged,
    mergeable: mergeability ? mergeability.mergeable : null,
    rebaseable: mergeability ? mergeability.mergeable : null,
    mergeable_state: mergeability ? mergeability.state : "unknown",
    merged_by: pr.mergedBy ? simpleUser(pr.mergedBy, links) : null,
    comments: repo.comments.filter((c) => c.issueNumber === pr.number).length,
    review_comments: 0,
    maintainer_can_modify: pr.maintainerCanModify,
    commits: commits.length,
    additions: files.reduce((sum, f) => sum + f.additions, 0),
    deletions: files.reduce((sum, f) => sum + f.deletions, 0),
    changed_files: files.length,
  };
}
