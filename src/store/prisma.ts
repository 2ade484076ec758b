// The Prisma client, driven through node-postgres (the driver adapter), so no
// native query engine is needed.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/client.js";

export type Db = PrismaClient;

const pools = new WeakMap<PrismaClient, pg.Pool>();

export function createPrisma(connectionString: string, options: { max?: number } = {}): PrismaClient {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
  // The adapter ends the pool on $disconnect, as it does with a pool it makes itself.
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(client, pool);
  return client;
}

/**
 * The client's own connection pool, for the one read too large for Prisma's
 * row mapping (the post-mortem's timeline: 100 000 rows, where the mapping
 * costs more than the query). Shares the client's connections and limit.
 */
export function poolOf(db: PrismaClient): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error("this Prisma client was not made by createPrisma: it has no pool of its own");
  if (pool.ended) throw new Error("the database client was disconnected");
  return pool;
}

export type {
  Deployment,
  GuardrailBreach,
  Incident,
  IncidentRole,
  Milestone,
  SideEffect,
  TimelineEvent,
  UatFeedback,
  UatSession,
  Waiver,
  WaiverApproval,
} from "./generated/client.js";
export { Prisma } from "./generated/client.js";
export { Phase, Role, Severity } from "./generated/enums.js";
