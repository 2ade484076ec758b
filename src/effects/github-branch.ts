// The hotfix branch on GitHub: create it from the parent release (or find it
// there already), then protect it (code-owner review), and say so in the war room.
import { z } from "zod";
import { shortSha } from "../domain/names.js";
import { describeSource, type ParentSource, parentNotFound, policyBranchName } from "../domain/parent-release.js";
import { ensureBranch, getRefSha, protectBranch } from "../integrations/github.js";
import { PermanentEffectError } from "../jobs/side-effects.js";
import { branchCreatedMessage, branchProtectedMessage } from "../slack/blocks/release-lane-messages.js";
import { recordOnce } from "../store/timeline.js";
import { defineStep, idOf, type OutboxRow, resultOf } from "./define.js";
import { githubForEffect, onGitHub, postOnce } from "./support.js";

const source = z.enum(["named", "highest-tag", "latest-release", "last-hotfix"]);

const createBranch = defineStep({
  prefix: "gh-branch",
  params: z.object({
    /** Set at declare (policy github.branchOnDeclare): the parent is found automatically. */
    auto: z.boolean().optional(),
    branch: z.string().optional(),
    parentTag: z.string().optional(),
    parentSha: z.string().optional(),
    source: source.optional(),
    protect: z.boolean(),
    actor: z.string().nullable().optional(),
  }),
  describe: (p) => `create the hotfix branch${p.branch ? ` ${p.branch}` : ""} on GitHub`,
  dependsOn: () => ["channel"],
  async run(ctx, run) {
    const gh = githubForEffect(ctx);
    const { params, incident } = run;
    const { tagPattern: pattern, versioning, branchFrom } = ctx.config.policy.github;
    const named = params.parentTag;
    const parent = await onGitHub("read the parent release", () => gh.reads.parentRelease(pattern, named, versioning));
    if (!parent) {
      throw new PermanentEffectError(
        named ? parentNotFound(named) : `no parent release: no GA semver tag matches ${pattern} and there is no GitHub release`,
      );
    }
    if (params.parentSha && params.parentSha !== parent.sha) {
      throw new PermanentEffectError(
        `the tag ${parent.tag} moved from ${shortSha(params.parentSha)} to ${shortSha(parent.sha)} since it was shown; run /hotfix branch again`,
      );
    }
    // How the parent was found is what the user saw in the preview, not "named" because the preview named it.
    if (params.source && params.source !== parent.source) {
      parent.source = params.source;
      parent.how = describeSource(parent.source, pattern);
    }
    const branch = params.branch ?? policyBranchName(ctx.config.policy, incident, parent, run.effect.createdAt);
    const { htmlUrl, defaultBranch } = await onGitHub("read the repository", () => gh.repository());
    // Runbook 003 branches "from main" (github.branchFrom: default-branch); the others from the production tag.
    const from =
      branchFrom === "default-branch"
        ? { name: defaultBranch, sha: (await onGitHub(`read ${defaultBranch}`, () => getRefSha(gh, `heads/${defaultBranch}`)))?.sha }
        : { name: parent.tag, sha: parent.sha };
    if (!from.sha) throw new PermanentEffectError(`the default branch ${defaultBranch} has no head`);
    const startSha = from.sha;
    // Only a branch the bot creates is protected, merged back and deleted later (issue 8.6): one that exists is refused,
    // unless this step's own earlier attempt made it (its answer was lost: the step runs "ambiguous").
    const existing = await onGitHub(`read ${branch}`, () => getRefSha(gh, `heads/${branch}`));
    if (existing && !(run.ambiguous && existing.sha === startSha)) {
      throw new PermanentEffectError(
        `the branch ${branch} exists already (at ${shortSha(existing.sha)}); the bot only protects, merges back and deletes a branch it created. Name another one: /hotfix branch <name>`,
      );
    }
    const { created } = await onGitHub(`create the branch ${branch}`, () => ensureBranch(gh, branch, startSha));
    const actor = params.actor ?? null;
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
        summary: `Hotfix branch ${branch} created from ${from.name} at ${shortSha(startSha)}${from.name === parent.tag ? "" : ` (parent release ${parent.tag})`}`,
        actor,
        occurredAt: ctx.now(),
        data: {
          branch,
          parentTag: parent.tag,
          parentSha: parent.sha,
          source: parent.source,
          created,
          from: from.name,
          fromSha: startSha,
          byBot: true,
        },
      });
    });
    const url = `${htmlUrl}/tree/${branch}`;
    await postOnce(
      ctx,
      run,
      branchCreatedMessage({
        url,
        branch,
        created,
        parent,
        auto: Boolean(params.auto),
        ...(from.name === parent.tag ? {} : { from: from.name }),
      }),
    );
    return { branch, sha: startSha, parentTag: parent.tag, source: parent.source, created, url };
  },
});

const branchResult = z.object({ branch: z.string() });

const protect = defineStep({
  prefix: "gh-protect",
  params: z.object({ protect: z.boolean() }),
  describe: () => "protect the hotfix branch (code-owner review)",
  dependsOn: (key) => [createBranch.keyFor(idOf(key))],
  async run(ctx, run) {
    if (!run.params.protect) return { skipped: "policy github.protectBranch is off" };
    const gh = githubForEffect(ctx);
    const branch = resultOf(run, createBranch.keyFor(idOf(run.effect.key)), branchResult)?.branch;
    if (!branch) throw new Error("the branch step left no branch name");
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
    await postOnce(ctx, run, branchProtectedMessage(branch));
    return { branch, protected: true };
  },
});

export interface BranchStepParams {
  branch?: string;
  parentTag?: string;
  parentSha?: string;
  source?: ParentSource;
  protect: boolean;
  actor?: string | null;
  auto?: boolean;
}

export const githubBranch = {
  /** Create the branch, then protect it (when the policy says so); `id` is the request's stamp ("declare" at declare). */
  create: (params: BranchStepParams, id: string): OutboxRow[] => [
    createBranch.row(params, id),
    protect.row({ protect: params.protect }, id),
  ],
  /** Key prefix of the create step, to ask whether a branch is under way. */
  underWay: [`${createBranch.prefix}:`],
};

export const GITHUB_BRANCH_STEPS = [createBranch, protect];
