// `hotfix waivers verify|export|import`: runbook 004's waiver file and verify
// script over the waivers the bot stores. Approvers are the policy's
// `people.approvers` users plus its user group's members (read from Slack when
// SLACK_BOT_TOKEN is set; otherwise the listed users only, and verify says so).
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { WebClient } from "@slack/web-api";
import type { Config } from "./config.js";
import { loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { openDatabase } from "./store/database.js";
import { exportStoredWaivers, importWaivers, verifyStoredWaivers, type WaiverBook } from "./workflows/waivers.js";

export const WAIVERS_USAGE = "hotfix waivers verify [--strict] [--json] | waivers export [--out FILE] | waivers import <file>";

interface Io {
  out(text: string): void;
  err(text: string): void;
}

async function approversOf(config: Config, io: Io): Promise<string[]> {
  const { approvers } = config.policy.people;
  const ids = new Set(approvers.users);
  if (approvers.usergroup) {
    if (!config.env.SLACK_BOT_TOKEN)
      io.err(`note: SLACK_BOT_TOKEN is not set, so the members of ${approvers.usergroup} are not known here`);
    else {
      try {
        const client = new WebClient(config.env.SLACK_BOT_TOKEN, { slackApiUrl: config.env.SLACK_API_URL, retryConfig: { retries: 1 } });
        for (const id of (await client.usergroups.users.list({ usergroup: approvers.usergroup })).users ?? []) ids.add(id);
      } catch (error) {
        io.err(`note: could not read the approvers group ${approvers.usergroup} from Slack (${(error as Error).message})`);
      }
    }
  }
  return [...ids];
}

export async function runWaiversCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== "verify" && sub !== "export" && sub !== "import") {
    io.err(`usage: ${WAIVERS_USAGE}`);
    return 64;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { strict: { type: "boolean" }, json: { type: "boolean" }, out: { type: "string" } },
  });
  let json: unknown;
  if (sub === "import") {
    const file = positionals[0];
    if (!file) {
      io.err("usage: hotfix waivers import <hotfix_waivers.json>");
      return 64;
    }
    try {
      json = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      io.err(`hotfix waivers import: cannot read ${file} as JSON: ${(error as Error).message.split("\n")[0]}`);
      return 65;
    }
  }
  const config = loadConfig(process.env, "cli");
  const db = await openDatabase(config, createLogger({ level: "warn", format: "pretty" }));
  try {
    const book: WaiverBook = { prisma: db.prisma, rules: config.policy.waivers, approvers: await approversOf(config, io), now: new Date() };
    if (sub === "verify") {
      const result = await verifyStoredWaivers(book, values.strict === true);
      if (values.json) io.out(JSON.stringify(result, null, 2));
      else {
        for (const f of result.findings) io.out(`${f.level === "error" ? "ERROR" : "WARN "} ${f.waiverId} ${f.code}: ${f.message}`);
        io.out(
          `${result.checked} waiver(s) checked: ${result.errors} error(s), ${result.warnings} warning(s)${result.ok ? "" : " — FAILED"}`,
        );
      }
      return result.ok ? 0 : 1;
    }
    if (sub === "export") {
      const text = `${JSON.stringify(await exportStoredWaivers(book), null, 2)}\n`;
      if (values.out) {
        writeFileSync(values.out, text);
        io.err(`wrote ${values.out}`);
      } else io.out(text.trimEnd());
      return 0;
    }
    const result = await importWaivers(book, json, process.env.USER ? `cli:${process.env.USER}` : "cli");
    if (!result.ok) {
      for (const e of result.errors) io.err(`refused: ${e}`);
      return 1;
    }
    for (const id of result.value.imported) io.out(`imported ${id}`);
    for (const r of result.value.refused) io.err(`refused entry ${r.index}${r.id ? ` (${r.id})` : ""}: ${r.reasons.join("; ")}`);
    return result.value.refused.length ? 1 : 0;
  } finally {
    await db.close();
  }
}
