// An incident as the domain rules see it: plain data, no Prisma, no Slack.
// The store's rows are a superset of this shape and can be passed as they are.
import type { PhaseName } from "./phase.js";
import type { SeverityName } from "./policy.js";

export type RoleName = "commander" | "comms" | "release_captain";

export interface RoleHolder {
  role: RoleName;
  userId: string;
}

export interface Incident {
  id: string;
  number: number;
  title: string;
  slug: string;
  severity: SeverityName;
  phase: PhaseName;
  declaredBy: string;
  startedAt: Date;
  declaredAt: Date;
  slaDeadline: Date | null;
  ticketUrl: string | null;
  service: string | null;
  impactUsers: string | null;
  impactRevenue: string | null;
  rollbackFaster: boolean;
  severityOverride: boolean;
  teamId: string | null;
  version: string | null;
  releaseId: number | null;
  postmortemDueAt: Date | null;
  warRoomChannelId: string | null;
  warRoomChannelName: string | null;
  cardTs: string | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  completedAt: Date | null;
  hotfixBranch: string | null;
  parentTag: string | null;
  parentSha: string | null;
  fixSha: string | null;
  releaseTag: string | null;
  releaseUrl: string | null;
  rolledBackAt: Date | null;
  stagingDeployedAt: Date | null;
  productionDeployedAt: Date | null;
  stabilityEndsAt: Date | null;
  roles: RoleHolder[];
}

/** Who holds `role` on the incident, if anyone. */
export function roleHolder(incident: Pick<Incident, "roles">, role: RoleName): string | undefined {
  return incident.roles.find((r) => r.role === role)?.userId;
}

export const commanderOf = (incident: Pick<Incident, "roles">): string | undefined => roleHolder(incident, "commander");
