// What the release-lane workflows share: GitHub or a clear refusal, and the
// "still being worked on" guard.
import { isOpen } from "../domain/phase.js";
import { GITHUB_NOT_CONFIGURED } from "../effects/support.js";
import type { IncidentWithRoles } from "../store/incidents.js";
import type { WorkflowContext } from "./context.js";
import { RefusedError } from "./refused.js";

// One sentence for "GitHub is not configured", shared with the effects that need GitHub.
export { GITHUB_NOT_CONFIGURED } from "../effects/support.js";

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
