// What happens to a declared incident from the war room: severity, roles,
// status updates, phase moves, messages captured to the timeline, retries.
// Each checks permission, then writes its change, its timeline event and its
// outbox rows in one transaction.
import { type RoleName, roleHolder } from "../domain/incident.js";
import { incidentLabel } from "../domain/names.js";
import { canMove, isOpen, type PhaseName } from "../domain/phase.js";
import type { SeverityName } from "../domain/policy.js";
import { slaDeadline } from "../domain/severity.js";
import { addEffects, queueSync, stamp } from "../effects/outbox.js";
import { warRoom } from "../effects/war-room.js";
import { findIncident, type IncidentWithRoles } from "../store/incidents.js";
import { recordEvent, slackTsToDate } from "../store/timeline.js";
import type { WorkflowContext } from "./context.js";
import { requirePermission } from "./permissions.js";
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

export async function assignRole(
  ctx: WorkflowContext,
  incident: IncidentWithRoles,
  role: RoleName,
  userId: string,
  actor: string,
): Promise<void> {
  // Making yourself commander is its own rule: only when there is none, or as an incident manager.
  await requirePermission(ctx, actor, role === "commander" && userId === actor ? "take_command" : "assign_role", incident);
  requireOpen(incident, "assigning roles");
  await ctx.prisma.$transaction(async (tx) => {
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
      data: { role, userId, previous: roleHolder(incident, role) ?? null },
    });
    await addEffects(tx, incident.id, [
      warRoom.refreshCard(stamp(ctx.now())),
      ...(incident.warRoomChannelId ? [warRoom.invite({ users: [userId] }, stamp(ctx.now()))] : []),
    ]);
    await queueSync(ctx, tx, incident.id);
  });
}

export async function postUpdate(ctx: WorkflowContext, incident: IncidentWithRoles, text: string, actor: string): Promise<void> {
  await requirePermission(ctx, actor, "post_update", incident);
  const id = `update:${stamp(ctx.now())}`;
  const message = {
    kind: "status_update" as const,
    number: incident.number,
    title: incident.title,
    severity: incident.severity,
    phase: incident.phase,
    text,
    actor,
  };
  await ctx.prisma.$transaction(async (tx) => {
    await recordEvent(tx, { incidentId: incident.id, kind: "status_update", summary: text, actor, occurredAt: ctx.now() });
    const channels = ctx.config.policy.severity[incident.severity].announce;
    await addEffects(tx, incident.id, [warRoom.post(message, id), ...channels.map((channel) => warRoom.post(message, id, channel))]);
    await queueSync(ctx, tx, incident.id);
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
        ...(to === "resolved" ? { resolvedAt: now, postmortemDueAt: new Date(now.getTime() + ctx.config.policy.postmortem.due.ms) } : {}),
        ...(to === "closed" ? { closedAt: now } : {}),
        ...(isOpen(to) && !isOpen(from) ? { resolvedAt: null } : {}),
      },
    });
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "phase_changed",
      summary: `Phase ${from} -> ${to}${reason ? `: ${reason}` : ""}`,
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
  return recordEvent(ctx.prisma, {
    incidentId: incident.id,
    kind: "message",
    summary: message.text.slice(0, 2000) || "(message without text)",
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
      where: { incidentId: incident.id, key: { in: keys } },
      data: { status: "pending", attempts: 0, lastError: null, leaseUntil: null },
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
