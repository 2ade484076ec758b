// The waivers repository: waivers as the gate rules read them (domain/gates.ts).
import type { WaiverFacts } from "../domain/gates.js";
import {
  type Waiver as DomainWaiver,
  validApprovals,
  WAIVER_RISKS,
  WAIVER_TYPES,
  type WaiverRisk,
  type WaiverType,
} from "../domain/waivers.js";
import type { Db, Prisma, Waiver, WaiverApproval } from "./prisma.js";
import type { Tx } from "./timeline.js";

/**
 * Active waivers, or the ones with these codes (whatever their status, so a
 * refusal can say why). Approvals are counted again against the approvers as
 * they are now, as the stability gate and `waivers verify` count them: one
 * per approver, never the requester's, and not someone who has since left
 * the approvers.
 */
export async function waiverFacts(db: Db | Tx, where: { codes?: string[]; approvers: ReadonlySet<string> }): Promise<WaiverFacts[]> {
  const waivers = await db.waiver.findMany({
    where: where.codes ? { code: { in: where.codes } } : { status: "active" },
    include: { approvals: { select: { approver: true } } },
  });
  return waivers.map((w) => ({
    code: w.code,
    type: w.type,
    status: w.status,
    hotfixTag: w.hotfixTag,
    gatesWaived: w.gatesWaived,
    expiresAt: w.expiresAt,
    createdAt: w.createdAt,
    approvals: validApprovals(w.approvals, w.requestedBy, where.approvers).length,
  }));
}

/** Active waivers plus the ones named, each once. */
export async function waiversForRelease(db: Db | Tx, named: string[], approvers: ReadonlySet<string>): Promise<WaiverFacts[]> {
  const active = await waiverFacts(db, { approvers });
  const extra = named.length ? await waiverFacts(db, { codes: named, approvers }) : [];
  return [...active, ...extra.filter((n) => !active.some((w) => w.code === n.code))];
}

// ------------------------------------------------- the waiver lane (issue 10)

/** A waiver row as the domain's Waiver (domain/waivers.ts). */
export type WaiverRow = Waiver & { approvals: WaiverApproval[] };

const STATUS_OF: Record<string, DomainWaiver["status"]> = { pending: "pending", active: "active", denied: "denied", expired: "expired" };

export function toDomainWaiver(row: WaiverRow): DomainWaiver {
  const type = (WAIVER_TYPES as readonly string[]).includes(row.type) ? (row.type as WaiverType) : "gate-bypass";
  const risk = (WAIVER_RISKS as readonly string[]).includes(row.riskAssessment) ? (row.riskAssessment as WaiverRisk) : "high";
  return {
    id: row.code,
    type,
    hotfixTag: row.hotfixTag ?? "",
    gatesWaived: row.gatesWaived,
    justification: row.justification,
    risk,
    mitigations: row.mitigations,
    ticketUrl: row.ticketUrl ?? "",
    requestedBy: row.requestedBy,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    approvals: [...row.approvals]
      .sort((a, b) => a.approvedAt.getTime() - b.approvedAt.getTime())
      .map((a) => ({ approver: a.approver, at: a.approvedAt })),
    denial: row.deniedBy ? { by: row.deniedBy, at: row.deniedAt, reason: row.denialReason } : null,
    // Older rows wrote revoked / rejected: both mean "covers nothing, decided against".
    status: STATUS_OF[row.status] ?? "denied",
  };
}

export function findWaiver(db: Db | Tx, code: string): Promise<WaiverRow | null> {
  return db.waiver.findUnique({ where: { code }, include: { approvals: true } });
}

/** Locks the waiver's row until the transaction ends: two clicks at once are decided one after the other. */
export async function lockWaiver(tx: Tx, code: string): Promise<WaiverRow | null> {
  await tx.$queryRaw`select 1 from "Waiver" where code = ${code} for update`;
  return findWaiver(tx, code);
}

export async function allWaivers(db: Db | Tx): Promise<WaiverRow[]> {
  return db.waiver.findMany({ include: { approvals: true }, orderBy: { code: "asc" } });
}

export async function waiverCodes(db: Db | Tx): Promise<string[]> {
  return (await db.waiver.findMany({ select: { code: true } })).map((w) => w.code);
}

/** Serialises id allocation (HW-YYYY-NNN) across concurrent requests, until the transaction ends. */
export async function lockWaiverIds(tx: Tx): Promise<void> {
  await tx.$executeRaw`select pg_advisory_xact_lock(hashtext('hotfix-waiver-ids'))`;
}

export async function insertWaiver(tx: Tx, waiver: DomainWaiver, incidentId: string | null): Promise<WaiverRow> {
  return tx.waiver.create({
    data: {
      code: waiver.id,
      incidentId,
      type: waiver.type,
      hotfixTag: waiver.hotfixTag,
      gatesWaived: waiver.gatesWaived,
      justification: waiver.justification,
      riskAssessment: waiver.risk,
      mitigations: waiver.mitigations,
      ticketUrl: waiver.ticketUrl,
      status: waiver.status,
      requestedBy: waiver.requestedBy,
      createdAt: waiver.createdAt,
      expiresAt: waiver.expiresAt,
      ...(waiver.status === "active" ? { activatedAt: waiver.createdAt } : {}),
      ...(waiver.denial ? { deniedBy: waiver.denial.by, deniedAt: waiver.denial.at, denialReason: waiver.denial.reason } : {}),
      approvals: {
        create: waiver.approvals.map((a) => ({ approver: a.approver, approvedAt: a.at ?? waiver.createdAt })),
      },
    },
    include: { approvals: true },
  });
}

export interface WaiverAuditEntry {
  waiverCode: string;
  action: string;
  actor: string | null;
  at: Date;
  data?: Prisma.InputJsonObject;
}

/** Appends to the audit log (append-only: the database refuses UPDATE and DELETE on it). */
export async function appendWaiverAudit(tx: Tx | Db, entry: WaiverAuditEntry): Promise<void> {
  await tx.waiverAudit.create({ data: { ...entry, data: entry.data ?? {} } });
}

export function waiverAudit(db: Db | Tx, code?: string) {
  return db.waiverAudit.findMany({ where: code ? { waiverCode: code } : {}, orderBy: { id: "asc" } });
}
