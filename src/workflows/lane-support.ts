// What the release-lane workflows share: GitHub or a clear refusal, and the
// "still being worked on" guard.
import { isOpen } from "../domain/phase.js";
import type { IncidentWithRoles } from "../store/incidents.js";
import type { WorkflowContext } from "./context.js";
import { RefusedError } from "./refused.js";

export const GITHUB_NOT_CONFIGURED =
  "GitHub is not configured for this bot: set `GITHUB_TOKEN` and `GITHUB_REPOSITORY` (owner/repo), and `GITHUB_API_URL` for GitHub Enterprise.";

/** For workflows called from Slack: a refusal the verb shows ephemerally. */
export function githubOrRefuse(ctx: WorkflowContext): NonNullable<WorkflowContext["github"]> {
  if (!ctx.github) throw new RefusedError(GITHUB_NOT_CONFIGURED);
  return ctx.github;
}

/** The incident is still being worked on: not resolved, closed or completed. */
export function requireActive(incident: IncidentWithRoles, what: string): void {
  if (incident.completedAt) throw new RefusedError(`This hotfix was completed; ${what} is no longer possible.`);
  if (!isOpen(incident.phase)) throw new RefusedError(`The incident is ${incident.phase}; ${what} is for open incidents.`);
}
