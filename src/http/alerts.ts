// Alert intake over HTTP (runbook 000 §2, runbook 001 §2):
//   POST /webhooks/alerts/sentry        Sentry's integration webhook; `sentry-hook-signature`
//                                       is the hex HMAC-SHA256 of the raw body with SENTRY_CLIENT_SECRET;
//                                       `sentry-hook-resource` says event_alert or metric_alert.
//   POST /webhooks/alerts/alertmanager  Prometheus Alertmanager's webhook JSON; Authorization: Bearer ALERTS_TOKEN.
//   POST /webhooks/alerts/metrics       metric samples (documented in the README); Bearer ALERTS_TOKEN;
//                                       the bot evaluates the thresholds itself.
//
// Order of checks: the secret is configured, the credential is present (before
// a byte of the body is read), the body is at most 1 MiB, the signature on the
// raw bytes (Sentry) — only then JSON and the shape (400 naming what is
// wrong). An unauthenticated request gets 401 and nothing is stored.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { alertSignalFromSentry, alertSignalsFromAlertmanager, metricsReportFrom } from "../domain/alert-signals.js";
import { receiveAlert, receiveMetrics } from "../workflows/alerts.js";
import type { WorkflowContext } from "../workflows/context.js";
import { BodyTooLargeError, readBody } from "./body.js";
import { type Route, sendJson } from "./server.js";

export const ALERTS_BODY_LIMIT = 1_048_576;
export const ALERT_PATHS = {
  sentry: "/webhooks/alerts/sentry",
  alertmanager: "/webhooks/alerts/alertmanager",
  metrics: "/webhooks/alerts/metrics",
} as const;

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Equal strings, compared in constant time whatever their lengths (both are hashed first). */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/** Sentry's `sentry-hook-signature`: hex HMAC-SHA256 of the raw body with the integration's client secret. */
export function verifySentrySignature(body: Buffer, signature: string | undefined, secret: string): boolean {
  if (!signature || !/^[0-9a-f]{64}$/i.test(signature)) return false;
  const expected = createHmac("sha256", secret).update(body).digest();
  const given = Buffer.from(signature, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** `Authorization: Bearer <token>` matching ALERTS_TOKEN. */
export function verifyBearer(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  return Boolean(match?.[1] && sameSecret(match[1], token));
}

type Outcome = { status: number; body: Record<string, unknown> };

function refuse(res: ServerResponse, status: number, error: string): void {
  // The rest of an unauthenticated body is never read: the connection closes after the answer.
  res.setHeader("connection", "close");
  sendJson(res, status, { error });
}

/** Reads the body within the limit and parses JSON; answers 413/400 itself and returns undefined then. */
async function readJson(
  req: IncomingMessage,
  res: ServerResponse,
  check?: (raw: Buffer) => boolean,
): Promise<{ value: unknown } | undefined> {
  let raw: Buffer;
  try {
    raw = await readBody(req, ALERTS_BODY_LIMIT);
  } catch (error) {
    refuse(
      res,
      error instanceof BodyTooLargeError ? 413 : 400,
      error instanceof BodyTooLargeError ? "body larger than 1 MiB" : "unreadable body",
    );
    return undefined;
  }
  if (check && !check(raw)) {
    sendJson(res, 401, { error: "bad sentry-hook-signature" });
    return undefined;
  }
  try {
    return { value: JSON.parse(raw.toString("utf8")) };
  } catch {
    sendJson(res, 400, { error: "body is not JSON" });
    return undefined;
  }
}

async function answer(ctx: WorkflowContext, res: ServerResponse, route: string, work: () => Promise<Outcome>): Promise<void> {
  const log = ctx.logger.child({ component: "alerts-webhook", route });
  let outcome: Outcome;
  try {
    outcome = await work();
  } catch (error) {
    log.error({ err: error }, "alert could not be recorded");
    return sendJson(res, 503, { error: "could not record this alert now; nothing was recorded, send it again later" });
  }
  log.info({ status: outcome.status, ...outcome.body }, "alert received");
  sendJson(res, outcome.status, outcome.body);
}

const matched = (incidents: unknown[]) => (incidents.length ? 200 : 202);

export function alertRoutes(ctx: WorkflowContext): Route[] {
  const { env } = ctx.config;
  const bearerRoute = (path: string, handle: (body: unknown) => Promise<Outcome>): Route => ({
    method: "POST",
    path,
    handler: async (req, res) => {
      if (!env.ALERTS_TOKEN) return refuse(res, 401, "ALERTS_TOKEN is not set: alert webhooks are refused");
      if (!verifyBearer(header(req, "authorization"), env.ALERTS_TOKEN)) return refuse(res, 401, "bad or missing bearer token");
      const body = await readJson(req, res);
      if (!body) return;
      await answer(ctx, res, path, () => handle(body.value));
    },
  });
  return [
    {
      method: "POST",
      path: ALERT_PATHS.sentry,
      handler: async (req, res) => {
        const secret = env.SENTRY_CLIENT_SECRET;
        if (!secret) return refuse(res, 401, "SENTRY_CLIENT_SECRET is not set: Sentry webhooks are refused");
        const signature = header(req, "sentry-hook-signature");
        if (!signature || !/^[0-9a-f]{64}$/i.test(signature)) return refuse(res, 401, "bad or missing sentry-hook-signature");
        const body = await readJson(req, res, (raw) => verifySentrySignature(raw, signature, secret));
        if (!body) return;
        const resource = header(req, "sentry-hook-resource");
        // Sentry sends installation and other resources to the same URL: acknowledged, nothing recorded.
        if (resource !== "event_alert" && resource !== "metric_alert")
          return sendJson(res, 202, { ignored: `sentry-hook-resource ${JSON.stringify(resource ?? null)} is not an alert` });
        const signal = alertSignalFromSentry(resource, body.value);
        if (!signal.ok) return sendJson(res, 400, { error: signal.errors.slice(0, 5).join("; ") });
        await answer(ctx, res, ALERT_PATHS.sentry, async () => {
          const outcome = await receiveAlert(ctx, signal.value);
          return {
            status: matched(outcome.incidents),
            body: {
              ...outcome,
              ...(outcome.incidents.length ? {} : { ignored: `no active incident for service ${signal.value.service}` }),
            },
          };
        });
      },
    },
    bearerRoute(ALERT_PATHS.alertmanager, async (value) => {
      const signals = alertSignalsFromAlertmanager(value);
      if (!signals.ok) return { status: 400, body: { error: signals.errors.slice(0, 5).join("; ") } };
      const alerts = [];
      for (const signal of signals.value) alerts.push(await receiveAlert(ctx, signal));
      return { status: matched(alerts.flatMap((a) => a.incidents)), body: { alerts } };
    }),
    bearerRoute(ALERT_PATHS.metrics, async (value) => {
      const report = metricsReportFrom(value);
      if (!report.ok) return { status: 400, body: { error: report.errors.slice(0, 5).join("; ") } };
      const outcome = await receiveMetrics(ctx, report.value);
      return { status: 200, body: { ...outcome } };
    }),
  ];
}
