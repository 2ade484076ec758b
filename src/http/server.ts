// The one HTTP server: Slack's endpoint (handed to Bolt), health, metrics and
// webhooks. Written on node:http so shutdown can stop accepting, let requests
// in flight finish, and only then close the database.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { BodyTooLargeError, readBody, slackRequestKind } from "./body.js";
import type { Metrics } from "./metrics.js";

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface Route {
  method: "GET" | "POST";
  path: string;
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
  /** Bolt's request listener for POST /slack/events (HTTP mode only). */
  slackListener?: (req: IncomingMessage, res: ServerResponse) => void;
  metrics: Metrics;
  logger: Logger;
}

export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { metrics, logger } = options;
  const routes = new Map(options.routes.map((r) => [`${r.method} ${r.path}`, r]));
  let inFlight = 0;
  let closing = false;
  const idleWaiters: Array<() => void> = [];

  const handleSlack = async (req: IncomingMessage, res: ServerResponse, started: bigint) => {
    const listener = options.slackListener;
    if (!listener) return sendText(res, 404, "Slack requests arrive over Socket Mode on this instance\n");
    let raw: Buffer;
    try {
      raw = await readBody(req, 10 * 1_048_576);
    } catch (error) {
      return sendText(res, error instanceof BodyTooLargeError ? 413 : 400, "unreadable body\n");
    }
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
        route: routes.has(`${req.method} ${path}`) || path === "/slack/events" ? path : "other",
        method: req.method ?? "?",
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
      const route = routes.get(`${req.method} ${path}`);
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
