// The emulator's HTTP face: the Web API at /api/<method>, response_url
// endpoints at /respond/<id>, file upload URLs at /upload/v1/<file>, file
// downloads at /files/<file>/<name>, a JSON dump at /_emulator/state for
// the local demo, and the sandbox page at / (web/).
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SlackApiError } from "./errors.js";
import { type Faults, faultOutcome } from "./faults.js";
import type { MethodTable } from "./methods/context.js";
import { decodeForLog, Params } from "./params.js";
import type { RateLimiter } from "./rate-limits.js";
import { renderMessage, renderView } from "./render.js";
import { handleResponseUrl } from "./response-url.js";
import { METHOD_SCOPES, type ScopeSet } from "./scopes.js";
import type { WorkspaceState } from "./state.js";
import type { ApiCall, JsonObject, ResponseUrlPost } from "./types.js";

/** Any pino-like logger; the emulator only logs at debug, warn and error. */
export interface EmulatorLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: EmulatorLogger = {
  debug() {},
  warn() {},
  error() {},
};

export interface ServerDeps {
  state: WorkspaceState;
  methods: MethodTable;
  scopes: () => ScopeSet;
  botToken: () => string;
  faults: Faults;
  rateLimits: RateLimiter;
  calls: ApiCall[];
  responsePosts: ResponseUrlPost[];
  /** Bugs in the emulator itself (answered 500); tests can assert there are none. */
  internalErrors: Error[];
  logger: EmulatorLogger;
  /** The sandbox page (web/routes.ts): answers its paths, false for any other. */
  web?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: JsonObject;
}

class BadRequest extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Slack takes form-encoded, multipart and JSON bodies. A token inside a JSON
 * body is ignored (Slack wants it in the Authorization header then), so it is
 * reported separately.
 */
async function parseApiBody(contentType: string, raw: Buffer): Promise<{ params: JsonObject; formToken: string | undefined }> {
  if (raw.length === 0) return { params: {}, formToken: undefined };
  if (contentType.startsWith("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString("utf8"));
    } catch {
      throw new SlackApiError("invalid_json");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new SlackApiError("invalid_json");
    }
    return { params: parsed as JsonObject, formToken: undefined };
  }
  let params: JsonObject;
  if (contentType.startsWith("multipart/form-data")) {
    try {
      const form = await new Response(new Uint8Array(raw), {
        headers: { "content-type": contentType },
      }).formData();
      params = {};
      for (const [key, value] of form.entries()) {
        params[key] = typeof value === "string" ? value : Buffer.from(await value.arrayBuffer());
      }
    } catch {
      throw new SlackApiError("invalid_form_data");
    }
  } else if (contentType.startsWith("application/x-www-form-urlencoded") || contentType.startsWith("text/plain")) {
    params = Object.fromEntries(new URLSearchParams(raw.toString("utf8")));
  } else if (contentType === "") {
    throw new SlackApiError("missing_post_type");
  } else {
    throw new SlackApiError("invalid_post_type");
  }
  return { params, formToken: typeof params.token === "string" ? params.token : undefined };
}

function send(res: ServerResponse, reply: Reply): void {
  const body = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    ...reply.headers,
  });
  res.end(body);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function handleApi(deps: ServerDeps, method: string, req: IncomingMessage, url: URL, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const at = deps.state.clock.now();
  let params: JsonObject = Object.fromEntries(url.searchParams);
  let reply: Reply;
  let injected = false;
  const scopes = deps.scopes();
  const headers = {
    "x-oauth-scopes": scopes.provided(),
    "x-accepted-oauth-scopes": (METHOD_SCOPES[method] ?? []).join(","),
    "x-slack-req-id": randomUUID(),
  };
  const log = (final: Reply) => {
    deps.calls.push({
      method,
      params: decodeForLog(params),
      status: final.status,
      response: final.body,
      injected,
      at,
      durationMs: performance.now() - started,
    });
    deps.logger.debug({ method, status: final.status, error: final.body.error }, "slack emulator: api call");
  };

  try {
    const raw = await readBody(req);
    const parsed = await parseApiBody(String(req.headers["content-type"] ?? ""), raw);
    params = { ...params, ...parsed.params };
    const handler = deps.methods[method];
    if (!handler) throw new SlackApiError("unknown_method", { req_method: method });

    const fault = deps.faults.take(method, decodeForLog(params));
    if (fault?.delayMs) await sleep(fault.delayMs);
    const outcome = fault ? faultOutcome(fault) : undefined;
    if (outcome && fault?.when !== "after") {
      if (outcome.kind === "drop") {
        injected = true;
        log({ status: 0, headers: {}, body: { ok: false, error: "connection_dropped" } });
        req.socket.destroy();
        return;
      }
      if (outcome.kind === "respond") {
        injected = true;
        reply = { status: outcome.status, headers: { ...headers, ...outcome.headers }, body: outcome.body };
        log(reply);
        send(res, reply);
        return;
      }
    }

    const header = String(req.headers.authorization ?? "");
    const token = header.startsWith("Bearer ")
      ? header.slice("Bearer ".length).trim()
      : (parsed.formToken ?? url.searchParams.get("token") ?? undefined);
    if (!token) throw new SlackApiError("not_authed");
    if (token !== deps.botToken()) throw new SlackApiError("invalid_auth");

    const retryAfter = deps.rateLimits.check(method, params, deps.state.clock.now());
    if (retryAfter !== undefined) {
      injected = true;
      reply = {
        status: 429,
        headers: { ...headers, "retry-after": String(retryAfter) },
        body: { ok: false, error: "ratelimited" },
      };
      log(reply);
      send(res, reply);
      return;
    }

    scopes.checkMethod(method);
    const body = await handler({ method, params: new Params(params), state: deps.state, scopes });
    reply = { status: 200, headers, body: { ok: true, ...body } };

    if (outcome && fault?.when === "after") {
      // The effect happened; the app just never hears about it.
      injected = true;
      if (outcome.kind === "drop") {
        log({ status: 0, headers: {}, body: { ok: false, error: "connection_dropped" } });
        req.socket.destroy();
        return;
      }
      if (outcome.kind === "respond") {
        reply = { status: outcome.status, headers: { ...headers, ...outcome.headers }, body: outcome.body };
      }
    }
  } catch (error) {
    if (error instanceof SlackApiError) {
      reply = { status: 200, headers, body: error.body() };
    } else {
      const err = error instanceof Error ? error : new Error(String(error));
      deps.internalErrors.push(err);
      deps.logger.error({ err, method }, "slack emulator: internal error");
      reply = { status: 500, headers, body: { ok: false, error: "internal_error" } };
    }
  }
  log(reply);
  send(res, reply);
}

async function handleUpload(deps: ServerDeps, fileId: string, req: IncomingMessage, res: ServerResponse) {
  const file = deps.state.files.get(fileId);
  const raw = await readBody(req);
  if (!file) {
    res.writeHead(404).end("file_not_found");
    return;
  }
  let content = raw;
  const contentType = String(req.headers["content-type"] ?? "");
  if (contentType.startsWith("multipart/form-data")) {
    const form = await new Response(new Uint8Array(raw), { headers: { "content-type": contentType } }).formData();
    for (const value of form.values()) {
      content = typeof value === "string" ? Buffer.from(value) : Buffer.from(await value.arrayBuffer());
      break;
    }
  }
  file.content = content;
  file.uploaded = true;
  res.writeHead(200, { "content-type": "text/plain" }).end(`OK - ${content.length}`);
}

function handleDownload(deps: ServerDeps, fileId: string, req: IncomingMessage, res: ServerResponse) {
  const header = String(req.headers.authorization ?? "");
  if (header !== `Bearer ${deps.botToken()}`) {
    res.writeHead(403).end("not_authed");
    return;
  }
  const file = deps.state.files.get(fileId);
  if (!file?.content) {
    res.writeHead(404).end("file_not_found");
    return;
  }
  res.writeHead(200, { "content-type": "application/octet-stream" }).end(file.content);
}

/** A readable dump of the workspace, for `hotfix demo` and for debugging a failing test. */
function snapshot(deps: ServerDeps): JsonObject {
  const { state } = deps;
  return {
    team: state.team,
    bot: state.bot,
    channels: [...state.channels.values()].map((c) => ({
      id: c.id,
      name: c.name,
      kind: c.kind,
      archived: c.isArchived,
      topic: c.topic.value,
      members: c.members,
      pins: (state.pinLog.get(c.id) ?? []).map((p) => p.ts),
      messages: (state.messageLog.get(c.id) ?? []).map((m) => renderMessage(m, state, "history")),
    })),
    ephemerals: state.ephemeralLog,
    views: [...state.viewStore.values()].map((v) => ({ status: v.status, user: v.userId, ...renderView(v, state) })),
    calls: deps.calls.length,
  };
}

export async function startServer(deps: ServerDeps, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://emulator");
    const path = url.pathname;
    const route = async () => {
      if (path.startsWith("/api/")) {
        await handleApi(deps, decodeURIComponent(path.slice("/api/".length)), req, url, res);
      } else if (path.startsWith("/respond/") && req.method === "POST") {
        const raw = (await readBody(req)).toString("utf8");
        const outcome = handleResponseUrl(
          deps.state,
          deps.responsePosts,
          path.slice("/respond/".length),
          raw,
          String(req.headers["content-type"] ?? ""),
        );
        send(res, { status: outcome.status, headers: {}, body: outcome.body });
      } else if (path.startsWith("/upload/v1/") && req.method === "POST") {
        await handleUpload(deps, path.slice("/upload/v1/".length), req, res);
      } else if (path.startsWith("/files/") && req.method === "GET") {
        handleDownload(deps, path.split("/")[2] ?? "", req, res);
      } else if (path === "/_emulator/state") {
        send(res, { status: 200, headers: {}, body: snapshot(deps) });
      } else if (path === "/healthz") {
        send(res, { status: 200, headers: {}, body: { ok: true } });
      } else if (deps.web && (await deps.web(req, res, url))) {
        // the sandbox page answered
      } else {
        throw new BadRequest(`no route for ${req.method} ${path}`);
      }
    };
    route().catch((error: unknown) => {
      const err = error instanceof Error ? error : new Error(String(error));
      if (!(err instanceof BadRequest)) {
        deps.internalErrors.push(err);
        deps.logger.error({ err, path }, "slack emulator: internal error");
      }
      if (!res.headersSent) {
        send(res, {
          status: err instanceof BadRequest ? 404 : 500,
          headers: {},
          body: { ok: false, error: err.message },
        });
      }
    });
  });
  // Connections from the app's keep-alive agents must not hold close() open.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

export function serverUrl(server: Server, host: string): string {
  const address = server.address() as AddressInfo;
  return `http://${host}:${address.port}`;
}
