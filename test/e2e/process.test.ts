// `hotfix start` as a real process: embedded Postgres by default (state kept
// across restarts), /hotfix help through the Slack emulator, SIGTERM -> exit 0,
// clear refusals for a bad configuration or an unreachable database; with no
// Slack variable at all, the local sandbox (never in production); the demo.
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type SlackEmulator, startSlackEmulator } from "@hotfix/slack-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../support/database.js";
import { declareViaSlack } from "../support/declare.js";
import { BOT_TOKEN, eventually, SIGNING_SECRET } from "../support/harness.js";
import { startBotProcess } from "../support/process.js";

let slack: SlackEmulator;
let dataDir: string;
beforeAll(async () => {
  slack = await startSlackEmulator({ port: 0, signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
  dataDir = mkdtempSync(path.join(tmpdir(), "hotfix-data-"));
  // As root, Postgres runs as another user, who must be able to reach folders below this one.
  chmodSync(dataDir, 0o755);
});
afterAll(async () => {
  await slack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const env = () => ({
  SLACK_BOT_TOKEN: BOT_TOKEN,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_API_URL: slack.apiUrl,
  HOTFIX_DATA_DIR: dataDir,
});

describe("hotfix start", () => {
  it("runs on an embedded Postgres, answers /hotfix help, keeps its state across a SIGTERM restart", async () => {
    const first = startBotProcess(env());
    const url = await first.url;
    slack.setAppUrl(`${url}/slack/events`);
    const help = await slack.slashCommand({ userId: "U0ALICE", channelId: "C0ENGPROD", text: "help" });
    expect(JSON.stringify(help.body)).toContain("/hotfix declare");
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    await declareViaSlack(slack, { title: "Kept across restarts" });
    await eventually(() => expect(slack.messages("C0INCIDENTS").some((m) => m.text.includes("Kept across restarts"))).toBe(true));

    first.child.kill("SIGTERM");
    expect(await first.exited, first.output()).toEqual({ code: 0, signal: null });
    expect(first.output()).toContain("stopped");

    const second = startBotProcess(env());
    const again = await second.url;
    slack.setAppUrl(`${again}/slack/events`);
    // The incident survived: its war room still answers /hotfix status.
    const room = [...slack.state.channels.values()].find((c) => c.name.includes("kept-across-restarts"));
    const status = await slack.slashCommand({ userId: "U0BOB", channelId: room?.id ?? "", text: "status" });
    expect(JSON.stringify(status.body)).toContain("Kept across restarts");
    second.child.kill("SIGTERM");
    expect((await second.exited).code).toBe(0);
    // Logs never carry the token or the signing secret.
    expect(first.output() + second.output()).not.toContain(BOT_TOKEN);
    expect(first.output() + second.output()).not.toContain(SIGNING_SECRET);
  });

  it("with no Slack variable at all (not production) starts the local sandbox and prints its one URL", async () => {
    const db = await createTestDatabase({ migrate: false });
    try {
      const sandbox = startBotProcess({ DATABASE_URL: db.url, HOTFIX_DATA_DIR: dataDir, LOG_LEVEL: "error" });
      const url = await eventually(
        () => {
          const found = /Open (http:\/\/127\.0\.0\.1:\d+)/.exec(sandbox.output());
          expect(found, sandbox.output()).toBeTruthy();
          return found?.[1] as string;
        },
        { timeoutMs: 60_000 },
      );
      const out = sandbox.output();
      expect(out).toContain("LOCAL SANDBOX");
      expect(out).toContain("This is the local sandbox, not a real Slack");
      expect(out).toContain("To connect a real Slack, set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET");
      // One URL: the page. Nothing else to choose from.
      expect(out.match(/https?:\/\/[^\s)]+/g)).toEqual([url]);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("local sandbox");
      const state = (await (await fetch(`${url}/web/api/page?user=U0ALICE`)).json()) as { channels: { name: string }[] };
      expect(state.channels.map((c) => c.name)).toEqual(expect.arrayContaining(["incidents", "eng-prod", "stakeholders"]));
      const panels = JSON.stringify(await (await fetch(`${url}/web/api/panels`)).json());
      expect(panels).toContain("acme/payments");
      expect(panels).toContain("v1.2.3");
      expect(panels).toContain("Linear");
      // The bot is wired to the emulated Slack: /hotfix help typed on the page comes back from the bot.
      const help = await fetch(`${url}/web/api/command`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ user: "U0ALICE", channel: "C0ENGPROD", text: "/hotfix help" }),
      });
      expect(await help.json()).toMatchObject({ ok: true });
      const after = JSON.stringify(await (await fetch(`${url}/web/api/page?user=U0ALICE&channel=C0ENGPROD`)).json());
      expect(after).toContain("/hotfix declare");
      sandbox.child.kill("SIGTERM");
      expect((await sandbox.exited).code, sandbox.output()).toBe(0);
    } finally {
      await db.drop();
    }
  }, 120_000);

  it("with NODE_ENV=production and no Slack credentials refuses to start (exit 2), no sandbox", async () => {
    const bot = startBotProcess({ NODE_ENV: "production", HOTFIX_DATA_DIR: dataDir });
    const exit = await bot.exited;
    expect(exit.code).toBe(2);
    expect(bot.output()).toContain("SLACK_BOT_TOKEN: required to start the bot");
    expect(bot.output()).not.toContain("SANDBOX");
  });

  it("refuses a bad configuration with every problem listed, exit 2, nothing started", async () => {
    const bot = startBotProcess({ PORT: "eighty", SLACK_SIGNING_SECRET: "", SLACK_API_URL: "not a url" });
    const exit = await bot.exited;
    expect(exit.code).toBe(2);
    const out = bot.output();
    expect(out).toContain("SLACK_API_URL");
    expect(out).toContain("PORT");
    expect(out).toContain("SLACK_BOT_TOKEN: required to start the bot");
    expect(out).not.toContain("    at ");
  });

  it("says clearly when the database cannot be reached, exit 3, no stack trace", async () => {
    const bot = startBotProcess({ ...env(), DATABASE_URL: "postgresql://hotfix:hunter2secret@127.0.0.1:1/hotfix" });
    const exit = await bot.exited;
    expect(exit.code).toBe(3);
    expect(bot.output()).toContain("Cannot reach the database at 127.0.0.1:1/hotfix");
    expect(bot.output()).not.toContain("hunter2secret");
    expect(bot.output()).not.toContain("    at ");
  });
});

describe("the hotfix CLI", () => {
  it("prints the effective policy with `config check`", async () => {
    const bot = startBotProcess({}, ["config", "check"]);
    expect((await bot.exited).code).toBe(0);
    expect(bot.output()).toContain("# policy from: built-in defaults");
    expect(bot.output()).toContain("branch: release/hotfix-{ticket}");
  });

  it("has --help on every command and refuses unknown ones", async () => {
    for (const command of ["start", "migrate", "config"]) {
      const bot = startBotProcess({}, [command, "--help"]);
      expect((await bot.exited).code).toBe(0);
      expect(bot.output()).toContain(`usage: hotfix ${command}`);
    }
    const unknown = startBotProcess({}, ["deploy-everything"]);
    expect((await unknown.exited).code).toBe(64);
    expect(unknown.output()).toContain('unknown command "deploy-everything"');
  });
});

describe("hotfix demo", () => {
  it("plays a hotfix through the local sandbox and prints what each channel saw", async () => {
    const db = await createTestDatabase({ migrate: false });
    const outDir = mkdtempSync(path.join(tmpdir(), "hotfix-demo-"));
    try {
      const demo = startBotProcess({ DATABASE_URL: db.url, HOTFIX_DATA_DIR: dataDir, LOG_LEVEL: "fatal" }, [
        "demo",
        "--once",
        "--out",
        outDir,
      ]);
      const exit = await demo.exited;
      expect(exit.code, demo.output()).toBe(0);
      const out = demo.output();
      expect(out).toMatch(/the bot opens the war room #hotfix-\d{8}-card-payments-failing/);
      expect(out).toContain("bob types in #hotfix-");
      expect(out).toMatch(/#incidents\n {2}hotfix: :warning: HOTFIX INCIDENT/);
      // The release lane, start to end: branch, release, both deploy webhooks, the stability window, completion.
      for (const step of [
        "Hotfix branch `release/hotfix-eng-1`",
        "v1.2.4 released",
        "to *staging*",
        "to *production*",
        "stability window",
        "complete*",
      ])
        expect(out).toContain(step);
      // Every lane is in this build: no step skipped, from the waiver to the exported post-mortem.
      expect(out).not.toMatch(/^== .*: skipped, /m);
      expect(out).toMatch(/Release v1\.2\.4 blocked by gates/);
      expect(out).toMatch(/Waiver \*HW-\d{4}-\d{3}\* is \*active\*/);
      expect(out).toMatch(/Linear: ENG-2 UAT HF-1/);
      expect(out).toContain("UAT passed");
      expect(out).toContain("Guardrail breached on HF-1");
      expect(out).toMatch(/the bot uploads hf-1-postmortem-\w+\.md/);
      const postmortem = readFileSync(path.join(outDir, "postmortem-HF-1.md"), "utf8");
      expect(postmortem).toMatch(/^# Post-mortem: HF-1 Card payments failing/);
      expect(postmortem).toContain("HW-");
      expect(out).toContain("== What each channel saw");
      expect(readFileSync(path.join(outDir, "transcript.txt"), "utf8")).toContain("#eng-prod");
    } finally {
      rmSync(outDir, { recursive: true, force: true });
      await db.drop();
    }
  }, 180_000);
});
