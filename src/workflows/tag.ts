// `/hotfix tag prep|prod|<name> [sha]` (runbook 000 section 1, runbook 001
// step 1.3): an annotated tag at the hotfix branch's head or at the commit
// given, named by the policy's templates. Each is a rollback point: a
// Milestone row, a timeline event, a line in `/hotfix status`.
import { incidentLabel } from "../domain/names.js";
import { classifyEnvironment, isFullSha, isShaLike, type MilestoneKind, milestoneTagName } from "../domain/release.js";
import { short } from "../domain/render/release-lane.js";
import { ensureAnnotatedTag, getRefSha, resolveCommit } from "../integrations/github.js";
import { type EffectDefinition, PermanentEffectError } from "../jobs/side-effects.js";
import type { IncidentWithRoles } from "../store/incidents.js";
import { recordEvent } from "../store/timeline.js";
import type { WorkflowContext } from "./context.js";
import { RefusedError } from "./incident-updates.js";
import { githubForEffect, githubOrRefuse, lockIncident, onGitHub, recordOnce, requireActive, sayOnce } from "./lane-support.js";
import { addEffects, queueSync, stamp } from "./outbox.js";

const KIND_WORDS: Record<MilestoneKind, string> = {
  prep: "pre-deployment rollback point (after QA sign-off)",
  prod: "post-deployment rollback point",
  milestone: "milestone",
};

export interface TagRequest {
  /** "prep", "prod" or a milestone name. */
  what: string;
  /** A commit (7 to 40 hex digits); default the hotfix branch's head. */
  sha?: string;
}

/** The commit of the latest production deploy of the hotfix (not a rollback to the parent). */
async function productionSha(ctx: WorkflowContext, incident: IncidentWithRoles): Promise<string | undefined> {
  const deploys = await ctx.prisma.deployment.findMany({
    where: { incidentId: incident.id, status: "success", environment: { not: "pull_request" } },
    orderBy: { occurredAt: "desc" },
  });
  return deploys.find((d) => classifyEnvironment(d.environment) === "production" && !incident.parentSha?.startsWith(d.sha))?.sha;
}

export async function requestTag(
  ctx: WorkflowContext,
  incident: IncidentWithRoles,
  request: TagRequest,
  actor: string,
): Promise<{ tag: string; kind: MilestoneKind; at: string }> {
  githubOrRefuse(ctx);
  requireActive(incident, "tagging rollback points");
  const named = milestoneTagName(ctx.config.policy, request.what, ctx.now());
  if (!named) throw new RefusedError("Usage: `/hotfix tag prep|prod|<name> [sha]`");
  const given = request.sha?.toLowerCase();
  if (given !== undefined && !isShaLike(given)) throw new RefusedError(`\`${request.sha}\` is not a commit sha (7 to 40 hex digits).`);
  // Runbook 000: hotfix-prod-YYYYMMDD "immediately after production deployment": by default, what production runs.
  const sha = given ?? (named.kind === "prod" ? await productionSha(ctx, incident) : undefined);
  if (!sha && !incident.hotfixBranch) {
    throw new RefusedError("There is no hotfix branch to tag yet: `/hotfix branch` first, or name the commit: `/hotfix tag prep <sha>`.");
  }
  const existing = await ctx.prisma.milestone.findUnique({ where: { incidentId_tag: { incidentId: incident.id, tag: named.tag } } });
  if (existing)
    throw new RefusedError(
      `\`${named.tag}\` is already a rollback point, at \`${short(existing.sha)}\`. Name another: \`/hotfix tag <name>\`.`,
    );
  const pending = await ctx.prisma.sideEffect.findMany({
    where: { incidentId: incident.id, key: { startsWith: "gh-tag:" }, status: { in: ["pending", "running"] } },
  });
  if (pending.some((e) => (e.params as { tag?: string }).tag === named.tag))
    throw new RefusedError(`\`${named.tag}\` is being created already.`);
  const at = sha ? `\`${short(sha)}\`${given ? "" : " (deployed to production)"}` : `the head of ${incident.hotfixBranch}`;
  await ctx.prisma.$transaction(async (tx) => {
    // Under the incident's lock, again: two requests for the same tag queue it once.
    requireActive(await lockIncident(tx, incident.id), "tagging rollback points");
    const taken = await tx.milestone.findUnique({ where: { incidentId_tag: { incidentId: incident.id, tag: named.tag } } });
    if (taken)
      throw new RefusedError(
        `\`${named.tag}\` is already a rollback point, at \`${short(taken.sha)}\`. Name another: \`/hotfix tag <name>\`.`,
      );
    const queued = await tx.sideEffect.findMany({
      where: { incidentId: incident.id, key: { startsWith: "gh-tag:" }, status: { in: ["pending", "running"] } },
    });
    if (queued.some((e) => (e.params as { tag?: string }).tag === named.tag))
      throw new RefusedError(`\`${named.tag}\` is being created already.`);
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "tag_requested",
      summary: `Tag ${named.tag} requested at ${at.replace(/`/g, "")}`,
      actor,
      occurredAt: ctx.now(),
      data: { tag: named.tag, kind: named.kind, sha: sha ?? null, branch: incident.hotfixBranch },
    });
    await addEffects(tx, incident.id, [
      {
        key: `gh-tag:${stamp(ctx.now())}`,
        params: { tag: named.tag, kind: named.kind, at: sha ?? null, branch: incident.hotfixBranch, actor },
      },
    ]);
    await queueSync(ctx, tx, incident.id);
  });
  return { ...named, at };
}

const createTag: EffectDefinition = {
  prefix: "gh-tag",
  describe: (_k, p) => `tag ${String(p.tag)} on GitHub`,
  dependsOn: () => ["channel"],
  async run(ctx, run) {
    const gh = githubForEffect(ctx);
    const { incident, params } = run;
    const tag = String(params.tag);
    const kind = String(params.kind) as MilestoneKind;
    const at = typeof params.at === "string" ? params.at : undefined;
    const branch = typeof params.branch === "string" ? params.branch : undefined;
    let sha: string | undefined;
    if (at) {
      sha = isFullSha(at) ? at : await onGitHub(`find commit ${at}`, () => resolveCommit(gh, at));
      if (!sha) throw new PermanentEffectError(`there is no commit ${at} in ${gh.fullName} (pushed yet?)`);
    } else if (branch) {
      sha = (await onGitHub(`read ${branch}`, () => getRefSha(gh, `heads/${branch}`)))?.sha;
      if (!sha) throw new PermanentEffectError(`the branch ${branch} does not exist any more; name the commit: /hotfix tag ${tag} <sha>`);
    } else {
      throw new PermanentEffectError("no commit to tag: no hotfix branch and no sha given");
    }
    const commit = sha;
    const message = `${KIND_WORDS[kind] ?? kind} for ${incidentLabel(incident.number)}: ${incident.title}`;
    const result = await onGitHub(`create the tag ${tag}`, () => ensureAnnotatedTag(gh, tag, commit, message));
    const { htmlUrl } = await onGitHub("read the repository", () => gh.repository());
    const actor = typeof params.actor === "string" ? params.actor : null;
    await ctx.prisma.$transaction(async (tx) => {
      await tx.milestone.createMany({
        data: [{ incidentId: incident.id, kind, tag, sha: commit, message, createdBy: actor }],
        skipDuplicates: true,
      });
      await recordOnce(tx, run.effect.key, {
        incidentId: incident.id,
        kind: "milestone_tagged",
        summary: `Rollback point ${tag} tagged at ${short(commit)} (${KIND_WORDS[kind] ?? kind})`,
        actor,
        occurredAt: ctx.now(),
        data: { tag, sha: commit, kind, annotated: result.annotated, created: result.created },
      });
    });
    await sayOnce(
      ctx,
      run,
      `:bookmark: Rollback point <${htmlUrl}/tree/${tag}|\`${tag}\`> tagged at \`${short(commit)}\`${result.created ? "" : " (it was already there)"}: ${KIND_WORDS[kind] ?? kind}. \`/hotfix status\` lists every rollback point.`,
    );
    return { tag, sha: commit, created: result.created };
  },
};

export const TAG_EFFECTS: EffectDefinition[] = [createTag];
