// The server-side check in front of every state-changing workflow: resolve
// the actor's user groups, ask the domain's `may`, and on a refusal record
// the attempt on the timeline (the audit shows attempts, not only successes)
// and throw a RefusedError naming who may do it.
import type { AppContext } from "../context.js";
import { type Action, type Actor, may, type PermissionContext, type PermissionRefusal, policyUsergroups } from "../domain/permissions.js";
import type { IncidentWithRoles } from "../store/incidents.js";
import { recordEvent } from "../store/timeline.js";
import { RefusedError } from "./refused.js";

/** The actor with the policy's user groups they belong to (a group that cannot be read counts as not a member). */
export async function actorOf(ctx: AppContext, userId: string): Promise<Actor> {
  const usergroups: string[] = [];
  for (const group of policyUsergroups(ctx.config.policy)) {
    if (!ctx.usergroupMembers) break;
    try {
      if ((await ctx.usergroupMembers(group)).includes(userId)) usergroups.push(group);
    } catch (error) {
      ctx.logger.warn({ err: error, usergroup: group }, "could not read a user group for permissions");
    }
  }
  return { userId, usergroups };
}

/** Throws a RefusedError (and records the attempt) unless `userId` may do `action` on `incident`. */
export async function requirePermission(
  ctx: AppContext,
  userId: string,
  action: Action,
  incident: IncidentWithRoles | null,
  context: PermissionContext = {},
): Promise<void> {
  // Allowed without any group (anyone, the commander, a named user): no Slack lookup needed.
  const plain = may({ userId, usergroups: [] }, action, incident, ctx.config.policy, context);
  const verdict = plain.allowed ? plain : may(await actorOf(ctx, userId), action, incident, ctx.config.policy, context);
  if (verdict.allowed) return;
  if (incident) await recordRefusal(ctx, incident.id, userId, verdict.refusal);
  throw new RefusedError(verdict.refusal);
}

/**
 * The attempt on the timeline. Outside any transaction that locks the
 * incident (its foreign key waits for that lock): a workflow that refuses
 * under the lock records after its transaction rolled back.
 */
export async function recordRefusal(ctx: AppContext, incidentId: string, userId: string, refusal: PermissionRefusal): Promise<void> {
  await recordEvent(ctx.prisma, {
    incidentId,
    kind: "permission_refused",
    summary: `Refused: ${userId} may not ${refusal.what}`,
    actor: userId,
    occurredAt: ctx.now(),
    data: { action: refusal.action, who: refusal.who },
  });
}

/** The verdict again on data read under the incident's lock (no recording: the caller does that after its transaction). */
export function mayStill(actor: Actor, action: Action, current: IncidentWithRoles, ctx: AppContext): void {
  const verdict = may(actor, action, current, ctx.config.policy);
  if (!verdict.allowed) throw new RefusedError(verdict.refusal);
}
