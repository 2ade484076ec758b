// A rollback point on GitHub: an annotated tag at the commit asked for (or
// the hotfix branch's head), a Milestone row, a timeline event, a word in the war room.
import { z } from "zod";
import { incidentLabel, shortSha } from "../domain/names.js";
import { isFullSha, MILESTONE_WORDS, type MilestoneKind } from "../domain/release.js";
import { ensureAnnotatedTag, getRefSha, RefConflictError, resolveCommit } from "../integrations/github.js";
import { PermanentEffectError } from "../jobs/side-effects.js";
import { tagCreatedMessage } from "../slack/blocks/release-lane-messages.js";
import { recordOnce } from "../store/timeline.js";
import { defineStep, type OutboxRow } from "./define.js";
import { githubForEffect, onGitHub, postOnce } from "./support.js";

const params = z.object({
  tag: z.string().min(1),
  kind: z.enum(["prep", "prod", "milestone"]),
  /** A commit; null: the head of `branch`. */
  at: z.string().nullable(),
  branch: z.string().nullable(),
  actor: z.string().nullable(),
});

const createTag = defineStep({
  prefix: "gh-tag",
  params,
  describe: (p) => `tag ${p.tag} on GitHub`,
  dependsOn: () => ["channel"],
  async run(ctx, run) {
    const gh = githubForEffect(ctx);
    const { incident, params: p } = run;
    let sha: string | undefined;
    if (p.at) {
      const at = p.at;
      sha = isFullSha(at) ? at : await onGitHub(`find commit ${at}`, () => resolveCommit(gh, at));
      if (!sha) throw new PermanentEffectError(`there is no commit ${at} in ${gh.fullName} (pushed yet?)`);
    } else if (p.branch) {
      const branch = p.branch;
      sha = (await onGitHub(`read ${branch}`, () => getRefSha(gh, `heads/${branch}`)))?.sha;
      if (!sha) throw new PermanentEffectError(`the branch ${branch} does not exist any more; name the commit: /hotfix tag ${p.tag} <sha>`);
    } else {
      throw new PermanentEffectError("no commit to tag: no hotfix branch and no sha given");
    }
    const commit = sha;
    const words = MILESTONE_WORDS[p.kind];
    const message = `${words} for ${incidentLabel(incident.number)}: ${incident.title}`;
    // Runbook 000's dated tags (hotfix-prep-/hotfix-prod-YYYYMMDD): a second incident the same day gets "-2", "-3" ... instead of failing.
    let tag = p.tag;
    let result: Awaited<ReturnType<typeof ensureAnnotatedTag>> | undefined;
    for (let n = 1; !result; n++) {
      tag = n === 1 ? p.tag : `${p.tag}-${n}`;
      try {
        result = await ensureAnnotatedTag(gh, tag, commit, message);
      } catch (error) {
        if (error instanceof RefConflictError && p.kind !== "milestone" && n < 9) continue;
        return onGitHub(`create the tag ${tag}`, () => Promise.reject(error));
      }
    }
    const { htmlUrl } = await onGitHub("read the repository", () => gh.repository());
    await ctx.prisma.$transaction(async (tx) => {
      await tx.milestone.createMany({
        data: [{ incidentId: incident.id, kind: p.kind, tag, sha: commit, message, createdBy: p.actor }],
        skipDuplicates: true,
      });
      await recordOnce(tx, run.effect.key, {
        incidentId: incident.id,
        kind: "milestone_tagged",
        summary: `Rollback point ${tag} tagged at ${shortSha(commit)} (${words})`,
        actor: p.actor,
        occurredAt: ctx.now(),
        data: { tag, sha: commit, kind: p.kind, annotated: result.annotated, created: result.created },
      });
    });
    await postOnce(ctx, run, tagCreatedMessage({ url: `${htmlUrl}/tree/${tag}`, tag, sha: commit, created: result.created, what: words }));
    return { tag, sha: commit, created: result.created };
  },
});

export const githubTag = {
  create: (
    p: { tag: string; kind: MilestoneKind; at: string | null; branch: string | null; actor: string | null },
    id: string,
  ): OutboxRow => createTag.row(p, id),
  keyFor: (id: string): string => createTag.keyFor(id),
  /** Key prefix, to find tags being created. */
  keyPrefix: `${createTag.prefix}:`,
  /** The tag a queued row creates (its params, parsed). */
  tagOf: (rawParams: unknown): string | undefined => {
    const parsed = params.safeParse(rawParams);
    return parsed.success ? parsed.data.tag : undefined;
  },
};

export const GITHUB_TAG_STEPS = [createTag];
