#!/usr/bin/env node
// `hotfix <command>`: start, migrate, config check, demo. Each has --help.
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { runServer } from "./main.js";
import { DatabaseUnreachableError, resolveDatabaseUrl } from "./store/database.js";
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
    err(`hotfix: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
