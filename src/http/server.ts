// The one HTTP server: Slack's endpoint (handed to Bolt), health, metrics and
// webhooks. Written on node:http so shutdown can stop accepting, let requests
// in flight finish, and only then close the database.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import {
  BodyTooLargeError,
  checkSlackHeaders,
  readBody,
  SLACK_BODY_LIMIT,
  type SlackRefusal,
  slackRequestKind,
  verifySlackSignature,
} from "./body.js";
import type { Metrics } from "./metrics.js";

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface Route {
  method: "GET" | "POST";
  path: string;
  handler: RouteHandler;
}

/** A route for every path under `prefix` (e.g. /incidents/<id>/...); `label` names it in metrics (never the raw path). */
export interface PrefixRoute {
  method: "GET" | "POST";
  prefix: string;
  label: string;
  handler: RouteHandler;
}

export interface HttpServer {
  server: Server;
  listen(port: number, host?: string): Promise<string>;
  /** Stop accepting; wait for requests in flight (and their acks) to finish. */
  close(timeoutMs?: number): Promise<void>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, contentType = "text/plain; charset=utf-8"): void {
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export interface HttpServerOptions {
  routes: Route[];
  prefixRoutes?: PrefixRoute[];
  /** Bolt's request listener for POST /slack/events (HTTP mode only). */
  slackListener?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Checked here on the raw bytes before Bolt (or a metric) sees the body. Required with slackListener. */
  slackSigningSecret?: string;
  metrics: Metrics;
  logger: Logger;
}

/** HTTP methods we label by name; anything else is `other` (a label never comes from the request as is). */
const METHODS = new Set(["GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"]);

/** Up to this size, an unread body is discarded by node:http after the answer and the connection kept. */
const DRAIN_LIMIT = 64 * 1024;

/**
 * A refusal answered without reading (all of) the body. A small declared body
 * is left for node:http to discard, keeping the connection; a large or
 * undeclared (chunked) one is never read: the socket closes after the answer.
 */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, text: string): void {
  const length = Number(req.headers["content-length"] ?? Number.NaN);
  if (!req.complete && !(Number.isFinite(length) && length <= DRAIN_LIMIT)) res.setHeader("connection", "close");
  sendText(res, status, text);
}

/** An unsigned, small, form-encoded request: perhaps Slack's `ssl_check=1`, which Slack does not sign. */
function mayBeSslCheck(req: IncomingMessage): boolean {
  const length = Number(req.headers["content-length"]);
  return req.headers["content-type"] === "application/x-www-form-urlencoded" && Number.isFinite(length) && length <= 512;
}

export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { metrics, logger } = options;
  const routes = new Map(options.routes.map((r) => [`${r.method} ${r.path}`, r]));
  const prefixRoutes = options.prefixRoutes ?? [];
  const prefixRouteOf = (method: string | undefined, path: string) =>
    prefixRoutes.find((r) => r.method === method && path.startsWith(r.prefix) && path.length > r.prefix.length);
  let inFlight = 0;
  let closing = false;
  const idleWaiters: Array<() => void> = [];

  // Before trust, nothing: headers first (signature present, timestamp within 5 minutes either way),
  // then at most 1 MiB read, then the HMAC on those raw bytes. Only a verified body is classified,
  // counted by kind, and handed to Bolt, which reuses the buffer (req.rawBody) and parses it once.
  const handleSlack = async (req: IncomingMessage, res: ServerResponse, started: bigint) => {
    const listener = options.slackListener;
    if (!listener) return sendText(res, 404, "Slack requests arrive over Socket Mode on this instance\n");
    const rejected = (reason: SlackRefusal, status = 401) => {
      metrics.slackRejected.inc({ reason });
      logger.debug({ reason }, "Slack request refused");
      refuse(req, res, status, status === 413 ? "request body too large\n" : "request not signed by Slack\n");
    };
    const headerRefusal = checkSlackHeaders(req.headers);
    if (headerRefusal && !(headerRefusal === "missing_signature" && mayBeSslCheck(req))) return rejected(headerRefusal);
    let raw: Buffer;
    try {
      raw = await readBody(req, SLACK_BODY_LIMIT);
    } catch (error) {
      return error instanceof BodyTooLargeError ? rejected("too_large", 413) : rejected("unreadable", 400);
    }
    if (headerRefusal) {
      // Slack's unsigned certificate check: answered here, its body never reaches Bolt.
      if (/(?:^|&)ssl_check=1(?:&|$)/.test(raw.toString("latin1"))) {
        metrics.slackRequests.inc({ kind: "ssl_check" });
        return sendText(res, 200, "");
      }
      return rejected(headerRefusal);
    }
    const refusal = verifySlackSignature(raw, req.headers, options.slackSigningSecret ?? "");
    if (refusal) return rejected(refusal);
    const kind = slackRequestKind(raw, req.headers["content-type"]);
    metrics.slackRequests.inc({ kind });
    res.once("finish", () => {
      // The HTTP response is Slack's ack: its latency is the ack latency.
      if (res.statusCode < 300) metrics.slackAckSeconds.observe({ kind }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    // Bolt reuses an already-buffered body (it checks req.rawBody).
    (req as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
    listener(req, res);
  };

  const server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    inFlight++;
    res.once("close", () => {
      inFlight--;
      metrics.httpRequests.inc({
        route: routes.has(`${req.method} ${path}`) || path === "/slack/events" ? path : (prefixRouteOf(req.method, path)?.label ?? "other"),
        method: METHODS.has(req.method ?? "") ? (req.method as string) : "other",
        status: String(res.statusCode),
      });
      if (inFlight === 0) for (const wake of idleWaiters.splice(0)) wake();
    });
    if (closing) {
      res.setHeader("connection", "close");
      return sendText(res, 503, "shutting down\n");
    }
    const run = async () => {
      if (path === "/slack/events" && req.method === "POST") return handleSlack(req, res, started);
      const route = routes.get(`${req.method} ${path}`) ?? prefixRouteOf(req.method, path);
      if (!route) {
        const known = [...routes.values()].some((r) => r.path === path) || path === "/slack/events";
        return sendText(res, known ? 405 : 404, known ? "method not allowed\n" : "not found\n");
      }
      await route.handler(req, res);
    };
    run().catch((error: unknown) => {
      logger.error({ err: error, path }, "request failed");
      if (!res.headersSent) sendText(res, 500, "internal error\n");
      else res.end();
    });
  });
  server.keepAliveTimeout = 5_000;
  // A client trickling a body or its headers holds a socket for at most this long.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  return {
    server,
    listen(port, host = "0.0.0.0") {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          const address = server.address() as AddressInfo;
          resolve(`http://127.0.0.1:${address.port}`);
        });
      });
    },
    async close(timeoutMs = 10_000) {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([new Promise<void>((resolve) => idleWaiters.push(resolve)), new Promise((r) => setTimeout(r, timeoutMs))]);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}
