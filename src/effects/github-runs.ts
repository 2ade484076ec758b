// Dispatched workflow runs watched to their end (runbook 004 step 5, "watch
// workflow"): the release workflow (github-release.ts) and the redeploy of the
// previous release on rollback (github-rollback.ts). A durable timer reads the
// run with backoff (policy github.watchRuns: from `every`, doubling, up to
// `max` between reads; one or two GET requests a read, far under GitHub's
// 5,000 an hour; a rate limit or a 5xx only pushes the next read to `max`).
// Each change is written once (timeline + war-room post in one transaction):
// the run found, waiting for an environment's approvals (and who can approve),
// succeeded (a release counts only now) or failed/cancelled (reported with its
// link; the incident stays in fixing).
import { z } from "zod";
import type { AppContext } from "../context.js";
import { shortSha } from "../domain/names.js";
import { dispatchedRun, pendingDeployments, type RunInfo, releaseByTag, workflowRun } from "../integrations/github.js";
import type { TimerDefinition } from "../jobs/index.js";
import { runFailedMessage, runFoundMessage, runSucceededMessage, runWaitingMessage } from "../slack/blocks/release-lane-messages.js";
import { findIncident } from "../store/incidents.js";
import { recordOnce, type Tx } from "../store/timeline.js";
import { addEffects, queueSync } from "./outbox.js";
import { recordReleased } from "./release-record.js";
import { warRoom } from "./war-room.js";

export const RUN_WATCH_QUEUE = "lane.workflow-run";

const releaseFields = z.object({
  version: z.string(),
  commit: z.string(),
  parentTag: z.string(),
  parentSha: z.string().nullable(),
  actor: z.string(),
  riskLevel: z.string(),
  waivers: z.array(z.string()),
});

const watchJob = z.object({
  incidentId: z.string(),
  purpose: z.enum(["release", "rollback"]),
  /** The release tag, or the tag production goes back to. */
  tag: z.string(),
  workflow: z.string(),
  /** The branch the workflow was dispatched on (to find the run when the dispatch gave no id). */
  ref: z.string(),
  dispatchedAt: z.string(),
  runId: z.number().nullable(),
  attempt: z.number().int().min(0),
  release: releaseFields.optional(),
});
export type RunWatch = z.input<typeof watchJob>;
type Watch = z.output<typeof watchJob>;

/** Milliseconds before read number `attempt`: every, 2x, 4x ... capped at max. */
export function watchDelay(ctx: AppContext, attempt: number): number {
  const { every, max } = ctx.config.policy.github.watchRuns;
  return Math.min(max.ms, every.ms * 2 ** Math.min(attempt, 20));
}

/** Starts watching (in the caller's transaction, so the dispatch and its watch are recorded together). */
export async function watchRun(ctx: AppContext, tx: Tx | undefined, watch: RunWatch): Promise<void> {
  const job = watchJob.parse(watch);
  await ctx.jobs.send(RUN_WATCH_QUEUE, job, {
    ...(tx ? { tx } : {}),
    // A poll interval is wall-clock time for the job queue (not the app's clock, which tests and replays move).
    startAfter: new Date(Date.now() + watchDelay(ctx, job.attempt)),
    singletonKey: `${job.incidentId}:${job.purpose}:${job.dispatchedAt}:${job.attempt}`,
  });
}

const again = (ctx: AppContext, job: Watch, runId: number | null, slow = false) =>
  watchRun(ctx, undefined, { ...job, runId, attempt: slow ? Math.max(job.attempt + 1, 30) : job.attempt + 1 });

/** One read of the run; schedules the next unless the run ended. */
export async function checkRun(ctx: AppContext, data: unknown): Promise<"ended" | "watching" | "stale"> {
  const job = watchJob.parse(data);
  const incident = await findIncident(ctx.prisma, job.incidentId);
  const gh = ctx.github;
  if (!incident || !gh || incident.completedAt) return "stale";
  let run: RunInfo | undefined;
  try {
    run = job.runId ? await workflowRun(gh, job.runId) : await dispatchedRun(gh, job.workflow, job.ref, new Date(job.dispatchedAt));
  } catch (error) {
    // A rate limit or an outage: read again later, at the slowest pace; the watch is never dropped.
    ctx.logger.warn({ err: error, runId: job.runId }, "reading a workflow run failed; trying later");
    await again(ctx, job, job.runId, true);
    return "watching";
  }
  if (!run) {
    await again(ctx, job, job.runId);
    return "watching";
  }
  const found = run;
  const key = `gh-run:${found.id}`;
  if (!job.runId) {
    await once(ctx, job, `${key}:found`, [
      warRoom.post({ kind: "mrkdwn", text: runFoundMessage({ ...job, url: found.htmlUrl }) }, `${key}:found`),
    ]);
  }
  if (found.status === "completed") {
    await finish(ctx, job, found);
    return "ended";
  }
  if (found.status === "waiting") {
    const pending = await pendingDeployments(gh, found.id).catch(() => []);
    await once(
      ctx,
      job,
      `${key}:waiting:${pending.map((p) => p.environment).join(",")}`,
      [warRoom.post({ kind: "mrkdwn", text: runWaitingMessage({ purpose: job.purpose, url: found.htmlUrl, pending }) }, `${key}:waiting`)],
      {
        kind: "workflow_run_waiting",
        summary: `${job.workflow} run waits for approval of ${pending.map((p) => `${p.environment} (${p.reviewers.join(", ")})`).join("; ") || "an environment"}`,
        data: { runId: found.id, url: found.htmlUrl, pending },
      },
    );
  }
  await again(ctx, job, found.id);
  return "watching";
}

/** Queues posts (and an event) once: the outbox row ids are the claim. */
async function once(
  ctx: AppContext,
  job: Watch,
  claim: string,
  rows: ReturnType<typeof warRoom.post>[],
  event?: { kind: "workflow_run_waiting"; summary: string; data: Record<string, unknown> },
): Promise<void> {
  await ctx.prisma.$transaction(async (tx) => {
    if ((await addEffects(tx, job.incidentId, rows)) === 0) return;
    if (event) await recordOnce(tx, claim, { incidentId: job.incidentId, occurredAt: ctx.now(), ...event, data: event.data as never });
    await queueSync(ctx, tx, job.incidentId);
  });
}

async function finish(ctx: AppContext, job: Watch, run: RunInfo): Promise<void> {
  const key = `gh-run:${run.id}`;
  const ok = run.conclusion === "success";
  const conclusion = run.conclusion ?? "unknown";
  const post = warRoom.post(
    {
      kind: "mrkdwn",
      text: ok ? runSucceededMessage({ ...job, url: run.htmlUrl }) : runFailedMessage({ ...job, url: run.htmlUrl, conclusion }),
    },
    `${key}:end`,
  );
  if (ok && job.purpose === "release" && job.release) {
    const r = job.release;
    // The workflow publishes the GitHub release; link it when it is there, else the run.
    const gh = ctx.github;
    const release = gh ? await releaseByTag(gh, job.tag).catch(() => undefined) : undefined;
    await ctx.prisma.$transaction(async (tx) => {
      await recordReleased(
        ctx,
        job.incidentId,
        key,
        {
          tag: job.tag,
          version: r.version,
          parentTag: r.parentTag,
          parentSha: r.parentSha,
          commit: r.commit,
          releaseId: release?.id ?? null,
          releaseUrl: release?.htmlUrl ?? run.htmlUrl,
          actor: r.actor,
        },
        {
          kind: "released",
          summary: `Released ${job.tag} (${shortSha(r.commit)}): the ${job.workflow} run succeeded (${run.htmlUrl})`,
          data: { tag: job.tag, commit: r.commit, runId: run.id, url: run.htmlUrl, riskLevel: r.riskLevel, waivers: r.waivers },
        },
        tx,
      );
      await addEffects(tx, job.incidentId, [post]);
      await queueSync(ctx, tx, job.incidentId);
    });
    return;
  }
  const kind = ok ? "rollback_redeployed" : job.purpose === "release" ? "release_run_failed" : "rollback_run_failed";
  await ctx.prisma.$transaction(async (tx) => {
    await recordOnce(tx, key, {
      incidentId: job.incidentId,
      kind,
      summary: ok
        ? `Production redeployed at ${job.tag}: the ${job.workflow} run succeeded (${run.htmlUrl})`
        : `The ${job.workflow} run for ${job.tag} ended ${conclusion} (${run.htmlUrl})`,
      occurredAt: ctx.now(),
      data: { tag: job.tag, runId: run.id, url: run.htmlUrl, conclusion },
    });
    await addEffects(tx, job.incidentId, [post]);
    await queueSync(ctx, tx, job.incidentId);
  });
}

export const runWatchTimer: TimerDefinition = {
  name: RUN_WATCH_QUEUE,
  retryLimit: 10,
  fire: checkRun,
};
