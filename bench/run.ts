// `npm run bench`: the numbers issue 14 asks for, printed as a table and
// written as JSON (bench/last-run.json, or BENCH_JSON):
//   1. slash-command ack latency at 50 concurrent, the bot next to a bare Bolt
//      app (same @slack/bolt, same answer bytes), alternating rounds;
//   2. declare-to-war-room-ready (emulators answering at once);
//   3. 30 declarations at once under Slack's tiers in scaled time: total
//      against the least the limits allow, duplicates;
//   4. recovery after a SIGKILL mid-step;
//   5. the 100 000-event post-mortem export (bench/postmortem.ts).
// Uses DATABASE_URL when set, else an embedded Postgres in a temporary folder.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import os from "node:os";
import path from "node:path";
import { type SlackEmulator, signRequest, startSlackEmulator } from "@hotfix/slack-emulator";
import { App, HTTPReceiver } from "@slack/bolt";
import pg from "pg";
import pino from "pino";
import { type RunningApp, type StartOptions, startHotfixCommander } from "../src/app.js";
import { envSchema, parsePolicy } from "../src/config.js";
import { startEmbeddedPostgres } from "../src/store/embedded.js";
import { applyMigrations } from "../src/store/migrate.js";
import { createPrisma, type Db } from "../src/store/prisma.js";
import { startBotProcess } from "../test/support/process.js";
import { scaledOutboxTiers } from "../test/support/scaled-tiers.js";
import { benchPostmortemExport } from "./postmortem.js";

const results: Record<string, unknown> = {};
const rows: Array<[string, string]> = [];
const row = (name: string, value: string) => {
  rows.push([name, value]);
  console.log(`${name.padEnd(52)} ${value}`);
};

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
const stats = (samples: number[]) => ({
  n: samples.length,
  p50: Number(percentile(samples, 50).toFixed(2)),
  p99: Number(percentile(samples, 99).toFixed(2)),
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------ databases

let adminUrl = process.env.DATABASE_URL;
let admin: pg.Client;
const made: string[] = [];
async function freshDatabase(): Promise<{ url: string; prisma: Db }> {
  const name = `hf_bench_${Date.now()}_${made.length}`;
  await admin.query(`create database "${name}"`);
  made.push(name);
  const url = new URL(adminUrl as string);
  url.pathname = `/${name}`;
  await applyMigrations({ connectionString: url.toString() });
  return { url: url.toString(), prisma: createPrisma(url.toString()) };
}

async function startBot(slack: SlackEmulator, db: { url: string; prisma: Db }, extra: Partial<StartOptions> = {}, policy: unknown = {}) {
  const app = await startHotfixCommander(
    {
      env: envSchema.parse({ SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: slack.signingSecret, SLACK_API_URL: slack.apiUrl }),
      policy: parsePolicy(policy, "bench"),
      policySource: "bench",
    },
    {
      logger: pino({ level: "silent" }),
      port: 0,
      host: "127.0.0.1",
      database: { url: db.url, prisma: db.prisma, embedded: false, close: async () => undefined },
      jobPollingSeconds: 0.5,
      ...extra,
    },
  );
  slack.setAppUrl(`${app.url}/slack/events`);
  return app;
}

const allDone = async (prisma: Db) => (await prisma.sideEffect.count({ where: { status: { not: "done" } } })) === 0;
async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await sleep(20);
  }
}

// ------------------------------------------------------------------ 1. acks

/** 50 signed `/hotfix help` requests at once to `url`; each one's time to its HTTP response (the ack). */
async function round(url: string, secret: string, agent: Agent, concurrency: number): Promise<number[]> {
  const ts = Math.floor(Date.now() / 1000);
  const body = new URLSearchParams({
    command: "/hotfix",
    text: "help",
    user_id: "U0ALICE",
    channel_id: "C0ENGPROD",
    team_id: "T0SANDBOX",
    trigger_id: "1.2.bench",
    response_url: "http://127.0.0.1:9/none",
  }).toString();
  const headers = {
    "content-type": "application/x-www-form-urlencoded",
    "content-length": String(Buffer.byteLength(body)),
    "x-slack-request-timestamp": String(ts),
    "x-slack-signature": signRequest(secret, ts, body),
  };
  const target = new URL(url);
  const one = () =>
    new Promise<number>((resolve, reject) => {
      const started = process.hrtime.bigint();
      const req = request({ host: target.hostname, port: target.port, path: target.pathname, method: "POST", headers, agent }, (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode !== 200) reject(new Error(`ack ${res.statusCode}`));
          else resolve(Number(process.hrtime.bigint() - started) / 1e6);
        });
      });
      req.on("error", reject);
      req.end(body);
    });
  return Promise.all(Array.from({ length: concurrency }, one));
}

async function helpBytes(url: string, secret: string): Promise<string> {
  const ts = Math.floor(Date.now() / 1000);
  const body = new URLSearchParams({ command: "/hotfix", text: "help", user_id: "U0ALICE", channel_id: "C0ENGPROD" }).toString();
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": signRequest(secret, ts, body),
    },
    body,
  });
  return res.text();
}

async function benchAcks(): Promise<void> {
  const slack = await startSlackEmulator({ port: 0 });
  const db = await freshDatabase();
  const bot = await startBot(slack, db);
  // The bare app: the same Bolt, its own receiver (which checks the signature itself), the same answer bytes.
  const answer = JSON.parse(await helpBytes(`${bot.url}/slack/events`, slack.signingSecret)) as Record<string, unknown>;
  const receiver = new HTTPReceiver({ signingSecret: slack.signingSecret, endpoints: ["/slack/events"], processBeforeResponse: false });
  const bare = new App({ token: slack.botToken, receiver, tokenVerificationEnabled: false, clientOptions: { slackApiUrl: slack.apiUrl } });
  bare.command("/hotfix", async ({ ack }) => ack(answer as never));
  const server = await receiver.start(0);
  const address = server.address();
  const bareUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/slack/events`;
  const agent = new Agent({ keepAlive: true, maxSockets: 50 });
  try {
    const botSamples: number[] = [];
    const bareSamples: number[] = [];
    for (let i = 0; i < 4; i++) {
      await round(`${bot.url}/slack/events`, slack.signingSecret, agent, 50);
      await round(bareUrl, slack.signingSecret, agent, 50);
    }
    const rounds = Number(process.env.BENCH_ACK_ROUNDS ?? 30);
    for (let i = 0; i < rounds; i++) {
      // Alternating, and which goes first alternates too: load on the machine falls on both alike.
      const order = i % 2 === 0 ? ["bot", "bare"] : ["bare", "bot"];
      for (const which of order) {
        if (which === "bot") botSamples.push(...(await round(`${bot.url}/slack/events`, slack.signingSecret, agent, 50)));
        else bareSamples.push(...(await round(bareUrl, slack.signingSecret, agent, 50)));
      }
    }
    const b = stats(botSamples);
    const a = stats(bareSamples);
    results.acks = { concurrency: 50, rounds, bot: b, bareBolt: a, p50Ratio: Number((b.p50 / a.p50).toFixed(3)) };
    row("ack /hotfix help, 50 concurrent: bot", `p50 ${b.p50} ms  p99 ${b.p99} ms  (n=${b.n})`);
    row("ack /hotfix help, 50 concurrent: bare Bolt app", `p50 ${a.p50} ms  p99 ${a.p99} ms  (n=${a.n})`);
    row("  bot / bare Bolt, p50 (goal <= 1.10)", `${(b.p50 / a.p50).toFixed(2)}x`);
  } finally {
    agent.destroy();
    await receiver.stop();
    await bot.stop();
    await db.prisma.$disconnect();
    await slack.close();
  }
}

// ------------------------------------------------------------------ 2. declare to war room

async function declareOnce(slack: SlackEmulator, userId: string, title: string, severity = "P1") {
  const command = await slack.slashCommand({ userId, channelId: "C0ENGPROD", text: `declare ${title}` });
  let viewId: string | undefined;
  for (let tries = 0; !viewId && tries < 1000; tries++) {
    viewId = slack.viewOpenedBy(command.triggerId);
    if (!viewId) await sleep(2);
  }
  if (!viewId) throw new Error("declare form did not open");
  return { viewId, submit: () => slack.submitView({ viewId: viewId as string, userId, values: { severity: { value: severity } } }) };
}

async function benchDeclareToReady(): Promise<void> {
  const slack = await startSlackEmulator({ port: 0 });
  const db = await freshDatabase();
  // Emulators that answer at once and no limits (the throttled case is measured below): no pacing either.
  const bot = await startBot(slack, db, { jobPollingSeconds: 2, slackPacing: {} });
  try {
    const samples: number[] = [];
    const n = Number(process.env.BENCH_DECLARES ?? 40);
    for (let i = -5; i < n; i++) {
      const user = slack.state.addUser({ name: `ready${i + 5}` }).id;
      const form = await declareOnce(slack, user, `Ready ${i}`);
      const started = Date.now();
      await form.submit();
      await until(() => allDone(db.prisma), 30_000);
      const incident = await db.prisma.incident.findFirstOrThrow({ where: { title: `Ready ${i}` }, include: { steps: true } });
      // The war room's own steps (channel ... notify-declarer); App Home refreshes (issue 11) are not part of "ready".
      const ready = Math.max(...incident.steps.filter((s) => !s.key.startsWith("home-refresh")).map((s) => s.updatedAt.getTime()));
      if (i >= 0) samples.push(ready - started);
    }
    const s = stats(samples);
    const steps = await db.prisma.sideEffect.count({
      where: { incident: { title: "Ready 0" }, NOT: { key: { startsWith: "home-refresh" } } },
    });
    results.declareToWarRoom = { ...s, stepsPerIncident: steps };
    row("declare submitted -> war room ready (all steps)", `p50 ${s.p50} ms  p99 ${s.p99} ms  (n=${s.n}, ${steps} steps; goal p50 < 100)`);
  } finally {
    await bot.stop();
    await db.prisma.$disconnect();
    await slack.close();
  }
}

// ------------------------------------------------------------------ 3. 30 at once under the tiers

async function benchThrottled(): Promise<void> {
  const tiers = scaledOutboxTiers();
  const slack = await startSlackEmulator({ port: 0 });
  const db = await freshDatabase();
  const bot = await startBot(slack, db, { slackPacing: tiers }, { severity: { P1: { announce: ["#incidents", "#eng-prod"] } } });
  try {
    const forms = await Promise.all(
      Array.from({ length: 30 }, (_, i) => declareOnce(slack, slack.state.addUser({ name: `throttled${i}` }).id, `Throttled ${i}`)),
    );
    slack.rateLimits.enable(tiers);
    const started = Date.now();
    await Promise.all(forms.map((f) => f.submit()));
    await until(async () => (await db.prisma.incident.count()) === 30 && (await allDone(db.prisma)), 180_000);
    const total = Date.now() - started;
    const counts = new Map<string, number>();
    for (const call of slack.calls().filter((c) => c.at >= started && c.status === 200)) {
      const rule = tiers[call.method];
      if (!rule) continue;
      const key = rule.perChannel ? `${call.method}|${String(call.params.channel)}` : call.method;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    let minimum = 0;
    let bucket = "";
    for (const [key, n] of counts) {
      const rule = tiers[key.split("|")[0] as string];
      const ms = rule ? (Math.max(0, n - rule.capacity) / rule.perSecond) * 1000 : 0;
      if (ms > minimum) [minimum, bucket] = [ms, key];
    }
    const channels = slack.calls("conversations.create").filter((c) => c.response.ok === true).length;
    const incidents = await db.prisma.incident.findMany();
    let duplicates = channels - 30;
    for (const incident of incidents)
      for (const channel of ["C0INCIDENTS", "C0ENGPROD"])
        duplicates += Math.max(
          0,
          slack.messages(channel).filter((m) => new RegExp(`HF-${incident.number}(?!\\d)`).test(m.text)).length - 1,
        );
    const limited = slack.calls().filter((c) => c.at >= started && c.status === 429).length;
    results.throttled = {
      incidents: 30,
      totalMs: total,
      minimumMs: Math.round(minimum),
      bottleneck: bucket,
      ratio: Number((total / minimum).toFixed(2)),
      duplicates,
      http429: limited,
    };
    row("30 declares at once, scaled tiers: total", `${total} ms`);
    row("  least the limits allow (bottleneck)", `${Math.round(minimum)} ms (${bucket})`);
    row("  ratio (goal <= 1.5), duplicates, 429s", `${(total / minimum).toFixed(2)}x, ${duplicates}, ${limited}`);
  } finally {
    await bot.stop();
    await db.prisma.$disconnect();
    await slack.close();
  }
}

// ------------------------------------------------------------------ 4. recovery

async function benchRecovery(): Promise<void> {
  const samples: Array<{ crashAt: string; ms: number }> = [];
  for (const crashAt of ["unrecorded:channel", "unrecorded:card", "unrecorded:announce:#incidents"]) {
    const slack = await startSlackEmulator({ port: 0 });
    const db = await freshDatabase();
    const child = startBotProcess({
      DATABASE_URL: db.url,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: slack.signingSecret,
      SLACK_API_URL: slack.apiUrl,
      HOTFIX_CRASH_AT: crashAt,
    });
    let app: RunningApp | undefined;
    try {
      slack.setAppUrl(`${await child.url}/slack/events`);
      const form = await declareOnce(slack, "U0ALICE", "Refunds stuck", "P0");
      await form.submit();
      const killed = await Promise.race([child.exited, sleep(60_000).then(() => undefined)]);
      if (!killed) throw new Error(`the bot never reached ${crashAt}:\n${child.output().slice(-2_000)}`);
      const started = Date.now();
      app = await startBot(slack, db);
      await until(() => allDone(db.prisma), 60_000);
      samples.push({ crashAt, ms: Date.now() - started });
      row(`recovery after SIGKILL at ${crashAt}`, `${Date.now() - started} ms (bound 10 000)`);
    } finally {
      child.child.kill("SIGKILL");
      await app?.stop();
      await db.prisma.$disconnect();
      await slack.close();
    }
  }
  results.recovery = samples;
}

// ------------------------------------------------------------------ 5. post-mortem

async function benchPostmortem(): Promise<void> {
  const db = await freshDatabase();
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => {
    lines.push(args.join(" "));
    log(...args);
  };
  try {
    await benchPostmortemExport(db.url);
  } finally {
    console.log = log;
    await db.prisma.$disconnect();
  }
  results.postmortem = lines;
}

async function main() {
  let stop: (() => Promise<void>) | undefined;
  let dir: string | undefined;
  if (!adminUrl) {
    dir = mkdtempSync(path.join(os.tmpdir(), "hotfix-bench-"));
    const embedded = await startEmbeddedPostgres({ dataDir: dir, database: "postgres", persistent: false });
    adminUrl = embedded.url;
    stop = embedded.stop;
  }
  admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  results.machine = {
    cpus: `${os.cpus().length} x ${os.cpus()[0]?.model ?? "?"}`,
    memoryGb: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
    database: process.env.DATABASE_URL ? "DATABASE_URL" : "embedded",
    at: new Date().toISOString(),
  };
  console.log(`machine: ${JSON.stringify(results.machine)}\n`);
  const only = process.env.BENCH_ONLY?.split(",");
  const want = (name: string) => !only || only.includes(name);
  try {
    if (want("acks")) await benchAcks();
    if (want("ready")) await benchDeclareToReady();
    if (want("throttled")) await benchThrottled();
    if (want("recovery")) await benchRecovery();
    if (want("postmortem")) await benchPostmortem();
  } finally {
    for (const name of made) await admin.query(`drop database if exists "${name}" with (force)`).catch(() => undefined);
    await admin.end();
    await stop?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  const out = process.env.BENCH_JSON ?? path.join(import.meta.dirname, "last-run.json");
  writeFileSync(out, `${JSON.stringify({ ...results, table: rows }, null, 2)}\n`);
  console.log(`\nJSON: ${out}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
