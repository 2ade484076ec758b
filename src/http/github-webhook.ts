// POST /webhooks/github: GitHub's deliveries, signed with the webhook secret
// (X-Hub-Signature-256, HMAC-SHA256 of the raw body). Without
// GITHUB_WEBHOOK_SECRET every delivery is refused. Takes `deployment_status`
// (staging and production deploys) and `pull_request` closed+merged (the
// hotfix PR); each becomes a deployment-log row and a timeline event of the
// incident it belongs to. A redelivery is recorded once (by status or pull
// request id); events for no open incident are acknowledged and ignored.
//
// Order of checks: secret configured, body at most 5 MiB, signature on the raw
// bytes, JSON, then the shape of what we use (400 naming the field: GitHub
// shows it on the delivery, and a 4xx is not redelivered in a loop as a 5xx
// is), then the repository (an organisation webhook also delivers other
// repositories' events: 202, ignored, nothing recorded). Only then is anything
// looked up or written, in one transaction (recordDeployment).
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { z } from "zod";
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

// --- the shapes we accept (only what we read is checked; GitHub adds fields freely) ---

/** Postgres text cannot hold NUL; a string we store must not carry one. */
const text = (max = 10_000) =>
  z
    .string()
    .max(max)
    .refine((value) => !value.includes("\u0000"), "must not contain NUL characters");
/** Within what both JavaScript and Postgres' timestamptz hold: years 1970 to 9999, ISO 8601. */
const isoTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/, "must be an ISO 8601 time")
  .refine((value) => {
    const ms = Date.parse(value);
    return Number.isFinite(ms) && ms >= 0 && ms <= Date.UTC(9999, 11, 31);
  }, "must be a valid time between 1970 and 9999");
const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const sha = z.string().regex(/^[0-9a-f]{7,64}$/i, "must be a commit SHA (hex)");
const ref = text(255).min(1);
const login = z.looseObject({ login: text(255) }).nullish();
const repository = z.looseObject({ full_name: text(255).min(3) });

const deploymentStatusPayload = z.looseObject({
  action: text(100).optional(),
  repository,
  deployment_status: z.looseObject({
    id,
    state: text(50),
    description: text().nullish(),
    environment: text(255).optional(),
    target_url: text(2_000).nullish(),
    log_url: text(2_000).nullish(),
    created_at: isoTime.optional(),
    creator: login,
  }),
  deployment: z.looseObject({
    id,
    sha,
    ref,
    environment: text(255),
    description: text().nullish(),
    production_environment: z.boolean().optional(),
    payload: z.unknown().optional(),
    creator: login,
  }),
  sender: login,
});
type DeploymentStatusPayload = z.infer<typeof deploymentStatusPayload>;

const pullRequestPayload = z.looseObject({
  action: text(100),
  repository,
  pull_request: z.looseObject({
    id,
    number: id,
    title: text(1_000),
    html_url: text(2_000).optional(),
    merged: z.boolean().nullish(),
    merged_at: isoTime.nullish(),
    merge_commit_sha: sha.nullish(),
    merged_by: login,
    head: z.looseObject({ ref, sha }),
    base: z.looseObject({ ref }),
  }),
  sender: login,
});
type PullRequestPayload = z.infer<typeof pullRequestPayload>;

/** `deployment.sha: must be a commit SHA (hex)`: the first problems, by path. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "payload"}: ${issue.message}`)
    .join("; ");
}

/** A payload that nests deeper than this is refused before it is looked at. */
const MAX_DEPTH = 64;
function tooDeep(value: unknown, depth = 0): boolean {
  if (depth > MAX_DEPTH) return true;
  if (value === null || typeof value !== "object") return false;
  for (const item of Object.values(value)) if (tooDeep(item, depth + 1)) return true;
  return false;
}

/** owner/repo compared as GitHub does, ignoring case. */
function sameRepository(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Deployment states that end a deployment; queued/in_progress/inactive are not log entries. */
const FINAL_STATES = new Set(["success", "failure", "error"]);

function reasonFrom(payload: unknown, ...texts: Array<string | null | undefined>): string | null {
  const fromPayload = (payload as { reason?: unknown } | undefined)?.reason;
  // The deployment's free-form payload is not validated as a whole: take its reason only when it is a storable string.
  const usable =
    typeof fromPayload === "string" && fromPayload.length <= 10_000 && !fromPayload.includes("\u0000") ? fromPayload : undefined;
  const found = [usable, ...texts].find((t) => t?.trim());
  return found?.trim() ?? null;
}

type Outcome = { status: number; body: Record<string, unknown> };

async function onDeploymentStatus(ctx: WorkflowContext, payload: DeploymentStatusPayload, deliveryId?: string): Promise<Outcome> {
  const status = payload.deployment_status;
  const deployment = payload.deployment;
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
  if (payload.action !== "closed" || !pr.merged)
    return { status: 202, body: { ignored: `${payload.action}${pr.merged ? "" : ", not merged"}` } };
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

/** Validates the shape, then the repository, then hands over; 400 names what is wrong. */
async function route(ctx: WorkflowContext, event: string, payload: object, deliveryId: string | undefined): Promise<Outcome> {
  if (event === "ping") return { status: 200, body: { pong: true } };
  if (event !== "deployment_status" && event !== "pull_request") return { status: 202, body: { ignored: `event ${event || "(none)"}` } };
  const parsed = (event === "deployment_status" ? deploymentStatusPayload : pullRequestPayload).safeParse(payload);
  if (!parsed.success) return { status: 400, body: { error: `unexpected ${event} payload: ${describeIssues(parsed.error)}` } };
  const expected = ctx.config.env.GITHUB_REPOSITORY;
  const from = parsed.data.repository.full_name;
  if (!expected) return { status: 202, body: { ignored: "GITHUB_REPOSITORY is not set: no repository's events are recorded" } };
  if (!sameRepository(from, expected)) return { status: 202, body: { ignored: `repository ${from} is not ${expected}` } };
  return event === "deployment_status"
    ? onDeploymentStatus(ctx, parsed.data as DeploymentStatusPayload, deliveryId)
    : onPullRequest(ctx, parsed.data as PullRequestPayload, deliveryId);
}

export function githubWebhookRoutes(ctx: WorkflowContext): Route[] {
  return [
    {
      method: "POST",
      path: GITHUB_WEBHOOK_PATH,
      handler: async (req, res) => {
        const secret = ctx.config.env.GITHUB_WEBHOOK_SECRET;
        if (!secret) return sendJson(res, 403, { error: "GITHUB_WEBHOOK_SECRET is not set: GitHub webhooks are refused" });
        // No signature worth checking: refused before a byte of the body is read.
        if (!/^sha256=[0-9a-f]{64}$/.test(header(req, "x-hub-signature-256") ?? "")) {
          res.setHeader("connection", "close");
          return sendJson(res, 401, { error: "bad or missing X-Hub-Signature-256" });
        }
        let raw: Buffer;
        try {
          raw = await readBody(req, 5 * 1_048_576);
        } catch (error) {
          // The rest of the body is never read: the connection closes after the answer.
          res.setHeader("connection", "close");
          return sendJson(res, error instanceof BodyTooLargeError ? 413 : 400, {
            error: error instanceof BodyTooLargeError ? "body larger than 5 MiB" : "unreadable body",
          });
        }
        if (!verifyGitHubSignature(raw, header(req, "x-hub-signature-256"), secret)) {
          return sendJson(res, 401, { error: "bad or missing X-Hub-Signature-256" });
        }
        const event = header(req, "x-github-event") ?? "";
        const deliveryId = header(req, "x-github-delivery")?.slice(0, 100);
        let payload: unknown;
        try {
          payload = JSON.parse(raw.toString("utf8"));
        } catch {
          return sendJson(res, 400, { error: "body is not JSON" });
        }
        if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
          return sendJson(res, 400, { error: "body is not a JSON object" });
        }
        if (tooDeep(payload)) return sendJson(res, 400, { error: `payload nests deeper than ${MAX_DEPTH} levels` });
        const log = ctx.logger.child({ component: "github-webhook", event, deliveryId });
        let outcome: Outcome;
        try {
          outcome = await route(ctx, event, payload, deliveryId);
        } catch (error) {
          // Shapes were checked above, so this is ours or the database's: GitHub may redeliver a 503 later.
          log.error({ err: error }, "GitHub webhook could not be recorded");
          return sendJson(res, 503, { error: "could not record this delivery now; nothing was recorded, redeliver it later" });
        }
        log.info({ status: outcome.status, ...outcome.body }, "GitHub webhook");
        sendJson(res, outcome.status, outcome.body);
      },
    },
  ];
}
