import { describe, expect, it } from "vitest";
import {
  alertSignalFromSentry,
  alertSignalsFromAlertmanager,
  MAX_METRIC_SAMPLES,
  metricsReportFrom,
} from "../../src/domain/alert-signals.js";

// Shapes as Alertmanager (webhook_config, version "4") and Sentry's integration platform document them.
const alertmanager = () => ({
  receiver: "hotfix-commander",
  status: "firing",
  alerts: [
    {
      status: "firing",
      labels: { alertname: "HighErrorRate", service: "payments", severity: "critical" },
      annotations: { summary: "Error rate above 1%", value: "0.023" },
      startsAt: "2026-01-09T10:05:03.157076+02:00",
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL: "http://prometheus.example.org:9090/graph?g0.expr=rate",
      fingerprint: "1a30ba71cca2921f",
    },
  ],
  groupLabels: { alertname: "HighErrorRate" },
  commonLabels: { alertname: "HighErrorRate", service: "payments" },
  commonAnnotations: {},
  externalURL: "http://alertmanager.example.org:9093",
  version: "4",
  groupKey: '{}:{alertname="HighErrorRate"}',
  truncatedAlerts: 0,
});

const sentryIssueAlert = () => ({
  action: "triggered",
  actor: { id: "sentry", name: "Sentry", type: "application" },
  data: {
    event: {
      event_id: "e4874d664c3540c1a32eab185f12c5ab",
      title: "ReferenceError: heck is not defined",
      datetime: "2026-01-09T08:06:17.677000Z",
      issue_id: "1117540176",
      issue_url: "https://sentry.io/api/0/issues/1117540176/",
      web_url: "https://sentry.io/organizations/acme/issues/1117540176/events/e4874d66/",
      project: 1,
      tags: [
        ["level", "error"],
        ["service", "checkout"],
      ],
    },
    triggered_rule: "New errors in checkout",
  },
  installation: { uuid: "a8e5d37a-696c-4c54-adb5-b3f28d64c7de" },
});

const sentryMetricAlert = (action: string) => ({
  action,
  actor: { id: "sentry", name: "Sentry", type: "application" },
  data: {
    description_text: "1000 events in the last 10 minutes\nFilter: level:error",
    description_title: "Critical: Too many errors",
    web_url: "https://sentry.io/organizations/acme/alerts/rules/details/7/",
    metric_alert: {
      id: "12",
      identifier: "12",
      title: "Too many errors",
      status: 20,
      date_started: "2026-01-09T10:00:00.000000Z",
      date_detected: "2026-01-09T10:01:00.000000Z",
      date_closed: action === "resolved" ? "2026-01-09T10:40:00.000000Z" : null,
      alert_rule: { id: "7", name: "Too many errors", aggregate: "count()", projects: ["payments"], time_window: 10, triggers: [] },
    },
  },
});

/** The first element of a fixture's array (a fixture without one is a broken test). */
function first<T>(xs: T[]): T {
  const [x] = xs;
  if (x === undefined) throw new Error("fixture has no first element");
  return x;
}

describe("Alertmanager webhook", () => {
  it("maps each alert to a signal", () => {
    const result = alertSignalsFromAlertmanager(alertmanager());
    expect(result).toEqual({
      ok: true,
      value: [
        {
          source: "alertmanager",
          service: "payments",
          status: "firing",
          name: "HighErrorRate",
          value: 0.023,
          startsAt: new Date("2026-01-09T08:05:03.157Z"),
          url: "http://prometheus.example.org:9090/graph?g0.expr=rate",
          key: "1a30ba71cca2921f",
        },
      ],
    });
  });

  it("carries a resolved alert's end, and falls back to common labels and the job label", () => {
    const body = alertmanager();
    body.status = "resolved";
    body.commonLabels = { alertname: "Down", service: "" } as never;
    body.alerts[0] = {
      ...first(body.alerts),
      status: "resolved",
      labels: { alertname: "Down", job: "api" } as never,
      endsAt: "2026-01-09T09:00:00Z",
    };
    const result = alertSignalsFromAlertmanager(body);
    expect(result.ok && result.value[0]).toMatchObject({ status: "resolved", service: "api", endsAt: new Date("2026-01-09T09:00:00Z") });
  });

  it("refuses an alert without a label naming the service", () => {
    const body = alertmanager();
    body.commonLabels = { alertname: "HighErrorRate" } as never;
    first(body.alerts).labels = { alertname: "HighErrorRate" } as never;
    expect(alertSignalsFromAlertmanager(body)).toEqual({
      ok: false,
      errors: ["alertmanager.alerts[0].labels: no service, app, job label to match an incident by"],
    });
  });

  it("names the field of a bad shape", () => {
    const body = alertmanager() as Record<string, unknown>;
    first(body.alerts as Array<Record<string, unknown>>).startsAt = "yesterday";
    first(body.alerts as Array<Record<string, unknown>>).status = "on fire";
    const result = alertSignalsFromAlertmanager(body);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.some((e) => e.startsWith("alertmanager.alerts[0].startsAt: expected an ISO 8601 time"))).toBe(true);
    expect(result.errors.some((e) => e.startsWith("alertmanager.alerts[0].status:"))).toBe(true);
  });

  it("refuses an empty group and a non-object", () => {
    expect(alertSignalsFromAlertmanager({ ...alertmanager(), alerts: [] })).toEqual({
      ok: false,
      errors: ["alertmanager.alerts: expected at least one alert"],
    });
    expect(alertSignalsFromAlertmanager("nope").ok).toBe(false);
    expect(alertSignalsFromAlertmanager(null).ok).toBe(false);
  });

  it("refuses a time without a zone (we would have to guess it)", () => {
    const body = alertmanager();
    first(body.alerts).startsAt = "2026-01-09T10:05:03";
    expect(alertSignalsFromAlertmanager(body).ok).toBe(false);
  });
});

describe("Sentry webhooks", () => {
  it("maps an issue alert (event_alert)", () => {
    expect(alertSignalFromSentry("event_alert", sentryIssueAlert())).toEqual({
      ok: true,
      value: {
        source: "sentry",
        service: "checkout",
        status: "firing",
        name: "New errors in checkout",
        startsAt: new Date("2026-01-09T08:06:17.677Z"),
        url: "https://sentry.io/organizations/acme/issues/1117540176/events/e4874d66/",
        key: "sentry-issue:1117540176",
      },
    });
  });

  it("uses the project when the event has no service tag", () => {
    const body = sentryIssueAlert();
    body.data.event.tags = [["level", "error"]];
    const result = alertSignalFromSentry("event_alert", body);
    expect(result.ok && result.value.service).toBe("1");
  });

  it("maps metric alerts: critical and warning fire, resolved resolves", () => {
    const critical = alertSignalFromSentry("metric_alert", sentryMetricAlert("critical"));
    expect(critical).toEqual({
      ok: true,
      value: {
        source: "sentry",
        service: "payments",
        status: "firing",
        name: "Too many errors",
        value: 1000,
        startsAt: new Date("2026-01-09T10:00:00Z"),
        url: "https://sentry.io/organizations/acme/alerts/rules/details/7/",
        key: "sentry-metric:12",
      },
    });
    const warning = alertSignalFromSentry("metric_alert", sentryMetricAlert("warning"));
    expect(warning.ok && warning.value.status).toBe("firing");
    const resolved = alertSignalFromSentry("metric_alert", sentryMetricAlert("resolved"));
    expect(resolved.ok && resolved.value).toMatchObject({
      status: "resolved",
      endsAt: new Date("2026-01-09T10:40:00Z"),
      key: "sentry-metric:12",
    });
  });

  it("refuses resources that are not alerts, by name", () => {
    expect(alertSignalFromSentry("installation", {})).toEqual({
      ok: false,
      errors: ['sentry: the Sentry-Hook-Resource header is "installation"; only event_alert and metric_alert are alerts'],
    });
    expect(alertSignalFromSentry(undefined, {}).ok).toBe(false);
  });

  it("names the missing field of a bad payload", () => {
    const body = sentryMetricAlert("critical");
    (body.data.metric_alert.alert_rule as { projects: string[] }).projects = [];
    const result = alertSignalFromSentry("metric_alert", body);
    expect(result).toEqual({ ok: false, errors: ["sentry.data.metric_alert.alert_rule.projects: expected the project the rule watches"] });
    const noEvent = alertSignalFromSentry("event_alert", { action: "triggered", data: {} });
    expect(noEvent.ok === false && noEvent.errors[0]).toMatch(/^sentry\.data\.event: /);
    const wrongAction = alertSignalFromSentry("metric_alert", sentryMetricAlert("exploded"));
    expect(wrongAction.ok === false && wrongAction.errors[0]).toMatch(/^sentry\.action: /);
  });
});

describe("metrics webhook", () => {
  it("parses samples and the baseline into domain values", () => {
    const result = metricsReportFrom({
      service: "payments",
      samples: [
        { metric: "error_rate", value: 0.012, at: "2026-01-09T10:00:00Z" },
        { metric: "error_rate", value: "1.5%", at: "2026-01-09T10:01:00+01:00" },
        { metric: "p95_ms", value: 1320, at: 1767952920000 },
        { metric: "crash_free", value: 0.991, at: "2026-01-09T10:02:00.5Z" },
      ],
      baseline: { error_rate: 0.004, p95_ms: 640 },
    });
    expect(result).toEqual({
      ok: true,
      value: {
        service: "payments",
        samples: [
          { metric: "error_rate", value: 0.012, at: new Date("2026-01-09T10:00:00Z") },
          { metric: "error_rate", value: 0.015, at: new Date("2026-01-09T09:01:00Z") },
          { metric: "p95_ms", value: 1320, at: new Date(1767952920000) },
          { metric: "crash_free", value: 0.991, at: new Date("2026-01-09T10:02:00.500Z") },
        ],
        baseline: { error_rate: 0.004, p95_ms: 640 },
      },
    });
  });

  it("has no baseline unless one is sent", () => {
    const result = metricsReportFrom({ service: "api", samples: [{ metric: "cpu", value: 0.4, at: "2026-01-09T10:00:00Z" }] });
    expect(result.ok && result.value.baseline).toBeNull();
  });

  it("refuses rates written as percent numbers, unknown metrics and bad values, naming each", () => {
    const result = metricsReportFrom({
      service: "",
      samples: [
        { metric: "error_rate", value: 12, at: "2026-01-09T10:00:00Z" },
        { metric: "latency", value: 1, at: "2026-01-09T10:00:00Z" },
        { metric: "cpu", value: "high", at: "2026-01-09T10:00:00Z" },
        { metric: "memory", value: -1, at: "2026-01-09T10:00:00Z" },
      ],
      baseline: { cpu: "lots" },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = result.errors.join("\n");
    expect(text).toContain("metrics.service: must not be empty");
    expect(text).toContain(
      'metrics.samples[0].value: error_rate is a fraction between 0 and 1 (0.012 for 1.2 %), or a string such as "1.2%"; got 12',
    );
    expect(text).toMatch(/metrics\.samples\[1\]\.metric: /);
    expect(text).toContain('metrics.samples[2].value: expected a number, got "high"');
    expect(text).toContain("metrics.samples[3].value: expected a finite number, 0 or more");
    expect(text).toMatch(/metrics\.baseline\.cpu: /);
  });

  it("bounds the size of one request", () => {
    const samples = Array.from({ length: MAX_METRIC_SAMPLES + 1 }, () => ({ metric: "cpu", value: 1, at: "2026-01-09T10:00:00Z" }));
    const result = metricsReportFrom({ service: "api", samples });
    expect(result).toEqual({ ok: false, errors: [`metrics.samples: at most ${MAX_METRIC_SAMPLES} samples per request`] });
  });

  it("refuses unknown top-level keys (a typo would otherwise lose data silently)", () => {
    const result = metricsReportFrom({ service: "api", sample: [] });
    expect(result.ok).toBe(false);
  });
});
