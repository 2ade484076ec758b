// The release lane's guards as pure functions: each answers "why not?" (a
// sentence) or undefined. A workflow asks once for the preview and once more
// under the incident's lock, with the same function, so both agree.
import type { Incident } from "./incident.js";
import { isOpen } from "./phase.js";
import { type CompletionFacts, completionBlockers } from "./release.js";

type LaneIncident = Pick<
  Incident,
  "number" | "phase" | "completedAt" | "releaseTag" | "releaseUrl" | "rolledBackAt" | "hotfixBranch" | "parentTag" | "parentSha" | "fixSha"
>;

/** Still being worked on: not completed, resolved or closed. */
export function inactiveReason(incident: Pick<Incident, "phase" | "completedAt">, what: string): string | undefined {
  if (incident.completedAt) return `This hotfix was completed; ${what} is no longer possible.`;
  if (!isOpen(incident.phase)) return `The incident is ${incident.phase}; ${what} is for open incidents.`;
  return undefined;
}

/** `/hotfix release`: open, not released (or rolled back since), no release being checked or created. */
export function releaseRefusal(incident: LaneIncident, releaseUnderWay: boolean): string | undefined {
  const inactive = inactiveReason(incident, "releasing");
  if (inactive) return inactive;
  if (incident.releaseTag && !incident.rolledBackAt)
    return `${incident.releaseTag} is released already${incident.releaseUrl ? ` (${incident.releaseUrl})` : ""}. To ship another fix, roll it back first: \`/hotfix rollback\`.`;
  if (releaseUnderWay) return "A release is being checked and created already; watch the war room.";
  return undefined;
}

/** `/hotfix rollback`: open, released, not rolled back yet. */
export function rollbackRefusal(incident: LaneIncident): string | undefined {
  const inactive = inactiveReason(incident, "rolling back");
  if (inactive) return inactive;
  if (!incident.releaseTag) return "There is no release to roll back yet (`/hotfix release` makes one).";
  if (incident.rolledBackAt) return `${incident.releaseTag} was rolled back already, at ${incident.rolledBackAt.toISOString()}.`;
  return undefined;
}

/** A production deployment as completion sees it. */
export interface ProductionDeploy {
  sha: string;
}

/** `/hotfix complete`: not closed or completed, nothing under way, the policy's gates hold, production runs the fix. */
export function completionRefusal(
  incident: LaneIncident,
  facts: {
    underWay: boolean;
    gates: Omit<CompletionFacts, "completedAt" | "rolledBackAt" | "hotfixBranch">;
    latestProduction?: ProductionDeploy;
  },
  now: Date,
): string | undefined {
  if (incident.phase === "closed") return "The incident is closed.";
  if (facts.underWay) return "Completion is under way already; watch the war room.";
  const blockers = completionBlockers(
    { ...facts.gates, completedAt: incident.completedAt, rolledBackAt: incident.rolledBackAt, hotfixBranch: incident.hotfixBranch },
    now,
  );
  if (blockers.length) return `Not yet: ${blockers.join("; ")}.`;
  // A deploy of the parent release is a rollback, never the commit to tag as final.
  if (facts.latestProduction && isParentCommit(incident, facts.latestProduction.sha)) {
    return `Not yet: production runs the parent release ${incident.parentTag ?? ""} (\`${facts.latestProduction.sha.slice(0, 7)}\`) again since a rollback. Deploy the fix to production (\`/hotfix deployed production <sha>\`) and let the stability window pass first.`;
  }
  return undefined;
}

/** Whether a deployed commit is the parent release (a rollback), by prefix: deploys may carry short shas. */
export function isParentCommit(incident: Pick<Incident, "parentSha">, sha: string): boolean {
  return incident.parentSha?.startsWith(sha) ?? false;
}
