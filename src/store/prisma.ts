// The Prisma client, driven through node-postgres (the driver adapter), so no
// native query engine is needed.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.js";

export type Db = PrismaClient;

export function createPrisma(connectionString: string, options: { max?: number } = {}): PrismaClient {
  const adapter = new PrismaPg({ connectionString, max: options.max ?? 10 });
  return new PrismaClient({ adapter });
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
