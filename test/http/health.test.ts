// GET /healthz against a real Postgres reached through a TCP proxy the test
// can cut: 200 while the database answers, 503 (with no driver detail in the
// body, the detail in the log) while it is gone, 200 again once it is back.
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthRoutes } from "../../src/http/health.js";
import { createMetrics } from "../../src/http/metrics.js";
import { createHttpServer, type HttpServer } from "../../src/http/server.js";
import { createLogger } from "../../src/logger.js";
import { createPrisma, type Db } from "../../src/store/prisma.js";
import { CuttableProxy } from "../support/cuttable-proxy.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

let db: TestDatabase;
let proxy: CuttableProxy;
let prisma: Db;
let http: HttpServer;
let url: string;
const logLines: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  const target = new URL(db.url);
  proxy = new CuttableProxy(target.hostname, Number(target.port || 5432));
  await proxy.start();
  const viaProxy = new URL(db.url);
  viaProxy.hostname = "127.0.0.1";
  viaProxy.port = String(proxy.port);
  prisma = createPrisma(viaProxy.toString(), { max: 2 });
  const logger = createLogger({
    level: "debug",
    destination: new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
  });
  const metrics = createMetrics();
  http = createHttpServer({ routes: healthRoutes(prisma, metrics, logger, { timeoutMs: 1_000 }), metrics, logger });
  url = await http.listen(0, "127.0.0.1");
});
afterAll(async () => {
  await http?.close();
  await prisma?.$disconnect().catch(() => undefined);
  await proxy?.cut();
  await db?.drop();
});

async function health(): Promise<{ status: number; body: unknown; ms: number }> {
  const began = Date.now();
  const res = await fetch(`${url}/healthz`);
  return { status: res.status, body: await res.json(), ms: Date.now() - began };
}

describe("/healthz", () => {
  it("says 200 while the database answers, 503 with nothing but `unavailable` while it is gone, 200 again after", async () => {
    expect(await health()).toMatchObject({ status: 200, body: { status: "ok", database: "ok" } });

    await proxy.cut();
    const down = await health();
    expect(down.status).toBe(503);
    expect(down.body).toEqual({ status: "unavailable", database: "unavailable" });
    expect(down.ms).toBeLessThan(5_000);
    // Asked again each time, not cached: still 503 while it is gone.
    expect((await health()).status).toBe(503);
    // The reason is in the log, for operators.
    expect(logLines.join("")).toContain("health check: the database did not answer");

    await proxy.start();
    const deadline = Date.now() + 10_000;
    while ((await health()).status !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await health()).toMatchObject({ status: 200, body: { status: "ok", database: "ok" } });
  });
});
