// The JSON-RPC 2.0 server the Prisma CLI expects from a schema engine: one
// JSON object per line on stdin/stdout. Requests are served one at a time, in
// order, like the native engine. The engine may itself ask the CLI to `print`
// (that is how `migrate diff` output reaches the CLI's stdout, or its
// `--output` file).
import { createInterface } from "node:readline";
import { log, redact } from "./log.mjs";
import { asPanic } from "./wasm.mjs";

/** The code the native engine puts on every error response; details are in `data`. */
const ENGINE_ERROR_CODE = 4466;

export function serveJsonRpc(handlers) {
  const pendingPrints = new Map();
  let nextOutgoingId = 1;
  let queue = Promise.resolve();
  let inFlight;

  const answered = new Set();
  const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
  /** Each request gets exactly one answer, whichever path (result, rejection, crash) comes first. */
  const answer = (id, outcome) => {
    if (answered.has(id)) return;
    answered.add(id);
    if ("error" in outcome) {
      const data = describeError(outcome.error);
      log.debug(`request ${id} failed: ${data.message}`);
      send({ jsonrpc: "2.0", id, error: { code: ENGINE_ERROR_CODE, message: data.message, data } });
      if (data.is_panic) exitAfterPanic(data.message);
    } else {
      send({ jsonrpc: "2.0", id, result: outcome.result ?? null });
    }
  };

  /** After a panic the wasm instance is unusable: exit (as the native engine does) once the answer is out. */
  const exitAfterPanic = (message) => {
    log.error(message);
    process.exitCode = 101;
    process.stdout.write("", () => process.exit());
  };

  // Errors can also surface outside the request's promise: wasm-bindgen
  // rethrows some from its callbacks, and a panic may trap there. The request
  // in flight gets the error — dying silently would let the CLI exit 0 as if
  // all went well.
  const onStrayError = (error) => {
    const failure = asPanic(error);
    if (inFlight !== undefined) answer(inFlight, { error: failure });
    else if (failure?.isPanic) exitAfterPanic(failure.message);
    else log.debug(`stray error: ${failure?.message ?? failure}`);
  };
  process.on("uncaughtException", onStrayError);
  process.on("unhandledRejection", onStrayError);

  const client = {
    /** Asks the CLI to write `content` to its stdout and waits until it has. */
    print(content) {
      const id = nextOutgoingId++;
      return new Promise((resolve) => {
        pendingPrints.set(id, resolve);
        send({ jsonrpc: "2.0", id, method: "print", params: { content } });
      });
    },
  };

  const serve = async (request) => {
    const handler = handlers[request.method];
    if (!handler) {
      answer(request.id, { error: new Error(`The wasm schema engine does not implement ${request.method}.`) });
      return;
    }
    log.debug(`rpc ${request.method}`);
    inFlight = request.id;
    try {
      answer(request.id, { result: await handler(request.params ?? {}, client) });
    } catch (error) {
      answer(request.id, { error });
    } finally {
      inFlight = undefined;
    }
  };

  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on("line", (line) => {
    if (!line.trim()) return;
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      log.error("Could not parse a JSON-RPC message from stdin.");
      return;
    }
    if (message.method === undefined && pendingPrints.has(message.id)) {
      pendingPrints.get(message.id)();
      pendingPrints.delete(message.id);
      return;
    }
    queue = queue.then(() => serve(message));
  });
  return new Promise((resolve) => lines.on("close", () => queue.then(resolve)));
}

/**
 * The native engine's error payload: `error_code` (P1001, P3006, ...) and a
 * message for user-facing errors, `is_panic` for bugs. The CLI prints
 * `data.message` (prefixed by the code) or, for panics, a crash report.
 */
export function describeError(error) {
  if (error?.isPanic) {
    return { is_panic: true, message: redact(error.message), backtrace: error.stack ? redact(error.stack) : null };
  }
  const message = redact(error?.message ?? String(error));
  const code = typeof error?.code === "string" && /^P\d{4}$/.test(error.code) ? error.code : null;
  return { is_panic: false, message, meta: error?.meta ?? null, error_code: code };
}
