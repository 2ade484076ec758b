// Deployments (runbook 003's deployment log: time, commit, deployer, reason),
// from GitHub's webhooks or `/hotfix deployed staging|production [sha]`.
// A staging deploy starts the UAT clock (stagingDeployedAt); a production
// deploy starts the stability window (stabilityEndsAt) and moves the incident
// to monitoring. Each is one Deployment row and one timeline event, written
// with the incident's change; a redelivered webhook is recorded once.
import { z } from "zod";
import { shortSha } from "../domain/names.js";
import { canMove, isOpen, type PhaseName } from "../domain/phase.js";
import { classifyEnvironment, type EnvironmentClass, isShaLike } from "../domain/release.js";
import { deploymentLine } from "../domain/release-notes.js";
import { addEffects, queueSync, stamp } from "../effects/outbox.js";
import { warRoom } from "../effects/war-room.js";
import type { TimerDefinition } from "../jobs/index.js";
import { findIncident, type IncidentWithRoles, lockIncident } from "../store/incidents.js";
import type { Db } from "../store/prisma.js";
import { recordEvent } from "../store/timeline.js";
import { afterProductionDeploy } from "./after-production.js";
import type { WorkflowContext } from "./context.js";
import { requirePermission } from "./permissions.js";
import { RefusedError } from "./refused.js";
import { scheduleUatDeadline } from "./uat.js";

export const STABILITY_QUEUE = "lane.stability";

const stabilityJob = z.object({ incidentId: z.string(), endsAt: z.string() });
export type StabilityJob = z.output<typeof stabilityJob>;

export interface DeploymentInput {
  environment: string;
  /** GitHub's production_environment flag, when it says. */
  productionFlag?: boolean;
  sha: string;
  /** GitHub login, or a Slack mention for a manual record. */
  deployer: string;
  reason: string | null;
  /** success | failure | error | merged */
  status: string;
  source: "webhook" | "manual";
  /** deployment_status:<id> or pull_request:<id>: a redelivery carries the same one. */
  externalId?: string;
  /** X-GitHub-Delivery, kept on the timeline for audit (a redelivery repeats it and the externalId). */
  deliveryId?: string;
  occurredAt: Date;
  url?: string | null;
  actor?: string | null;
  /** A merged pull request into the hotfix branch: its merge commit becomes the fix commit. */
  fixCommit?: boolean;
}

export interface DeploymentOutcome {
  recorded: boolean;
  environment: EnvironmentClass | "pull_request";
}

/** The open incident a deployment or pull request belongs to: by branch, tag or commit. */
export async function findIncidentForCommit(db: Db, where: { sha?: string | null; refs: string[] }): Promise<IncidentWithRoles | null> {
  const refs = where.refs.filter(Boolean);
  const or = [
    ...(refs.length ? [{ hotfixBranch: { in: refs } }, { releaseTag: { in: refs } }] : []),
    ...(where.sha ? [{ fixSha: where.sha }] : []),
    {
      milestones: {
        some: {
          kind: { not: "parent" },
          OR: [...(where.sha ? [{ sha: where.sha }] : []), ...(refs.length ? [{ tag: { in: refs } }] : [])],
        },
      },
    },
  ];
  return db.incident.findFirst({
    where: { completedAt: null, phase: { not: "closed" }, OR: or },
    orderBy: { declaredAt: "desc" },
    include: { roles: true },
  });
}

/** Records one deployment (or merged pull request); false when this delivery was recorded before. */
export async function recordDeployment(
  ctx: WorkflowContext,
  incident: IncidentWithRoles,
  input: DeploymentInput,
): Promise<DeploymentOutcome> {
  const { policy } = ctx.config;
  const isPull = input.environment === "pull_request";
  const env: EnvironmentClass | "pull_request" = isPull ? "pull_request" : classifyEnvironment(input.environment, input.productionFlag);
  const success = input.status === "success";
  const windowMs = policy.stability.window.ms;
  const s = stamp(ctx.now());
  const recorded = await ctx.prisma.$transaction(async (tx) => {
    // The incident's lock first: the phase and clocks below are read and written by one request at a time.
    const current = await lockIncident(tx, incident.id);
    const { count } = await tx.deployment.createMany({
      data: [
        {
          incidentId: incident.id,
          environment: input.environment,
          sha: input.sha,
          deployer: input.deployer,
          reason: input.reason,
          status: input.status,
          source: input.source,
          externalId: input.externalId ?? null,
          occurredAt: input.occurredAt,
        },
      ],
      skipDuplicates: true,
    });
    if (count === 0) return false;
    const phase: PhaseName = current.phase;
    const data: {
      stagingDeployedAt?: Date;
      productionDeployedAt?: Date;
      stabilityEndsAt?: Date;
      rolledBackAt?: Date;
      fixSha?: string;
      phase?: PhaseName;
    } = {};
    let movedTo: PhaseName | undefined;
    // Deploying the parent release again is a rollback: logged, but it starts no clock.
    const rollback = !isPull && current.parentSha !== null && current.parentSha.startsWith(input.sha);
    const counts = success && !rollback;
    if (counts && env === "staging" && !current.stagingDeployedAt) data.stagingDeployedAt = input.occurredAt;
    if (counts && env === "staging" && ["declared", "preparing", "fixing"].includes(phase) && canMove(phase, "deploying"))
      movedTo = "deploying";
    let stabilityEndsAt: Date | undefined;
    if (counts && env === "production") {
      // The window only ever moves later: a late (re)delivery of an earlier deploy must not shorten it.
      const endsAt = new Date(input.occurredAt.getTime() + windowMs);
      if (!current.stabilityEndsAt || endsAt > current.stabilityEndsAt) {
        stabilityEndsAt = endsAt;
        data.productionDeployedAt = input.occurredAt;
        data.stabilityEndsAt = stabilityEndsAt;
      }
      if (isOpen(phase) && phase !== "monitoring" && canMove(phase, "monitoring")) movedTo = "monitoring";
    }
    // Production back on the parent while a release stands: the release is rolled back (completion waits for a new one).
    const productionRollback = rollback && success && env === "production" && current.releaseTag !== null && current.rolledBackAt === null;
    if (productionRollback) {
      data.rolledBackAt = input.occurredAt;
      if (phase !== "fixing" && canMove(phase, "fixing")) movedTo = "fixing";
    }
    if (input.fixCommit && (!current.releaseTag || current.rolledBackAt)) data.fixSha = input.sha;
    if (movedTo) data.phase = movedTo;
    if (Object.keys(data).length) await tx.incident.update({ where: { id: incident.id }, data });
    const line = `${deploymentLine({ ...input, occurredAt: input.occurredAt })}${rollback ? ` (the parent release ${current.parentTag ?? ""}: a rollback)` : ""}`;
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: isPull ? "pull_request_merged" : success ? "deployed" : "deployment_failed",
      summary: line,
      actor: input.actor ?? null,
      occurredAt: input.occurredAt,
      data: {
        environment: input.environment,
        class: env,
        sha: input.sha,
        deployer: input.deployer,
        reason: input.reason,
        status: input.status,
        source: input.source,
        rollback,
        externalId: input.externalId ?? null,
        deliveryId: input.deliveryId ?? null,
        url: input.url ?? null,
      },
    });
    if (movedTo) {
      await recordEvent(tx, {
        incidentId: incident.id,
        kind: "phase_changed",
        summary: `Phase ${phase} -> ${movedTo}: ${env} deploy of ${shortSha(input.sha)}`,
        occurredAt: input.occurredAt,
        data: { from: phase, to: movedTo },
      });
    }
    const message = {
      kind: "deployed" as const,
      number: incident.number,
      environment: input.environment,
      envClass: env,
      sha: input.sha,
      status: input.status,
      source: input.source,
      deployer: input.deployer,
      actor: input.actor ?? null,
      reason: input.reason,
      url: input.url ?? null,
      rollback,
      parentTag: current.parentTag,
      rolledBackRelease: productionRollback ? current.releaseTag : null,
      stabilityEndsAt: stabilityEndsAt?.toISOString() ?? null,
      uatClockStarts: !current.stagingDeployedAt && env === "staging" && counts,
    };
    const followUps = counts && env === "production" ? await afterProductionDeploy(ctx, tx, current, { ...input, sha: input.sha }, s) : [];
    await addEffects(tx, incident.id, [
      warRoom.post(message, `deploy:${s}`),
      ...(Object.keys(data).length ? [warRoom.refreshCard(`deploy-${s}`)] : []),
      ...followUps,
    ]);
    // The first staging deploy starts the UAT clock (runbooks 000 and 001): a reminder before the deadline, a warning at it.
    if (data.stagingDeployedAt) await scheduleUatDeadline(ctx, tx, incident.id, data.stagingDeployedAt);
    if (stabilityEndsAt) {
      const job: StabilityJob = { incidentId: incident.id, endsAt: stabilityEndsAt.toISOString() };
      await ctx.jobs.send(STABILITY_QUEUE, job, { tx, startAfter: stabilityEndsAt, singletonKey: `${incident.id}:${job.endsAt}` });
    }
    await queueSync(ctx, tx, incident.id);
    return true;
  });
  return { recorded, environment: env };
}

/** `/hotfix deployed staging|production [sha] [reason]`: a deployment recorded by hand. */
export async function recordManualDeployment(
  ctx: WorkflowContext,
  incident: IncidentWithRoles,
  input: { environment: string; sha?: string; reason?: string; deployerName?: string },
  actor: string,
): Promise<{ sha: string; environment: string }> {
  await requirePermission(ctx, actor, "record_deploy", incident);
  if (incident.completedAt) throw new RefusedError("This hotfix was completed; deployments are no longer recorded on it.");
  if (incident.phase === "closed") throw new RefusedError("The incident is closed.");
  const env = classifyEnvironment(input.environment);
  if (env === "other") throw new RefusedError("Usage: `/hotfix deployed staging|production [sha] [reason]`");
  const given = input.sha?.toLowerCase();
  if (given !== undefined && !isShaLike(given)) throw new RefusedError(`\`${input.sha}\` is not a commit sha (7 to 40 hex digits).`);
  const sha = given ?? incident.fixSha;
  if (!sha) throw new RefusedError("Which commit? No release yet, so name it: `/hotfix deployed staging <sha>`.");
  await recordDeployment(ctx, incident, {
    environment: env,
    sha,
    // A name, not a Slack mention: the log ends up in CHANGELOG.md too.
    deployer: input.deployerName ?? actor,
    reason: input.reason?.trim() || null,
    status: "success",
    source: "manual",
    occurredAt: ctx.now(),
    actor,
  });
  return { sha, environment: env };
}

/** The stability window ran out: say so once, unless a newer deploy moved it, or the hotfix is over. */
export async function fireStabilityWindow(ctx: WorkflowContext, job: StabilityJob): Promise<"sent" | "stale"> {
  const incident = await findIncident(ctx.prisma, job.incidentId);
  if (!incident || incident.completedAt || incident.rolledBackAt || incident.stabilityEndsAt?.toISOString() !== job.endsAt) return "stale";
  const window = ctx.config.policy.stability.window.text;
  const started = incident.productionDeployedAt;
  const message = {
    kind: "stability_window_passed" as const,
    number: incident.number,
    window,
    sinceDeployMs: started ? incident.stabilityEndsAt.getTime() - started.getTime() : null,
  };
  await ctx.prisma.$transaction(async (tx) => {
    if ((await addEffects(tx, incident.id, [warRoom.post(message, `stability:${job.endsAt}`)])) === 0) return;
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "stability_window_passed",
      summary: `Stability window (${window}) passed`,
      occurredAt: ctx.now(),
      data: { endsAt: job.endsAt },
    });
    await queueSync(ctx, tx, incident.id);
  });
  return "sent";
}

export const stabilityTimer: TimerDefinition = {
  name: STABILITY_QUEUE,
  retryLimit: 5,
  fire: (ctx, data) => fireStabilityWindow(ctx, stabilityJob.parse(data)),
};
