// What workflows, effects, jobs and listeners need, handed in by app.ts rather
// than imported, so tests and the demo run the same code against emulators.
import type { WebClient } from "@slack/web-api";
import type { Logger } from "pino";
import type { Config } from "./config.js";
import type { Metrics } from "./http/metrics.js";
import type { GitHubClient } from "./integrations/github.js";
import type { LinearAdapter } from "./integrations/linear.js";
import type { JobQueue } from "./jobs/queue.js";
import type { Db } from "./store/prisma.js";

export interface AppContext {
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
  /** Linear for UAT feedback and follow-ups; undefined when LINEAR_API_KEY is not set. */
  linear?: LinearAdapter;
  /** Members of a Slack user group (for permissions); app.ts wires it to usergroups.users.list. */
  usergroupMembers?: (usergroup: string) => Promise<string[]>;
}

/** The same context, as workflows name it. */
export type WorkflowContext = AppContext;
