// What happens to a declared incident from the war room: severity, roles,
// status updates, phase moves, messages captured to the timeline. Each writes
// its change, its timeline event and its Slack effects in one transaction.

import type { SeverityName } from "../config.js";
import { incidentLabel } from "../domain/names.js";
import { canMove, isOpen, type PhaseName } from "../domain/phase.js";
import { escapeMrkdwn } from "../domain/render/block-kit.js";
import { slaDeadline } from "../domain/severity.js";
import { findIncident, type IncidentWithRoles } from "../store/incidents.js";
import type { Role } from "../store/prisma.js";
import { recordEvent, slackTsToDate, type Tx } from "../store/timeline.js";
import type { WorkflowContext } from "./context.js";
import { addEffects, queueSync, stamp } from "./outbox.js";
import { scheduleSlaReminders } from "./sla.js";

export class RefusedError extends Error {}

export const ROLE_NAMES: Record<string, Role> = {
  commander: "commander",
  comms: "comms",
  "release-captain": "release_captain",
  release_captain: "release_captain",
  captain: "release_captain",
};

async function refreshCard(ctx: WorkflowContext, tx: Tx, incidentId: string): Promise<void> {
  await addEffects(tx, incidentId, [{ key: `card-refresh:${stamp(ctx.now())}` }]);
}

function requireOpen(incident: IncidentWithRoles, what: string): void {
  if (!isOpen(incident.phase as PhaseName)) {
    throw new RefusedError(`${incidentLabel(incident.number)} is ${incident.phase}; ${what} is for open incidents.`);
  }
}

export async function changeSeverity(
  ctx: WorkflowContext,
  incident: IncidentWithRoles,
  severity: SeverityName,
  actor: string,
): Promise<IncidentWithRoles> {
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
    const s = stamp(ctx.now());
    await refreshCard(ctx, tx, incident.id);
    await addEffects(
      tx,
      incident.id,
      policy.severity[severity].announce.map((channel) => ({ key: `announce:${s}:${channel}`, params: { channel, reason: "severity" } })),
    );
    await queueSync(ctx, tx, incident.id);
    await scheduleSlaReminders(ctx, tx, incident.id, incident.startedAt, deadline);
  });
  return (await findIncident(ctx.prisma, incident.id)) as IncidentWithRoles;
}

export async function assignRole(
  ctx: WorkflowContext,
  incident: IncidentWithRoles,
  role: Role,
  userId: string,
  actor: string,
): Promise<void> {
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
      data: { role, userId, previous: incident.roles.find((r) => r.role === role)?.userId ?? null },
    });
    await refreshCard(ctx, tx, incident.id);
    if (incident.warRoomChannelId) {
      await addEffects(tx, incident.id, [{ key: `invite:${stamp(ctx.now())}`, params: { users: [userId] } }]);
    }
    await queueSync(ctx, tx, incident.id);
  });
}

export async function postUpdate(ctx: WorkflowContext, incident: IncidentWithRoles, text: string, actor: string): Promise<void> {
  const body = `:mega: *Update on ${incidentLabel(incident.number)}: ${escapeMrkdwn(incident.title)}* (${incident.severity}, ${incident.phase})\n${escapeMrkdwn(text)}\n_from <@${actor}>_`;
  const s = stamp(ctx.now());
  await ctx.prisma.$transaction(async (tx) => {
    await recordEvent(tx, { incidentId: incident.id, kind: "status_update", summary: text, actor, occurredAt: ctx.now() });
    const channels = ctx.config.policy.severity[incident.severity].announce;
    await addEffects(tx, incident.id, [
      { key: `post:update:${s}`, params: { text: body } },
      ...channels.map((channel) => ({ key: `post:update:${s}:${channel}`, params: { text: body, channel } })),
    ]);
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
  const from = incident.phase as PhaseName;
  if (!canMove(from, to)) {
    throw new RefusedError(`${incidentLabel(incident.number)} is ${from}; it cannot move to ${to}.`);
  }
  const now = ctx.now();
  await ctx.prisma.$transaction(async (tx) => {
    await tx.incident.update({
      where: { id: incident.id },
      data: {
        phase: to,
        ...(to === "resolved" ? { resolvedAt: now, postmortemDueAt: new Date(now.getTime() + 86_400_000) } : {}),
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
    await refreshCard(ctx, tx, incident.id);
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
