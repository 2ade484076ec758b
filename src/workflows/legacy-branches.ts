// Runbook 001 section 4, "retire superseded legacy branches": a click on a
// branch offered at completion deletes it. A branch the bot created for an
// incident: the commander or a release captain (the branch permission). One
// the bot did not create: only the incident's commander, who confirmed it in
// the button's dialog. Recorded, then deleted by the outbox (look first).
import { commanderOf } from "../domain/incident.js";
import { githubComplete } from "../effects/github-complete.js";
import { addEffects, queueSync, stamp } from "../effects/outbox.js";
import type { IncidentWithRoles } from "../store/incidents.js";
import { recordEvent } from "../store/timeline.js";
import type { WorkflowContext } from "./context.js";
import { githubOrRefuse } from "./lane-support.js";
import { requirePermission } from "./permissions.js";
import { RefusedError } from "./refused.js";

export async function requestLegacyDeletion(
  ctx: WorkflowContext,
  incident: IncidentWithRoles,
  request: { branch: string; sha: string },
  actor: string,
): Promise<{ bot: boolean }> {
  githubOrRefuse(ctx);
  await requirePermission(ctx, actor, "branch", incident);
  // Whether the bot made it is decided here, never taken from the button.
  const bot = (await ctx.prisma.incident.count({ where: { hotfixBranch: request.branch } })) > 0;
  const commander = commanderOf(incident);
  if (!bot && commander !== actor)
    throw new RefusedError(
      `\`${request.branch}\` was not created by the bot: only the commander${commander ? ` (<@${commander}>)` : ""} can delete it, after confirming.`,
    );
  const id = stamp(ctx.now());
  await ctx.prisma.$transaction(async (tx) => {
    const queued = await tx.sideEffect.count({
      where: { incidentId: incident.id, key: { startsWith: "gh-legacy-delete:" }, params: { path: ["branch"], equals: request.branch } },
    });
    if (queued > 0) throw new RefusedError(`\`${request.branch}\` is being deleted already.`);
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "legacy_branch_deleted",
      summary: `Deletion of the legacy branch ${request.branch} requested${bot ? "" : " (not created by the bot; confirmed)"}`,
      actor,
      occurredAt: ctx.now(),
      data: { branch: request.branch, sha: request.sha, bot, requested: true },
    });
    await addEffects(tx, incident.id, [githubComplete.deleteLegacy({ ...request, actor, bot }, id)]);
    await queueSync(ctx, tx, incident.id);
  });
  return { bot };
}
