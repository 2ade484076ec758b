// A rollback on GitHub (runbook 004, "Rollback Procedure"): the release is
// marked pre-release, with the runbook's warning appended to its notes.
import { z } from "zod";
import { rollbackWarning, withRollbackWarning } from "../domain/release-notes.js";
import { nextHotfixVersion } from "../domain/versions.js";
import { dispatchWorkflow, listTagNames, releaseByTag, updateRelease } from "../integrations/github.js";
import { PermanentEffectError } from "../jobs/side-effects.js";
import { markedPrereleaseMessage, redeployDispatchedMessage } from "../slack/blocks/release-lane-messages.js";
import { recordOnce } from "../store/timeline.js";
import { defineStep, type OutboxRow } from "./define.js";
import { watchRun } from "./github-runs.js";
import { githubForEffect, onGitHub, postOnce } from "./support.js";

const WARNING_START = "**WARNING: This release has been rolled back.";

const markPrerelease = defineStep({
  prefix: "gh-rollback",
  params: z.object({ tag: z.string().min(1), actor: z.string().nullable(), parentTag: z.string().nullable() }),
  describe: (p) => `mark ${p.tag} as pre-release on GitHub`,
  dependsOn: () => ["channel"],
  async run(ctx, run) {
    const gh = githubForEffect(ctx);
    const { tag, parentTag, actor } = run.params;
    const release = await onGitHub(`read the release ${tag}`, () => releaseByTag(gh, tag));
    if (!release) {
      throw new PermanentEffectError(
        `there is no published GitHub release for ${tag} (if the release workflow has not published it yet, mark it by hand: gh release edit ${tag} --prerelease)`,
      );
    }
    const alreadyWarned = (release.body ?? "").includes(WARNING_START);
    let next: string | undefined;
    if (!alreadyWarned && parentTag) {
      const tags = (await onGitHub("list tags", () => listTagNames(gh))).map((t) => t.name);
      try {
        next = nextHotfixVersion(parentTag, [...tags, tag], ctx.config.policy.github.versioning).tag;
      } catch {
        next = undefined;
      }
    }
    const body = alreadyWarned ? (release.body ?? "") : withRollbackWarning(release.body, rollbackWarning(next));
    const changed = !release.prerelease || !alreadyWarned;
    if (changed) await onGitHub(`edit the release ${tag}`, () => updateRelease(gh, release.id, { prerelease: true, body }));
    await ctx.prisma.$transaction(async (tx) => {
      await recordOnce(tx, run.effect.key, {
        incidentId: run.incident.id,
        kind: "release_marked_prerelease",
        summary: `GitHub release ${tag} marked pre-release with the rollback warning`,
        actor,
        occurredAt: ctx.now(),
        data: { tag, releaseId: release.id, url: release.htmlUrl },
      });
    });
    await postOnce(ctx, run, markedPrereleaseMessage(release.htmlUrl, tag));
    return { tag, releaseId: release.id, changed };
  },
});

/**
 * Runbook 002 "revert to previous tag": the policy's deploy workflow
 * (github.deployWorkflow) dispatched with the parent tag for production, then
 * watched like a release run (github-runs.ts). Dispatched once: a cut-off
 * attempt is reported, never repeated (a second deploy is not harmless).
 */
const redeploy = defineStep({
  prefix: "gh-redeploy",
  params: z.object({ parentTag: z.string().min(1), workflow: z.string().min(1), actor: z.string().nullable() }),
  describe: (p) => `dispatch ${p.workflow} to redeploy ${p.parentTag} to production`,
  dependsOn: () => ["channel"],
  async run(ctx, run) {
    const gh = githubForEffect(ctx);
    const { parentTag, workflow, actor } = run.params;
    const { htmlUrl, defaultBranch } = await onGitHub("read the repository", () => gh.repository());
    const workflowUrl = `${htmlUrl}/actions/workflows/${workflow}`;
    if (run.ambiguous)
      throw new PermanentEffectError(
        `an earlier dispatch of ${workflow} was cut off and may have started a redeploy; check ${workflowUrl} before redeploying ${parentTag} by hand`,
      );
    const dispatchedAt = ctx.now();
    const inputs = { environment: "production", ref: parentTag };
    const dispatched = await onGitHub(`dispatch ${workflow}`, () => dispatchWorkflow(gh, workflow, defaultBranch, inputs));
    await ctx.prisma.$transaction(async (tx) => {
      const recorded = await recordOnce(tx, run.effect.key, {
        incidentId: run.incident.id,
        kind: "rollback_dispatched",
        summary: `${workflow} dispatched to redeploy ${parentTag} to production; watching the run`,
        actor,
        occurredAt: dispatchedAt,
        data: { workflow, inputs, runId: dispatched.runId ?? null, runUrl: dispatched.runUrl ?? null },
      });
      if (!recorded) return;
      await watchRun(ctx, tx, {
        incidentId: run.incident.id,
        purpose: "rollback",
        tag: parentTag,
        workflow,
        ref: defaultBranch,
        dispatchedAt: dispatchedAt.toISOString(),
        runId: dispatched.runId ?? null,
        attempt: 0,
      });
    });
    await postOnce(ctx, run, redeployDispatchedMessage({ url: dispatched.runUrl ?? workflowUrl, workflow, parentTag }));
    return { workflow, inputs, runId: dispatched.runId ?? null };
  },
});

export const githubRollback = {
  markPrerelease: (p: { tag: string; actor: string | null; parentTag: string | null }, id: string): OutboxRow => markPrerelease.row(p, id),
  redeploy: (p: { parentTag: string; workflow: string; actor: string | null }, id: string): OutboxRow => redeploy.row(p, id),
};

export const GITHUB_ROLLBACK_STEPS = [markPrerelease, redeploy];
