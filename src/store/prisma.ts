// The Prisma client, driven through node-postgres (the driver adapter), so no
// native query engine is needed.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.js";

export type Db = PrismaClient;

export function createPrisma(connectionString: string, options: { max?: number } = {}): PrismaClient {
  const adapter = new PrismaPg({ connectionString, max: options.max ?? 10 });
  return new PrismaClient({ adapter });
}

export { Prisma } from "./generated/client.js";
export type { Incident, IncidentRole, SideEffect, TimelineEvent, Milestone, Deployment, UatSession, UatFeedback, Waiver, WaiverApproval, GuardrailBreach } from "./generated/client.js";
export { Phase, Role, Severity } from "./generated/enums.js";
