#!/usr/bin/env node
// Runs the Prisma CLI with our wasm-backed schema engine (scripts/schema-engine.mjs)
// instead of the native binary it would otherwise download — this project must
// work offline.
//
//   node scripts/prisma.mjs <prisma args...>     e.g. generate, migrate diff ..., migrate deploy
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const prismaCli = path.join(repoRoot, "node_modules", "prisma", "build", "index.js");
const engineShim = path.join(repoRoot, "scripts", "schema-engine.mjs");

function shellQuote(value) {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The CLI spawns PRISMA_SCHEMA_ENGINE_BINARY directly. A shebang would pick
 * whichever `node` is first on PATH (the machine's may be too old), so the
 * engine gets a tiny launcher pinned to the Node running this script.
 */
function writeEngineLauncher() {
  const script = `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(engineShim)} "$@"\n`;
  const name = `schema-engine-${createHash("sha256").update(script).digest("hex").slice(0, 12)}`;
  for (const dir of [path.join(repoRoot, "node_modules", ".cache", "hotfix-prisma"), path.join(tmpdir(), "hotfix-prisma")]) {
    const file = path.join(dir, name);
    try {
      if (readFileSync(file, "utf8") === script) return file;
    } catch {
      // not written yet
    }
    try {
      mkdirSync(dir, { recursive: true });
      // Write then rename: concurrent runs (parallel test files) never see half a file.
      const partial = `${file}.${process.pid}.tmp`;
      writeFileSync(partial, script, { mode: 0o755 });
      chmodSync(partial, 0o755);
      renameSync(partial, file);
      return file;
    } catch {
      // read-only location: try the next one
    }
  }
  throw new Error("Could not write the schema engine launcher (node_modules/.cache and the temp dir are read-only).");
}

function prismaEnvironment() {
  return {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: writeEngineLauncher(),
    // No network: no version check, no update banner, no telemetry.
    CHECKPOINT_DISABLE: "1",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
  };
}

const child = spawn(process.execPath, [prismaCli, ...process.argv.slice(2)], {
  cwd: process.cwd(),
  env: prismaEnvironment(),
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("error", (error) => {
  console.error(`Could not start the Prisma CLI: ${error.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  // A child killed by a signal exits like a shell reports it: 128 + the signal's number.
  process.exit(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
});
