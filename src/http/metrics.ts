// Prometheus metrics. One registry per app instance (tests run several apps
// in one process, and a global registry would mix their counts).
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<"route" | "method" | "status">;
  slackRequests: Counter<"kind">;
  slackAckSeconds: Histogram<"kind">;
  jobRuns: Counter<"queue" | "outcome">;
  sideEffects: Counter<"effect" | "outcome">;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "hotfix_" });
  return {
    registry,
    httpRequests: new Counter({
      name: "hotfix_http_requests_total",
      help: "HTTP requests served, by route, method and status",
      labelNames: ["route", "method", "status"],
      registers: [registry],
    }),
    slackRequests: new Counter({
      name: "hotfix_slack_requests_total",
      help: "Requests from Slack, by kind (command, block_actions, view_submission, event, shortcut)",
      labelNames: ["kind"],
      registers: [registry],
    }),
    slackAckSeconds: new Histogram({
      name: "hotfix_slack_ack_seconds",
      help: "Time from receiving a Slack request to acknowledging it (Slack's limit is 3 s)",
      labelNames: ["kind"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3],
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: "hotfix_job_runs_total",
      help: "Durable job runs, by queue and outcome",
      labelNames: ["queue", "outcome"],
      registers: [registry],
    }),
    sideEffects: new Counter({
      name: "hotfix_side_effects_total",
      help: "Side effects on Slack/GitHub/Linear, by effect and outcome",
      labelNames: ["effect", "outcome"],
      registers: [registry],
    }),
  };
}
