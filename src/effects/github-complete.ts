// Completing a hotfix on GitHub and in Slack (runbook 000 section 4, runbook
// 001 section 4), as steps sharing one id: merge the hotfix branch back into
// the default branch (fast-forward only where the policy says so, else a
// merge), tag the final production state, append the deployment summary to
// CHANGELOG.md, delete the branch, list legacy hotfix branches to retire,
// announce completion and archive the war room. A merge conflict is not
// retried: it is reported with what to do, and the later steps skip.
import { z } from "zod";
import type { AppContext } from "../context.js";
import { describeGuardrails } from "../domain/guardrails.js";
import { incidentLabel, shortSha } from "../domain/names.js";
import { isOpen } from "../domain/phase.js";
import { isFullSha } from "../domain/release.js";
import { appendToChangelog, changelogEntry, changelogMarker, conflictPullBody } from "../domain/release-notes.js";
import {
  branchesWithDates,
  closePull,
  compareCommits,
  deleteBranch,
  ensureAnnotatedTag,
  ensurePull,
  fastForward,
  type GitHubClient,
  getRefSha,
  githubMessage,
  githubStatus,
  isBranchProtected,
  isRefusal,
  mergeInto,
  openPullsOf,
  protectBranch,
  RefConflictError,
  readFile,
  resolveCommit,
  writeFile,
} from "../integrations/github.js";
import { slackError } from "../integrations/slack.js";
import { type EffectRun, PermanentEffectError } from "../jobs/side-effects.js";
import { completedMessages } from "../slack/blocks/completion.js";
import { conflictMessage, legacyOfferBlocks, notFastForwardMessage } from "../slack/blocks/release-lane-messages.js";
import { recordEvent, recordOnce } from "../store/timeline.js";
import { defineStep, idOf, type OutboxRow, resultOf } from "./define.js";
import { addEffects, queueSync } from "./outbox.js";
import { postmortemDue, schedulePostmortemReminder } from "./postmortem-due.js";
import { githubForEffect, onGitHub, postOnce, warRoomOf } from "./support.js";
import { openChannel, warRoom } from "./war-room.js";

const key = (prefix: string, run: Pick<EffectRun, "effect"> | string) =>
  `${prefix}:${idOf(typeof run === "string" ? run : run.effect.key)}`;

const mergeResult = z.object({
  blocked: z.boolean().optional(),
  reason: z.string().optional(),
  merged: z.boolean().optional(),
  already: z.boolean().optional(),
  how: z.string().optional(),
  base: z.string().optional(),
  sha: z.string().nullable().optional(),
});
const mergeOf = (run: Pick<EffectRun, "effect" | "results">) => resultOf(run, key("gh-merge-back", run), mergeResult) ?? {};

/** A completion step after a merge that did not happen skips itself. */
function mergeBlocked(run: Pick<EffectRun, "effect" | "results">): string | undefined {
  const merge = mergeOf(run);
  return merge.blocked ? (merge.reason ?? "merge back blocked") : undefined;
}

async function blocked(
  ctx: AppContext,
  run: Pick<EffectRun, "effect" | "incident" | "ambiguous" | "results">,
  kind: "merge_back_blocked" | "merge_back_conflict",
  reason: string,
  message: string,
) {
  await ctx.prisma.$transaction(async (tx) => {
    await recordOnce(tx, run.effect.key, {
      incidentId: run.incident.id,
      kind,
      summary: `Merge back blocked: ${reason}`,
      occurredAt: ctx.now(),
      data: { reason },
    });
  });
  await postOnce(ctx, run, message);
  return { blocked: true, reason };
}

const mergeBack = defineStep({
  prefix: "gh-merge-back",
  params: z.object({ branch: z.string().min(1), mode: z.enum(["ff-only", "merge"]), actor: z.string() }),
  describe: (p) => `merge ${p.branch} back`,
  dependsOn: () => ["channel"],
  async run(ctx, run) {
    const gh = githubForEffect(ctx);
    const { branch, mode } = run.params;
    const { defaultBranch } = await onGitHub("read the repository", () => gh.repository());
    const head = await onGitHub(`read ${branch}`, () => getRefSha(gh, `heads/${branch}`));
    const fix = run.incident.fixSha;
    if (!head) {
      // Gone already: fine when the fix is in the default branch (an earlier attempt, or a merged pull request).
      const inBase = fix ? await onGitHub("compare", () => compareCommits(gh, defaultBranch, fix)) : undefined;
      if (inBase && (inBase.status === "behind" || inBase.status === "identical")) {
        return { merged: false, already: true, base: defaultBranch, sha: fix };
      }
      throw new PermanentEffectError(`the branch ${branch} does not exist and ${defaultBranch} does not contain the fix ${shortSha(fix)}`);
    }
    const compared = await onGitHub(`compare ${defaultBranch} with ${branch}`, () => compareCommits(gh, defaultBranch, head.sha));
    if (!compared) throw new PermanentEffectError(`${defaultBranch} and ${branch} share no history`);
    if (compared.status === "identical" || compared.status === "behind") {
      await record(ctx, run, `${branch} is already in ${defaultBranch}`, { base: defaultBranch, sha: head.sha, how: "already merged" });
      return { merged: false, already: true, base: defaultBranch, sha: head.sha };
    }
    if (mode === "ff-only") {
      if (compared.status !== "ahead")
        return blocked(
          ctx,
          run,
          "merge_back_blocked",
          "not a fast-forward",
          notFastForwardMessage(branch, defaultBranch, compared.behindBy),
        );
      try {
        await fastForward(gh, defaultBranch, head.sha);
      } catch (error) {
        if (githubStatus(error) === 422 && /fast forward/i.test(githubMessage(error)))
          return blocked(ctx, run, "merge_back_blocked", "not a fast-forward", notFastForwardMessage(branch, defaultBranch, 1));
        if (isRefusal(error))
          throw new PermanentEffectError(`GitHub refused to move ${defaultBranch}: ${githubStatus(error)} ${githubMessage(error)}`);
        throw error;
      }
      await record(ctx, run, `${defaultBranch} fast-forwarded to ${branch} (${shortSha(head.sha)})`, {
        base: defaultBranch,
        sha: head.sha,
        how: "fast-forward",
      });
      return { merged: true, how: "fast-forward", base: defaultBranch, sha: head.sha };
    }
    try {
      const merged = await mergeInto(
        gh,
        defaultBranch,
        branch,
        `Merge ${branch} into ${defaultBranch} (${incidentLabel(run.incident.number)} hotfix)`,
      );
      const sha = merged.sha ?? head.sha;
      await record(ctx, run, `${branch} merged into ${defaultBranch} (${shortSha(sha)})`, { base: defaultBranch, sha, how: "merge" });
      return { merged: merged.merged, how: "merge", base: defaultBranch, sha };
    } catch (error) {
      if (githubStatus(error) === 409) {
        const detail = `409 ${githubMessage(error)}`;
        const label = incidentLabel(run.incident.number);
        // Runbook 002: a conflict becomes a pull request carrying the steps to resolve it. If GitHub will not
        // open one, the war room still gets the same steps.
        const pull = await ensurePull(gh, {
          head: branch,
          base: defaultBranch,
          title: `Merge ${branch} back into ${defaultBranch} (${label} hotfix): conflicts to resolve`,
          body: conflictPullBody(branch, defaultBranch, label),
        }).catch((pullError: unknown) => {
          ctx.logger.warn({ err: pullError, branch }, "could not open the merge-back pull request; the war room gets the steps");
          return undefined;
        });
        return blocked(ctx, run, "merge_back_conflict", "merge conflict", conflictMessage(branch, defaultBranch, detail, pull));
      }
      if (isRefusal(error))
        throw new PermanentEffectError(
          `GitHub refused to merge ${branch} into ${defaultBranch}: ${githubStatus(error)} ${githubMessage(error)}`,
        );
      throw error;
    }
  },
});

async function record(
  ctx: AppContext,
  run: Pick<EffectRun, "effect" | "incident">,
  summary: string,
  data: Record<string, string>,
): Promise<void> {
  await ctx.prisma.$transaction(async (tx) => {
    await recordOnce(tx, run.effect.key, { incidentId: run.incident.id, kind: "merged_back", summary, occurredAt: ctx.now(), data });
  });
}

const finalTag = defineStep({
  prefix: "gh-final-tag",
  params: z.object({ tag: z.string().min(1), at: z.string().nullable(), actor: z.string() }),
  describe: (p) => `create the final tag ${p.tag}`,
  dependsOn: (k) => [key("gh-merge-back", k)],
  async run(ctx, run) {
    const skipped = mergeBlocked(run);
    if (skipped) return { skipped };
    const gh = githubForEffect(ctx);
    const merge = mergeOf(run);
    const at = run.params.at ?? run.incident.fixSha ?? merge.sha ?? undefined;
    if (!at) throw new PermanentEffectError("no production commit to tag");
    const sha = isFullSha(at) ? at : await onGitHub(`find commit ${at}`, () => resolveCommit(gh, at));
    if (!sha) throw new PermanentEffectError(`there is no commit ${at} in ${gh.fullName}`);
    const base = run.params.tag;
    const message = `Final production state of ${incidentLabel(run.incident.number)}: ${run.incident.title}`;
    let tag = base;
    let created = false;
    // Two hotfixes completed the same day: the second gets "-2".
    for (let n = 1; ; n++) {
      tag = n === 1 ? base : `${base}-${n}`;
      try {
        created = (await onGitHub(`create the tag ${tag}`, () => ensureTagOrConflict(gh, tag, sha, message))).created;
        break;
      } catch (error) {
        if (!(error instanceof SameNameTaken) || n >= 9)
          throw error instanceof SameNameTaken ? new PermanentEffectError(error.message) : error;
      }
    }
    await ctx.prisma.$transaction(async (tx) => {
      await tx.milestone.createMany({
        data: [
          {
            incidentId: run.incident.id,
            kind: "final",
            tag,
            sha,
            message,
            createdBy: run.params.actor,
          },
        ],
        skipDuplicates: true,
      });
      await recordOnce(tx, run.effect.key, {
        incidentId: run.incident.id,
        kind: "final_tagged",
        summary: `Final tag ${tag} at ${shortSha(sha)}`,
        occurredAt: ctx.now(),
        data: { tag, sha, created },
      });
    });
    return { tag, sha, created };
  },
});

class SameNameTaken extends Error {}

async function ensureTagOrConflict(gh: GitHubClient, tag: string, sha: string, message: string) {
  try {
    return await ensureAnnotatedTag(gh, tag, sha, message);
  } catch (error) {
    if (error instanceof RefConflictError) throw new SameNameTaken(error.message);
    throw error;
  }
}

const tagResult = z.object({ tag: z.string() });

const changelog = defineStep({
  prefix: "gh-changelog",
  params: z.object({}),
  describe: () => "append the deployment summary to CHANGELOG.md",
  dependsOn: (k) => [key("gh-merge-back", k), key("gh-final-tag", k)],
  async run(ctx, run) {
    const skipped = mergeBlocked(run);
    if (skipped) return { skipped };
    const gh = githubForEffect(ctx);
    const { defaultBranch } = await onGitHub("read the repository", () => gh.repository());
    const final = resultOf(run, key("gh-final-tag", run), tagResult)?.tag ?? "";
    const deployments = await ctx.prisma.deployment.findMany({ where: { incidentId: run.incident.id }, orderBy: { occurredAt: "asc" } });
    const { guardrails } = ctx.config.policy;
    const uat = await ctx.prisma.uatSession.findFirst({
      where: { incidentId: run.incident.id },
      orderBy: { createdAt: "desc" },
      select: { status: true },
    });
    const entry = changelogEntry({
      incident: run.incident,
      deployments,
      finalTag: final,
      stabilityWindow: ctx.config.policy.stability.window.text,
      now: ctx.now(),
      uat: uat?.status ?? null,
      thresholds: describeGuardrails(guardrails),
    });
    const marker = changelogMarker(run.incident.number);
    // The blob sha is the precondition: someone writing in between makes GitHub answer 409; read again and redo.
    for (let attempt = 1; ; attempt++) {
      const current = await onGitHub("read CHANGELOG.md", () => readFile(gh, "CHANGELOG.md", defaultBranch));
      if (current?.text.includes(marker)) return { path: "CHANGELOG.md", already: true };
      try {
        const written = await writeFile(gh, {
          path: "CHANGELOG.md",
          branch: defaultBranch,
          text: appendToChangelog(current?.text, entry),
          message: `docs(changelog): ${run.incident.releaseTag ?? final} hotfix (${incidentLabel(run.incident.number)})`,
          ...(current ? { sha: current.sha } : {}),
        });
        await ctx.prisma.$transaction(async (tx) => {
          await recordOnce(tx, run.effect.key, {
            incidentId: run.incident.id,
            kind: "changelog_updated",
            summary: `CHANGELOG.md: deployment summary appended on ${defaultBranch} (${shortSha(written.commit)})`,
            occurredAt: ctx.now(),
            data: { commit: written.commit, branch: defaultBranch },
          });
        });
        return { path: "CHANGELOG.md", commit: written.commit };
      } catch (error) {
        const status = githubStatus(error);
        if ((status === 409 || status === 422) && attempt < 3) continue;
        if (isRefusal(error)) throw new PermanentEffectError(`GitHub refused to write CHANGELOG.md: ${status} ${githubMessage(error)}`);
        throw error;
      }
    }
  },
});

const removeBranch = defineStep({
  prefix: "gh-delete-branch",
  params: z.object({ branch: z.string().min(1) }),
  describe: (p) => `delete the branch ${p.branch}`,
  dependsOn: (k) => [key("gh-merge-back", k), key("gh-final-tag", k), key("gh-changelog", k)],
  async run(ctx, run) {
    const skipped = mergeBlocked(run);
    if (skipped) return { skipped };
    const gh = githubForEffect(ctx);
    const branch = run.params.branch;
    // Compared again right before deleting: a commit pushed after the merge back would be lost with the branch.
    const head = await onGitHub(`read ${branch}`, () => getRefSha(gh, `heads/${branch}`));
    if (head) {
      const { defaultBranch } = await onGitHub("read the repository", () => gh.repository());
      const compared = await onGitHub(`compare ${defaultBranch} with ${branch}`, () => compareCommits(gh, defaultBranch, head.sha));
      if (!compared || (compared.status !== "identical" && compared.status !== "behind")) {
        throw new PermanentEffectError(
          `${branch} has commits that ${defaultBranch} lacks (\`${shortSha(head.sha)}\`, ${compared?.status ?? "unrelated"}), pushed after the merge back; not deleted. Merge them into ${defaultBranch} and delete the branch by hand, or run /hotfix complete again`,
        );
      }
    }
    // Runbook 001 section 4: "close associated pull requests" (from or into the hotfix branch), saying why.
    const pulls = await onGitHub(`list the pull requests of ${branch}`, () => openPullsOf(gh, branch));
    for (const pull of pulls) {
      await onGitHub(`close pull request #${pull.number}`, () =>
        closePull(
          gh,
          pull.number,
          `Closed by Hotfix Commander: ${incidentLabel(run.incident.number)} is complete and its hotfix branch \`${branch}\` is merged back and deleted.`,
        ),
      );
      await ctx.prisma.$transaction(async (tx) => {
        await recordOnce(tx, `${run.effect.key}#pr${pull.number}`, {
          incidentId: run.incident.id,
          kind: "pull_request_closed",
          summary: `Pull request #${pull.number} (${pull.title}) closed with the hotfix branch`,
          occurredAt: ctx.now(),
          data: { number: pull.number, url: pull.htmlUrl },
        });
      });
    }
    // Protection forbids deletion (we set it so at branch time); the subset of
    // the API we use cannot remove protection, so it is relaxed to allow it.
    if (await onGitHub(`read ${branch}`, () => isBranchProtected(gh, branch))) {
      await onGitHub(`allow deleting ${branch}`, () => protectBranch(gh, branch, { allowDeletions: true }));
    }
    const { deleted } = await onGitHub(`delete ${branch}`, () => deleteBranch(gh, branch));
    await ctx.prisma.$transaction(async (tx) => {
      await recordOnce(tx, run.effect.key, {
        incidentId: run.incident.id,
        kind: "branch_deleted",
        summary: `Hotfix branch ${branch} deleted${deleted ? "" : " (already gone)"}`,
        occurredAt: ctx.now(),
        data: { branch, deleted },
      });
    });
    return { branch, deleted };
  },
});

/** Literal prefix of a name template: "hotfix/{slug}" -> "hotfix/". */
function templatePrefix(template: string): string {
  const at = template.indexOf("{");
  return at < 0 ? template : template.slice(0, at);
}

const legacy = defineStep({
  prefix: "gh-legacy",
  params: z.object({ exclude: z.string() }),
  describe: () => "list legacy hotfix branches to retire",
  dependsOn: () => ["channel"],
  async run(ctx, run) {
    const gh = githubForEffect(ctx);
    const { policy } = ctx.config;
    const cutoff = ctx.now().getTime() - policy.github.legacyBranchAge.ms;
    const prefixes = [...new Set(["release/hotfix-", templatePrefix(policy.github.branch)].filter((p) => p.length >= 3))];
    const { exclude } = run.params;
    const found: Array<{ name: string; sha: string; date: string | null }> = [];
    try {
      for (const prefix of prefixes) {
        for (const b of await branchesWithDates(gh, prefix)) {
          if (b.name === exclude || found.some((f) => f.name === b.name)) continue;
          if (b.date && b.date.getTime() < cutoff) found.push({ name: b.name, sha: b.sha, date: b.date.toISOString() });
        }
      }
    } catch (error) {
      // A list is advice, not a step to block completion on.
      if (isRefusal(error)) return { legacy: [], error: `${githubStatus(error)} ${githubMessage(error)}` };
      throw error;
    }
    return { legacy: found.sort((a, b) => (a.date ?? "").localeCompare(b.date ?? "")), olderThan: policy.github.legacyBranchAge.text };
  },
});

const legacyResult = z.object({ legacy: z.array(z.object({ name: z.string(), sha: z.string(), date: z.string().nullable() })) });
const deletedResult = z.object({ branch: z.string() });

const complete = defineStep({
  prefix: "lane-complete",
  params: z.object({ actor: z.string().nullable() }),
  describe: () => "announce completion",
  dependsOn: (k) => [
    key("gh-merge-back", k),
    key("gh-final-tag", k),
    key("gh-changelog", k),
    key("gh-delete-branch", k),
    key("gh-legacy", k),
  ],
  async run(ctx, run) {
    const skipped = mergeBlocked(run);
    if (skipped) return { skipped };
    const { policy } = ctx.config;
    const id = idOf(run.effect.key);
    const merge = mergeOf(run);
    const finalTagName = resultOf(run, key("gh-final-tag", run), tagResult)?.tag ?? null;
    const deletedBranch = resultOf(run, key("gh-delete-branch", run), deletedResult)?.branch ?? null;
    const legacyBranches = resultOf(run, key("gh-legacy", run), legacyResult)?.legacy ?? [];
    const now = ctx.now();
    const incident = run.incident;
    const deployments = await ctx.prisma.deployment.findMany({ where: { incidentId: incident.id }, orderBy: { occurredAt: "asc" } });
    const dueAt = postmortemDue(ctx, now);
    const how = merge.already ? "was already in" : merge.how === "fast-forward" ? "fast-forwarded into" : "merged into";
    const base = merge.base ?? "main";
    const { text, announcement } = completedMessages({
      incident,
      how,
      base,
      mergeSha: merge.sha ?? "",
      finalTag: finalTagName,
      deletedBranch: deletedBranch ?? incident.hotfixBranch,
      deployments,
      legacy: legacyBranches,
      legacyAge: policy.github.legacyBranchAge.text,
      postmortemDue: dueAt,
      archive: policy.warRoom.archiveOnComplete,
    });
    await ctx.prisma.$transaction(async (tx) => {
      const current = await tx.incident.findUniqueOrThrow({ where: { id: incident.id } });
      if (current.completedAt) return;
      const resolve = isOpen(current.phase);
      await tx.incident.update({
        where: { id: incident.id },
        data: { completedAt: now, ...(resolve ? { phase: "resolved", resolvedAt: now, postmortemDueAt: dueAt } : {}) },
      });
      await recordOnce(tx, run.effect.key, {
        incidentId: incident.id,
        kind: "completed",
        summary: `Hotfix complete: ${incident.releaseTag ?? "fix"} ${how} ${base}, final tag ${finalTagName ?? "?"}`,
        actor: run.params.actor,
        occurredAt: now,
        data: { merge, finalTag: finalTagName, legacy: legacyBranches },
      });
      if (resolve) {
        // Resolved by completing: the post-mortem's deadline is a reminder, as with /hotfix resolve.
        await schedulePostmortemReminder(ctx, tx, incident.id, dueAt);
        await recordEvent(tx, {
          incidentId: incident.id,
          kind: "phase_changed",
          summary: `Phase ${current.phase} -> resolved: hotfix complete`,
          occurredAt: now,
          data: { from: current.phase, to: "resolved" },
        });
      }
      await addEffects(tx, incident.id, [
        warRoom.refreshCard(`complete-${id}`),
        warRoom.post({ kind: "mrkdwn", text }, `complete:${id}`),
        // Runbook 000 section 5: completion announced in #eng-prod and #stakeholders (policy announce.completion).
        ...policy.announce.completion.map((channel) => warRoom.post({ kind: "mrkdwn", text: announcement }, `complete:${id}`, channel)),
        ...(policy.warRoom.archiveOnComplete ? [archive.row({}, id)] : []),
      ]);
      await queueSync(ctx, tx, incident.id);
    });
    await offerLegacyDeletion(ctx, run, legacyBranches);
    return { completedAt: now.toISOString() };
  },
});

/**
 * Runbook 001 section 4: legacy branches are offered for deletion with a
 * button each, where the completion is announced (the war room may be
 * archived). Branches the bot created for an incident delete on a click by
 * the commander or a release captain; others only after the commander confirms.
 */
async function offerLegacyDeletion(
  ctx: AppContext,
  run: Parameters<typeof postOnce>[1],
  branches: Array<{ name: string; sha: string; date: string | null }>,
): Promise<void> {
  if (branches.length === 0) return;
  const { policy } = ctx.config;
  const made = await ctx.prisma.incident.findMany({
    where: { hotfixBranch: { in: branches.map((b) => b.name) } },
    select: { hotfixBranch: true },
  });
  const bot = new Set(made.map((m) => m.hotfixBranch));
  const target = policy.announce.completion[0];
  const channel = target ? await openChannel(ctx, target) : warRoomOf(run);
  await postOnce(
    ctx,
    run,
    legacyOfferBlocks(
      run.incident.id,
      incidentLabel(run.incident.number),
      policy.github.legacyBranchAge.text,
      branches.map((b) => ({ ...b, bot: bot.has(b.name) })),
    ),
    { channel, suffix: "legacy" },
  );
}

/** Deletes a legacy branch offered at completion, if its head is still the one offered (look before acting). */
const deleteLegacy = defineStep({
  prefix: "gh-legacy-delete",
  params: z.object({ branch: z.string().min(1), sha: z.string().min(1), actor: z.string(), bot: z.boolean() }),
  describe: (p) => `delete the legacy branch ${p.branch}`,
  dependsOn: () => [],
  async run(ctx, run) {
    const gh = githubForEffect(ctx);
    const { branch, sha, actor, bot } = run.params;
    const head = await onGitHub(`read ${branch}`, () => getRefSha(gh, `heads/${branch}`));
    if (head && head.sha !== sha)
      throw new PermanentEffectError(`${branch} moved to ${shortSha(head.sha)} since it was offered for deletion; not deleted`);
    const { deleted } = head ? await onGitHub(`delete ${branch}`, () => deleteBranch(gh, branch)) : { deleted: false };
    await ctx.prisma.$transaction(async (tx) => {
      await recordOnce(tx, run.effect.key, {
        incidentId: run.incident.id,
        kind: "legacy_branch_deleted",
        summary: `Legacy branch ${branch} deleted${deleted ? "" : " (already gone)"}${bot ? "" : " (not created by the bot; confirmed by the commander)"}`,
        actor,
        occurredAt: ctx.now(),
        data: { branch, sha, bot, deleted },
      });
    });
    return { branch, deleted };
  },
});

const archive = defineStep({
  prefix: "lane-archive",
  params: z.object({}),
  describe: () => "archive the war room",
  dependsOn: (k) => [key("lane-complete", k), warRoom.keys.post(`complete:${idOf(k)}`), warRoom.keys.refreshCard(`complete-${idOf(k)}`)],
  async run(ctx, run) {
    const channel = warRoomOf(run);
    try {
      await ctx.slack.conversations.archive({ channel });
    } catch (error) {
      if (slackError(error) !== "already_archived") throw error;
    }
    await ctx.prisma.$transaction(async (tx) => {
      await recordOnce(tx, run.effect.key, {
        incidentId: run.incident.id,
        kind: "war_room_archived",
        summary: "War room archived (policy warRoom.archiveOnComplete)",
        occurredAt: ctx.now(),
        data: { channel },
      });
    });
    return { archived: channel };
  },
});

export interface CompletionParams {
  branch: string;
  mergeBack: "ff-only" | "merge";
  finalTag: string;
  /** The commit to tag as final (production's), null: the fix commit. */
  at: string | null;
  actor: string;
}

export const githubComplete = {
  /** Every completion step, sharing `id`. */
  steps: (p: CompletionParams, id: string): OutboxRow[] => [
    mergeBack.row({ branch: p.branch, mode: p.mergeBack, actor: p.actor }, id),
    finalTag.row({ tag: p.finalTag, at: p.at, actor: p.actor }, id),
    changelog.row({}, id),
    removeBranch.row({ branch: p.branch }, id),
    legacy.row({ exclude: p.branch }, id),
    complete.row({ actor: p.actor }, id),
  ],
  /** Merge back alone, right after the production deploy (policy github.mergeBackAt: production-deploy, runbook 002). */
  mergeBackNow: (p: { branch: string; mergeBack: "ff-only" | "merge"; actor: string }, id: string): OutboxRow =>
    mergeBack.row({ branch: p.branch, mode: p.mergeBack, actor: p.actor }, id),
  /** A legacy branch offered at completion, deleted on a click. */
  deleteLegacy: (p: { branch: string; sha: string; actor: string; bot: boolean }, id: string): OutboxRow => deleteLegacy.row(p, id),
  /** Key prefixes of a completion in flight. */
  underWay: [`${complete.prefix}:`],
};

export const GITHUB_COMPLETE_STEPS = [mergeBack, finalTag, changelog, removeBranch, legacy, complete, archive, deleteLegacy];
