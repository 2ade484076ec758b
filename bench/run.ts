// `npm run bench`: how long the work before Slack's ack takes. Declaring is
// the hot path (a transaction writing the incident, its timeline, its outbox
// and its jobs); a slash-command round trip must stay far below Slack's 3 s.
// Uses DATABASE_URL when set, else an embedded Postgres in a temporary folder.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startSlackEmulator } from "@hotfix/slack-emulator";
import { WebClient } from "@slack/web-api";
import pg from "pg";
import pino from "pino";
import { startHotfixCommander } from "../src/app.js";
import { envSchema, parsePolicy } from "../src/config.js";
import { slugify, warRoomName } from "../src/domain/names.js";
import { createMetrics } from "../src/http/metrics.js";
import { createJobQueue } from "../src/jobs/queue.js";
import { startEmbeddedPostgres } from "../src/store/embedded.js";
import { applyMigrations } from "../src/store/migrate.js";
import { createPrisma } from "../src/store/prisma.js";
import type { WorkflowContext } from "../src/workflows/context.js";
import { declareIncident } from "../src/workflows/declare.js";
import { benchPostmortemExport } from "./postmortem.js";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function report(name: string, samples: number[]): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  console.log(
    `${name.padEnd(38)} n=${String(samples.length).padStart(5)}  mean=${mean.toFixed(3)} ms  p50=${percentile(sorted, 50).toFixed(3)}  p95=${percentile(sorted, 95).toFixed(3)}  p99=${percentile(sorted, 99).toFixed(3)}`,
  );
}

async function time(fn: () => unknown | Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Slack's view: signed requests into the real app, timed until the HTTP response (the ack). */
async function benchAcks(dbUrl: string) {
  const slack = await startSlackEmulator({ port: 0 });
  const config = {
    env: envSchema.parse({ SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: slack.signingSecret, SLACK_API_URL: slack.apiUrl }),
    policy: parsePolicy({}, "bench"),
    policySource: "bench",
  };
  const prisma = createPrisma(dbUrl);
  const app = await startHotfixCommander(config, {
    logger: pino({ level: "silent" }),
    port: 0,
    host: "127.0.0.1",
    database: { url: dbUrl, prisma, embedded: false, close: async () => undefined },
  });
  slack.setAppUrl(`${app.url}/slack/events`);
  try {
    const help: number[] = [];
    for (let i = 0; i < 300; i++)
      help.push((await slack.slashCommand({ userId: "U0ALICE", channelId: "C0ENGPROD", text: "help" })).latencyMs);
    report("ack: /hotfix help", help);
    const open: number[] = [];
    const submit: number[] = [];
    for (let i = 0; i < 60; i++) {
      const user = slack.state.addUser({ name: `bench${i}` }).id;
      const command = await slack.slashCommand({ userId: user, channelId: "C0ENGPROD", text: `declare Bench incident ${i}` });
      open.push(command.latencyMs);
      let viewId: string | undefined;
      for (let tries = 0; !viewId && tries < 200; tries++) {
        viewId = slack.viewOpenedBy(command.triggerId);
        if (!viewId) await new Promise((r) => setTimeout(r, 5));
      }
      if (!viewId) throw new Error("declare form did not open");
      const res = await slack.submitView({ viewId, userId: user, values: { severity: { value: "P1" } } });
      submit.push(res.latencyMs);
    }
    report("ack: /hotfix declare (form opened)", open);
    report("ack: declare form submitted", submit);
  } finally {
    await app.stop();
    await prisma.$disconnect();
    await slack.close();
  }
}

async function main() {
  const titles = Array.from({ length: 5_000 }, (_, i) => `Payments failing 💥 for card users in région ${i} ${"x".repeat(i % 150)}`);
  const nameSamples: number[] = [];
  for (const title of titles) nameSamples.push(await time(() => warRoomName("hotfix-{yyyymmdd}-{slug}", { slug: slugify(title) })));
  report("war-room name from a title", nameSamples);

  let stop: (() => Promise<void>) | undefined;
  let adminUrl = process.env.DATABASE_URL;
  let dir: string | undefined;
  if (!adminUrl) {
    dir = mkdtempSync(path.join(tmpdir(), "hotfix-bench-"));
    const db = await startEmbeddedPostgres({ dataDir: dir, database: "postgres", persistent: false });
    adminUrl = db.url;
    stop = db.stop;
  }
  const name = `hf_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const dbUrl = url.toString();
  try {
    await applyMigrations({ connectionString: dbUrl });
    const logger = pino({ level: "silent" });
    const prisma = createPrisma(dbUrl);
    const jobs = createJobQueue({ connectionString: dbUrl, logger });
    jobs.define({ name: "incident.sync", handler: async () => undefined });
    jobs.define({ name: "sla.reminder", handler: async () => undefined });
    // Workers stay off: only the pre-ack transaction is measured.
    await jobs.boss.start();
    await jobs.boss.createQueue("incident.sync");
    await jobs.boss.createQueue("sla.reminder");
    const ctx: WorkflowContext = {
      config: { env: envSchema.parse({}), policy: parsePolicy({}, "bench"), policySource: "bench" },
      logger,
      prisma,
      jobs,
      slack: new WebClient("xoxb-bench"),
      metrics: createMetrics(),
      botUserId: async () => "U0HOTFIX",
      now: () => new Date(),
    };
    const declare = (i: number) =>
      declareIncident(ctx, {
        requestKey: `bench:${i}`,
        title: `Payments failing ${i}`,
        severity: "P0",
        severityOverride: false,
        commanderId: "U0ALICE",
        declaredBy: "U0BOB",
        startedAt: new Date(),
        rollbackFaster: false,
      });
    for (let i = 0; i < 20; i++) await declare(-1 - i); // warm-up
    const sequential: number[] = [];
    for (let i = 0; i < 300; i++) sequential.push(await time(() => declare(i)));
    report("declare transaction (sequential)", sequential);
    const replay: number[] = [];
    for (let i = 0; i < 300; i++) replay.push(await time(() => declare(i)));
    report("declare replay (idempotent no-op)", replay);
    const burst = await time(() => Promise.all(Array.from({ length: 50 }, (_, i) => declare(1_000 + i))));
    console.log(`${"50 declares at once (wall clock)".padEnd(38)} ${burst.toFixed(1)} ms`);
    await jobs.boss.stop({ graceful: false, close: true });
    await prisma.$disconnect();
    await benchAcks(dbUrl);
    // Issue 11: the 100 000-event post-mortem export (time, peak and live memory).
    await benchPostmortemExport(dbUrl);
  } finally {
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
    await stop?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
