// Loads @prisma/schema-engine-wasm by hand: its entry point imports the .wasm
// file as an ES module, which Node only allows behind a flag. The glue module
// (schema_engine_bg.js) plus WebAssembly.instantiate does the same job.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);

let loaded;

/** @returns {Promise<typeof import("@prisma/schema-engine-wasm")>} */
export function loadSchemaEngineWasm() {
  loaded ??= instantiate();
  return loaded;
}

/**
 * The wasm panic hook reports the panic message here before the wasm traps
 * (`RuntimeError: unreachable`), so the trap can be reported with its reason.
 */
const panicRegistry = {
  message: "",
  set_message(message) {
    this.message = message;
  },
};

/** A wasm trap means the engine panicked (and is unusable); anything else is returned unchanged. */
export function asPanic(error) {
  if (!(error instanceof WebAssembly.RuntimeError)) return error;
  const panic = new Error(panicRegistry.message || error.message);
  panicRegistry.message = "";
  panic.isPanic = true;
  panic.stack = error.stack;
  return panic;
}

async function instantiate() {
  globalThis.PRISMA_WASM_PANIC_REGISTRY = panicRegistry;
  const glueFile = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const glue = await import(pathToFileURL(glueFile).href);
  const bytes = await readFile(path.join(path.dirname(glueFile), "schema_engine_bg.wasm"));
  const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": glue });
  glue.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start?.();
  return glue;
}
