// What follows a production deploy of the fix, in the deploy's transaction:
// - the SLA is met (or breached) now: runbook 002's SLA is "fix within
//   1-4 hours", so monitoring is not SLA time (reminders stop, sla.ts);
// - the "HOTFIX DEPLOYED" summary (runbook 002 phase 5) to announce.deploySummary;
// - merge back now when github.mergeBackAt is production-deploy (runbook 002
//   "back-merge to main immediately"; runbook 000 waits for clean-up);
// - the hotfix-prod-YYYYMMDD rollback point (runbook 000) when github.autoTags;
// - a production deploy with no staging deploy of that commit is flagged and
//   recorded (runbook 002 "DON'T deploy without staging test").
import { shortSha } from "../domain/names.js";
import { classifyEnvironment, milestoneTagName } from "../domain/release.js";
import type { OutboxRow } from "../effects/define.js";
import { githubComplete } from "../effects/github-complete.js";
import { githubTag } from "../effects/github-tag.js";
import { warRoom } from "../effects/war-room.js";
import type { IncidentWithRoles } from "../store/incidents.js";
import { recordEvent, type Tx } from "../store/timeline.js";
import type { WorkflowContext } from "./context.js";

const sameCommit = (a: string, b: string) => a.startsWith(b) || b.startsWith(a);

export async function afterProductionDeploy(
  ctx: WorkflowContext,
  tx: Tx,
  incident: IncidentWithRoles,
  deploy: { sha: string; occurredAt: Date; actor?: string | null },
  id: string,
): Promise<OutboxRow[]> {
  const { policy } = ctx.config;
  const rows: OutboxRow[] = [];
  const first = !(await tx.timelineEvent.findFirst({ where: { incidentId: incident.id, kind: "sla_met" }, select: { id: true } }));
  const marginMs = incident.slaDeadline ? incident.slaDeadline.getTime() - deploy.occurredAt.getTime() : null;
  if (first) {
    // Recorded once, at the first production deploy of the fix: the SLA clock stops here.
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "sla_met",
      summary:
        marginMs === null
          ? "Fix in production (no SLA for this severity)"
          : marginMs >= 0
            ? `SLA met: fix in production ${Math.round(marginMs / 60_000)} min before the deadline`
            : `SLA breached: fix in production ${Math.round(-marginMs / 60_000)} min after the deadline`,
      occurredAt: deploy.occurredAt,
      data: { deadline: incident.slaDeadline?.toISOString() ?? null, marginMs, met: marginMs === null ? null : marginMs >= 0 },
    });
    const summary = {
      kind: "hotfix_deployed" as const,
      number: incident.number,
      title: incident.title,
      version: incident.releaseTag,
      sha: deploy.sha,
      deployedAt: deploy.occurredAt.toISOString(),
      slaMarginMs: marginMs,
    };
    rows.push(...policy.announce.deploySummary.map((channel) => warRoom.post(summary, `deployed:${id}`, channel)));
  }
  // Staging first (runbook 002): was this very commit deployed to staging?
  const staged = await tx.deployment.findMany({
    where: { incidentId: incident.id, status: "success" },
    select: { environment: true, sha: true },
  });
  if (!staged.some((d) => classifyEnvironment(d.environment) === "staging" && sameCommit(d.sha, deploy.sha))) {
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "staging_skipped",
      summary: `Production deploy of ${shortSha(deploy.sha)} without a staging deploy of the same commit`,
      occurredAt: deploy.occurredAt,
      data: { sha: deploy.sha, requireStaging: policy.stability.requireStaging },
    });
    rows.push(
      warRoom.post(
        { kind: "staging_skipped", number: incident.number, sha: deploy.sha, required: policy.stability.requireStaging },
        `staging-skipped:${id}`,
      ),
    );
  }
  if (policy.github.mergeBackAt === "production-deploy" && incident.hotfixBranch && ctx.github) {
    rows.push(
      githubComplete.mergeBackNow(
        { branch: incident.hotfixBranch, mergeBack: policy.github.mergeBack, actor: deploy.actor ?? "" },
        `deploy-${id}`,
      ),
    );
  }
  if (policy.github.autoTags && ctx.github) {
    // One rollback point per commit production ran: a new fix after a rollback gets its own (the "-2" of that day).
    const named = milestoneTagName(policy, "prod", deploy.occurredAt);
    const marks = await tx.milestone.findMany({ where: { incidentId: incident.id, kind: "prod" }, select: { sha: true } });
    const id = `auto-prod-${deploy.sha.slice(0, 12)}`;
    const queued = await tx.sideEffect.count({ where: { incidentId: incident.id, key: githubTag.keyFor(id) } });
    if (named && !marks.some((m) => sameCommit(m.sha, deploy.sha)) && queued === 0) {
      rows.push(githubTag.create({ tag: named.tag, kind: "prod", at: deploy.sha, branch: incident.hotfixBranch, actor: null }, id));
    }
  }
  return rows;
}

/** Runbook 000: hotfix-prep-YYYYMMDD "immediately after QA sign-off". The UAT lane calls this in its sign-off transaction. */
export async function queueAutoPrepTag(ctx: WorkflowContext, tx: Tx, incident: IncidentWithRoles, at: string | null): Promise<OutboxRow[]> {
  const { policy } = ctx.config;
  if (!policy.github.autoTags || !ctx.github || (!at && !incident.hotfixBranch)) return [];
  const named = milestoneTagName(policy, "prep", ctx.now());
  const tagged = await tx.milestone.findFirst({ where: { incidentId: incident.id, kind: "prep" }, select: { id: true } });
  if (!named || tagged) return [];
  return [
    githubTag.create(
      { tag: named.tag, kind: "prep", at, branch: incident.hotfixBranch, actor: null },
      `auto-prep-${incident.id.slice(0, 8)}`,
    ),
  ];
}
