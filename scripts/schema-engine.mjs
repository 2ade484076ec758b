#!/usr/bin/env node
// A stand-in for Prisma's native `schema-engine` binary, which the CLI
// downloads at start-up (impossible offline). It speaks the same command line
// and stdio JSON-RPC protocol, backed by @prisma/schema-engine-wasm and
// @prisma/adapter-pg. The CLI finds it through PRISMA_SCHEMA_ENGINE_BINARY
// (set by scripts/prisma.mjs).
//
//   schema-engine.mjs --version
//   schema-engine.mjs [--datamodels <file>]... [--datasource <json>]          JSON-RPC on stdio
//   schema-engine.mjs --datasource <json> cli <can-connect-to-database|create-database|drop-database>
import { parseArgs } from "node:util";
import { createDatabase, dropDatabase, probeDatabase } from "./schema-engine/databases.mjs";
import { createEngineHandlers } from "./schema-engine/engine.mjs";
import { log, redactStderr, registerUrlSecrets } from "./schema-engine/log.mjs";
import { describeError, serveJsonRpc } from "./schema-engine/rpc.mjs";
import { loadSchemaEngineWasm } from "./schema-engine/wasm.mjs";

const ONE_SHOT_COMMANDS = {
  "can-connect-to-database": probeDatabase,
  "create-database": createDatabase,
  "drop-database": dropDatabase,
};

function parseCommandLine(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      version: { type: "boolean", short: "V" },
      datamodels: { type: "string", short: "d", multiple: true },
      datasource: { type: "string" },
      "enabled-preview-features": { type: "string" },
      "extension-types": { type: "string" },
    },
  });
  let datasource = {};
  if (values.datasource) {
    try {
      datasource = JSON.parse(values.datasource);
    } catch {
      throw new Error('--datasource must be JSON: {"url": ..., "shadowDatabaseUrl": ...}');
    }
  }
  return { version: values.version ?? false, datamodelPaths: values.datamodels ?? [], datasource, positionals };
}

async function runOneShot(command, datasource) {
  const run = ONE_SHOT_COMMANDS[command];
  if (!run) throw new Error(`Unknown cli command "${command}".`);
  if (!datasource.url) throw new Error("The cli commands need --datasource '{\"url\": ...}'.");
  try {
    await run(datasource.url);
    log.info(`${command}: ok`);
  } catch (error) {
    // The CLI reads the code from this line (target schema_engine::logger, fields.error_code).
    const { message, error_code } = describeError(error);
    log.error(message, { error_code: error_code ?? "P1000" });
    process.exitCode = 1;
  }
}

async function main() {
  redactStderr();
  const { version, datamodelPaths, datasource, positionals } = parseCommandLine(process.argv.slice(2));
  registerUrlSecrets(datasource.url, datasource.shadowDatabaseUrl);
  if (version) {
    const wasm = await loadSchemaEngineWasm();
    process.stdout.write(`schema-engine-cli ${wasm.version()}\n`);
    return;
  }
  if (positionals[0] === "cli") {
    // The CLI skips the first stderr line before parsing the rest as JSON.
    log.info("schema engine (wasm) one-shot command");
    await runOneShot(positionals[1], datasource);
    return;
  }
  log.info("schema engine (wasm) ready");
  await serveJsonRpc(createEngineHandlers({ datamodelPaths, datasource }));
  // Open pools (the engine keeps its connection) must not keep us alive once the CLI hung up.
  process.exit();
}

main().catch((error) => {
  log.debug(error?.stack ?? "");
  log.error(error?.message ?? String(error));
  process.exit(1);
});
