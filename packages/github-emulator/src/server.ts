// The HTTP pipeline, in GitHub's order: authenticate, route, count against
// rate limits, check the request against the description, (inject a fault),
// find the repository, run the handler, check the answer against the
// description, send it, and record the exchange.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CallLog } from "./calls.js";
import { errorBody, HttpError } from "./errors.js";
import { type Faults, faultResponse } from "./faults.js";
import type { RateLimits } from "./rate-limit.js";
import type { EmulatedRepo } from "./repo.js";
import type { Router } from "./router.js";
import { HANDLERS } from "./routes/index.js";
import type { RouteContext, RouteResult } from "./routes/types.js";
import { DOCS_ROOT } from "./spec.js";
import type { Actor } from "./users.js";
import type { SpecValidator } from "./validate.js";

export interface PipelineDeps {
  router: Router;
  validator: SpecValidator;
  validate: boolean;
  tokens: ReadonlySet<string>;
  faults: Faults;
  rateLimits: RateLimits;
  calls: CallLog;
  actor: Actor;
  now(): Date;
  baseUrl(): string;
  findRepo(fullName: string): EmulatedRepo | undefined;
  /** Called for every request or response that does not match the description. */
  onSpecViolation(message: string): void;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const MAX_BODY = 25 * 1024 * 1024;

export async function handleRequest(deps: PipelineDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  const rawUrl = req.url ?? "/";
  const [rawPath = "/", queryString = ""] = rawUrl.split(/\?(.*)/s);
  const requestId = `${randomHex(4)}:${randomHex(4)}:${randomHex(6)}:${randomHex(6)}:${randomHex(4)}`;
  const bodyText = await readBody(req);
  const record = {
    at: deps.now().toISOString(),
    method,
    url: rawUrl,
    params: {} as Record<string, string | number>,
    query: {} as Record<string, unknown>,
    body: undefined as unknown,
    operationId: undefined as string | undefined,
    repo: undefined as string | undefined,
    fault: undefined as string | undefined,
    specViolation: undefined as string[] | undefined,
  };
  const headers: Record<string, string> = {
    "x-github-request-id": requestId,
    "x-github-api-version-selected": "2022-11-28",
    "x-github-media-type": "github.v3; format=json",
  };

  const reply = await (async (): Promise<Reply> => {
    const token = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "")?.[1];
    if (!token) return error(401, "Requires authentication", DOCS_ROOT);
    if (!deps.tokens.has(token)) return error(401, "Bad credentials", DOCS_ROOT);
    Object.assign(headers, deps.rateLimits.consume());

    const match = deps.router.match(method, rawPath);
    if (!match) {
      const message = `GitHub emulator: no operation of the description matches ${method} ${rawPath} (the product may only use the operations in ${deps.validator.spec.file})`;
      record.specViolation = [message];
      deps.onSpecViolation(message);
      return error(501, message, DOCS_ROOT);
    }
    const op = match.op;
    record.operationId = op.operationId;
    record.repo = `${match.params.owner}/${match.params.repo}`;
    const query = new URLSearchParams(queryString);
    const parsed = deps.validator.parseInput(op, match.params, query);
    if (parsed === "not-found") return error(404, "Not Found", op.documentationUrl);
    record.params = parsed.params;
    record.query = parsed.query;

    let body: unknown;
    const hasBody = bodyText.trim() !== "";
    if (hasBody) {
      try {
        body = JSON.parse(bodyText);
      } catch {
        return error(400, "Problems parsing JSON", op.documentationUrl);
      }
    }
    record.body = body;

    const wait = deps.rateLimits.secondaryWait(method);
    if (wait !== undefined) {
      record.fault = "secondary-rate-limit";
      return {
        status: 403,
        headers: { "retry-after": String(wait) },
        body: errorBody(
          403,
          `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
          "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
        ),
      };
    }

    if (deps.validate) {
      const problems = deps.validator.validateRequest(op, { ...parsed, body, hasBody });
      if (problems.length > 0) return violation(`the request does not match GitHub's description of ${op.operationId}`, problems);
    }

    const fault = deps.faults.take({ method, path: safeDecode(rawPath), operationId: op.operationId });
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault && !fault.transform) {
      record.fault = fault.id;
      return faultResponse(fault, { requestId, now: deps.now(), actorId: deps.actor.id, documentationUrl: op.documentationUrl });
    }

    const repo = deps.findRepo(record.repo);
    if (!repo) return error(404, "Not Found", op.documentationUrl);
    record.repo = repo.fullName;

    const handler = HANDLERS[op.operationId];
    if (!handler) return violation(`no handler for ${op.operationId}`, []);
    const ctx: RouteContext = {
      repo,
      op,
      params: parsed.params,
      query: parsed.query,
      rawQuery: query,
      body: (body ?? {}) as Record<string, unknown>,
      url: new URL(rawUrl, deps.baseUrl()),
      actor: deps.actor,
      now: deps.now(),
    };
    let result: RouteResult;
    try {
      result = handler(ctx);
    } catch (thrown) {
      if (!(thrown instanceof HttpError)) {
        const message = thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown);
        return violation(`the handler for ${op.operationId} crashed`, [message]);
      }
      result = {
        status: thrown.status,
        body: errorBody(thrown.status, thrown.message, op.documentationUrl, thrown.extra),
        headers: thrown.extra.headers ?? {},
      };
    }
    if (fault?.transform) {
      record.fault = fault.id;
      result = { ...result, body: fault.transform(structuredClone(result.body)) };
    }
    if (deps.validate) {
      const problems = deps.validator.validateResponse(op, result.status, result.body);
      if (problems.length > 0)
        return violation(`the emulator's ${result.status} answer does not match GitHub's description of ${op.operationId}`, problems);
    }
    return result;
  })();

  function error(status: number, message: string, documentationUrl: string): Reply {
    return { status, body: errorBody(status, message, documentationUrl) };
  }

  function violation(summary: string, problems: string[]): Reply {
    const message = `GitHub emulator: ${summary}`;
    record.specViolation = [message, ...problems];
    deps.onSpecViolation([`${message} (${method} ${rawUrl})`, ...problems.map((p) => `  - ${p}`)].join("\n"));
    return {
      status: 500,
      headers: { "x-github-emulator-error": "spec-violation" },
      body: { message, errors: problems, documentation_url: DOCS_ROOT, status: "500" },
    };
  }

  Object.assign(headers, reply.headers);
  const hasContent = reply.body !== undefined && reply.status !== 204 && reply.status !== 304;
  const payload = hasContent ? JSON.stringify(reply.body) : "";
  if (hasContent) headers["content-type"] = "application/json; charset=utf-8";
  res.writeHead(reply.status, headers);
  res.end(payload);
  deps.calls.record({ ...record, status: reply.status, response: hasContent ? reply.body : undefined });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error("request body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex").toUpperCase();
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
