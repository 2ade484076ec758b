// `/hotfix branch [name] [from <tag>]` (runbooks 000, 001, 004 step 1): find
// the parent release, show it, and on confirmation create the hotfix branch
// from it with the policy's name, protect it (code-owner review) and say so
// in the war room. With `github.branchOnDeclare` the same effects run right
// after the war room opens, with the parent found automatically.
import { DateTime } from "luxon";
import type { Policy } from "../config.js";
import { incidentLabel, refName, sanitizeRefName } from "../domain/names.js";
import { short } from "../domain/render/release-lane.js";
import { highestReleaseTag, nextHotfixVersion } from "../domain/versions.js";
import {
  ensureBranch,
  type GitHubClient,
  getRefSha,
  latestRelease,
  listTagNames,
  protectBranch,
  tagCommit,
} from "../integrations/github.js";
import { type EffectDefinition, PermanentEffectError } from "../jobs/side-effects.js";
import type { IncidentWithRoles } from "../store/incidents.js";
import type { Tx } from "../store/timeline.js";
import { recordEvent } from "../store/timeline.js";
import type { WorkflowContext } from "./context.js";
import { RefusedError } from "./incident-updates.js";
import { githubForEffect, githubOrRefuse, lockIncident, onGitHub, recordOnce, requireActive, sayOnce, stampOf } from "./lane-support.js";
import { addEffects, queueSync, stamp } from "./outbox.js";

export type ParentSource = "named" | "highest-tag" | "latest-release";

export interface ParentRelease {
  tag: string;
  sha: string;
  source: ParentSource;
  /** How it was found, in words, to show before acting. */
  how: string;
  /** Every tag name of the repository (for version math). */
  tags: string[];
}

/** Runbook 004, troubleshooting "Parent release not found". */
export function parentNotFound(tag: string): string {
  return (
    `Parent release not found: the tag ${tag} does not exist in the repository. ` +
    `List the available tags (\`git tag -l "${tag.replace(/\d+$/, "*")}"\`, after \`git fetch --tags\`), check the release (\`gh release view ${tag}\`), ` +
    "and name an existing one."
  );
}

export function describeSource(source: ParentSource, pattern: string): string {
  if (source === "named") return "named by you";
  if (source === "highest-tag") return `the highest semver tag matching \`${pattern}\` (pre-releases and non-semver tags ignored)`;
  return `GitHub's latest release (no GA semver tag matches \`${pattern}\`)`;
}

/**
 * The production release a hotfix starts from: the tag the user names, else
 * the highest GA semver tag matching the policy's pattern, else GitHub's
 * latest release. Undefined when none exists.
 */
export async function findParentRelease(ctx: WorkflowContext, gh: GitHubClient, named?: string | null): Promise<ParentRelease | undefined> {
  const pattern = ctx.config.policy.github.tagPattern;
  const tags = await listTagNames(gh);
  const names = tags.map((t) => t.name);
  const shaOf = async (tag: string) => tags.find((t) => t.name === tag)?.sha ?? (await tagCommit(gh, tag));
  if (named) {
    const sha = await shaOf(named);
    return sha ? { tag: named, sha, source: "named", how: describeSource("named", pattern), tags: names } : undefined;
  }
  const best = highestReleaseTag(names, pattern);
  if (best) {
    const sha = await shaOf(best.tag);
    if (sha) return { tag: best.tag, sha, source: "highest-tag", how: describeSource("highest-tag", pattern), tags: names };
  }
  const latest = await latestRelease(gh);
  if (latest) {
    const sha = await shaOf(latest.tagName);
    if (sha) return { tag: latest.tagName, sha, source: "latest-release", how: describeSource("latest-release", pattern), tags: names };
  }
  return undefined;
}

/** The policy's branch name for this incident ("release/hotfix-{ticket}", "hotfix/{version}" ...). */
export function policyBranchName(policy: Policy, incident: IncidentWithRoles, parent: ParentRelease | undefined, now: Date): string {
  let version: string | null = null;
  if (policy.github.branch.includes("{version}") && parent) {
    try {
      version = nextHotfixVersion(parent.tag, parent.tags, policy.github.versioning).tag;
    } catch {
      version = parent.tag;
    }
  }
  return refName(policy.github.branch, {
    slug: incident.slug,
    ticket: incident.ticketUrl,
    version,
    number: incident.number,
    date: DateTime.fromJSDate(now).toUTC(),
  });
}

export interface BranchPreview {
  parent: ParentRelease;
  branch: string;
  /** The branch exists already: at the parent's commit (adopted) or elsewhere (refused). */
  existing?: { sha: string; sameCommit: boolean };
  protect: boolean;
}

function refuseIfBranched(incident: IncidentWithRoles): void {
  if (incident.hotfixBranch)
    throw new RefusedError(
      `${incidentLabel(incident.number)} already has its hotfix branch \`${incident.hotfixBranch}\` (from ${incident.parentTag ?? "?"}).`,
    );
}

async function branchPending(ctx: WorkflowContext, incidentId: string): Promise<boolean> {
  const pending = await ctx.prisma.sideEffect.count({
    where: { incidentId, key: { startsWith: "gh-branch:" }, status: { in: ["pending", "running"] } },
  });
  return pending > 0;
}

/** What `/hotfix branch` would do, read from GitHub, shown before anything is created. */
export async function previewBranch(
  ctx: WorkflowContext,
  incident: IncidentWithRoles,
  request: { name?: string; parent?: string },
): Promise<BranchPreview> {
  const gh = githubOrRefuse(ctx);
  requireActive(incident, "cutting a hotfix branch");
  refuseIfBranched(incident);
  if (await branchPending(ctx, incident.id)) throw new RefusedError("The hotfix branch is being created; watch the war room.");
  const parent = await findParentRelease(ctx, gh, request.parent ?? incident.parentTag);
  if (!parent) {
    throw new RefusedError(
      request.parent
        ? parentNotFound(request.parent)
        : `No parent release found in ${gh.fullName}: no GA semver tag matches \`${ctx.config.policy.github.tagPattern}\` and there is no GitHub release. Name one: \`/hotfix branch from <tag>\`.`,
    );
  }
  const branch = request.name ? sanitizeRefName(request.name) : policyBranchName(ctx.config.policy, incident, parent, ctx.now());
  if (!branch) throw new RefusedError(`\`${request.name}\` cannot be a branch name.`);
  const found = await getRefSha(gh, `heads/${branch}`);
  return {
    parent,
    branch,
    protect: ctx.config.policy.github.protectBranch,
    ...(found ? { existing: { sha: found.sha, sameCommit: found.sha === parent.sha } } : {}),
  };
}

export interface BranchRequest {
  branch: string;
  parentTag: string;
  parentSha: string;
  source: ParentSource;
}

/** The user confirmed: record it and queue the GitHub steps, in one transaction. */
export async function requestBranch(
  ctx: WorkflowContext,
  incident: IncidentWithRoles,
  request: BranchRequest,
  actor: string,
): Promise<void> {
  githubOrRefuse(ctx);
  requireActive(incident, "cutting a hotfix branch");
  refuseIfBranched(incident);
  if (await branchPending(ctx, incident.id)) throw new RefusedError("The hotfix branch is being created already; watch the war room.");
  const s = stamp(ctx.now());
  const { policy } = ctx.config;
  await ctx.prisma.$transaction(async (tx) => {
    // Under the incident's lock, again: a double click or two people at once queue one branch.
    const current = await lockIncident(tx, incident.id);
    requireActive(current, "cutting a hotfix branch");
    refuseIfBranched(current);
    const pending = await tx.sideEffect.count({
      where: { incidentId: incident.id, key: { startsWith: "gh-branch:" }, status: { in: ["pending", "running"] } },
    });
    if (pending > 0) throw new RefusedError("The hotfix branch is being created already; watch the war room.");
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "branch_requested",
      summary: `Hotfix branch ${request.branch} requested from ${request.parentTag} (${short(request.parentSha)}), ${describeSource(request.source, policy.github.tagPattern).replace(/`/g, "")}`,
      actor,
      occurredAt: ctx.now(),
      data: { ...request },
    });
    await addBranchEffects(tx, incident.id, s, { ...request, protect: policy.github.protectBranch, actor });
    await queueSync(ctx, tx, incident.id);
  });
}

async function addBranchEffects(tx: Tx, incidentId: string, s: string, params: Record<string, string | boolean | null>): Promise<void> {
  await addEffects(tx, incidentId, [
    { key: `gh-branch:${s}`, params },
    { key: `gh-protect:${s}`, params: { protect: Boolean(params.protect) } },
  ]);
}

/**
 * `github.branchOnDeclare`: the hotfix branch joins a new incident's outbox
 * in the declare transaction itself (it runs once the war room exists).
 */
export async function queueBranchOnDeclare(ctx: WorkflowContext, tx: Tx, incidentId: string): Promise<void> {
  const { policy } = ctx.config;
  if (!policy.github.branchOnDeclare || !ctx.github) return;
  await addEffects(tx, incidentId, [
    { key: "gh-branch:declare", params: { auto: true, protect: policy.github.protectBranch } },
    { key: "gh-protect:declare", params: { protect: policy.github.protectBranch } },
  ]);
  await recordEvent(tx, {
    incidentId,
    kind: "branch_requested",
    summary: "Hotfix branch requested automatically at declare (policy github.branchOnDeclare)",
    occurredAt: ctx.now(),
    data: { auto: true },
  });
}

const createBranch: EffectDefinition = {
  prefix: "gh-branch",
  describe: (_k, p) => `create the hotfix branch${p.branch ? ` ${String(p.branch)}` : ""} on GitHub`,
  dependsOn: () => ["channel"],
  async run(ctx, run) {
    const gh = githubForEffect(ctx);
    const { params, incident } = run;
    const named = typeof params.parentTag === "string" ? params.parentTag : undefined;
    const parent = await onGitHub("read the parent release", () => findParentRelease(ctx, gh, named));
    if (!parent) {
      throw new PermanentEffectError(
        named
          ? parentNotFound(named)
          : `no parent release: no GA semver tag matches ${ctx.config.policy.github.tagPattern} and there is no GitHub release`,
      );
    }
    if (typeof params.parentSha === "string" && params.parentSha !== parent.sha) {
      throw new PermanentEffectError(
        `the tag ${parent.tag} moved from ${short(params.parentSha)} to ${short(parent.sha)} since it was shown; run /hotfix branch again`,
      );
    }
    // How the parent was found is what the user saw in the preview, not "named" because the preview named it.
    if (typeof params.source === "string" && params.source !== parent.source) {
      parent.source = params.source as ParentSource;
      parent.how = describeSource(parent.source, ctx.config.policy.github.tagPattern);
    }
    const branch =
      typeof params.branch === "string" ? params.branch : policyBranchName(ctx.config.policy, incident, parent, run.effect.createdAt);
    const { created } = await onGitHub(`create the branch ${branch}`, () => ensureBranch(gh, branch, parent.sha));
    const { htmlUrl } = await onGitHub("read the repository", () => gh.repository());
    const actor = typeof params.actor === "string" ? params.actor : null;
    await ctx.prisma.$transaction(async (tx) => {
      await tx.incident.update({
        where: { id: incident.id },
        data: { parentTag: parent.tag, parentSha: parent.sha, hotfixBranch: branch },
      });
      await tx.milestone.createMany({
        data: [{ incidentId: incident.id, kind: "parent", tag: parent.tag, sha: parent.sha, message: "parent release", createdBy: actor }],
        skipDuplicates: true,
      });
      await recordOnce(tx, run.effect.key, {
        incidentId: incident.id,
        kind: "branch_created",
        summary: `Hotfix branch ${branch} ${created ? "created" : "found (already there)"} from ${parent.tag} at ${short(parent.sha)}`,
        actor,
        occurredAt: ctx.now(),
        data: { branch, parentTag: parent.tag, parentSha: parent.sha, source: parent.source, created },
      });
    });
    const url = `${htmlUrl}/tree/${branch}`;
    await sayOnce(
      ctx,
      run,
      `:deciduous_tree: Hotfix branch <${url}|\`${branch}\`> ${created ? "created" : "was already there at that commit; adopted it"} from *${parent.tag}* (\`${short(parent.sha)}\`), the parent release: ${parent.how}.` +
        `${params.auto ? " (Created at declare, per policy.)" : ""}\nTag rollback points with \`/hotfix tag prep\`; release with \`/hotfix release\`.`,
    );
    return { branch, sha: parent.sha, parentTag: parent.tag, source: parent.source, created, url };
  },
};

const protect: EffectDefinition = {
  prefix: "gh-protect",
  describe: () => "protect the hotfix branch (code-owner review)",
  dependsOn: (key) => [`gh-branch:${stampOf(key)}`],
  async run(ctx, run) {
    if (!run.params.protect) return { skipped: "policy github.protectBranch is off" };
    const gh = githubForEffect(ctx);
    const branch = run.results.get(`gh-branch:${stampOf(run.effect.key)}`)?.branch;
    if (typeof branch !== "string") throw new Error("the branch step left no branch name");
    await onGitHub(`protect ${branch}`, () => protectBranch(gh, branch));
    await ctx.prisma.$transaction(async (tx) => {
      await recordOnce(tx, run.effect.key, {
        incidentId: run.incident.id,
        kind: "branch_protected",
        summary: `Branch ${branch} protected: changes through pull requests with code-owner review`,
        occurredAt: ctx.now(),
        data: { branch },
      });
    });
    await sayOnce(ctx, run, `:lock: \`${branch}\` is protected: changes go through a pull request with code-owner review.`);
    return { branch, protected: true };
  },
};

export const BRANCH_EFFECTS: EffectDefinition[] = [createBranch, protect];
