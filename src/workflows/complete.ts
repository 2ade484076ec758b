// `/hotfix complete` (runbook 000 section 4, runbook 001 section 4): the
// commander or a release captain closes the hotfix once the policy's gates
// hold (stability window passed, UAT done, no open blocker). Then, step by
// step in the outbox: merge the hotfix branch back into the default branch
// (fast-forward only where the policy says so, else a merge), tag the final
// production state, append the deployment summary to CHANGELOG.md, delete
// the branch, list legacy hotfix branches to retire, announce completion and
// archive the war room. A merge conflict is not retried: it is reported in
// the war room with what to do, and `/hotfix complete` picks up from there.
import { durationMs } from "../config.js";
import { incidentLabel } from "../domain/names.js";
import { isOpen, type PhaseName } from "../domain/phase.js";
import { classifyEnvironment, completionBlockers, finalTagName, isFullSha } from "../domain/release.js";
import { appendToChangelog, changelogEntry, changelogMarker, deploymentLine, short } from "../domain/render/release-lane.js";
import {
  branchesWithDates,
  compareCommits,
  deleteBranch,
  ensureAnnotatedTag,
  fastForward,
  type GitHubClient,
  getRefSha,
  githubMessage,
  githubStatus,
  isBranchProtected,
  isRefusal,
  mergeInto,
  protectBranch,
  RefConflictError,
  readFile,
  resolveCommit,
  writeFile,
} from "../integrations/github.js";
import { slackError, usergroupMembers } from "../integrations/slack.js";
import { type EffectDefinition, type EffectRun, PermanentEffectError } from "../jobs/side-effects.js";
import type { IncidentWithRoles } from "../store/incidents.js";
import { recordEvent } from "../store/timeline.js";
import type { WorkflowContext } from "./context.js";
import { RefusedError } from "./incident-updates.js";
import { githubForEffect, githubOrRefuse, lockIncident, onGitHub, recordOnce, sayOnce, stampOf, warRoomOf } from "./lane-support.js";
import { addEffects, queueSync, stamp } from "./outbox.js";

/** The commander, the incident's release captain, or anyone the policy names a release captain. */
export async function mayComplete(ctx: WorkflowContext, incident: IncidentWithRoles, userId: string): Promise<boolean> {
  if (incident.roles.some((r) => (r.role === "commander" || r.role === "release_captain") && r.userId === userId)) return true;
  const captains = ctx.config.policy.people.releaseCaptains;
  if (captains.users.includes(userId)) return true;
  if (!captains.usergroup) return false;
  try {
    return (await usergroupMembers(ctx.slack, captains.usergroup)).includes(userId);
  } catch (error) {
    ctx.logger.warn({ err: error, usergroup: captains.usergroup }, "could not read the release captains' user group");
    return false;
  }
}

/** Refuses anyone but the commander or a release captain: release, rollback and complete change production. */
export async function requireReleaseCaptain(ctx: WorkflowContext, incident: IncidentWithRoles, actor: string, what: string): Promise<void> {
  if (await mayComplete(ctx, incident, actor)) return;
  const commander = incident.roles.find((r) => r.role === "commander")?.userId;
  throw new RefusedError(`Only the commander${commander ? ` (<@${commander}>)` : ""} or a release captain can ${what}.`);
}

/** Why completion must wait, from the database (the UAT lane and guardrails fill those tables). */
export async function completionGates(ctx: WorkflowContext, incident: IncidentWithRoles): Promise<string[]> {
  const [sessions, openBlockers, openBreaches] = await Promise.all([
    ctx.prisma.uatSession.findMany({ where: { incidentId: incident.id }, orderBy: { createdAt: "desc" }, select: { status: true } }),
    ctx.prisma.uatFeedback.count({ where: { incidentId: incident.id, severity: "blocker", resolvedAt: null } }),
    ctx.prisma.guardrailBreach.count({ where: { incidentId: incident.id, resolvedAt: null } }),
  ]);
  return completionBlockers(
    {
      completedAt: incident.completedAt,
      rolledBackAt: incident.rolledBackAt,
      hotfixBranch: incident.hotfixBranch,
      productionDeployedAt: incident.productionDeployedAt,
      stabilityEndsAt: incident.stabilityEndsAt,
      uatSessions: sessions.map((s) => s.status),
      openBlockers,
      openBreaches,
    },
    ctx.now(),
  );
}

export async function requestCompletion(ctx: WorkflowContext, incident: IncidentWithRoles, actor: string): Promise<void> {
  githubOrRefuse(ctx);
  if (incident.phase === "closed") throw new RefusedError("The incident is closed.");
  await requireReleaseCaptain(ctx, incident, actor, "complete the hotfix: it merges into the default branch and deletes the hotfix branch");
  const running = await ctx.prisma.sideEffect.count({
    where: {
      incidentId: incident.id,
      status: { in: ["pending", "running"] },
      OR: [{ key: { startsWith: "gh-merge-back:" } }, { key: { startsWith: "lane-complete:" } }],
    },
  });
  if (running > 0) throw new RefusedError("Completion is under way already; watch the war room.");
  const blockers = await completionGates(ctx, incident);
  if (blockers.length) throw new RefusedError(`Not yet: ${blockers.join("; ")}.`);
  const { policy } = ctx.config;
  const now = ctx.now();
  const s = stamp(now);
  const deployments = await ctx.prisma.deployment.findMany({
    where: { incidentId: incident.id, status: "success" },
    orderBy: { occurredAt: "desc" },
  });
  // A deploy of the parent release is a rollback, never the commit to tag as final.
  const isParent = (sha: string) => incident.parentSha?.startsWith(sha) ?? false;
  const productionDeploys = deployments.filter((d) => classifyEnvironment(d.environment) === "production");
  if (productionDeploys[0] && isParent(productionDeploys[0].sha)) {
    throw new RefusedError(
      `Not yet: production runs the parent release ${incident.parentTag ?? ""} (\`${short(productionDeploys[0].sha)}\`) again since a rollback. Deploy the fix to production (\`/hotfix deployed production <sha>\`) and let the stability window pass first.`,
    );
  }
  const production = productionDeploys.find((d) => !isParent(d.sha));
  const branch = incident.hotfixBranch as string;
  await ctx.prisma.$transaction(async (tx) => {
    // Under the incident's lock, again: two `/hotfix complete` at once queue one completion.
    const current = await lockIncident(tx, incident.id);
    if (current.phase === "closed" || current.completedAt) throw new RefusedError("The hotfix is completed already.");
    const underWay = await tx.sideEffect.count({
      where: {
        incidentId: incident.id,
        status: { in: ["pending", "running"] },
        OR: [{ key: { startsWith: "gh-merge-back:" } }, { key: { startsWith: "lane-complete:" } }],
      },
    });
    if (underWay > 0) throw new RefusedError("Completion is under way already; watch the war room.");
    if (current.rolledBackAt || current.hotfixBranch !== incident.hotfixBranch || current.fixSha !== incident.fixSha)
      throw new RefusedError("The incident changed while completing (a rollback, a new release); run `/hotfix complete` again.");
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "completion_started",
      summary: `Completion started: merge ${branch} back (${policy.github.mergeBack}), final tag, CHANGELOG, branch deletion`,
      actor,
      occurredAt: now,
      data: { branch, mergeBack: policy.github.mergeBack },
    });
    await addEffects(tx, incident.id, [
      { key: `gh-merge-back:${s}`, params: { branch, mode: policy.github.mergeBack, actor } },
      { key: `gh-final-tag:${s}`, params: { tag: finalTagName(policy, now), at: production?.sha ?? incident.fixSha ?? null, actor } },
      { key: `gh-changelog:${s}`, params: {} },
      { key: `gh-delete-branch:${s}`, params: { branch } },
      { key: `gh-legacy:${s}`, params: { exclude: branch } },
      { key: `lane-complete:${s}`, params: { actor } },
    ]);
    await queueSync(ctx, tx, incident.id);
  });
}

// ------------------------------------------------------------------ effects

const key = (prefix: string, run: EffectRun | string) => `${prefix}:${stampOf(typeof run === "string" ? run : run.effect.key)}`;

/** A completion step after a merge that did not happen skips itself. */
function mergeBlocked(run: EffectRun): string | undefined {
  const merge = run.results.get(key("gh-merge-back", run));
  return merge?.blocked ? String(merge.reason ?? "merge back blocked") : undefined;
}

async function blocked(ctx: WorkflowContext, run: EffectRun, kind: string, reason: string, message: string) {
  await ctx.prisma.$transaction(async (tx) => {
    await recordOnce(tx, run.effect.key, {
      incidentId: run.incident.id,
      kind,
      summary: `Merge back blocked: ${reason}`,
      occurredAt: ctx.now(),
      data: { reason },
    });
  });
  await sayOnce(ctx, run, message);
  return { blocked: true, reason };
}

function conflictMessage(branch: string, base: string, detail: string): string {
  return [
    `:x: *Merge back blocked*: \`${branch}\` conflicts with \`${base}\` (GitHub: ${detail}). Not retried: a conflict needs a person.`,
    "*What to do:*",
    "```",
    "git fetch origin",
    `git checkout -b merge/${branch.replace(/\//g, "-")} origin/${base}`,
    `git merge origin/${branch}      # resolve the conflicts, then commit`,
    `git push origin merge/${branch.replace(/\//g, "-")}`,
    "```",
    `Open a pull request into \`${base}\`, get it reviewed and merged, then run \`/hotfix complete\` again: it sees the fix in \`${base}\` and carries on with the final tag, CHANGELOG.md and the branch deletion.`,
  ].join("\n");
}

function notFastForwardMessage(branch: string, base: string, behindBy: number): string {
  return [
    `:x: *Merge back blocked*: \`${base}\` has ${behindBy} commit${behindBy === 1 ? "" : "s"} that \`${branch}\` lacks, so it cannot fast-forward (policy \`github.mergeBack: ff-only\`).`,
    `*What to do:* merge \`${branch}\` into \`${base}\` with a pull request (or set \`github.mergeBack: merge\` in the policy), then run \`/hotfix complete\` again.`,
  ].join("\n");
}

const mergeBack: EffectDefinition = {
  prefix: "gh-merge-back",
  describe: (_k, p) => `merge ${String(p.branch)} back`,
  dependsOn: () => ["channel"],
  async run(ctx, run) {
    const gh = githubForEffect(ctx);
    const branch = String(run.params.branch);
    const mode = run.params.mode === "merge" ? "merge" : "ff-only";
    const { defaultBranch } = await onGitHub("read the repository", () => gh.repository());
    const head = await onGitHub(`read ${branch}`, () => getRefSha(gh, `heads/${branch}`));
    const fix = run.incident.fixSha;
    if (!head) {
      // Gone already: fine when the fix is in the default branch (an earlier attempt, or a merged pull request).
      const inBase = fix ? await onGitHub("compare", () => compareCommits(gh, defaultBranch, fix)) : undefined;
      if (inBase && (inBase.status === "behind" || inBase.status === "identical")) {
        return { merged: false, already: true, base: defaultBranch, sha: fix };
      }
      throw new PermanentEffectError(`the branch ${branch} does not exist and ${defaultBranch} does not contain the fix ${short(fix)}`);
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
      await record(ctx, run, `${defaultBranch} fast-forwarded to ${branch} (${short(head.sha)})`, {
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
      await record(ctx, run, `${branch} merged into ${defaultBranch} (${short(sha)})`, { base: defaultBranch, sha, how: "merge" });
      return { merged: merged.merged, how: "merge", base: defaultBranch, sha };
    } catch (error) {
      if (githubStatus(error) === 409)
        return blocked(
          ctx,
          run,
          "merge_back_conflict",
          "merge conflict",
          conflictMessage(branch, defaultBranch, `409 ${githubMessage(error)}`),
        );
      if (isRefusal(error))
        throw new PermanentEffectError(
          `GitHub refused to merge ${branch} into ${defaultBranch}: ${githubStatus(error)} ${githubMessage(error)}`,
        );
      throw error;
    }
  },
};

async function record(ctx: WorkflowContext, run: EffectRun, summary: string, data: Record<string, string>): Promise<void> {
  await ctx.prisma.$transaction(async (tx) => {
    await recordOnce(tx, run.effect.key, { incidentId: run.incident.id, kind: "merged_back", summary, occurredAt: ctx.now(), data });
  });
}

const finalTag: EffectDefinition = {
  prefix: "gh-final-tag",
  describe: (_k, p) => `create the final tag ${String(p.tag)}`,
  dependsOn: (k) => [key("gh-merge-back", k)],
  async run(ctx, run) {
    const skipped = mergeBlocked(run);
    if (skipped) return { skipped };
    const gh = githubForEffect(ctx);
    const merge = run.results.get(key("gh-merge-back", run)) ?? {};
    const at = typeof run.params.at === "string" ? run.params.at : (run.incident.fixSha ?? (merge.sha as string | undefined));
    if (!at) throw new PermanentEffectError("no production commit to tag");
    const sha = isFullSha(at) ? at : await onGitHub(`find commit ${at}`, () => resolveCommit(gh, at));
    if (!sha) throw new PermanentEffectError(`there is no commit ${at} in ${gh.fullName}`);
    const base = String(run.params.tag);
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
            createdBy: typeof run.params.actor === "string" ? run.params.actor : null,
          },
        ],
        skipDuplicates: true,
      });
      await recordOnce(tx, run.effect.key, {
        incidentId: run.incident.id,
        kind: "final_tagged",
        summary: `Final tag ${tag} at ${short(sha)}`,
        occurredAt: ctx.now(),
        data: { tag, sha, created },
      });
    });
    return { tag, sha, created };
  },
};

class SameNameTaken extends Error {}

async function ensureTagOrConflict(gh: GitHubClient, tag: string, sha: string, message: string) {
  try {
    return await ensureAnnotatedTag(gh, tag, sha, message);
  } catch (error) {
    if (error instanceof RefConflictError) throw new SameNameTaken(error.message);
    throw error;
  }
}

const changelog: EffectDefinition = {
  prefix: "gh-changelog",
  describe: () => "append the deployment summary to CHANGELOG.md",
  dependsOn: (k) => [key("gh-merge-back", k), key("gh-final-tag", k)],
  async run(ctx, run) {
    const skipped = mergeBlocked(run);
    if (skipped) return { skipped };
    const gh = githubForEffect(ctx);
    const { defaultBranch } = await onGitHub("read the repository", () => gh.repository());
    const final = String(run.results.get(key("gh-final-tag", run))?.tag ?? "");
    const deployments = await ctx.prisma.deployment.findMany({ where: { incidentId: run.incident.id }, orderBy: { occurredAt: "asc" } });
    const entry = changelogEntry({
      incident: run.incident,
      deployments,
      finalTag: final,
      stabilityWindow: ctx.config.policy.stability.window,
      now: ctx.now(),
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
            summary: `CHANGELOG.md: deployment summary appended on ${defaultBranch} (${short(written.commit)})`,
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
};

const removeBranch: EffectDefinition = {
  prefix: "gh-delete-branch",
  describe: (_k, p) => `delete the branch ${String(p.branch)}`,
  dependsOn: (k) => [key("gh-merge-back", k), key("gh-final-tag", k), key("gh-changelog", k)],
  async run(ctx, run) {
    const skipped = mergeBlocked(run);
    if (skipped) return { skipped };
    const gh = githubForEffect(ctx);
    const branch = String(run.params.branch);
    // Compared again right before deleting: a commit pushed after the merge back would be lost with the branch.
    const head = await onGitHub(`read ${branch}`, () => getRefSha(gh, `heads/${branch}`));
    if (head) {
      const { defaultBranch } = await onGitHub("read the repository", () => gh.repository());
      const compared = await onGitHub(`compare ${defaultBranch} with ${branch}`, () => compareCommits(gh, defaultBranch, head.sha));
      if (!compared || (compared.status !== "identical" && compared.status !== "behind")) {
        throw new PermanentEffectError(
          `${branch} has commits that ${defaultBranch} lacks (\`${short(head.sha)}\`, ${compared?.status ?? "unrelated"}), pushed after the merge back; not deleted. Merge them into ${defaultBranch} and delete the branch by hand, or run /hotfix complete again`,
        );
      }
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
};

/** Literal prefix of a name template: "hotfix/{slug}" -> "hotfix/". */
function templatePrefix(template: string): string {
  const at = template.indexOf("{");
  return at < 0 ? template : template.slice(0, at);
}

const legacy: EffectDefinition = {
  prefix: "gh-legacy",
  describe: () => "list legacy hotfix branches to retire",
  dependsOn: () => ["channel"],
  async run(ctx, run) {
    const gh = githubForEffect(ctx);
    const { policy } = ctx.config;
    const cutoff = ctx.now().getTime() - durationMs(policy.github.legacyBranchAge);
    const prefixes = [...new Set(["release/hotfix-", templatePrefix(policy.github.branch)].filter((p) => p.length >= 3))];
    const exclude = String(run.params.exclude ?? "");
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
    return { legacy: found.sort((a, b) => (a.date ?? "").localeCompare(b.date ?? "")), olderThan: policy.github.legacyBranchAge };
  },
};

const complete: EffectDefinition = {
  prefix: "lane-complete",
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
    const s = stampOf(run.effect.key);
    const merge = run.results.get(key("gh-merge-back", run)) ?? {};
    const final = run.results.get(key("gh-final-tag", run)) ?? {};
    const deleted = run.results.get(key("gh-delete-branch", run)) ?? {};
    const legacyBranches = (run.results.get(key("gh-legacy", run))?.legacy ?? []) as Array<{ name: string; date: string | null }>;
    const now = ctx.now();
    const incident = run.incident;
    const deployments = await ctx.prisma.deployment.findMany({ where: { incidentId: incident.id }, orderBy: { occurredAt: "asc" } });
    const label = incidentLabel(incident.number);
    const postmortemDue = new Date(now.getTime() + durationMs(policy.postmortem.due));
    const how = merge.already ? "was already in" : merge.how === "fast-forward" ? "fast-forwarded into" : "merged into";
    const lines = [
      `:checkered_flag: *${label} complete*: ${incident.releaseTag ?? "the hotfix"} ${how} \`${String(merge.base ?? "main")}\` (\`${short(String(merge.sha ?? ""))}\`), final tag \`${String(final.tag ?? "?")}\`, CHANGELOG.md updated, \`${String(deleted.branch ?? incident.hotfixBranch)}\` deleted.`,
      deployments.length ? `*Deployment log:*\n${deployments.map((d) => `• ${deploymentLine(d)}`).join("\n")}` : null,
      legacyBranches.length
        ? `*Legacy hotfix branches older than ${policy.github.legacyBranchAge}, to retire:* ${legacyBranches.map((b) => `\`${b.name}\`${b.date ? ` (${b.date.slice(0, 10)})` : ""}`).join(", ")}`
        : null,
      `Post-mortem due by ${postmortemDue.toISOString().slice(0, 16).replace("T", " ")} UTC.${policy.warRoom.archiveOnComplete ? " This war room is archived now." : ""}`,
    ].filter(Boolean);
    const text = lines.join("\n");
    const announcement = `:checkered_flag: *${label} ${incident.title}* is complete: ${incident.releaseTag ?? "the hotfix"} is in \`${String(merge.base ?? "main")}\`, final tag \`${String(final.tag ?? "?")}\`.`;
    await ctx.prisma.$transaction(async (tx) => {
      const current = await tx.incident.findUniqueOrThrow({ where: { id: incident.id } });
      if (current.completedAt) return;
      const resolve = isOpen(current.phase as PhaseName);
      await tx.incident.update({
        where: { id: incident.id },
        data: { completedAt: now, ...(resolve ? { phase: "resolved", resolvedAt: now, postmortemDueAt: postmortemDue } : {}) },
      });
      await recordOnce(tx, run.effect.key, {
        incidentId: incident.id,
        kind: "completed",
        summary: `Hotfix complete: ${incident.releaseTag ?? "fix"} ${how} ${String(merge.base ?? "main")}, final tag ${String(final.tag ?? "?")}`,
        actor: typeof run.params.actor === "string" ? run.params.actor : null,
        occurredAt: now,
        data: { merge: merge as never, finalTag: final.tag ?? null, legacy: legacyBranches as never },
      });
      if (resolve) {
        await recordEvent(tx, {
          incidentId: incident.id,
          kind: "phase_changed",
          summary: `Phase ${current.phase} -> resolved: hotfix complete`,
          occurredAt: now,
          data: { from: current.phase, to: "resolved" },
        });
      }
      await addEffects(tx, incident.id, [
        { key: `card-refresh:complete-${s}` },
        { key: `post:complete:${s}`, params: { text } },
        ...policy.severity[incident.severity].announce.map((channel) => ({
          key: `post:complete:${s}:${channel}`,
          params: { text: announcement, channel },
        })),
        ...(policy.warRoom.archiveOnComplete ? [{ key: `lane-archive:${s}`, params: {} }] : []),
      ]);
      await queueSync(ctx, tx, incident.id);
    });
    return { completedAt: now.toISOString() };
  },
};

const archive: EffectDefinition = {
  prefix: "lane-archive",
  describe: () => "archive the war room",
  dependsOn: (k) => [key("lane-complete", k), `post:complete:${stampOf(k)}`, `card-refresh:complete-${stampOf(k)}`],
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
};

export const COMPLETE_EFFECTS: EffectDefinition[] = [mergeBack, finalTag, changelog, removeBranch, legacy, complete, archive];
