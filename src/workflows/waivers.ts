// Gate waivers (runbook 004 steps 2 and 4): request, approve or deny, expire;
// and the runbook's file and verify script for the CLI.
//
// - `/hotfix waiver request` (anyone in the war room): validated against the
//   policy's limits, numbered HW-YYYY-NNN, posted to the approvers, with a
//   durable expiry timer.
// - Approve / Deny: checked on the server for every click — may(...,
//   "approve_waiver") with the requester and the approvals so far, then the
//   domain's decideWaiver against the approvers as they are now. Active only
//   with `waivers.approvals` distinct approvals; a denial ends it. A refused
//   click is recorded (timeline and audit) and changes nothing.
// - Expiry: the waiver stops covering at once (gates also re-check expiry when
//   they decide); it is never extended.
// Every action lands on the timeline (when the waiver belongs to an incident)
// and in the append-only WaiverAudit log.

import { z } from "zod";
import { durationMs } from "../domain/policy-values.js";
import {
  covers,
  createWaiver,
  decideWaiver,
  effectiveStatus,
  exportWaiversFile,
  importWaiversFile,
  nextWaiverId,
  validateWaiverRequest,
  verifyWaivers,
  type Waiver,
  type WaiversFile,
  type WaiverVerification,
} from "../domain/waivers.js";
import { addEffects, queueSync, stamp } from "../effects/outbox.js";
import { waiverEffects } from "../effects/waivers.js";
import type { TimerDefinition } from "../jobs/index.js";
import { findIncident, type IncidentWithRoles } from "../store/incidents.js";
import type { Db } from "../store/prisma.js";
import { recordEvent, type Tx } from "../store/timeline.js";
import {
  allWaivers,
  appendWaiverAudit,
  findWaiver,
  insertWaiver,
  lockWaiver,
  lockWaiverIds,
  toDomainWaiver,
  waiverCodes,
} from "../store/waivers.js";
import { approverIds } from "./approvers.js";
import type { WorkflowContext } from "./context.js";
import { requirePermission } from "./permissions.js";
import { RefusedError } from "./refused.js";

export const WAIVER_EXPIRY_QUEUE = "waiver.expiry";

/** The modal's values as typed (text fields, the selects' values). */
export interface WaiverForm {
  type: string | null;
  hotfixTag: string | null;
  gates: string | null;
  justification: string | null;
  risk: string | null;
  mitigations: string | null;
  /** A duration from now ("72h") or a time with a zone. */
  expiry: string | null;
  ticketUrl: string | null;
}

export type WaiverRequestResult = { ok: true; waiver: Waiver; created: boolean } | { ok: false; errors: string[] };

function requestInput(form: WaiverForm): Record<string, unknown> {
  const expiry = form.expiry?.trim() ?? "";
  return {
    type: form.type ?? "",
    hotfixTag: form.hotfixTag ?? "",
    gatesWaived: form.gates ?? "",
    justification: form.justification ?? "",
    risk: form.risk ?? "",
    mitigations: form.mitigations ?? "",
    ticketUrl: form.ticketUrl ?? "",
    ...(durationMs(expiry) !== undefined ? { duration: expiry } : { expiresAt: expiry }),
  };
}

/** `/hotfix waiver request` submitted: validate, number, store, record, post to the approvers, start the expiry timer. */
export async function requestWaiver(
  ctx: WorkflowContext,
  incident: IncidentWithRoles,
  form: WaiverForm,
  actor: string,
  requestKey: string,
): Promise<WaiverRequestResult> {
  await requirePermission(ctx, actor, "request_waiver", incident);
  if (incident.completedAt || incident.phase === "closed")
    throw new RefusedError("This hotfix is over; waivers are for releases still to come.");
  const now = ctx.now();
  const valid = validateWaiverRequest(requestInput(form), ctx.config.policy.waivers, now);
  if (!valid.ok) return valid;
  return ctx.prisma.$transaction(async (tx) => {
    await lockWaiverIds(tx);
    // A replayed or double-clicked submit of the same form finds the waiver it made.
    const replay = await tx.waiverAudit.findFirst({ where: { action: "requested", data: { path: ["requestKey"], equals: requestKey } } });
    if (replay) {
      const row = await findWaiver(tx, replay.waiverCode);
      if (row) return { ok: true as const, waiver: toDomainWaiver(row), created: false };
    }
    const waiver = createWaiver(valid.value, { id: nextWaiverId(await waiverCodes(tx), now), requestedBy: actor, now });
    await insertWaiver(tx, waiver, incident.id);
    await appendWaiverAudit(tx, {
      waiverCode: waiver.id,
      action: "requested",
      actor,
      at: now,
      data: { requestKey, incident: incident.number, ...fileFields(waiver) },
    });
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "waiver_requested",
      summary: `Waiver ${waiver.id} requested (${waiver.type}, ${waiver.risk} risk): ${waiver.gatesWaived.join(", ")} for ${waiver.hotfixTag}, until ${waiver.expiresAt.toISOString()}`,
      actor,
      occurredAt: now,
      data: { waiver: waiver.id, ...fileFields(waiver) },
    });
    await addEffects(tx, incident.id, [waiverEffects.post({ code: waiver.id, event: "requested", by: actor }, waiver.id)]);
    await ctx.jobs.send(
      WAIVER_EXPIRY_QUEUE,
      { code: waiver.id },
      { tx, startAfter: waiver.expiresAt, singletonKey: `${waiver.id}:${waiver.expiresAt.toISOString()}` },
    );
    await queueSync(ctx, tx, incident.id);
    return { ok: true as const, waiver, created: true };
  });
}

function fileFields(w: Waiver) {
  return {
    type: w.type,
    hotfixTag: w.hotfixTag,
    gatesWaived: w.gatesWaived,
    justification: w.justification,
    risk: w.risk,
    mitigations: w.mitigations,
    ticketUrl: w.ticketUrl,
    expiresAt: w.expiresAt.toISOString(),
  };
}

export type WaiverDecision = "approve" | "deny";

export interface WaiverDecisionResult {
  waiver: Waiver;
  outcome: "approved" | "activated" | "denied";
}

/** Records a refused click in the audit log and (when the waiver has an incident) on the timeline, then refuses. */
async function refuseClick(
  ctx: WorkflowContext,
  db: Db,
  code: string,
  incidentId: string | null,
  actor: string,
  decision: WaiverDecision,
  reason: { code: string; message: string },
): Promise<never> {
  const now = ctx.now();
  await appendWaiverAudit(db, { waiverCode: code, action: `${decision}_refused`, actor, at: now, data: { reason: reason.code } });
  if (incidentId)
    await recordEvent(db, {
      incidentId,
      kind: "waiver_refused",
      summary: `Refused: ${actor} may not ${decision} ${code} (${reason.code})`,
      actor,
      occurredAt: now,
      data: { waiver: code, decision, reason: reason.code },
    });
  throw new RefusedError(reason.message);
}

/**
 * An Approve or Deny click, checked on the server every time: permission
 * (an approver, not the requester, not twice), then the domain's rules
 * against the approvers as they are now, under the waiver's row lock.
 */
export async function decideWaiverClick(
  ctx: WorkflowContext,
  code: string,
  actor: string,
  decision: WaiverDecision,
  reason?: string,
): Promise<WaiverDecisionResult> {
  const row = await findWaiver(ctx.prisma, code);
  if (!row) throw new RefusedError(`There is no waiver ${code}.`);
  const incident = row.incidentId ? await findIncident(ctx.prisma, row.incidentId) : null;
  const before = toDomainWaiver(row);
  try {
    await requirePermission(ctx, actor, "approve_waiver", incident, {
      ...(before.requestedBy ? { requester: before.requestedBy } : {}),
      approvedBy: before.approvals.map((a) => a.approver),
    });
  } catch (error) {
    if (error instanceof RefusedError) {
      // requirePermission recorded the attempt on the timeline; the audit log records it too.
      await appendWaiverAudit(ctx.prisma, {
        waiverCode: code,
        action: `${decision}_refused`,
        actor,
        at: ctx.now(),
        data: { reason: typeof error.refusal === "object" ? (error.refusal.because ?? "not-an-approver") : "refused" },
      });
    }
    throw error;
  }
  const approvers = await approverIds(ctx);
  const rules = ctx.config.policy.waivers;
  const result = await ctx.prisma.$transaction(async (tx) => {
    const locked = await lockWaiver(tx, code);
    if (!locked) throw new RefusedError(`There is no waiver ${code}.`);
    const now = ctx.now();
    const current = toDomainWaiver(locked);
    const decided = decideWaiver(current, { by: actor, decision, at: now, ...(reason ? { reason } : {}) }, rules, approvers);
    // Refused: nothing changes here; the refusal is recorded after this transaction (which writes nothing).
    if (!decided.ok) return { refusal: decided.refusal, incidentId: locked.incidentId };
    const w = decided.waiver;
    if (decided.outcome === "denied") {
      await tx.waiver.update({
        where: { code },
        data: { status: "denied", deniedBy: actor, deniedAt: now, denialReason: w.denial?.reason ?? null },
      });
    } else {
      await tx.waiverApproval.create({ data: { waiverId: locked.id, approver: actor, approvedAt: now } });
      if (decided.outcome === "activated") await tx.waiver.update({ where: { code }, data: { status: "active", activatedAt: now } });
    }
    await appendWaiverAudit(tx, {
      waiverCode: code,
      action: decided.outcome,
      actor,
      at: now,
      data: { approvals: w.approvals.map((a) => a.approver), status: w.status },
    });
    if (locked.incidentId) {
      const kind =
        decided.outcome === "denied" ? "waiver_denied" : decided.outcome === "activated" ? "waiver_activated" : "waiver_approved";
      await recordEvent(tx, {
        incidentId: locked.incidentId,
        kind,
        summary:
          decided.outcome === "denied"
            ? `Waiver ${code} denied by ${actor}`
            : `Waiver ${code} approved by ${actor} (${w.approvals.length} of ${rules.approvals})${decided.outcome === "activated" ? ": active" : ""}`,
        actor,
        occurredAt: now,
        data: { waiver: code, approvals: w.approvals.map((a) => a.approver), status: w.status },
      });
      await addEffects(tx, locked.incidentId, [
        waiverEffects.post({ code, event: decided.outcome, by: actor }, `${code}:${decided.outcome}:${stamp(now)}`),
      ]);
      await queueSync(ctx, tx, locked.incidentId);
    }
    return { decided: { waiver: w, outcome: decided.outcome } };
  });
  if (result.refusal) return refuseClick(ctx, ctx.prisma, code, result.incidentId ?? null, actor, decision, result.refusal);
  return result.decided;
}

const expiryJob = z.object({ code: z.string() });

/** The expiry timer: a pending or active waiver past its expiry becomes expired, once; never extended. */
export async function expireWaiver(ctx: WorkflowContext, code: string): Promise<"expired" | "not-yet" | "stale"> {
  return ctx.prisma.$transaction(async (tx) => {
    const row = await lockWaiver(tx, code);
    if (!row || (row.status !== "pending" && row.status !== "active")) return "stale";
    const now = ctx.now();
    const waiver = toDomainWaiver(row);
    if (effectiveStatus(waiver, now) !== "expired") return "not-yet";
    await tx.waiver.update({ where: { code }, data: { status: "expired", expiredAt: now } });
    await appendWaiverAudit(tx, { waiverCode: code, action: "expired", actor: null, at: now, data: { was: row.status } });
    if (row.incidentId) {
      await recordEvent(tx, {
        incidentId: row.incidentId,
        kind: "waiver_expired",
        summary: `Waiver ${code} expired (${row.status} until ${row.expiresAt.toISOString()}); it covers nothing from now on`,
        occurredAt: now,
        data: { waiver: code, was: row.status, expiresAt: row.expiresAt.toISOString() },
      });
      await addEffects(tx, row.incidentId, [waiverEffects.post({ code, event: "expired", by: null }, `${code}:expired`)]);
      await queueSync(ctx, tx, row.incidentId);
    }
    return "expired";
  });
}

export const waiverExpiryTimer: TimerDefinition = {
  name: WAIVER_EXPIRY_QUEUE,
  retryLimit: 5,
  fire: (ctx, data) => expireWaiver(ctx, expiryJob.parse(data).code),
};

// ------------------------------------------------------------------ CLI

/** What the CLI needs: the database, the policy, the approvers, a clock. */
export interface WaiverBook {
  prisma: Db;
  rules: WorkflowContext["config"]["policy"]["waivers"];
  approvers: string[];
  now: Date;
}

/** Runbook 004's verify script over every stored waiver. */
export async function verifyStoredWaivers(book: WaiverBook, strict: boolean): Promise<WaiverVerification> {
  const waivers = (await allWaivers(book.prisma)).map(toDomainWaiver);
  return verifyWaivers(waivers, { rules: book.rules, approvers: book.approvers }, book.now, { strict });
}

/** Every stored waiver as runbook 004's hotfix_waivers.json. */
export async function exportStoredWaivers(book: WaiverBook): Promise<WaiversFile> {
  return exportWaiversFile((await allWaivers(book.prisma)).map(toDomainWaiver), book.now);
}

export interface ImportResult {
  imported: string[];
  refused: Array<{ index: number; id: string | null; reasons: string[] }>;
}

/**
 * Reads a hotfix_waivers.json: entries that keep the rules are stored (linked
 * to the incident that released or will release their tag, when there is
 * one), each recorded in the audit log; the others are refused with reasons.
 */
export async function importWaivers(
  book: WaiverBook,
  json: unknown,
  actor: string,
): Promise<{ ok: true; value: ImportResult } | { ok: false; errors: string[] }> {
  return book.prisma.$transaction(async (tx) => {
    await lockWaiverIds(tx);
    const parsed = importWaiversFile(json, { rules: book.rules, approvers: book.approvers }, book.now, await waiverCodes(tx));
    if (!parsed.ok) return parsed;
    const imported: string[] = [];
    for (const waiver of parsed.value.accepted) {
      const tag = waiver.hotfixTag.replace(/^v(?=\d)/, "");
      const incident = await tx.incident.findFirst({
        where: { OR: [{ releaseTag: { in: [tag, `v${tag}`] } }, { version: tag }] },
        orderBy: { declaredAt: "desc" },
        select: { id: true },
      });
      await insertWaiver(tx, waiver, incident?.id ?? null);
      await appendWaiverAudit(tx, {
        waiverCode: waiver.id,
        action: "imported",
        actor,
        at: book.now,
        data: { status: waiver.status, ...fileFields(waiver) },
      });
      if (incident)
        await recordEvent(tx, {
          incidentId: incident.id,
          kind: "waiver_requested",
          summary: `Waiver ${waiver.id} imported from hotfix_waivers.json (${waiver.status}): ${waiver.gatesWaived.join(", ")} for ${waiver.hotfixTag}`,
          actor,
          occurredAt: book.now,
          data: { waiver: waiver.id, imported: true, status: waiver.status },
        });
      imported.push(waiver.id);
    }
    return { ok: true as const, value: { imported, refused: parsed.value.refused } };
  });
}

// ------------------------------------------------- the stability window

/** The gate name a waiver lists to let `/hotfix complete` go ahead before the stability window has passed. */
export const STABILITY_GATE = "stability-window";

/**
 * The active waiver that covers the stability window for this incident's
 * release at this moment, counted again against the approvers as they are now
 * (covers() with its check); null when none does.
 */
export async function stabilityWaiverFor(
  ctx: WorkflowContext,
  db: Db | Tx,
  incident: { releaseTag: string | null },
  approvers: ReadonlySet<string>,
): Promise<string | null> {
  const tag = incident.releaseTag;
  if (!tag) return null;
  const rows = await db.waiver.findMany({
    where: { status: "active", gatesWaived: { has: STABILITY_GATE } },
    include: { approvals: true },
  });
  if (rows.length === 0) return null;
  const check = { rules: ctx.config.policy.waivers, approvers };
  const now = ctx.now();
  return rows.map(toDomainWaiver).find((w) => covers(w, STABILITY_GATE, tag, now, check))?.id ?? null;
}

/** Completion facts with the stability window's waiver, when there is one. */
export function withStabilityWaiver<T extends { gates: object }>(facts: T, waiver: string | null): T {
  return waiver ? { ...facts, gates: { ...facts.gates, stabilityWaiver: waiver } } : facts;
}
