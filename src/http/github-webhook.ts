// POST /webhooks/github: GitHub's deliveries, signed with the webhook secret
// (X-Hub-Signature-256, HMAC-SHA256 of the raw body). Without
// GITHUB_WEBHOOK_SECRET every delivery is refused. Takes `deployment_status`
// (staging and production deploys) and `pull_request` closed+merged (the
// hotfix PR); each becomes a deployment-log row and a timeline event of the
// incident it belongs to. A redelivery is recorded once (by status or pull
// request id); events for no open incident are acknowledged and ignored.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { WorkflowContext } from "../workflows/context.js";
import { type DeploymentInput, findIncidentForCommit, recordDeployment } from "../workflows/deploy.js";
import { BodyTooLargeError, readBody } from "./body.js";
import { type Route, sendJson } from "./server.js";

export const GITHUB_WEBHOOK_PATH = "/webhooks/github";

/** Constant-time check of `sha256=<hex>` against the body. */
export function verifyGitHubSignature(body: Buffer, header: string | undefined, secret: string): boolean {
  if (!header?.startsWith("sha256=")) return false;
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(body).digest("hex")}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

interface Login {
  login?: string;
}

interface DeploymentStatusPayload {
  action?: string;
  deployment_status?: {
    id: number;
    state: string;
    description?: string | null;
    environment?: string;
    target_url?: string | null;
    log_url?: string | null;
    created_at?: string;
    creator?: Login | null;
  };
  deployment?: {
    id: number;
    sha: string;
    ref: string;
    environment: string;
    description?: string | null;
    production_environment?: boolean;
    payload?: unknown;
    creator?: Login | null;
  };
  sender?: Login;
}

interface PullRequestPayload {
  action?: string;
  pull_request?: {
    id: number;
    number: number;
    title: string;
    html_url?: string;
    merged?: boolean;
    merged_at?: string | null;
    merge_commit_sha?: string | null;
    merged_by?: Login | null;
    head: { ref: string; sha: string };
    base: { ref: string };
  };
  sender?: Login;
}

/** Deployment states that end a deployment; queued/in_progress/inactive are not log entries. */
const FINAL_STATES = new Set(["success", "failure", "error"]);

function reasonFrom(payload: unknown, ...texts: Array<string | null | undefined>): string | null {
  const fromPayload = (payload as { reason?: unknown } | undefined)?.reason;
  const text = [typeof fromPayload === "string" ? fromPayload : undefined, ...texts].find((t) => t?.trim());
  return text?.trim() ?? null;
}

type Outcome = { status: number; body: Record<string, unknown> };

async function onDeploymentStatus(ctx: WorkflowContext, payload: DeploymentStatusPayload, deliveryId?: string): Promise<Outcome> {
  const status = payload.deployment_status;
  const deployment = payload.deployment;
  if (!status || !deployment) return { status: 400, body: { error: "deployment_status and deployment are required" } };
  if (!FINAL_STATES.has(status.state)) return { status: 202, body: { ignored: `state ${status.state}` } };
  const incident = await findIncidentForCommit(ctx.prisma, { sha: deployment.sha, refs: [deployment.ref] });
  if (!incident) return { status: 202, body: { ignored: "no open hotfix for this commit" } };
  const input: DeploymentInput = {
    environment: status.environment || deployment.environment,
    sha: deployment.sha,
    deployer: status.creator?.login ?? deployment.creator?.login ?? payload.sender?.login ?? "unknown",
    reason: reasonFrom(deployment.payload, deployment.description, status.description),
    status: status.state,
    source: "webhook",
    externalId: `deployment_status:${status.id}`,
    occurredAt: status.created_at ? new Date(status.created_at) : ctx.now(),
    url: status.log_url || status.target_url || null,
    ...(typeof deployment.production_environment === "boolean" ? { productionFlag: deployment.production_environment } : {}),
    ...(deliveryId ? { deliveryId } : {}),
  };
  const outcome = await recordDeployment(ctx, incident, input);
  return {
    status: 200,
    body: { incident: incident.number, recorded: outcome.recorded, duplicate: !outcome.recorded, environment: outcome.environment },
  };
}

async function onPullRequest(ctx: WorkflowContext, payload: PullRequestPayload, deliveryId?: string): Promise<Outcome> {
  const pr = payload.pull_request;
  if (!pr) return { status: 400, body: { error: "pull_request is required" } };
  if (payload.action !== "closed" || !pr.merged)
    return { status: 202, body: { ignored: `${payload.action ?? "?"}${pr.merged ? "" : ", not merged"}` } };
  const sha = pr.merge_commit_sha ?? pr.head.sha;
  const incident = await findIncidentForCommit(ctx.prisma, { sha: pr.head.sha, refs: [pr.base.ref, pr.head.ref] });
  if (!incident) return { status: 202, body: { ignored: "no open hotfix for this pull request" } };
  const intoHotfix = incident.hotfixBranch === pr.base.ref;
  const outcome = await recordDeployment(ctx, incident, {
    environment: "pull_request",
    sha,
    deployer: pr.merged_by?.login ?? payload.sender?.login ?? "unknown",
    reason: `#${pr.number} ${pr.title} (${pr.head.ref} into ${pr.base.ref})`,
    status: "merged",
    source: "webhook",
    externalId: `pull_request:${pr.id}`,
    occurredAt: pr.merged_at ? new Date(pr.merged_at) : ctx.now(),
    url: pr.html_url ?? null,
    fixCommit: intoHotfix,
    ...(deliveryId ? { deliveryId } : {}),
  });
  return { status: 200, body: { incident: incident.number, recorded: outcome.recorded, duplicate: !outcome.recorded } };
}

export function githubWebhookRoutes(ctx: WorkflowContext): Route[] {
  return [
    {
      method: "POST",
      path: GITHUB_WEBHOOK_PATH,
      handler: async (req, res) => {
        const secret = ctx.config.env.GITHUB_WEBHOOK_SECRET;
        if (!secret) return sendJson(res, 403, { error: "GITHUB_WEBHOOK_SECRET is not set: GitHub webhooks are refused" });
        let raw: Buffer;
        try {
          raw = await readBody(req, 5 * 1_048_576);
        } catch (error) {
          return sendJson(res, error instanceof BodyTooLargeError ? 413 : 400, { error: "unreadable body" });
        }
        if (!verifyGitHubSignature(raw, header(req, "x-hub-signature-256"), secret)) {
          return sendJson(res, 401, { error: "bad or missing X-Hub-Signature-256" });
        }
        const event = header(req, "x-github-event") ?? "";
        const deliveryId = header(req, "x-github-delivery");
        let payload: unknown;
        try {
          payload = JSON.parse(raw.toString("utf8"));
        } catch {
          return sendJson(res, 400, { error: "body is not JSON" });
        }
        const log = ctx.logger.child({ component: "github-webhook", event, deliveryId });
        let outcome: Outcome;
        if (event === "ping") outcome = { status: 200, body: { pong: true } };
        else if (event === "deployment_status") outcome = await onDeploymentStatus(ctx, payload as DeploymentStatusPayload, deliveryId);
        else if (event === "pull_request") outcome = await onPullRequest(ctx, payload as PullRequestPayload, deliveryId);
        else outcome = { status: 202, body: { ignored: `event ${event || "(none)"}` } };
        log.info({ status: outcome.status, ...outcome.body }, "GitHub webhook");
        sendJson(res, outcome.status, outcome.body);
      },
    },
  ];
}
