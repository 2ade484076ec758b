// Slack retries a delivery it thinks failed (X-Slack-Retry-Num), and users
// double-click. A delivery key is claimed once; the second claim loses.
import type { Db } from "./prisma.js";
import type { Tx } from "./timeline.js";

export async function claimDelivery(db: Db | Tx, key: string, kind: string): Promise<boolean> {
  const { count } = await db.slackDelivery.createMany({ data: [{ key, kind }], skipDuplicates: true });
  return count === 1;
}

/** Keeps the table small; deliveries older than Slack's retry horizon can go. */
export async function pruneDeliveries(db: Db, olderThan: Date): Promise<number> {
  const { count } = await db.slackDelivery.deleteMany({ where: { receivedAt: { lt: olderThan } } });
  return count;
}
