// `/hotfix complete` (runbook 000 section 4, runbook 001 section 4): the
// commander or a release captain closes the hotfix once the policy's gates
// hold (stability window passed, UAT passed or skipped with a reason or not
// required by policy, no open blocker, production on the
// fix). One guard (domain/lane-guards.ts) decides, before and again under the
// incident's lock; the clean-up steps are src/effects/github-complete.ts.
import { completionRefusal } from "../domain/lane-guards.js";
import { classifyEnvironment, finalTagName } from "../domain/release.js";
import { githubComplete } from "../effects/github-complete.js";
import { addEffects, queueSync, stamp } from "../effects/outbox.js";
import { type IncidentWithRoles, lockIncident, stepsUnderWay } from "../store/incidents.js";
import type { Db } from "../store/prisma.js";
import { recordEvent, type Tx } from "../store/timeline.js";
import { approverIds } from "./approvers.js";
import type { WorkflowContext } from "./context.js";
import { githubOrRefuse } from "./lane-support.js";
import { requirePermission } from "./permissions.js";
import { RefusedError } from "./refused.js";
import { stagingRefusal } from "./staging-gate.js";
import { uatCompletionRefusal } from "./uat.js";
import { stabilityWaiverFor, withStabilityWaiver } from "./waivers.js";

/** What completion is decided on, read from the database (the UAT lane and guardrails fill those tables). */
async function completionFacts(ctx: WorkflowContext, db: Db | Tx, incident: IncidentWithRoles) {
  const [uat, openBreaches, underWay, deployments] = await Promise.all([
    uatCompletionRefusal(ctx, db, incident.id),
    db.guardrailBreach.count({ where: { incidentId: incident.id, resolvedAt: null } }),
    stepsUnderWay(db, incident.id, githubComplete.underWay),
    db.deployment.findMany({ where: { incidentId: incident.id, status: "success" }, orderBy: { occurredAt: "desc" } }),
  ]);
  const productionDeploys = deployments.filter((d) => classifyEnvironment(d.environment) === "production");
  return {
    underWay: underWay > 0,
    gates: {
      productionDeployedAt: incident.productionDeployedAt,
      stabilityEndsAt: incident.stabilityEndsAt,
      uat,
      openBreaches,
    },
    ...(productionDeploys[0] ? { latestProduction: productionDeploys[0] } : {}),
    productionDeploys,
  };
}

async function guardCompletion(ctx: WorkflowContext, db: Db | Tx, incident: IncidentWithRoles, approvers: ReadonlySet<string>) {
  const facts = await completionFacts(ctx, db, incident);
  const refusal =
    completionRefusal(incident, withStabilityWaiver(facts, await stabilityWaiverFor(ctx, db, incident, approvers)), ctx.now()) ??
    (await stagingRefusal(ctx, db, incident, approvers));
  if (refusal) throw new RefusedError(refusal);
  return facts;
}

export async function requestCompletion(ctx: WorkflowContext, incident: IncidentWithRoles, actor: string): Promise<void> {
  githubOrRefuse(ctx);
  if (incident.phase === "closed") throw new RefusedError("The incident is closed.");
  await requirePermission(ctx, actor, "complete", incident);
  // Read from Slack once, before the transaction: waivers count only approvals by today's approvers.
  const approvers = await approverIds(ctx);
  await guardCompletion(ctx, ctx.prisma, incident, approvers);
  const { policy } = ctx.config;
  const now = ctx.now();
  await ctx.prisma.$transaction(async (tx) => {
    // Under the incident's lock, the same guard again: two `/hotfix complete` at once queue one completion.
    const current = await lockIncident(tx, incident.id);
    if (current.rolledBackAt || current.hotfixBranch !== incident.hotfixBranch || current.fixSha !== incident.fixSha)
      throw new RefusedError("The incident changed while completing (a rollback, a new release); run `/hotfix complete` again.");
    const facts = await guardCompletion(ctx, tx, current, approvers);
    const branch = current.hotfixBranch;
    if (!branch) throw new RefusedError("There is no hotfix branch to merge back (`/hotfix branch`).");
    // A deploy of the parent release is a rollback, never the commit to tag as final.
    const production = facts.productionDeploys.find((d) => !current.parentSha?.startsWith(d.sha));
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "completion_started",
      summary: `Completion started: merge ${branch} back (${policy.github.mergeBack}), final tag, CHANGELOG, branch deletion`,
      actor,
      occurredAt: now,
      data: { branch, mergeBack: policy.github.mergeBack },
    });
    await addEffects(
      tx,
      incident.id,
      githubComplete.steps(
        {
          branch,
          mergeBack: policy.github.mergeBack,
          finalTag: finalTagName(policy, now),
          at: production?.sha ?? current.fixSha ?? null,
          actor,
        },
        stamp(now),
      ),
    );
    await queueSync(ctx, tx, incident.id);
  });
}
