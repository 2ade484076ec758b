// `hotfix demo`: the whole product on one machine, no Slack workspace needed.
// Starts the Slack emulator, the bot (on the embedded Postgres unless
// DATABASE_URL is set), declares an incident the way a person would, and
// prints what the workspace now shows. Without --once it keeps running so the
// emulator and the bot can be poked at (curl, or a second terminal).
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SlackEmulator } from "@hotfix/slack-emulator";
import type { Logger } from "pino";
import { type RunningApp, startHotfixCommander } from "../app.js";
import { type Config, envSchema, parsePolicy } from "../config.js";

export interface DemoOptions {
  logger: Logger;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  print: (line: string) => void;
}

export interface Demo {
  slack: SlackEmulator;
  app: RunningApp;
  stop(): Promise<void>;
}

const DEMO_POLICY = {
  people: { oncall: { usergroup: "S0ONCALL", users: [] } },
  links: {
    runbook: "https://wiki.example.com/hotfix",
    sentry: "https://sentry.example.com/prisma-app-prod",
    dashboard: "https://otel.example.com/prod",
  },
};

async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the demo timed out waiting for the war room");
}

/** The app's manifest, from this file's place in the repo (src/sandbox/). */
const MANIFEST = fileURLToPath(new URL("../../manifest.yml", import.meta.url));

/**
 * The emulator is a dev-only workspace package, absent from the build and the
 * production image: load it only when the demo runs, and say what is missing
 * instead of a bare module-not-found.
 */
async function loadSlackEmulator(): Promise<typeof import("@hotfix/slack-emulator")> {
  try {
    return await import("@hotfix/slack-emulator");
  } catch (error) {
    throw new Error(
      "hotfix demo runs the Slack emulator, a dev-only TypeScript workspace package that is not in the build or the image: run `npm run hotfix -- demo` in a checkout with its dev dependencies installed",
      { cause: error },
    );
  }
}

export async function startDemo(options: DemoOptions): Promise<Demo> {
  const { startSlackEmulator } = await loadSlackEmulator();
  const slack = await startSlackEmulator({ port: 0, manifestPath: MANIFEST });
  const config: Config = {
    env: envSchema.parse({
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: slack.signingSecret,
      SLACK_API_URL: slack.apiUrl,
      HOTFIX_DATA_DIR: path.join(options.dataDir, "demo"),
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    }),
    policy: parsePolicy(DEMO_POLICY, "demo policy"),
    policySource: "demo policy",
  };
  const app = await startHotfixCommander(config, { logger: options.logger, port: options.port, host: "127.0.0.1" });
  slack.setAppUrl(`${app.url}/slack/events`);
  return {
    slack,
    app,
    async stop() {
      await app.stop();
      await slack.close();
    },
  };
}

/** Declares an incident through Slack and prints the war room it got. */
export async function runDemoScenario(demo: Demo, print: (line: string) => void): Promise<void> {
  const { slack } = demo;
  const title = `Card payments failing ${new Date().toISOString().slice(11, 19)}`;
  print(`> alice types: /hotfix declare ${title}`);
  const command = await slack.slashCommand({ userId: "U0ALICE", channelId: "C0ENGPROD", text: `declare ${title}` });
  print(`  acked in ${command.latencyMs.toFixed(1)} ms`);
  const viewId = await waitFor(() => slack.viewOpenedBy(command.triggerId));
  print("> alice picks P0, makes bob the commander, and submits the form");
  const submit = await slack.submitView({
    viewId,
    userId: "U0ALICE",
    values: { severity: { value: "P0" }, commander: { value: "U0BOB" }, impact_users: { value: "All card users" } },
  });
  print(`  form closed in ${submit.latencyMs.toFixed(1)} ms`);
  const incident = await waitFor(async () => {
    const found = await demo.app.ctx.prisma.incident.findFirst({ where: { title }, include: { steps: true } });
    return found?.warRoomChannelId && found.steps.every((s) => s.status === "done" || s.status === "failed") ? found : undefined;
  });
  const room = slack.channel(incident.warRoomChannelId ?? "");
  print("");
  print(`War room #${room?.name} (${room?.id})`);
  print(`  topic:   ${room?.topic.value}`);
  print(`  members: ${room?.members.join(", ")}`);
  print(`  pinned:  ${slack.pins(room?.id ?? "")[0]?.message?.text ?? "-"}`);
  print(
    `  bookmarks: ${slack
      .bookmarks(room?.id ?? "")
      .map((b) => b.title)
      .join(", ")}`,
  );
  for (const channel of ["#incidents", "#eng-prod", "#stakeholders"]) {
    const posted = slack.messages(channel).filter((m) => m.text.includes(`HF-${incident.number}`));
    print(`  ${channel}: ${posted.map((m) => m.text.replace(/\s+/g, " ").slice(0, 100)).join(" | ") || "-"}`);
  }
  const failed = incident.steps.filter((s) => s.status === "failed");
  print(failed.length ? `  failed steps: ${failed.map((s) => `${s.key} (${s.lastError})`).join(", ")}` : "  every step done");
  const status = await slack.slashCommand({ userId: "U0BOB", channelId: room?.id ?? "", text: "status" });
  print("");
  print("> bob types /hotfix status in the war room:");
  print(String((status.body as { text?: string }).text ?? "").replace(/^/gm, "  "));
}
