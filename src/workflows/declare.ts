// `/hotfix declare`: the incident, its commander and its first timeline event
// are written in one transaction together with the war-room effects and the
// job that runs them, so either all of it exists or none of it does. The
// request key (the Slack view id) makes a replayed or double-clicked submit
// return the incident it already made.

import { DateTime } from "luxon";
import type { ValidDeclare } from "../domain/declare-input.js";
import { humanDuration } from "../domain/duration.js";
import { incidentLabel, slugify, warRoomName } from "../domain/names.js";
import { slaDeadline } from "../domain/severity.js";
import { addEffects, queueSync } from "../effects/outbox.js";
import { warRoom } from "../effects/war-room.js";
import { findIncident, findIncidentByRequestKey, type IncidentWithRoles } from "../store/incidents.js";
import { Prisma } from "../store/prisma.js";
import { recordEvent } from "../store/timeline.js";
import { queueBranchOnDeclare } from "./branch.js";
import type { WorkflowContext } from "./context.js";
import { requirePermission } from "./permissions.js";
import { scheduleSlaReminders } from "./sla.js";

export interface DeclareInput extends ValidDeclare {
  requestKey: string;
  teamId?: string;
  declaredBy: string;
  /** Where /hotfix declare was typed, to answer the declarer there. */
  originChannelId?: string;
  responseUrl?: string;
}

export interface DeclareResult {
  incident: IncidentWithRoles;
  created: boolean;
}

export async function declareIncident(ctx: WorkflowContext, input: DeclareInput): Promise<DeclareResult> {
  const { policy } = ctx.config;
  await requirePermission(ctx, input.declaredBy, "declare", null);
  const existing = await findIncidentByRequestKey(ctx.prisma, input.requestKey);
  if (existing) return { incident: existing, created: false };
  const now = ctx.now();
  const slug = slugify(input.title) || "incident";
  const deadline = slaDeadline(policy, input.severity, input.startedAt);
  try {
    const id = await ctx.prisma.$transaction(async (tx) => {
      const incident = await tx.incident.create({
        data: {
          requestKey: input.requestKey,
          teamId: input.teamId ?? null,
          title: input.title,
          slug,
          severity: input.severity,
          severityOverride: input.severityOverride,
          impactUsers: input.impactUsers ?? null,
          impactRevenue: input.impactRevenue ?? null,
          service: input.service ?? null,
          ticketUrl: input.ticketUrl ?? null,
          rollbackFaster: input.rollbackFaster,
          declaredBy: input.declaredBy,
          startedAt: input.startedAt,
          declaredAt: now,
          slaDeadline: deadline,
          postmortemDueAt: null,
          roles: { create: { role: "commander", userId: input.commanderId, assignedBy: input.declaredBy } },
        },
      });
      await recordEvent(tx, {
        incidentId: incident.id,
        kind: "incident_started",
        summary: "Issue began",
        occurredAt: input.startedAt,
        actor: input.declaredBy,
      });
      await recordEvent(tx, {
        incidentId: incident.id,
        kind: "declared",
        summary: `${incidentLabel(incident.number)} declared as ${input.severity}: ${input.title}${deadline ? ` (SLA ${humanDuration(deadline.getTime() - input.startedAt.getTime())})` : ""}`,
        occurredAt: now,
        actor: input.declaredBy,
        data: {
          severity: input.severity,
          commander: input.commanderId,
          impactUsers: input.impactUsers ?? null,
          impactRevenue: input.impactRevenue ?? null,
          service: input.service ?? null,
          ticketUrl: input.ticketUrl ?? null,
          rollbackFaster: input.rollbackFaster,
          slaDeadline: deadline?.toISOString() ?? null,
        },
      });
      if (input.severityOverride) {
        await recordEvent(tx, {
          incidentId: incident.id,
          kind: "severity_override",
          summary: `Declared as a hotfix although ${input.severity} can wait for the next release`,
          occurredAt: now,
          actor: input.declaredBy,
        });
      }
      const channelName = warRoomName(policy.warRoom.name, {
        slug,
        ticket: input.ticketUrl ?? null,
        number: incident.number,
        date: DateTime.fromJSDate(now),
      });
      await addEffects(tx, incident.id, [
        warRoom.channel({ name: channelName, private: policy.warRoom.private }),
        warRoom.topic(),
        warRoom.invite(),
        warRoom.card(),
        warRoom.bookmarks(),
        ...policy.severity[input.severity].announce.map((channel) => warRoom.announce({ channel, reason: "declared" })),
        warRoom.notifyDeclarer({
          ...(input.originChannelId ? { channelId: input.originChannelId } : {}),
          ...(input.responseUrl ? { responseUrl: input.responseUrl } : {}),
        }),
      ]);
      await queueBranchOnDeclare(ctx, tx, incident.id);
      await queueSync(ctx, tx, incident.id);
      await scheduleSlaReminders(ctx, tx, incident.id, input.startedAt, deadline);
      return incident.id;
    });
    const incident = await findIncident(ctx.prisma, id);
    if (!incident) throw new Error("incident vanished after commit");
    return { incident, created: true };
  } catch (error) {
    // Two submits of the same view racing: the loser finds the winner's incident.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const winner = await findIncidentByRequestKey(ctx.prisma, input.requestKey);
      if (winner) return { incident: winner, created: false };
    }
    throw error;
  }
}
