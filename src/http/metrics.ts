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

/** The incident stages timed on /metrics (issue 11): from impact to declaration, declaration to branch and to deploy, impact to resolution. */
export const INCIDENT_STAGES = ["declare", "branch", "deploy", "resolve"] as const;
export type IncidentStage = (typeof INCIDENT_STAGES)[number];

/**
 * `hotfix_incident_stage_seconds{stage}`: a histogram rebuilt from the
 * database at each scrape (so it survives restarts and agrees across
 * replicas); `load` returns the stage times of the newest incidents.
 */
export function registerIncidentStageMetrics(
  metrics: Metrics,
  load: () => Promise<Array<Record<IncidentStage, number | null>>>,
): Histogram<"stage"> {
  const histogram = new Histogram({
    name: "hotfix_incident_stage_seconds",
    help: "Per incident: time to declare (impact -> declared), to branch and to deploy (from declared), to resolve (impact -> resolved)",
    labelNames: ["stage"],
    buckets: [60, 300, 900, 1_800, 3_600, 7_200, 14_400, 28_800, 86_400, 172_800],
    registers: [metrics.registry],
    async collect() {
      let rows: Awaited<ReturnType<typeof load>>;
      try {
        rows = await load();
      } catch {
        return; // The database is away: keep the last values rather than fail the whole scrape (/healthz says why).
      }
      this.reset();
      for (const stage of INCIDENT_STAGES) this.zero({ stage });
      for (const row of rows)
        for (const stage of INCIDENT_STAGES) {
          const seconds = row[stage];
          if (seconds !== null && seconds >= 0) this.observe({ stage }, seconds);
        }
    },
  });
  return histogram;
}
