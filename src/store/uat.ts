// UAT sessions, their feedback and the phase-6 follow-up tickets: the UAT
// lane's one repository. Workflows write through these inside their own
// transaction; status, the card and the completion gate read `uatFacts`.
import { z } from "zod";
import { CHECK_STATES, type ChecklistEntry, type UatGateFacts } from "../domain/uat.js";
import type { Db, UatFeedback, UatSession } from "./prisma.js";
import type { Tx } from "./timeline.js";

export type { UatFeedback, UatSession };

export type FollowUpTicket = Awaited<ReturnType<Db["followUpTicket"]["findFirstOrThrow"]>>;

const checklistSchema = z.array(
  z.object({ item: z.string(), state: z.enum(CHECK_STATES), by: z.string().nullable(), at: z.string().nullable() }),
);

/** A session's checklist as the domain reads it (a malformed column reads as empty, never a crash). */
export function checklistOf(session: Pick<UatSession, "checklist">): ChecklistEntry[] {
  const parsed = checklistSchema.safeParse(session.checklist);
  return parsed.success ? parsed.data : [];
}

export function stakeholdersOf(session: Pick<UatSession, "stakeholders">): { users: string[]; groups: string[] } {
  const parsed = z.object({ users: z.array(z.string()), groups: z.array(z.string()) }).safeParse(session.stakeholders);
  return parsed.success ? parsed.data : { users: [], groups: [] };
}

export function latestSession(db: Db | Tx, incidentId: string): Promise<UatSession | null> {
  return db.uatSession.findFirst({ where: { incidentId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
}

export function findSession(db: Db | Tx, id: string): Promise<UatSession | null> {
  return db.uatSession.findUnique({ where: { id } });
}

/** Locks a session row for a read-modify-write of its checklist (two clicks at once both count). */
export async function lockSession(tx: Tx, id: string): Promise<UatSession | null> {
  await tx.$queryRaw`SELECT id FROM "UatSession" WHERE id = ${id}::uuid FOR UPDATE`;
  return tx.uatSession.findUnique({ where: { id } });
}

export function feedbackOf(db: Db | Tx, incidentId: string): Promise<UatFeedback[]> {
  return db.uatFeedback.findMany({ where: { incidentId }, orderBy: { createdAt: "asc" } });
}

export function findFeedback(db: Db | Tx, id: string): Promise<UatFeedback | null> {
  return db.uatFeedback.findUnique({ where: { id } });
}

/** A feedback by its Linear identifier (ENG-12) or by the start of its id. */
export async function findFeedbackByRef(db: Db | Tx, incidentId: string, ref: string): Promise<UatFeedback | null> {
  const byIdentifier = await db.uatFeedback.findFirst({ where: { incidentId, linearIdentifier: { equals: ref, mode: "insensitive" } } });
  if (byIdentifier) return byIdentifier;
  if (!/^[0-9a-f-]{6,36}$/i.test(ref)) return null;
  // An incident has a handful of feedback rows: a uuid column has no prefix filter, so match here.
  const all = await db.uatFeedback.findMany({ where: { incidentId } });
  return all.find((f) => f.id.startsWith(ref.toLowerCase())) ?? null;
}

/** The next attempt of a Linear call: counts it first, so a crash mid-call leaves a trace (attempts > 0 means look before creating). */
export async function countFeedbackAttempt(db: Db, id: string): Promise<UatFeedback> {
  return db.uatFeedback.update({ where: { id }, data: { linearAttempts: { increment: 1 } } });
}

export async function countFollowUpAttempt(db: Db, id: string): Promise<FollowUpTicket> {
  return db.followUpTicket.update({ where: { id }, data: { attempts: { increment: 1 } } });
}

export function followUpsOf(db: Db | Tx, incidentId: string): Promise<FollowUpTicket[]> {
  return db.followUpTicket.findMany({ where: { incidentId }, orderBy: { createdAt: "asc" } });
}

export function findFollowUp(db: Db | Tx, id: string): Promise<FollowUpTicket | null> {
  return db.followUpTicket.findUnique({ where: { id } });
}

export interface UatFacts extends UatGateFacts {
  sessionId: string | null;
  deadline: Date | null;
  scheduledFor: Date | null;
  feedback: number;
  /** Feedback whose Linear issue is not created yet. */
  queued: number;
  linear: Array<{ identifier: string; url: string; severity: string | null }>;
}

/** What status, the card and the completion gate show and decide on. */
export async function uatFacts(db: Db | Tx, incidentId: string): Promise<UatFacts> {
  const [latest, openBlockers, feedback] = await Promise.all([
    latestSession(db, incidentId),
    db.uatFeedback.count({ where: { incidentId, severity: "blocker", resolvedAt: null } }),
    db.uatFeedback.findMany({
      where: { incidentId },
      orderBy: { createdAt: "asc" },
      select: { linearIdentifier: true, linearUrl: true, severity: true },
    }),
  ]);
  return {
    latest: latest ? { status: latest.status, skipReason: latest.skipReason } : null,
    openBlockers,
    sessionId: latest?.id ?? null,
    deadline: latest?.deadline ?? null,
    scheduledFor: latest?.scheduledFor ?? null,
    feedback: feedback.length,
    queued: feedback.filter((f) => !f.linearIdentifier).length,
    linear: feedback
      .filter((f): f is typeof f & { linearIdentifier: string; linearUrl: string } => Boolean(f.linearIdentifier && f.linearUrl))
      .map((f) => ({ identifier: f.linearIdentifier, url: f.linearUrl, severity: f.severity })),
  };
}
