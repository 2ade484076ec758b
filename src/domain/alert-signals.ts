// Alert intake, pure: the JSON that Prometheus Alertmanager, Sentry and our
// own metrics endpoint POST, validated with zod and mapped to one normalised
// AlertSignal (or MetricsReport) that workflows match to incidents by service.
// Signatures and tokens are checked by the HTTP layer before this runs; here
// only the shape. Unknown extra fields are accepted (the senders add fields
// over time); missing or malformed ones are refused with their path named.
import { DateTime } from "luxon";
import { z } from "zod";
import type { Baseline, MetricSample } from "./guardrails.js";
import { describeIssues, type Parsed, percentSchema } from "./policy-values.js";

export type AlertSource = "alertmanager" | "sentry" | "metrics";

export interface AlertSignal {
  source: AlertSource;
  /** Matched against incidents' services. */
  service: string;
  status: "firing" | "resolved";
  /** The alert or rule name: "HighErrorRate", "Too many errors". */
  name: string;
  value?: number;
  startsAt: Date;
  /** Set when the sender says the alert ended. */
  endsAt?: Date;
  url?: string;
  /** The sender's stable identity of this alert (fingerprint, issue or incident id): repeated deliveries share it. */
  key: string;
}

// ------------------------------------------------------------------ times

const OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

/** An ISO 8601 time with a zone (Z or an offset), any fraction of a second; or epoch milliseconds. */
export const instantSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  if (typeof value === "number") {
    if (Number.isFinite(value) && value > 0) return new Date(value);
  } else if (OFFSET.test(value.trim())) {
    const parsed = DateTime.fromISO(value.trim(), { setZone: true });
    if (parsed.isValid) return parsed.toJSDate();
  }
  ctx.addIssue({
    code: "custom",
    message: `expected an ISO 8601 time with a zone such as "2026-01-09T10:00:00Z", got ${JSON.stringify(value)}`,
  });
  return z.NEVER;
});

/** Go's zero time ("0001-01-01T00:00:00Z") means "not set" in Alertmanager. */
const isUnset = (date: Date) => date.getUTCFullYear() <= 1;

const nonEmpty = z.string().trim().min(1, "must not be empty");
const optionalUrl = z
  .string()
  .optional()
  .transform((v) => (v && /^https?:\/\//i.test(v) ? v : undefined));

// ----------------------------------------------------------- Alertmanager

const alertmanagerAlert = z.looseObject({
  status: z.enum(["firing", "resolved"]),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()).default({}),
  startsAt: instantSchema,
  endsAt: instantSchema.optional(),
  generatorURL: optionalUrl,
  fingerprint: z.string().optional(),
});

/** Alertmanager's webhook_config body (version "4"). */
export const alertmanagerWebhookSchema = z.looseObject({
  version: z.string().optional(),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().int().min(0).optional(),
  status: z.enum(["firing", "resolved"]),
  receiver: z.string().optional(),
  groupLabels: z.record(z.string(), z.string()).default({}),
  commonLabels: z.record(z.string(), z.string()).default({}),
  commonAnnotations: z.record(z.string(), z.string()).default({}),
  externalURL: optionalUrl,
  alerts: z.array(alertmanagerAlert).min(1, "expected at least one alert"),
});

/** Labels that name the service, in order of preference. */
export const SERVICE_LABELS = ["service", "app", "job"] as const;

/** One AlertSignal per alert in the group. */
export function alertSignalsFromAlertmanager(body: unknown): Parsed<AlertSignal[]> {
  const parsed = alertmanagerWebhookSchema.safeParse(body);
  if (!parsed.success) return { ok: false, errors: describeIssues(parsed.error, "alertmanager") };
  const payload = parsed.data;
  const errors: string[] = [];
  const signals: AlertSignal[] = [];
  payload.alerts.forEach((alert, i) => {
    const labels = { ...payload.commonLabels, ...alert.labels };
    const service = SERVICE_LABELS.map((l) => labels[l]?.trim()).find(Boolean);
    if (!service) {
      errors.push(`alertmanager.alerts[${i}].labels: no ${SERVICE_LABELS.join(", ")} label to match an incident by`);
      return;
    }
    const annotations = { ...payload.commonAnnotations, ...alert.annotations };
    const value = annotations.value !== undefined ? Number(annotations.value) : Number.NaN;
    const signal: AlertSignal = {
      source: "alertmanager",
      service,
      status: alert.status,
      name: labels.alertname?.trim() || annotations.summary?.trim() || "alert",
      startsAt: alert.startsAt,
      key: alert.fingerprint ?? `${labels.alertname ?? "alert"}:${service}:${alert.startsAt.toISOString()}`,
    };
    if (Number.isFinite(value)) signal.value = value;
    if (alert.endsAt && !isUnset(alert.endsAt)) signal.endsAt = alert.endsAt;
    const url = alert.generatorURL ?? payload.externalURL;
    if (url) signal.url = url;
    signals.push(signal);
  });
  return errors.length ? { ok: false, errors } : { ok: true, value: signals };
}

// ------------------------------------------------------------------ Sentry

/** The `Sentry-Hook-Resource` header values we take as alerts. */
export type SentryResource = "event_alert" | "metric_alert";

const sentryTags = z
  .array(z.union([z.tuple([z.string(), z.string()]), z.looseObject({ key: z.string(), value: z.string() })]))
  .optional()
  .transform((tags) => new Map((tags ?? []).map((t) => (Array.isArray(t) ? [t[0], t[1]] : [t.key, t.value]))));

/** Issue alert (`Sentry-Hook-Resource: event_alert`): an alert rule fired on an event. */
export const sentryIssueAlertSchema = z.looseObject({
  action: z.literal("triggered"),
  data: z.looseObject({
    event: z.looseObject({
      title: nonEmpty,
      issue_id: z.union([z.string(), z.number()]).transform(String),
      datetime: instantSchema.optional(),
      timestamp: z.number().optional(),
      web_url: optionalUrl,
      project: z.union([z.string(), z.number()]).transform(String).optional(),
      tags: sentryTags,
    }),
    triggered_rule: z.string().optional(),
  }),
});

/** Metric alert (`Sentry-Hook-Resource: metric_alert`): critical, warning or resolved. */
export const sentryMetricAlertSchema = z.looseObject({
  action: z.enum(["critical", "warning", "resolved"]),
  data: z.looseObject({
    description_title: z.string().optional(),
    description_text: z.string().optional(),
    web_url: optionalUrl,
    metric_alert: z.looseObject({
      id: z.union([z.string(), z.number()]).transform(String),
      title: z.string().optional(),
      date_started: instantSchema.optional(),
      date_detected: instantSchema.optional(),
      date_closed: instantSchema.nullable().optional(),
      alert_rule: z.looseObject({
        name: nonEmpty,
        projects: z.array(z.string()).min(1, "expected the project the rule watches"),
      }),
    }),
  }),
});

/**
 * A Sentry webhook, by its `Sentry-Hook-Resource` header. The service is the
 * event's `service` tag, else its project; for a metric alert the rule's
 * first project. Other resources (installation, issue, comment) are refused
 * by name so a misconfigured integration is visible.
 */
export function alertSignalFromSentry(resource: string | undefined, body: unknown): Parsed<AlertSignal> {
  if (resource === "event_alert") {
    const parsed = sentryIssueAlertSchema.safeParse(body);
    if (!parsed.success) return { ok: false, errors: describeIssues(parsed.error, "sentry") };
    const { event, triggered_rule } = parsed.data.data;
    const service = event.tags.get("service")?.trim() || event.project?.trim();
    if (!service) return { ok: false, errors: ["sentry.data.event: no service tag or project to match an incident by"] };
    const startsAt = event.datetime ?? (event.timestamp !== undefined ? new Date(event.timestamp * 1000) : undefined);
    if (!startsAt) return { ok: false, errors: ["sentry.data.event.datetime: expected the time of the event"] };
    const signal: AlertSignal = {
      source: "sentry",
      service,
      status: "firing",
      name: triggered_rule?.trim() || event.title,
      startsAt,
      key: `sentry-issue:${event.issue_id}`,
    };
    if (event.web_url) signal.url = event.web_url;
    return { ok: true, value: signal };
  }
  if (resource === "metric_alert") {
    const parsed = sentryMetricAlertSchema.safeParse(body);
    if (!parsed.success) return { ok: false, errors: describeIssues(parsed.error, "sentry") };
    const { action, data } = parsed.data;
    const alert = data.metric_alert;
    const startsAt = alert.date_started ?? alert.date_detected;
    if (!startsAt) return { ok: false, errors: ["sentry.data.metric_alert.date_started: expected when the alert started"] };
    const signal: AlertSignal = {
      source: "sentry",
      service: alert.alert_rule.projects[0] ?? "",
      status: action === "resolved" ? "resolved" : "firing",
      name: alert.alert_rule.name,
      startsAt,
      key: `sentry-metric:${alert.id}`,
    };
    // "1000 events in the last 10 minutes": the leading number is the value that crossed the threshold.
    const value = Number(/^\s*(-?\d+(?:\.\d+)?)/.exec(data.description_text ?? "")?.[1]);
    if (Number.isFinite(value)) signal.value = value;
    if (alert.date_closed) signal.endsAt = alert.date_closed;
    if (data.web_url) signal.url = data.web_url;
    return { ok: true, value: signal };
  }
  return {
    ok: false,
    errors: [
      `sentry: the Sentry-Hook-Resource header is ${JSON.stringify(resource ?? null)}; only event_alert and metric_alert are alerts`,
    ],
  };
}

// ----------------------------------------------------------------- metrics

/** At most this many samples in one POST: enough for hours of per-minute data, bounded memory. */
export const MAX_METRIC_SAMPLES = 10_000;

const FRACTION_METRICS = new Set(["error_rate", "crash_free"]);

const sampleSchema = z
  .strictObject({
    metric: z.enum(["error_rate", "p95_ms", "crash_free", "cpu", "memory"]),
    value: z.union([z.number(), z.string()]),
    at: instantSchema,
  })
  .transform((sample, ctx): MetricSample => {
    let value: number;
    if (typeof sample.value === "string") {
      // "1.2%" is allowed for the rates; any other string is not a number we can compare.
      const pct = percentSchema.safeParse(sample.value);
      if (!FRACTION_METRICS.has(sample.metric) || !pct.success) {
        ctx.addIssue({ code: "custom", path: ["value"], message: `expected a number, got ${JSON.stringify(sample.value)}` });
        return z.NEVER;
      }
      value = pct.data;
    } else value = sample.value;
    if (!Number.isFinite(value) || value < 0) {
      ctx.addIssue({ code: "custom", path: ["value"], message: "expected a finite number, 0 or more" });
      return z.NEVER;
    }
    if (FRACTION_METRICS.has(sample.metric) && value > 1) {
      ctx.addIssue({
        code: "custom",
        path: ["value"],
        message: `${sample.metric} is a fraction between 0 and 1 (0.012 for 1.2 %), or a string such as "1.2%"; got ${value}`,
      });
      return z.NEVER;
    }
    return { metric: sample.metric, value, at: sample.at };
  });

const baselineValue = z.number().nonnegative().optional();

/**
 * `POST /webhooks/alerts/metrics`:
 * `{ "service": "payments", "samples": [{ "metric": "error_rate", "value": 0.012, "at": "2026-01-09T10:00:00Z" }],
 *    "baseline": { "error_rate": 0.004, "p95_ms": 640, "cpu": 0.41, "memory": 512 } }`.
 * metric: error_rate | p95_ms | crash_free | cpu | memory; error_rate and
 * crash_free as fractions (or "1.2%"); baseline: trailing 7-day means, optional.
 */
export const metricsWebhookSchema = z.strictObject({
  service: nonEmpty,
  samples: z
    .array(sampleSchema)
    .min(1, "expected at least one sample")
    .max(MAX_METRIC_SAMPLES, `at most ${MAX_METRIC_SAMPLES} samples per request`),
  baseline: z
    .strictObject({ error_rate: baselineValue, p95_ms: baselineValue, cpu: baselineValue, memory: baselineValue })
    .nullable()
    .optional(),
});

export interface MetricsReport {
  service: string;
  samples: MetricSample[];
  baseline: Baseline | null;
}

export function metricsReportFrom(body: unknown): Parsed<MetricsReport> {
  const parsed = metricsWebhookSchema.safeParse(body);
  if (!parsed.success) return { ok: false, errors: describeIssues(parsed.error, "metrics") };
  const { service, samples, baseline } = parsed.data;
  let clean: Baseline | null = null;
  if (baseline) {
    clean = {};
    for (const [key, value] of Object.entries(baseline)) if (value !== undefined) clean[key as keyof Baseline] = value;
  }
  return { ok: true, value: { service, samples, baseline: clean } };
}
