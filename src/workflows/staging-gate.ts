// Runbook 002: "DON'T deploy without staging test". With
// stability.requireStaging, `/hotfix complete` waits while production runs a
// commit that never went to staging, until a waiver covers the `staging` gate
// for the release (runbook 004's waivers, approved in the waiver lane).
import { waiverProblems, waiverRulesFor } from "../domain/gates.js";
import { classifyEnvironment } from "../domain/release.js";
import type { IncidentWithRoles } from "../store/incidents.js";
import type { Db } from "../store/prisma.js";
import type { Tx } from "../store/timeline.js";
import { waiverFacts } from "../store/waivers.js";
import type { WorkflowContext } from "./context.js";

export const STAGING_GATE = "staging";

const sameCommit = (a: string, b: string) => a.startsWith(b) || b.startsWith(a);

/** Why completion waits for staging; undefined when it need not. */
export async function stagingRefusal(
  ctx: WorkflowContext,
  db: Db | Tx,
  incident: IncidentWithRoles,
  approvers: ReadonlySet<string>,
): Promise<string | undefined> {
  if (!ctx.config.policy.stability.requireStaging) return undefined;
  const deploys = await db.deployment.findMany({
    where: { incidentId: incident.id, status: "success" },
    orderBy: { occurredAt: "desc" },
    select: { environment: true, sha: true },
  });
  const production = deploys.find(
    (d) => classifyEnvironment(d.environment) === "production" && !(incident.parentSha && sameCommit(incident.parentSha, d.sha)),
  );
  if (!production) return undefined;
  const staged = deploys.some((d) => classifyEnvironment(d.environment) === "staging" && sameCommit(d.sha, production.sha));
  if (staged) return undefined;
  const tag = incident.releaseTag ?? "";
  const rules = waiverRulesFor(ctx.config.policy, tag, ctx.now());
  const waivers = await waiverFacts(db, { approvers });
  if (tag && waivers.some((w) => waiverProblems(w, rules, STAGING_GATE).length === 0)) return undefined;
  return `Not yet: production runs \`${production.sha.slice(0, 7)}\`, which was never deployed to staging (runbook 002: "DON'T deploy without staging test"; policy stability.requireStaging). Deploy it to staging, or get a waiver for the \`${STAGING_GATE}\` gate of ${tag || "the release"}.`;
}
