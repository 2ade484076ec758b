// Git references, annotated tag objects, tags and branches as the REST API
// shows them.
import type { Sha, TagObject } from "../git/objects.js";
import type { BranchProtection } from "../model.js";
import type { EmulatedRepo } from "../repo.js";
import { makeActor, stableId } from "../users.js";
import { commitJson, gitUser } from "./commits.js";
import { escapePath, nodeId } from "./links.js";
import { simpleUser } from "./users.js";

const UNSIGNED = { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null };

/** `{ ref, node_id, url, object: { type, sha, url } }`; an annotated tag's ref points at a `tag` object. */
export function refJson(repo: EmulatedRepo, ref: string, sha: Sha) {
  const { links } = repo.ctx;
  const type = repo.objects.get(sha)?.type ?? "commit";
  const objectPath = type === "tag" ? "tags" : type === "commit" ? "commits" : `${type}s`;
  return {
    ref,
    node_id: nodeId("Ref", `${repo.id}:${ref}`),
    url: links.repoApi(repo.fullName, `/git/${escapePath(ref)}`),
    object: { sha, type, url: links.repoApi(repo.fullName, `/git/${objectPath}/${sha}`) },
  };
}

export function tagObjectJson(repo: EmulatedRepo, tag: TagObject) {
  const { links } = repo.ctx;
  const objectPath = tag.objectType === "tag" ? "tags" : `${tag.objectType}s`;
  return {
    node_id: nodeId("Tag", `${repo.id}:${tag.sha}`),
    tag: tag.tag,
    sha: tag.sha,
    url: links.repoApi(repo.fullName, `/git/tags/${tag.sha}`),
    message: tag.message,
    tagger: gitUser(tag.tagger),
    object: { sha: tag.object, type: tag.objectType, url: links.repoApi(repo.fullName, `/git/${objectPath}/${tag.object}`) },
    verification: UNSIGNED,
  };
}

/** An item of GET /repos/{owner}/{repo}/tags: the tag name and the commit it peels to. */
export function tagListItemJson(repo: EmulatedRepo, name: string, commitSha: Sha) {
  const { links } = repo.ctx;
  return {
    name,
    zipball_url: links.repoApi(repo.fullName, `/zipball/refs/tags/${escapePath(name)}`),
    tarball_url: links.repoApi(repo.fullName, `/tarball/refs/tags/${escapePath(name)}`),
    commit: { sha: commitSha, url: links.repoApi(repo.fullName, `/commits/${commitSha}`) },
    node_id: nodeId("Ref", `${repo.id}:refs/tags/${name}`),
  };
}

export function branchListItemJson(repo: EmulatedRepo, name: string, sha: Sha) {
  return {
    name,
    commit: { sha, url: repo.ctx.links.repoApi(repo.fullName, `/commits/${sha}`) },
    protected: repo.protections.has(name),
  };
}

export function branchJson(repo: EmulatedRepo, name: string, sha: Sha) {
  const { links } = repo.ctx;
  const commit = repo.objects.commit(sha);
  const protection = repo.protections.get(name);
  const checks = protection?.requiredStatusChecks;
  return {
    name,
    commit: commit ? commitJson(repo, commit) : null,
    _links: {
      self: links.repoApi(repo.fullName, `/branches/${escapePath(name)}`),
      html: links.repoWeb(repo.fullName, `/tree/${escapePath(name)}`),
    },
    protected: Boolean(protection),
    protection: {
      enabled: Boolean(protection),
      required_status_checks: {
        enforcement_level: !checks ? "off" : protection?.enforceAdmins ? "everyone" : "non_admins",
        contexts: checks?.contexts ?? [],
        checks: (checks?.checks ?? []).map((c) => ({ context: c.context, app_id: c.app_id ?? null })),
      },
    },
    protection_url: links.repoApi(repo.fullName, `/branches/${escapePath(name)}/protection`),
  };
}

/** The answer to PUT .../branches/{branch}/protection. */
export function protectionJson(repo: EmulatedRepo, branch: string, p: BranchProtection) {
  const { links } = repo.ctx;
  const url = links.repoApi(repo.fullName, `/branches/${escapePath(branch)}/protection`);
  const json: Record<string, unknown> = {
    url,
    required_signatures: { url: `${url}/required_signatures`, enabled: false },
    enforce_admins: { url: `${url}/enforce_admins`, enabled: p.enforceAdmins },
    required_linear_history: { enabled: p.requiredLinearHistory },
    allow_force_pushes: { enabled: p.allowForcePushes },
    allow_deletions: { enabled: p.allowDeletions },
    block_creations: { enabled: p.blockCreations },
    required_conversation_resolution: { enabled: p.requiredConversationResolution },
    lock_branch: { enabled: p.lockBranch },
    allow_fork_syncing: { enabled: p.allowForkSyncing },
  };
  if (p.requiredStatusChecks) {
    json.required_status_checks = {
      url: `${url}/required_status_checks`,
      strict: p.requiredStatusChecks.strict,
      contexts: p.requiredStatusChecks.contexts,
      contexts_url: `${url}/required_status_checks/contexts`,
      checks: p.requiredStatusChecks.checks.map((c) => ({ context: c.context, app_id: c.app_id ?? null })),
    };
  }
  if (p.requiredPullRequestReviews) {
    const reviews = p.requiredPullRequestReviews;
    json.required_pull_request_reviews = {
      url: `${url}/required_pull_request_reviews`,
      dismiss_stale_reviews: Boolean(reviews.dismiss_stale_reviews),
      require_code_owner_reviews: Boolean(reviews.require_code_owner_reviews),
      required_approving_review_count:
        typeof reviews.required_approving_review_count === "number" ? reviews.required_approving_review_count : 1,
      require_last_push_approval: Boolean(reviews.require_last_push_approval),
    };
  }
  if (p.restrictions) {
    const org = repo.owner.login;
    json.restrictions = {
      url: `${url}/restrictions`,
      users_url: `${url}/restrictions/users`,
      teams_url: `${url}/restrictions/teams`,
      apps_url: `${url}/restrictions/apps`,
      users: p.restrictions.users.map((login) => simpleUser(repo.ctx.people.get(login) ?? makeActor(login), links)),
      teams: p.restrictions.teams.map((slug) => {
        const id = stableId(`team:${org}/${slug}`, 20_000_000);
        return {
          id,
          node_id: nodeId("Team", id),
          url: links.api(`/organizations/${repo.owner.id}/team/${id}`),
          html_url: links.web(`/orgs/${org}/teams/${slug}`),
          name: slug,
          slug,
          description: null,
          privacy: "closed",
          notification_setting: "notifications_enabled",
          permission: "push",
          members_url: links.api(`/organizations/${repo.owner.id}/team/${id}/members{/member}`),
          repositories_url: links.api(`/organizations/${repo.owner.id}/team/${id}/repos`),
          type: "organization",
          organization_id: repo.owner.id,
          parent: null,
        };
      }),
      apps: [],
    };
  }
  return json;
}
