// What happens to a declared incident from the war room: severity, roles,
// status updates, phase moves, messages captured to the timeline, retries.
// Each checks permission, then writes its change, its timeline event and its
// outbox rows in one transaction.
import { cleanNote, cleanText } from "../domain/declare-input.js";
import { type RoleName, roleHolder } from "../domain/incident.js";
import { incidentLabel } from "../domain/names.js";
import { canMove, isOpen, type PhaseName } from "../domain/phase.js";
import type { SeverityName } from "../domain/policy.js";
import { slaDeadline } from "../domain/severity.js";
import { addEffects, queueSync, stamp } from "../effects/outbox.js";
import { postmortemDue, schedulePostmortemReminder } from "../effects/postmortem-due.js";
import { warRoom } from "../effects/war-room.js";
import { findIncident, type IncidentWithRoles, lockIncident } from "../store/incidents.js";
import { recordEvent, slackTsToDate } from "../store/timeline.js";
import type { WorkflowContext } from "./context.js";
import { actorOf, mayStill, recordRefusal, requirePermission } from "./permissions.js";
import { RefusedError } from "./refused.js";
import { scheduleSlaReminders } from "./sla.js";

export { RefusedError } from "./refused.js";

/** The words people type for each role. */
export const ROLE_NAMES: Record<string, RoleName> = {
  commander: "commander",
  comms: "comms",
  "release-captain": "release_captain",
  release_captain: "release_captain",
  captain: "release_captain",
};

function requireOpen(incident: IncidentWithRoles, what: string): void {
  if (!isOpen(incident.phase)) {
    throw new RefusedError(`${incidentLabel(incident.number)} is ${incident.phase}; ${what} is for open incidents.`);
  }
}

export async function changeSeverity(
  ctx: WorkflowContext,
  incident: IncidentWithRoles,
  severity: SeverityName,
  actor: string,
): Promise<IncidentWithRoles> {
  await requirePermission(ctx, actor, "change_severity", incident);
  requireOpen(incident, "changing severity");
  if (incident.severity === severity) throw new RefusedError(`${incidentLabel(incident.number)} is already ${severity}.`);
  const { policy } = ctx.config;
  const deadline = slaDeadline(policy, severity, incident.startedAt);
  const now = ctx.now();
  await ctx.prisma.$transaction(async (tx) => {
    await tx.incident.update({ where: { id: incident.id }, data: { severity, slaDeadline: deadline } });
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "severity_changed",
      summary: `Severity ${incident.severity} -> ${severity}${deadline ? `; SLA due ${deadline.toISOString()}` : "; no SLA"}`,
      actor,
      occurredAt: now,
      data: { from: incident.severity, to: severity, slaDeadline: deadline?.toISOString() ?? null },
    });
    const id = stamp(ctx.now());
    await addEffects(tx, incident.id, [
      warRoom.refreshCard(stamp(ctx.now())),
      ...policy.severity[severity].announce.map((channel) => warRoom.announce({ channel, reason: "severity" }, id)),
    ]);
    await queueSync(ctx, tx, incident.id);
    await scheduleSlaReminders(ctx, tx, incident.id, incident.startedAt, deadline);
  });
  const updated = await findIncident(ctx.prisma, incident.id);
  if (!updated) throw new Error("incident vanished after its severity changed");
  return updated;
}

export interface AssignRoleOptions {
  /** Checks the person given the role (a human, active); a reason refuses. Runs after the permission check. */
  checkAssignee?: () => Promise<string | undefined>;
}

/**
 * `/hotfix role <role> @user`. Making yourself commander is its own rule (only
 * when there is none, or as an incident manager); assigning or handing over
 * any role is for the commander or an incident manager. The rule is checked
 * again under the incident's lock: two people taking an empty command at once
 * get one commander, and the second is refused.
 */
export async function assignRole(
  ctx: WorkflowContext,
  incident: IncidentWithRoles,
  role: RoleName,
  userId: string,
  actor: string,
  options: AssignRoleOptions = {},
): Promise<void> {
  const action = role === "commander" && userId === actor ? "take_command" : "assign_role";
  await requirePermission(ctx, actor, action, incident);
  requireOpen(incident, "assigning roles");
  const problem = await options.checkAssignee?.();
  if (problem) throw new RefusedError(problem);
  const who = await actorOf(ctx, actor);
  try {
    await ctx.prisma.$transaction(async (tx) => {
      const current = await lockIncident(tx, incident.id);
      mayStill(who, action, current, ctx);
      requireOpen(current, "assigning roles");
      await tx.incidentRole.upsert({
        where: { incidentId_role: { incidentId: incident.id, role } },
        create: { incidentId: incident.id, role, userId, assignedBy: actor },
        update: { userId, assignedBy: actor, assignedAt: ctx.now() },
      });
      await recordEvent(tx, {
        incidentId: incident.id,
        kind: "role_assigned",
        summary: `${role.replace("_", " ")}: <@${userId}>`,
        actor,
        occurredAt: ctx.now(),
        data: { role, userId, previous: roleHolder(current, role) ?? null },
      });
      await addEffects(tx, incident.id, [
        warRoom.refreshCard(stamp(ctx.now())),
        ...(current.warRoomChannelId ? [warRoom.invite({ users: [userId] }, stamp(ctx.now()))] : []),
      ]);
      await queueSync(ctx, tx, incident.id);
    });
  } catch (error) {
    if (error instanceof RefusedError && error.refusal) await recordRefusal(ctx, incident.id, actor, error.refusal);
    throw error;
  }
}

export const UPDATE_MAX = 3000;

/**
 * A status update, posted in the war room and the announcement channels.
 * `requestKey` (the form's view id) makes a replayed or double-clicked submit
 * post once: the second finds the first under the incident's lock. Returns
 * false when it was posted already.
 */
export async function postUpdate(
  ctx: WorkflowContext,
  incident: IncidentWithRoles,
  rawText: string,
  actor: string,
  requestKey?: string,
): Promise<boolean> {
  await requirePermission(ctx, actor, "post_update", incident);
  const text = cleanNote(rawText);
  if (!text) throw new RefusedError("Write the update first: what changed, what is next.");
  if (text.length > UPDATE_MAX) throw new RefusedError(`Keep updates under ${UPDATE_MAX} characters (this one is ${text.length}).`);
  const id = `update:${requestKey ? requestKey.replace(/[^A-Za-z0-9_-]/g, "_") : stamp(ctx.now())}`;
  const message = {
    kind: "status_update" as const,
    number: incident.number,
    title: incident.title,
    severity: incident.severity,
    phase: incident.phase,
    text,
    actor,
  };
  return ctx.prisma.$transaction(async (tx) => {
    await lockIncident(tx, incident.id);
    if (requestKey) {
      const seen = await tx.timelineEvent.findFirst({
        where: { incidentId: incident.id, kind: "status_update", data: { path: ["requestKey"], equals: requestKey } },
        select: { id: true },
      });
      if (seen) return false;
    }
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "status_update",
      summary: text,
      actor,
      occurredAt: ctx.now(),
      ...(requestKey ? { data: { requestKey } } : {}),
    });
    const channels = ctx.config.policy.severity[incident.severity].announce;
    await addEffects(tx, incident.id, [warRoom.post(message, id), ...channels.map((channel) => warRoom.post(message, id, channel))]);
    await queueSync(ctx, tx, incident.id);
    return true;
  });
}

export async function movePhase(
  ctx: WorkflowContext,
  incident: IncidentWithRoles,
  to: PhaseName,
  actor: string,
  reason?: string,
): Promise<void> {
  await requirePermission(ctx, actor, to === "resolved" ? "resolve" : "change_phase", incident);
  const note = reason ? cleanText(reason)?.slice(0, 500) : undefined;
  const from = incident.phase;
  if (!canMove(from, to)) {
    throw new RefusedError(`${incidentLabel(incident.number)} is ${from}; it cannot move to ${to}.`);
  }
  const now = ctx.now();
  await ctx.prisma.$transaction(async (tx) => {
    await tx.incident.update({
      where: { id: incident.id },
      data: {
        phase: to,
        ...(to === "resolved" ? { resolvedAt: now, postmortemDueAt: postmortemDue(ctx, now) } : {}),
        ...(to === "closed" ? { closedAt: now } : {}),
        ...(isOpen(to) && !isOpen(from) ? { resolvedAt: null } : {}),
      },
    });
    // The policy's post-mortem deadline, as a durable reminder in the war room until one is exported.
    if (to === "resolved") await schedulePostmortemReminder(ctx, tx, incident.id, postmortemDue(ctx, now));
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "phase_changed",
      summary: `Phase ${from} -> ${to}${note ? `: ${note}` : ""}`,
      actor,
      occurredAt: now,
      data: { from, to },
    });
    await addEffects(tx, incident.id, [warRoom.refreshCard(stamp(ctx.now()))]);
    await queueSync(ctx, tx, incident.id);
  });
}

export interface CapturedMessage {
  channelId: string;
  ts: string;
  author?: string;
  text: string;
  permalink?: string;
  capturedBy: string;
  via: "pin" | "reaction" | "shortcut";
}

/** A war-room message made a timeline event; the same message twice is recorded once. */
export async function captureMessage(ctx: WorkflowContext, incident: IncidentWithRoles, message: CapturedMessage): Promise<boolean> {
  await requirePermission(ctx, message.capturedBy, "add_timeline", incident);
  return recordEvent(ctx.prisma, {
    incidentId: incident.id,
    kind: "message",
    summary: cleanNote(message.text).slice(0, 2000) || "(message without text)",
    actor: message.author ?? null,
    occurredAt: slackTsToDate(message.ts),
    slackTs: message.ts,
    permalink: message.permalink ?? null,
    data: { channelId: message.channelId, capturedBy: message.capturedBy, via: message.via },
  });
}

/** `/hotfix retry`: failed steps go back to the queue (after someone fixed the cause). */
export async function retryFailedSteps(ctx: WorkflowContext, incident: IncidentWithRoles, actor: string): Promise<string[]> {
  await requirePermission(ctx, actor, "retry", incident);
  return ctx.prisma.$transaction(async (tx) => {
    const failed = await tx.sideEffect.findMany({ where: { incidentId: incident.id, status: "failed" }, select: { key: true } });
    if (failed.length === 0) return [];
    const keys = failed.map((f) => f.key);
    await tx.sideEffect.updateMany({
      where: { incidentId: incident.id, key: { in: keys }, status: "failed" },
      // attempts stays: it is the fencing token, never reused; failures (what gives up) starts again.
      data: { status: "pending", failures: 0, notBefore: null, lastError: null, leaseUntil: null, ownerId: null },
    });
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "steps_retried",
      summary: `Retried ${keys.length} failed step(s): ${keys.join(", ")}`,
      actor,
      occurredAt: ctx.now(),
      data: { keys },
    });
    await queueSync(ctx, tx, incident.id);
    return keys;
  });
}
