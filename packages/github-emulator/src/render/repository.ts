// A repository as GitHub embeds it. Three sizes, as on GitHub: "minimal"
// (combined status), "repository" (pull request head/base, webhooks) and
// "full" (GET /repos/{owner}/{repo}).
import type { EmulatedRepo } from "../repo.js";
import { nodeId } from "./links.js";
import { simpleUser } from "./users.js";

export type RepositorySize = "minimal" | "repository" | "full";

export function repositoryJson(repo: EmulatedRepo, size: RepositorySize) {
  const { links } = repo.ctx;
  const api = (path = "") => links.repoApi(repo.fullName, path);
  const web = links.repoWeb(repo.fullName);
  const host = new URL(links.webBase).host;
  const minimal = {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: repo.fullName,
    private: repo.isPrivate,
    owner: simpleUser(repo.owner, links),
    html_url: web,
    description: repo.description,
    fork: false,
    url: api(),
    archive_url: api("/{archive_format}{/ref}"),
    assignees_url: api("/assignees{/user}"),
    blobs_url: api("/git/blobs{/sha}"),
    branches_url: api("/branches{/branch}"),
    collaborators_url: api("/collaborators{/collaborator}"),
    comments_url: api("/comments{/number}"),
    commits_url: api("/commits{/sha}"),
    compare_url: api("/compare/{base}...{head}"),
    contents_url: api("/contents/{+path}"),
    contributors_url: api("/contributors"),
    deployments_url: api("/deployments"),
    downloads_url: api("/downloads"),
    events_url: api("/events"),
    forks_url: api("/forks"),
    git_commits_url: api("/git/commits{/sha}"),
    git_refs_url: api("/git/refs{/sha}"),
    git_tags_url: api("/git/tags{/sha}"),
    hooks_url: api("/hooks"),
    issue_comment_url: api("/issues/comments{/number}"),
    issue_events_url: api("/issues/events{/number}"),
    issues_url: api("/issues{/number}"),
    keys_url: api("/keys{/key_id}"),
    labels_url: api("/labels{/name}"),
    languages_url: api("/languages"),
    merges_url: api("/merges"),
    milestones_url: api("/milestones{/number}"),
    notifications_url: api("/notifications{?since,all,participating}"),
    pulls_url: api("/pulls{/number}"),
    releases_url: api("/releases{/id}"),
    stargazers_url: api("/stargazers"),
    statuses_url: api("/statuses/{sha}"),
    subscribers_url: api("/subscribers"),
    subscription_url: api("/subscription"),
    tags_url: api("/tags"),
    teams_url: api("/teams"),
    trees_url: api("/git/trees{/sha}"),
  };
  if (size === "minimal") return minimal;
  const openIssues = repo.pulls.filter((p) => p.state === "open").length + repo.issues.length;
  const repository = {
    ...minimal,
    created_at: repo.createdAt,
    updated_at: repo.updatedAt,
    pushed_at: repo.pushedAt,
    git_url: `git://${host}/${repo.fullName}.git`,
    ssh_url: `git@${host}:${repo.fullName}.git`,
    clone_url: `${web}.git`,
    svn_url: web,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: "TypeScript",
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: openIssues,
    license: null,
    allow_forking: false,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: repo.isPrivate ? "private" : "public",
    forks: 0,
    open_issues: openIssues,
    watchers: 0,
    default_branch: repo.defaultBranch,
    permissions: { admin: repo.ctx.actorIsAdmin, maintain: repo.ctx.actorIsAdmin, push: true, triage: true, pull: true },
  };
  if (size === "repository") return repository;
  return {
    ...repository,
    temp_clone_token: null,
    allow_squash_merge: true,
    allow_merge_commit: true,
    allow_rebase_merge: true,
    allow_auto_merge: false,
    delete_branch_on_merge: false,
    allow_update_branch: false,
    use_squash_pr_title_as_default: false,
    squash_merge_commit_message: "COMMIT_MESSAGES",
    squash_merge_commit_title: "COMMIT_OR_PR_TITLE",
    merge_commit_message: "PR_TITLE",
    merge_commit_title: "MERGE_MESSAGE",
    network_count: 0,
    subscribers_count: 1,
  };
}
