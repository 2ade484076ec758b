// The outstanding checklist, derived from the incident and its timeline
// (runbook 002's checklist, the part the bot can know about).
import type { Incident } from "./incident.js";

export function outstandingChecklist(incident: Incident, kinds: Set<string>): string[] {
  const todo: string[] = [];
  const has = (role: string) => incident.roles.some((r) => r.role === role);
  if (!has("comms")) todo.push("Assign comms: `/hotfix role comms @someone`");
  if (!has("release_captain")) todo.push("Assign a release captain: `/hotfix role release-captain @someone`");
  if (!kinds.has("status_update")) todo.push("Post a first status update: `/hotfix update <text>`");
  if (!incident.hotfixBranch) todo.push("Create the hotfix branch from the production tag");
  if (!incident.stagingDeployedAt) todo.push("Deploy to staging and verify");
  // Runbook 001 §2: guardrails tuned before the production deploy is watched.
  if (!kinds.has("guardrails_tuned")) todo.push("Tune the guardrails and check the dashboards: `/hotfix guardrails`");
  if (!incident.productionDeployedAt) todo.push("Deploy to production");
  if (incident.phase !== "resolved" && incident.phase !== "closed")
    todo.push("Verify the fix in production and resolve: `/hotfix resolve`");
  return todo;
}
