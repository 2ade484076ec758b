// A rollback on GitHub (runbook 004, "Rollback Procedure"): the release is
// marked pre-release, with the runbook's warning appended to its notes.
import { z } from "zod";
import { rollbackWarning, withRollbackWarning } from "../domain/release-notes.js";
import { nextHotfixVersion } from "../domain/versions.js";
import { listTagNames, releaseByTag, updateRelease } from "../integrations/github.js";
import { PermanentEffectError } from "../jobs/side-effects.js";
import { markedPrereleaseMessage } from "../slack/blocks/release-lane-messages.js";
import { recordOnce } from "../store/timeline.js";
import { defineStep, type OutboxRow } from "./define.js";
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

export const githubRollback = {
  markPrerelease: (p: { tag: string; actor: string | null; parentTag: string | null }, id: string): OutboxRow => markPrerelease.row(p, id),
};

export const GITHUB_ROLLBACK_STEPS = [markPrerelease];
