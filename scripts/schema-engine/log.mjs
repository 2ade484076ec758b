// The Prisma CLI reads the schema engine's stderr line by line as JSON (the
// `tracing` format of the native binary): it keeps `fields.message`, treats
// `level: "ERROR"` as the reason when the engine exits, and looks for
// `target: "schema_engine::logger"` + `fields.error_code` after one-shot
// commands. Everything here may end up in a terminal or a CI log, so every
// line goes through `redact` first.

const TARGET = "schema_engine::logger";

/** Secrets (passwords) seen in connection strings, masked wherever they appear. */
const secrets = new Set();

export function registerSecret(secret) {
  if (secret) secrets.add(secret);
}

/** Masks `scheme://user:password@` credentials and every registered secret. */
export function redact(text) {
  let out = String(text).replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@/\s]*@/gi, "$1:***@");
  for (const secret of secrets) {
    out = out.split(secret).join("***");
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join("***");
  }
  return out;
}

/** Registers the passwords of the given connection strings (unparsable ones are skipped). */
export function registerUrlSecrets(...urls) {
  for (const url of urls) {
    if (!url) continue;
    try {
      const { password } = new URL(url);
      if (password) registerSecret(decodeURIComponent(password));
    } catch {
      // not a URL: nothing to register
    }
  }
}

/**
 * Everything written to stderr is redacted, including what libraries print
 * under DEBUG=* (errors, connection details), not only our own log lines.
 */
export function redactStderr() {
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk, ...rest) =>
    write(typeof chunk === "string" || Buffer.isBuffer(chunk) ? redact(chunk.toString()) : chunk, ...rest);
}

function write(level, message, fields = {}) {
  const line = {
    timestamp: new Date().toISOString(),
    level,
    fields: { message: redact(message), ...redactFields(fields) },
    target: TARGET,
  };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

function redactFields(fields) {
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, typeof value === "string" ? redact(value) : value]));
}

export const log = {
  info: (message, fields) => write("INFO", message, fields),
  debug: (message, fields) => {
    if (process.env.PRISMA_SHIM_DEBUG) write("DEBUG", message, fields);
  },
  error: (message, fields) => write("ERROR", message, fields),
};
