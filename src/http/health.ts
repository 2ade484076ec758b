import type { Db } from "../store/prisma.js";
import type { Metrics } from "./metrics.js";
import { type Route, sendJson, sendText } from "./server.js";

export function healthRoutes(prisma: Db, metrics: Metrics): Route[] {
  return [
    {
      method: "GET",
      path: "/healthz",
      handler: async (_req, res) => {
        try {
          await Promise.race([
            prisma.$queryRaw`select 1`,
            new Promise((_, reject) => setTimeout(() => reject(new Error("database did not answer in 2 s")), 2_000)),
          ]);
          sendJson(res, 200, { status: "ok", database: "ok" });
        } catch (error) {
          sendJson(res, 503, { status: "unavailable", database: (error as Error).message });
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
