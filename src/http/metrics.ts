// Prometheus metrics. One registry per app instance (tests run several apps
// in one process, and a global registry would mix their counts).
//
// Every label value comes from a fixed set chosen by our code (a route we
// serve, a status we sent, a kind from SLACK_REQUEST_KINDS, a refusal reason),
// never from a request as it came: a stranger's requests cannot add series.
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";
import { SLACK_REFUSALS } from "./body.js";

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<"route" | "method" | "status">;
  slackRequests: Counter<"kind">;
  slackAckSeconds: Histogram<"kind">;
  slackRejected: Counter<"reason">;
  jobRuns: Counter<"queue" | "outcome">;
  sideEffects: Counter<"effect" | "outcome">;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "hotfix_" });
  const slackRejected = new Counter({
    name: "hotfix_slack_rejected_total",
    help: "Requests to /slack/events refused before their body was trusted, by reason",
    labelNames: ["reason"],
    registers: [registry],
  });
  // Every reason's series exists from the start, so refusals change numbers, never the set of series.
  for (const reason of SLACK_REFUSALS) slackRejected.inc({ reason }, 0);
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
    slackRejected,
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
