// Property tests of the alert webhooks (Sentry, Alertmanager, metrics): their
// parsers never throw on any JSON, and through the real HTTP server a
// correctly authenticated sender of generated bodies gets an answer below 500,
// and a refused body (4xx) stores nothing.

import { createHmac } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertSignalFromSentry, alertSignalsFromAlertmanager, metricsReportFrom } from "../../src/domain/alert-signals.js";
import { settled } from "../support/declare.js";
import type { Harness } from "../support/harness.js";
import { declared, startReleaseLane, stopReleaseLane } from "../support/release-lane.js";
import { NASTY, nastyText } from "./arbitraries.js";

const SENTRY_SECRET = "fuzz-sentry-client-secret";
const ALERTS_TOKEN = "fuzz-alerts-token";

/** Strings a sender might put anywhere: nasty text, times, numbers as text, the matched service. */
const value = fc.oneof(
  nastyText(4),
  fc.constantFrom(...NASTY),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom("payments-api", "0001-01-01T00:00:00Z", "firing", "resolved", "critical", "metric_alert"),
);
/** JSON a little like what senders send: objects and arrays of those strings, numbers, booleans, null. */
const jsonish = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small" },
    value,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("node"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("alerts", "labels", "status", "data", "service")), tie("node"), {
      maxKeys: 5,
    }),
  ),
})).node;

const alertmanagerShaped = fc.record({
  version: fc.oneof(fc.constant("4"), value),
  status: fc.oneof(fc.constantFrom("firing", "resolved"), value),
  alerts: fc.array(
    fc.record({
      status: fc.oneof(fc.constantFrom("firing", "resolved"), value),
      labels: fc.dictionary(fc.constantFrom("alertname", "service", "severity", "x"), value),
      annotations: fc.dictionary(fc.constantFrom("summary", "value"), value),
      startsAt: value,
      endsAt: value,
      fingerprint: value,
      generatorURL: value,
    }),
    { maxLength: 3 },
  ),
});

describe("the alert parsers", () => {
  it("answer any JSON with a value or a reason, never throw", () => {
    fc.assert(
      fc.property(fc.oneof(jsonish, alertmanagerShaped, fc.jsonValue()), fc.oneof(value, fc.constant(undefined)), (body, resource) => {
        for (const parsed of [
          alertSignalsFromAlertmanager(body),
          alertSignalFromSentry(resource, body),
          alertSignalFromSentry("metric_alert", body),
          metricsReportFrom(body),
        ]) {
          expect(parsed).toBeTypeOf("object");
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe("the alert webhooks with generated bodies, authenticated", () => {
  let h: Harness;

  beforeAll(async () => {
    ({ h } = await startReleaseLane({ env: { SENTRY_CLIENT_SECRET: SENTRY_SECRET, ALERTS_TOKEN } }));
    const incident = await declared(h, { title: "Alerts fuzzed", commanderId: "U0BOB" });
    await h.db.prisma.incident.update({ where: { id: incident.id }, data: { service: "payments-api" } });
  }, 60_000);

  afterAll(() => stopReleaseLane(h));

  const stored = async () => ({
    breaches: await h.db.prisma.guardrailBreach.count(),
    samples: await h.db.prisma.metricSample.count(),
  });

  const send = (path: string, raw: string, headers: Record<string, string>) =>
    fetch(`${h.app.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: raw });

  it("answer below 500, and a refused body stores nothing", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("sentry", "alertmanager", "metrics"),
        fc.oneof(jsonish, alertmanagerShaped),
        fc.constantFrom("metric_alert", "event_alert", "issue", ""),
        async (route, body, resource) => {
          await settled(h.db.prisma);
          const before = await stored();
          const raw = JSON.stringify(body) ?? "null";
          const headers: Record<string, string> =
            route === "sentry"
              ? { "sentry-hook-resource": resource, "sentry-hook-signature": createHmac("sha256", SENTRY_SECRET).update(raw).digest("hex") }
              : { authorization: `Bearer ${ALERTS_TOKEN}` };
          const res = await send(`/webhooks/alerts/${route}`, raw, headers);
          await res.text();
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect(await stored()).toEqual(before);
        },
      ),
      { numRuns: 150 },
    );
  }, 240_000);
});
