// What a workflow needs, handed in rather than imported, so tests and the demo
// can run the same workflows against emulators.
import type { WebClient } from "@slack/web-api";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { Metrics } from "../http/metrics.js";
import type { GitHubClient } from "../integrations/github.js";
import type { JobQueue } from "../jobs/queue.js";
import type { Db } from "../store/prisma.js";

export interface WorkflowContext {
  config: Config;
  logger: Logger;
  prisma: Db;
  jobs: JobQueue;
  slack: WebClient;
  metrics: Metrics;
  /** The bot's own user id (from auth.test), to recognise its own channels and messages. */
  botUserId: () => Promise<string>;
  now: () => Date;
  /** GitHub for the release lane; undefined when GITHUB_TOKEN / GITHUB_REPOSITORY are not set. */
  github?: GitHubClient;
}
