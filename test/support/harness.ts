// The real app on a random port, against the Slack emulator and a fresh
// database of its own. Tests speak to it as Slack does (signed HTTP) and
// assert on the emulator's workspace and on the database.

import { type GitHubEmulator, type GitHubEmulatorOptions, startGitHubEmulator } from "@hotfix/github-emulator";
import { type LinearEmulator, type LinearEmulatorOptions, startLinearEmulator } from "@hotfix/linear-emulator";
import { type SlackEmulator, startSlackEmulator } from "@hotfix/slack-emulator";
import pino from "pino";
import { type RunningApp, startHotfixCommander } from "../../src/app.js";
import { type Config, envSchema, parsePolicy } from "../../src/config.js";
import type { GitHubClientOptions } from "../../src/integrations/github.js";
import { createTestDatabase, type TestDatabase } from "./database.js";
import { sharedSpecs } from "./shared-specs.js";

export const SIGNING_SECRET = "test-signing-secret";
export const BOT_TOKEN = "xoxb-test-token";
export const GITHUB_TOKEN = "ghp_test_token";
export const GITHUB_WEBHOOK_SECRET = "test-github-webhook-secret";
/** GitHub without throttling and with waits of milliseconds, so retries do not slow the suite. */
export const FAST_GITHUB: GitHubClientOptions = { throttle: false, retryAfterBaseValue: 5 };

export interface Harness {
  app: RunningApp;
  slack: SlackEmulator;
  db: TestDatabase;
  config: Config;
  /** The GitHub emulator (acme/payments seeded), when started with `github`. */
  github?: GitHubEmulator;
  /** The Linear emulator (team ENG, project HOTFIX seeded), when started with `linear`. */
  linear?: LinearEmulator;
  /** Starts a second app (another replica, or a restart) on the same database. */
  startReplica(options?: { effectLeaseMs?: number }): Promise<RunningApp>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  policy?: unknown;
  env?: Record<string, string>;
  effectLeaseMs?: number;
  workers?: boolean;
  /** Start the GitHub emulator and point GITHUB_* (and the webhook secret) at it. */
  github?: boolean | Omit<GitHubEmulatorOptions, "specPath">;
  /** Start the Linear emulator and point LINEAR_API_KEY / LINEAR_API_URL at it. */
  linear?: boolean | Omit<LinearEmulatorOptions, "schemaPath">;
  /** GitHub client tuning; default FAST_GITHUB. */
  githubClient?: GitHubClientOptions;
  /** The app's clock (tests move it forward, e.g. past a stability window). */
  now?: () => Date;
}

export function testConfig(slackApiUrl: string, options: HarnessOptions = {}): Config {
  return {
    env: envSchema.parse({
      NODE_ENV: "test",
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slackApiUrl,
      ...options.env,
    }),
    policy: parsePolicy(options.policy ?? {}, "test policy"),
    policySource: "test",
  };
}

/** The real app on a random port over a test database (which it does not close). */
export function startTestApp(
  config: Config,
  db: TestDatabase,
  options: { effectLeaseMs?: number; workers?: boolean; github?: GitHubClientOptions; now?: () => Date } = {},
): Promise<RunningApp> {
  return startHotfixCommander(config, {
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    port: 0,
    host: "127.0.0.1",
    database: { url: db.url, prisma: db.prisma, embedded: false, close: async () => undefined },
    slackRetryConfig: { retries: 0 },
    jobPollingSeconds: 0.5,
    // Failed steps back off from 50 ms (x3 per failure), not 2 s: the suite stays fast; the ratio is the same.
    effectBackoffMs: 50,
    // The emulator's limits are off here, so the outbox does not pace itself either (test/e2e/rate-limits.faults.test.ts
    // turns both on, at Slack's tiers in scaled time).
    slackPacing: {},
    ...(options.effectLeaseMs ? { effectLeaseMs: options.effectLeaseMs } : {}),
    ...(options.workers === false ? { workers: false } : {}),
    github: options.github ?? FAST_GITHUB,
    ...(options.now ? { now: options.now } : {}),
  });
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const db = await createTestDatabase();
  const slack = await startSlackEmulator({ port: 0, signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
  const github = options.github
    ? await startGitHubEmulator({
        specPath: sharedSpecs.githubRest,
        token: GITHUB_TOKEN,
        ...(typeof options.github === "object" ? options.github : {}),
      })
    : undefined;
  const linear = options.linear
    ? await startLinearEmulator({ schemaPath: sharedSpecs.linearSchema, ...(typeof options.linear === "object" ? options.linear : {}) })
    : undefined;
  const config = testConfig(slack.apiUrl, {
    ...options,
    env: {
      ...(linear ? { LINEAR_API_KEY: linear.apiKey, LINEAR_API_URL: linear.url } : {}),
      ...(github ? { GITHUB_TOKEN, GITHUB_REPOSITORY: "acme/payments", GITHUB_API_URL: github.url, GITHUB_WEBHOOK_SECRET } : {}),
      ...options.env,
    },
  });
  const apps: RunningApp[] = [];
  const start = async (lease?: number) => {
    const leaseMs = lease ?? options.effectLeaseMs;
    const app = await startTestApp(config, db, {
      ...(leaseMs ? { effectLeaseMs: leaseMs } : {}),
      ...(options.workers === false ? { workers: false } : {}),
      ...(options.githubClient ? { github: options.githubClient } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    apps.push(app);
    return app;
  };
  const app = await start();
  slack.setAppUrl(`${app.url}/slack/events`);
  return {
    app,
    slack,
    db,
    config,
    ...(github ? { github } : {}),
    ...(linear ? { linear } : {}),
    startReplica: (o = {}) => start(o.effectLeaseMs),
    async close() {
      for (const a of apps) await a.stop().catch(() => undefined);
      await slack.close();
      await github?.close();
      await linear?.stop();
      await db.drop();
    },
  };
}

/** Polls until the check passes (jobs run asynchronously after the ack). */
export async function eventually<T>(check: () => Promise<T> | T, { timeoutMs = 15_000, intervalMs = 50 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
  throw lastError;
}
