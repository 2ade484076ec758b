// `/hotfix tag prep|prod|<name> [sha]` (runbook 000 section 1, runbook 001
// step 1.3): an annotated tag at the hotfix branch's head or at the commit
// given, named by the policy's templates. Each is a rollback point: a
// Milestone row, a timeline event, a line in `/hotfix status`.
import { shortSha } from "../domain/names.js";
import { classifyEnvironment, isShaLike, type MilestoneKind, milestoneTagName } from "../domain/release.js";
import { githubTag } from "../effects/github-tag.js";
import { addEffects, queueSync, stamp } from "../effects/outbox.js";
import { type IncidentWithRoles, lockIncident } from "../store/incidents.js";
import type { Db } from "../store/prisma.js";
import { recordEvent, type Tx } from "../store/timeline.js";
import type { WorkflowContext } from "./context.js";
import { githubOrRefuse, requireActive } from "./lane-support.js";
import { requirePermission } from "./permissions.js";
import { RefusedError } from "./refused.js";

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
  await requirePermission(ctx, actor, "tag", incident);
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
  await refuseTag(ctx.prisma, incident, named.tag);
  const at = sha ? `\`${shortSha(sha)}\`${given ? "" : " (deployed to production)"}` : `the head of ${incident.hotfixBranch}`;
  await ctx.prisma.$transaction(async (tx) => {
    // Under the incident's lock, again: two requests for the same tag queue it once.
    await refuseTag(tx, await lockIncident(tx, incident.id), named.tag);
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "tag_requested",
      summary: `Tag ${named.tag} requested at ${at.replace(/`/g, "")}`,
      actor,
      occurredAt: ctx.now(),
      data: { tag: named.tag, kind: named.kind, sha: sha ?? null, branch: incident.hotfixBranch },
    });
    await addEffects(tx, incident.id, [
      githubTag.create({ tag: named.tag, kind: named.kind, at: sha ?? null, branch: incident.hotfixBranch, actor }, stamp(ctx.now())),
    ]);
    await queueSync(ctx, tx, incident.id);
  });
  return { ...named, at };
}

/** The guard of `/hotfix tag`, before and again under the lock: open, the tag not a rollback point yet, not being created. */
async function refuseTag(db: Db | Tx, incident: IncidentWithRoles, tag: string): Promise<void> {
  requireActive(incident, "tagging rollback points");
  const taken = await db.milestone.findUnique({ where: { incidentId_tag: { incidentId: incident.id, tag } } });
  if (taken)
    throw new RefusedError(`\`${tag}\` is already a rollback point, at \`${shortSha(taken.sha)}\`. Name another: \`/hotfix tag <name>\`.`);
  const queued = await db.sideEffect.findMany({
    where: { incidentId: incident.id, key: { startsWith: githubTag.keyPrefix }, status: { in: ["pending", "running"] } },
    select: { params: true },
  });
  if (queued.some((e) => githubTag.tagOf(e.params) === tag)) throw new RefusedError(`\`${tag}\` is being created already.`);
}
