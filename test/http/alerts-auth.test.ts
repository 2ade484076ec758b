// The alert webhooks' credentials, in front of everything: with SENTRY_CLIENT_SECRET
// or ALERTS_TOKEN unset every request is refused (401) before the database is
// touched; the signature and token checks themselves, byte for byte.
import { createHmac } from "node:crypto";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envSchema, parsePolicy } from "../../src/config.js";
import type { AppContext } from "../../src/context.js";
import { alertRoutes, verifyBearer, verifySentrySignature } from "../../src/http/alerts.js";
import { createMetrics } from "../../src/http/metrics.js";
import { createHttpServer, type HttpServer } from "../../src/http/server.js";

let server: HttpServer;
let url: string;
const touched: string[] = [];

beforeAll(async () => {
  // A database that records any use: with no secret configured, nothing may reach it.
  const prisma = new Proxy(
    {},
    {
      get: (_t, key) => {
        touched.push(String(key));
        return () => Promise.reject(new Error("touched"));
      },
    },
  );
  const ctx = {
    config: { env: envSchema.parse({ NODE_ENV: "test" }), policy: parsePolicy({}, "test"), policySource: "test" },
    logger: pino({ level: "silent" }),
    prisma,
    now: () => new Date(),
  } as unknown as AppContext;
  server = createHttpServer({ routes: alertRoutes(ctx), metrics: createMetrics(), logger: pino({ level: "silent" }) });
  url = await server.listen(0, "127.0.0.1");
});

afterAll(() => server?.close());

describe("alert webhooks without their secret configured", () => {
  it("refuse every request with 401, even a well-formed signed one, and touch nothing", async () => {
    const body = JSON.stringify({ service: "payments-api", samples: [{ metric: "error_rate", value: 0.5, at: new Date().toISOString() }] });
    const answers = await Promise.all([
      fetch(`${url}/webhooks/alerts/metrics`, { method: "POST", headers: { authorization: "Bearer anything" }, body }),
      fetch(`${url}/webhooks/alerts/alertmanager`, { method: "POST", headers: { authorization: "Bearer anything" }, body }),
      fetch(`${url}/webhooks/alerts/sentry`, {
        method: "POST",
        headers: { "sentry-hook-resource": "metric_alert", "sentry-hook-signature": createHmac("sha256", "").update(body).digest("hex") },
        body,
      }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401]);
    expect(((await answers[0]?.json()) as { error: string }).error).toContain("ALERTS_TOKEN is not set");
    expect(((await answers[2]?.json()) as { error: string }).error).toContain("SENTRY_CLIENT_SECRET is not set");
    expect(touched).toEqual([]);
  });
});

describe("the checks", () => {
  const body = Buffer.from('{"a":1}');
  const good = createHmac("sha256", "s3cret").update(body).digest("hex");
  it("Sentry: the hex HMAC-SHA256 of the raw body with the client secret, nothing else", () => {
    expect(verifySentrySignature(body, good, "s3cret")).toBe(true);
    expect(verifySentrySignature(body, good.toUpperCase(), "s3cret")).toBe(true);
    expect(verifySentrySignature(Buffer.from('{"a": 1}'), good, "s3cret")).toBe(false);
    expect(verifySentrySignature(body, good, "other")).toBe(false);
    expect(verifySentrySignature(body, `sha256=${good}`, "s3cret")).toBe(false);
    expect(verifySentrySignature(body, good.slice(0, 63), "s3cret")).toBe(false);
    expect(verifySentrySignature(body, undefined, "s3cret")).toBe(false);
  });
  it("bearer: exactly the token, any length compared in constant time", () => {
    expect(verifyBearer("Bearer tok", "tok")).toBe(true);
    expect(verifyBearer("bearer tok", "tok")).toBe(true);
    expect(verifyBearer("Bearer tok2", "tok")).toBe(false);
    expect(verifyBearer("Bearer to", "tok")).toBe(false);
    expect(verifyBearer("Basic tok", "tok")).toBe(false);
    expect(verifyBearer("tok", "tok")).toBe(false);
    expect(verifyBearer(undefined, "tok")).toBe(false);
  });
});
