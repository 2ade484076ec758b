// Incident queries the workflows share.
import type { Db, Incident, IncidentRole } from "./prisma.js";
import type { Tx } from "./timeline.js";

export type IncidentWithRoles = Incident & { roles: IncidentRole[] };

export async function findIncidentByChannel(db: Db | Tx, channelId: string): Promise<IncidentWithRoles | null> {
  return db.incident.findUnique({ where: { warRoomChannelId: channelId }, include: { roles: true } });
}

export async function findIncident(db: Db | Tx, id: string): Promise<IncidentWithRoles | null> {
  return db.incident.findUnique({ where: { id }, include: { roles: true } });
}

/** "HF-12", "12" or a uuid. */
export async function findIncidentByReference(db: Db | Tx, reference: string): Promise<IncidentWithRoles | null> {
  const number = /^(?:hf-)?(\d+)$/i.exec(reference.trim())?.[1];
  if (number) return db.incident.findUnique({ where: { number: Number(number) }, include: { roles: true } });
  if (/^[0-9a-f-]{36}$/i.test(reference)) return findIncident(db, reference);
  return null;
}

export function roleHolder(incident: IncidentWithRoles, role: IncidentRole["role"]): string | undefined {
  return incident.roles.find((r) => r.role === role)?.userId;
}
