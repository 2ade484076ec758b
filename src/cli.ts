#!/usr/bin/env node
// `hotfix <command>`: start, migrate, config check, demo. Each has --help.
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { ConfigError, loadConfig } from "./config.js";
import { humanDuration } from "./domain/duration.js";
import { incidentLabel } from "./domain/names.js";
import { createLogger, toError } from "./logger.js";
import { runServer } from "./main.js";
import { DatabaseUnreachableError, openDatabase, resolveDatabaseUrl } from "./store/database.js";
import { EmbeddedPostgresError } from "./store/embedded.js";
import { applyMigrations, migrationStatus } from "./store/migrate.js";

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
    summary: "run the bot (HTTP on $PORT, or Socket Mode with SLACK_APP_TOKEN)",
    usage: "hotfix start",
    help: "Starts Hotfix Commander. Without DATABASE_URL it runs an embedded Postgres under .data/.\nMigrations are applied at start. SIGTERM stops it cleanly.",
    run: () => runServer(),
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
    summary: "list open incidents: phase, SLA left, war room, failed steps",
    usage: "hotfix status [--all]",
    help: "Lists the open incidents (--all: every incident) from the database the bot uses.",
    async run(args) {
      const { values } = parseArgs({ args, options: { all: { type: "boolean" } } });
      const config = loadConfig(process.env, "cli");
      const logger = createLogger({ level: "warn", format: "pretty" });
      const db = await openDatabase(config, logger);
      try {
        const incidents = await db.prisma.incident.findMany({
          where: values.all ? {} : { phase: { notIn: ["resolved", "closed"] } },
          include: { steps: { where: { status: "failed" } } },
          orderBy: { declaredAt: "desc" },
        });
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
  demo: {
    summary: "run the bot against the local Slack emulator and declare a sample incident",
    usage: "hotfix demo [--once] [--port N]",
    help: "Starts the Slack emulator and the bot (embedded Postgres under .data/demo unless DATABASE_URL is set),\ndeclares an incident as a user would, and prints the war room it got. --once exits afterwards;\notherwise it keeps running (Ctrl-C stops it) with the emulator's URLs printed.",
    async run(args) {
      const { values } = parseArgs({ args, options: { once: { type: "boolean" }, port: { type: "string" } } });
      const { runDemoScenario, startDemo } = await import("./sandbox/demo.js");
      const logger = createLogger({ level: process.env.LOG_LEVEL ?? "warn", format: "pretty" });
      const demo = await startDemo({
        logger,
        port: values.port ? Number(values.port) : 0,
        dataDir: process.env.HOTFIX_DATA_DIR ?? ".data",
        ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
        print: out,
      });
      out(`bot: ${demo.app.url}   Slack emulator: ${demo.slack.url}`);
      try {
        await runDemoScenario(demo, out);
      } catch (error) {
        await demo.stop();
        throw error;
      }
      if (values.once) {
        await demo.stop();
        return 0;
      }
      out("\nRunning. Ctrl-C stops the demo.");
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await demo.stop();
      return 0;
    },
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
