// The composition root: config -> database -> jobs -> Slack -> HTTP.
// `main.ts`, the CLI's demo and the tests all start the bot through here.
import type { RetryOptions } from "@slack/web-api";
import type { Logger } from "pino";
import type { Config } from "./config.js";
import type { AppContext } from "./context.js";
import { APP_HOME_STEPS } from "./effects/app-home.js";
import { GITHUB_BRANCH_STEPS } from "./effects/github-branch.js";
import { GITHUB_COMPLETE_STEPS } from "./effects/github-complete.js";
import { GITHUB_RELEASE_STEPS } from "./effects/github-release.js";
import { GITHUB_ROLLBACK_STEPS } from "./effects/github-rollback.js";
import { runWatchTimer } from "./effects/github-runs.js";
import { GITHUB_TAG_STEPS } from "./effects/github-tag.js";
import { GUARDRAIL_STEPS } from "./effects/guardrails.js";
import { POSTMORTEM_STEPS } from "./effects/postmortem.js";
import { UAT_STEPS } from "./effects/uat.js";
import { WAIVER_STEPS } from "./effects/waivers.js";
import { reportFailedStep, WAR_ROOM_STEPS } from "./effects/war-room.js";
import { alertRoutes } from "./http/alerts.js";
import { exportRoutes } from "./http/exports.js";
import { githubWebhookRoutes } from "./http/github-webhook.js";
import { healthRoutes } from "./http/health.js";
import { createMetrics, type Metrics, registerIncidentStageMetrics } from "./http/metrics.js";
import { createHttpServer, type Route } from "./http/server.js";
import { createGitHubClient, type GitHubClientOptions } from "./integrations/github.js";
import { createLinearAdapter } from "./integrations/linear.js";
import { usergroupMembers } from "./integrations/slack.js";
import { PacedWebClient, type PaceRule } from "./integrations/slack-pacing.js";
import { defineJobs, type EffectRegistry, SWEEP_QUEUE, type TimerDefinition } from "./jobs/index.js";
import { createJobQueue, type JobQueue } from "./jobs/queue.js";
import { SYNC_QUEUE } from "./jobs/side-effects.js";
import { createWorkerInstance, type WorkerInstance } from "./jobs/worker-instance.js";
import { createSlackApp } from "./slack/app.js";
import { registerListeners } from "./slack/listeners/index.js";
import { type Database, openDatabase } from "./store/database.js";
import { incidentStageTimes } from "./store/postmortem.js";
import { stabilityTimer } from "./workflows/deploy.js";
import { postmortemDueTimer } from "./workflows/postmortem.js";
import { slaTimer } from "./workflows/sla.js";
import { linearTimer, uatDeadlineTimer } from "./workflows/uat.js";
import { waiverExpiryTimer } from "./workflows/waivers.js";

/**
 * The outbox's steps, every area's: the runner finds a step by its key's
 * prefix. A new area's steps are added here.
 */
export function effectRegistry(): EffectRegistry {
  return {
    steps: [
      ...WAR_ROOM_STEPS,
      ...GITHUB_BRANCH_STEPS,
      ...GITHUB_TAG_STEPS,
      ...GITHUB_RELEASE_STEPS,
      ...GITHUB_ROLLBACK_STEPS,
      ...GITHUB_COMPLETE_STEPS,
      ...GUARDRAIL_STEPS,
      ...WAIVER_STEPS,
      ...UAT_STEPS,
      ...POSTMORTEM_STEPS,
      ...APP_HOME_STEPS,
    ],
    reportFailure: reportFailedStep,
  };
}

/** The durable timers; a new timer (UAT due, waiver expiry ...) is added here. */
export function timers(): TimerDefinition[] {
  return [slaTimer, stabilityTimer, postmortemDueTimer, uatDeadlineTimer, linearTimer, waiverExpiryTimer, runWatchTimer];
}

export interface StartOptions {
  logger: Logger;
  port?: number;
  host?: string;
  /** An already opened database (tests); otherwise opened from config. */
  database?: Database;
  slackRetryConfig?: RetryOptions;
  /** Tests poll faster; production relies on LISTEN/NOTIFY plus a 2 s poll. */
  jobPollingSeconds?: number;
  /** Run no job workers (a web-only replica, or a test that drives jobs by hand). */
  workers?: boolean;
  now?: () => Date;
  /** How long a claimed side effect belongs to its worker (tests shorten it to show crash recovery). */
  effectLeaseMs?: number;
  /** GitHub client tuning (tests turn throttling off and shorten waits). */
  github?: GitHubClientOptions;
  /** First backoff of a failed step (default 2 s, x3 per failure up to 5 min); tests shorten it. */
  effectBackoffMs?: number;
  /** The Slack tiers the outbox paces to (default Slack's published ones); tests scale them like the emulator's. */
  slackPacing?: Record<string, PaceRule>;
  /** Worker heartbeat and when a silent worker counts as gone (defaults 1 s and 6 s). */
  heartbeatMs?: number;
  workerStaleMs?: number;
}

export interface RunningApp {
  url: string;
  ctx: AppContext;
  database: Database;
  jobs: JobQueue;
  metrics: Metrics;
  stop(): Promise<void>;
}

export async function startHotfixCommander(config: Config, options: StartOptions): Promise<RunningApp> {
  const { logger } = options;
  const database = options.database ?? (await openDatabase(config, logger));
  const metrics = createMetrics();
  const slack = createSlackApp({ config, logger, ...(options.slackRetryConfig ? { retryConfig: options.slackRetryConfig } : {}) });
  const jobs = createJobQueue({ connectionString: database.url, logger, pollingIntervalSeconds: options.jobPollingSeconds ?? 2 });
  const ctx: AppContext = {
    config,
    logger,
    prisma: database.prisma,
    jobs,
    slack: slack.client,
    metrics,
    botUserId: () => slack.identity().then((identity) => identity.botUserId),
    now: options.now ?? (() => new Date()),
    usergroupMembers: (usergroup) => usergroupMembers(slack.client, usergroup),
  };
  const github = createGitHubClient(config.env, logger, options.github);
  if (github) ctx.github = github;
  const linear = createLinearAdapter(config.env, config.policy.linear, logger);
  if (linear) ctx.linear = linear;
  registerListeners(slack.app, ctx);
  // Background work gets its own Slack client (paced to the tiers, Retry-After honoured, a timeout, no hidden retries):
  // the same context otherwise (a prototype, so later additions to ctx are seen too).
  const outboxSlack = new PacedWebClient({
    token: config.env.SLACK_BOT_TOKEN,
    slackApiUrl: config.env.SLACK_API_URL,
    ...(options.slackPacing ? { rules: options.slackPacing } : {}),
  });
  const workerCtx: AppContext = Object.create(ctx, {
    slack: { value: outboxSlack, enumerable: true },
    usergroupMembers: { value: (usergroup: string) => usergroupMembers(outboxSlack, usergroup), enumerable: true },
  });
  let instance: WorkerInstance | undefined;
  const timerList = timers();
  if (options.workers !== false)
    defineJobs(jobs, workerCtx, effectRegistry(), timerList, {
      effectLeaseMs: options.effectLeaseMs ?? config.env.HOTFIX_EFFECT_LEASE_MS,
      ...(options.effectBackoffMs ? { effectBackoffMs: options.effectBackoffMs } : {}),
      instance: () => instance,
    });
  // Time to declare, branch, deploy and resolve (issue 11), from the database at each scrape.
  registerIncidentStageMetrics(metrics, () => incidentStageTimes(database.prisma));
  const routes: Route[] = [...healthRoutes(database.prisma, metrics, logger), ...githubWebhookRoutes(ctx), ...alertRoutes(ctx)];
  const http = createHttpServer({
    routes,
    prefixRoutes: exportRoutes(ctx),
    metrics,
    logger,
    ...(slack.requestListener ? { slackListener: slack.requestListener, slackSigningSecret: config.env.SLACK_SIGNING_SECRET ?? "" } : {}),
  });
  try {
    await jobs.start();
    if (options.workers !== false) {
      // Take over at once what a dead process held (and re-run the jobs it had fetched), then renew our heartbeat.
      instance = createWorkerInstance(workerCtx, {
        queues: [SYNC_QUEUE, ...timerList.map((t) => t.name)],
        ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
        ...(options.workerStaleMs ? { staleMs: options.workerStaleMs } : {}),
      });
      await instance.start();
      // Pick up whatever a previous run left half-done, then keep sweeping.
      await jobs.send(SWEEP_QUEUE, { olderThanMs: 0 });
      await jobs.boss.schedule(SWEEP_QUEUE, "* * * * *", {});
    }
    if (slack.socketMode) await slack.app.start();
  } catch (error) {
    await instance?.stop().catch(() => undefined);
    await jobs.stop(1_000).catch(() => undefined);
    if (!options.database) await database.close();
    throw error;
  }
  const url = await http.listen(options.port ?? config.env.PORT, options.host);
  logger.info({ url, socketMode: slack.socketMode, embeddedDatabase: database.embedded }, "Hotfix Commander is up");
  // Learn who the bot is now rather than on the first request; an unreachable Slack is only a warning here
  // (the look-up is asked again on the next request).
  slack
    .identity()
    .catch((error: unknown) =>
      logger.warn({ err: error }, "could not reach Slack to look up the bot's identity (auth.test); will ask again"),
    );
  let stopping: Promise<void> | undefined;
  return {
    url,
    ctx,
    database,
    jobs,
    metrics,
    stop() {
      stopping ??= (async () => {
        logger.info("shutting down: no new requests, finishing work in flight");
        await http.close();
        if (slack.socketMode) await slack.app.stop().catch(() => undefined);
        await jobs.stop();
        await instance?.stop();
        if (!options.database) await database.close();
        logger.info("stopped");
      })();
      return stopping;
    },
  };
}
