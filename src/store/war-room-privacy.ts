// Which incidents' war rooms were made private. The channel step's params say
// it (warRoom.private at the time of the declare), so no column is needed and
// a policy changed later does not make an old private room public.
import type { Db } from "./prisma.js";

export async function privateWarRooms(db: Db, incidentIds: readonly string[]): Promise<Set<string>> {
  if (incidentIds.length === 0) return new Set();
  const rows = await db.sideEffect.findMany({
    where: { incidentId: { in: [...incidentIds] }, key: "channel", params: { path: ["private"], equals: true } },
    select: { incidentId: true },
  });
  return new Set(rows.map((r) => r.incidentId));
}
