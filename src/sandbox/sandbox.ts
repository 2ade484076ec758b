// The local sandbox: the whole product on one machine with no accounts. The
// Slack, GitHub and Linear emulators (dev-only workspace packages, loaded here
// and only here, dynamically) and the real bot wired to them over HTTP, on the
// embedded Postgres (or DATABASE_URL). The Slack emulator serves the page a
// person uses; this module adds the GitHub and Linear side panels, so the three
// emulators stay independent of each other.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { GitHubEmulator } from "@hotfix/github-emulator";
import type { LinearEmulator } from "@hotfix/linear-emulator";
import type { PanelData, SlackEmulator } from "@hotfix/slack-emulator";
import pg from "pg";
import type { Logger } from "pino";
import { type RunningApp, startHotfixCommander } from "../app.js";
import { type Config, envSchema, loadPolicyFile, mergePolicy, parsePolicy } from "../config.js";
import { runningPostmaster } from "../store/embedded.js";
import {
  type AlertLog,
  GITHUB_ACTIONS,
  githubAction,
  LINEAR_ACTIONS,
  linearAction,
  MONITORING_ACTIONS,
  monitoringAction,
  type OutsideWorld,
  SANDBOX_REPOSITORY,
} from "./outside-world.js";

export { SANDBOX_REPOSITORY } from "./outside-world.js";

/** The repository root, from this file's place (src/sandbox/). */
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MANIFEST = path.join(ROOT, "manifest.yml");

export const SANDBOX_GITHUB_TOKEN = "ghp_sandbox_token";
export const SANDBOX_LINEAR_KEY = "lin_api_sandbox";

/**
 * The sandbox's policy: the runbooks' defaults, with the people of the seeded
 * workspace in their roles (alice: on call and release captain; bob and carol:
 * approvers; carol and erin: UAT stakeholders) and #incidents #eng-prod
 * #stakeholders as the announcement channels (the defaults already).
 */
export const SANDBOX_POLICY = {
  people: {
    oncall: { usergroup: "S0ONCALL", users: [] },
    approvers: { usergroup: "S0APPROVERS", users: [] },
    releaseCaptains: { usergroup: "S0CAPTAINS", users: [] },
    incidentManagers: { usergroup: null, users: ["U0ALICE"] },
  },
  uat: { stakeholders: { usergroups: ["S0STAKEHOLDERS"], users: [] } },
  links: {
    runbook: "https://wiki.example.com/hotfix",
    sentry: "https://sentry.example.com/acme/payments",
    dashboard: "https://grafana.example.com/d/payments",
  },
};

export interface SandboxOptions {
  logger: Logger;
  /** Port of the page (the Slack emulator); 0 picks a free one. */
  port: number;
  host?: string;
  /** Where the embedded Postgres lives (a `sandbox` folder under it, fresh each start). */
  dataDir: string;
  /** A Postgres server to use instead: the sandbox makes its own `<name>_sandbox` database there, fresh each start. */
  databaseUrl?: string;
  /** Where ../shared/specs is (the GitHub and Linear emulators read their API descriptions there). */
  specsDir?: string;
  /** Policy keys over SANDBOX_POLICY (the demo shortens the stability window). */
  policy?: unknown;
  /** A policy file (HOTFIX_POLICY) over both. */
  policyFile?: string;
}

export interface Sandbox {
  /** The page: the one URL a person opens. */
  url: string;
  slack: SlackEmulator;
  github: GitHubEmulator | undefined;
  linear: LinearEmulator | undefined;
  app: RunningApp;
  /** Signs the GitHub webhooks the sandbox sends to the bot. */
  githubWebhookSecret: string;
  /** Bearer token of the bot's alert webhooks (ALERTS_TOKEN) and of its HTTP exports (EXPORT_TOKEN). */
  alertsToken: string;
  exportToken: string;
  /** Why an emulator is missing, if one is. */
  notes: string[];
  stop(): Promise<void>;
}

type Emulators = {
  slack: typeof import("@hotfix/slack-emulator");
  github: typeof import("@hotfix/github-emulator");
  linear: typeof import("@hotfix/linear-emulator");
};

/**
 * The emulators are dev-only workspace packages, absent from the build and the
 * production image: load them only when the sandbox runs, and say what is
 * missing instead of a bare module-not-found.
 */
async function loadEmulators(): Promise<Emulators> {
  try {
    const [slack, github, linear] = await Promise.all([
      import("@hotfix/slack-emulator"),
      import("@hotfix/github-emulator"),
      import("@hotfix/linear-emulator"),
    ]);
    return { slack, github, linear };
  } catch (error) {
    throw new Error(
      "The sandbox runs the Slack, GitHub and Linear emulators, dev-only TypeScript workspace packages that are not in the build or the image: run `npm install` then `npm start` in a checkout of the repository",
      { cause: error },
    );
  }
}

/** A fresh embedded database each start: the emulators live in memory, so yesterday's incidents would point at nothing. */
function freshDataDir(dataDir: string): string {
  const dir = path.resolve(dataDir, "sandbox");
  const cluster = path.join(dir, "postgres");
  const pid = existsSync(cluster) ? runningPostmaster(cluster) : null;
  if (pid) {
    throw new Error(`Another sandbox is running on ${dir} (Postgres PID ${pid}): stop it first, or give this one its own HOTFIX_DATA_DIR.`);
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * With DATABASE_URL, the sandbox works in a database of its own beside that
 * one (`<name>_sandbox`), dropped and made afresh at each start and dropped at
 * the end: the emulators live in memory, so earlier incidents would point at
 * channels and tags that no longer exist. The database DATABASE_URL names is
 * never touched.
 */
async function freshDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const base = new URL(url);
  const name = `${decodeURIComponent(base.pathname.slice(1)) || "postgres"}_sandbox`.slice(0, 63);
  const quoted = `"${name.replaceAll('"', '""')}"`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`drop database if exists ${quoted} with (force)`);
  await admin(`create database ${quoted}`);
  const own = new URL(url);
  own.pathname = `/${encodeURIComponent(name)}`;
  return { url: own.toString(), drop: () => admin(`drop database if exists ${quoted} with (force)`) };
}

function githubPanel(github: GitHubEmulator): PanelData {
  const repo = github.repo(SANDBOX_REPOSITORY);
  const short = (sha: string) => sha.slice(0, 7);
  const branches = repo.branchNames().map((name) => {
    const branch = repo.branch(name);
    return { text: name, detail: short(branch?.sha ?? ""), ...(branch?.protected ? { badge: "protected" } : {}) };
  });
  const tags = repo
    .tagNames()
    .map((name) => ({ name, tag: repo.tag(name) }))
    .reverse()
    .map(({ name, tag }) => ({ text: name, detail: `${short(tag?.sha ?? "")}${tag?.annotated ? " · annotated" : ""}` }));
  const releases = [...repo.releases].reverse().map((r) => ({
    text: r.name ?? r.tagName,
    detail: r.tagName,
    ...(r.prerelease
      ? { badge: "pre-release" }
      : r.draft
        ? { badge: "draft" }
        : repo.latestRelease()?.id === r.id
          ? { badge: "latest" }
          : {}),
  }));
  const runs = [...repo.workflowRuns.list()].reverse().map((run) => ({
    text: `${run.workflow.name} #${run.runNumber}`,
    detail: `${run.displayTitle} · ${run.event}${run.headBranch ? ` on ${run.headBranch}` : ""}`,
    badge: run.conclusion ?? run.status,
  }));
  const deployments = [...repo.deployments].reverse().map((d) => ({
    text: `${d.environment}: ${d.ref}`,
    detail: `${short(d.sha)}${d.description ? ` · ${d.description}` : ""}`,
  }));
  return {
    actions: GITHUB_ACTIONS,
    sections: [
      { title: "Branches", rows: branches },
      { title: "Tags", rows: tags },
      { title: "Releases", rows: releases },
      { title: "Workflow runs", rows: runs },
      { title: "Deployments", rows: deployments },
    ],
  };
}

function linearPanel(linear: LinearEmulator): PanelData {
  const priority = ["no priority", "urgent", "high", "medium", "low"];
  const issues = [...linear.issues()].reverse().map((issue) => {
    const state = linear.workspace.states.get(issue.stateId)?.name;
    const labels = linear.labelNames(issue.id);
    return {
      text: `${issue.identifier} ${issue.title}`,
      link: issue.url,
      detail: [priority[issue.priority] ?? "", labels.join(", ")].filter(Boolean).join(" · "),
      ...(state ? { badge: state } : {}),
    };
  });
  return { actions: LINEAR_ACTIONS, sections: [{ title: "Issues (team ENG)", rows: issues }] };
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const emulators = await loadEmulators();
  const notes: string[] = [];
  const host = options.host ?? "127.0.0.1";
  const specsDir = options.specsDir ?? process.env.HOTFIX_SPECS_DIR ?? path.resolve(ROOT, "../shared/specs");
  const githubSpec = path.join(specsDir, "github", "rest-subset.json");
  const linearSchema = path.join(specsDir, "linear", "schema.graphql");

  const slack = await emulators.slack.startSlackEmulator({
    port: options.port,
    host,
    manifestPath: MANIFEST,
    signingSecret: randomBytes(16).toString("hex"),
    botToken: `xoxb-sandbox-${randomBytes(8).toString("hex")}`,
  });
  const started: { stop(): Promise<void> }[] = [{ stop: () => slack.close() }];
  const stopAll = async () => {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
  };
  try {
    let github: GitHubEmulator | undefined;
    if (existsSync(githubSpec)) {
      github = await emulators.github.startGitHubEmulator({ specPath: githubSpec, token: SANDBOX_GITHUB_TOKEN, host });
      started.push({ stop: () => (github as GitHubEmulator).close() });
      // Runbook 000: main is at the production release (v1.2.3) when a hotfix starts, so the merge back can fast-forward.
      const repo = github.repo(SANDBOX_REPOSITORY);
      repo.setRef("refs/heads/main", repo.mustResolve("v1.2.3").sha);
    } else {
      notes.push(
        `GitHub emulator not started: its API description is not at ${githubSpec} (put the shared/ folder beside the repository, or set HOTFIX_SPECS_DIR to its specs/).`,
      );
    }
    let linear: LinearEmulator | undefined;
    if (existsSync(linearSchema)) {
      linear = await emulators.linear.startLinearEmulator({ schemaPath: linearSchema, apiKey: SANDBOX_LINEAR_KEY, host });
      started.push({ stop: () => (linear as LinearEmulator).stop() });
    } else {
      notes.push(`Linear emulator not started: its schema is not at ${linearSchema} (same remedy).`);
    }

    const database = options.databaseUrl ? await freshDatabase(options.databaseUrl) : undefined;
    if (database) started.push({ stop: () => database.drop() });
    const githubWebhookSecret = randomBytes(16).toString("hex");
    const alertsToken = randomBytes(16).toString("hex");
    const exportToken = randomBytes(16).toString("hex");
    const policyRaw = mergePolicy(
      mergePolicy(SANDBOX_POLICY, options.policy ?? {}),
      options.policyFile ? loadPolicyFile(options.policyFile) : {},
    );
    const config: Config = {
      env: envSchema.parse({
        NODE_ENV: "development",
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_SIGNING_SECRET: slack.signingSecret,
        SLACK_API_URL: slack.apiUrl,
        HOTFIX_DATA_DIR: database ? path.resolve(options.dataDir, "sandbox") : freshDataDir(options.dataDir),
        ...(database ? { DATABASE_URL: database.url } : {}),
        ...(github
          ? {
              GITHUB_TOKEN: SANDBOX_GITHUB_TOKEN,
              GITHUB_REPOSITORY: SANDBOX_REPOSITORY,
              GITHUB_API_URL: github.url,
              GITHUB_WEBHOOK_SECRET: githubWebhookSecret,
            }
          : {}),
        ...(linear ? { LINEAR_API_KEY: SANDBOX_LINEAR_KEY, LINEAR_API_URL: linear.url } : {}),
        ALERTS_TOKEN: alertsToken,
        SENTRY_CLIENT_SECRET: randomBytes(16).toString("hex"),
        EXPORT_TOKEN: exportToken,
      }),
      policy: parsePolicy(policyRaw, options.policyFile ?? "sandbox policy"),
      policySource: options.policyFile ? `sandbox policy + ${options.policyFile}` : "sandbox policy",
    };
    // GitHub's secondary limit and retry waits would only slow a sandbox down.
    const app = await startHotfixCommander(config, {
      logger: options.logger,
      port: 0,
      host: "127.0.0.1",
      jobPollingSeconds: 0.5,
      github: { throttle: false, retryAfterBaseValue: 50 },
    });
    started.push({ stop: () => app.stop() });
    slack.setAppUrl(`${app.url}/slack/events`);
    slack.banner = `Local sandbox: an emulated ${emulated(github, linear)} on this machine. Nothing here reaches a real service.`;
    const world: OutsideWorld = { app, github, linear, githubWebhookSecret };
    if (github) {
      slack.panels.set("github", {
        id: "github",
        title: `GitHub · ${SANDBOX_REPOSITORY}`,
        load: () => githubPanel(github),
        act: (action) => githubAction(world, action),
      });
    }
    // Alerts, when this build has the alert webhook (an unauthenticated probe: 401 means it is there).
    const probe = await fetch(`${app.url}/webhooks/alerts/alertmanager`, { method: "POST" }).catch(() => undefined);
    if (probe && probe.status !== 404) {
      const alerts: AlertLog = { sent: [] };
      slack.panels.set("monitoring", {
        id: "monitoring",
        title: "Monitoring · Alertmanager",
        load: () => ({
          actions: MONITORING_ACTIONS,
          sections: [
            {
              title: "Alerts sent",
              rows: alerts.sent.map((a) => ({
                text: `${a.name} on ${a.service}`,
                badge: a.status,
                detail: a.at.toISOString().slice(11, 19),
              })),
            },
          ],
        }),
        act: (action) => monitoringAction({ ...world, alertsToken }, alerts, action),
      });
    }
    if (linear) {
      slack.panels.set("linear", {
        id: "linear",
        title: "Linear · ENG",
        load: () => linearPanel(linear),
        act: (action) => linearAction(world, action),
      });
    }
    return { url: slack.url, slack, github, linear, app, githubWebhookSecret, alertsToken, exportToken, notes, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function emulated(github: unknown, linear: unknown): string {
  const parts = ["Slack workspace", ...(github ? ["GitHub"] : []), ...(linear ? ["Linear"] : [])];
  return parts.length === 1 ? (parts[0] ?? "") : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}

/** What `npm start` prints in the sandbox: one URL, and how to leave the sandbox for a real Slack. */
export function sandboxBanner(sandbox: Sandbox): string {
  return [
    "",
    "Hotfix Commander: LOCAL SANDBOX",
    "",
    `  Open ${sandbox.url}`,
    "",
    "This is the local sandbox, not a real Slack: an emulated Slack workspace (alice, bob, carol, dave, erin;",
    `#incidents #eng-prod #stakeholders)${sandbox.github ? `, GitHub (${SANDBOX_REPOSITORY}, tag v1.2.3)` : ""}${
      sandbox.linear ? " and Linear (team ENG)" : ""
    }, with the bot wired to them. Type \`/hotfix declare <what broke>\` on the page as any of the people.`,
    ...sandbox.notes.map((n) => `Note: ${n}`),
    "",
    "To connect a real Slack, set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode);",
    'GitHub: GITHUB_TOKEN and GITHUB_REPOSITORY; Linear: LINEAR_API_KEY. See README.md, "Configuration".',
    "Ctrl-C stops the sandbox.",
    "",
  ].join("\n");
}
