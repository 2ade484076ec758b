// The waivers repository: waivers as the gate rules read them (domain/gates.ts).
import type { WaiverFacts } from "../domain/gates.js";
import type { Db } from "./prisma.js";
import type { Tx } from "./timeline.js";

/** Active waivers, or the ones with these codes (whatever their status, so a refusal can say why). */
export async function waiverFacts(db: Db | Tx, where: { codes?: string[] } = {}): Promise<WaiverFacts[]> {
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
    approvals: new Set(w.approvals.map((a) => a.approver)).size,
  }));
}

/** Active waivers plus the ones named, each once. */
export async function waiversForRelease(db: Db | Tx, named: string[]): Promise<WaiverFacts[]> {
  const active = await waiverFacts(db);
  const extra = named.length ? await waiverFacts(db, { codes: named }) : [];
  return [...active, ...extra.filter((n) => !active.some((w) => w.code === n.code))];
}
