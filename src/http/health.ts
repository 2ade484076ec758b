// GET /healthz and GET /metrics. Health asks the database on every call (no
// cached answer), through the app's own pool, with a short deadline: 503 while
// the database is gone, 200 again as soon as it answers. The reason goes to the
// log only; anyone can call /healthz, and a driver's error can name hosts,
// users or databases.
import type { Logger } from "pino";
import type { Db } from "../store/prisma.js";
import type { Metrics } from "./metrics.js";
import { type Route, sendJson, sendText } from "./server.js";

export const HEALTH_TIMEOUT_MS = 2_000;

export async function checkDatabase(prisma: Db, timeoutMs = HEALTH_TIMEOUT_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      prisma.$queryRaw`select 1`,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`database did not answer in ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(prisma: Db, metrics: Metrics, logger?: Logger, options: { timeoutMs?: number } = {}): Route[] {
  return [
    {
      method: "GET",
      path: "/healthz",
      handler: async (_req, res) => {
        try {
          await checkDatabase(prisma, options.timeoutMs);
          sendJson(res, 200, { status: "ok", database: "ok" });
        } catch (error) {
          logger?.warn({ err: error }, "health check: the database did not answer");
          sendJson(res, 503, { status: "unavailable", database: "unavailable" });
        }
      },
    },
    {
      method: "GET",
      path: "/metrics",
      handler: async (_req, res) => sendText(res, 200, await metrics.registry.metrics(), metrics.registry.contentType),
    },
  ];
}
