// The Linear emulator tests and the demo hold: an HTTP GraphQL endpoint (hand
// `url` to `new LinearClient({ apiKey, apiUrl })`), the workspace behind it,
// faults on demand and the call log.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import {
  type DocumentNode,
  type ExecutionResult,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  type OperationDefinitionNode,
  parse,
  validate,
} from "graphql";
import { type CallFilter, CallLog, type RecordedCall, type Refusal } from "./calls.js";
import { authenticationError, executionError, graphqlError, internalError, type LinearErrorBody, rateLimitedError } from "./errors.js";
import { executeOperation } from "./execute.js";
import { type Fault, type FaultMatch, type FaultSpec, Faults } from "./faults.js";
import type { Issue } from "./model.js";
import { rootResolvers } from "./resolvers.js";
import { loadSchema } from "./schema.js";
import { type SeededWorkspace, seedWorkspace } from "./seed.js";
import { Views } from "./views.js";
import { Workspace } from "./workspace.js";

export interface LinearEmulatorOptions {
  /** Path of Linear's schema.graphql (../shared/specs/linear/schema.graphql); required, never searched for. */
  schemaPath: string;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** The personal API key accepted in `Authorization: <key>` (no Bearer, as Linear wants); default "lin_api_emulator". */
  apiKey?: string;
  /** OAuth access tokens accepted as `Authorization: Bearer <token>`; default none. */
  accessTokens?: string[];
  /** Create the default workspace (team ENG, project HOTFIX, labels hotfix/uat/blocker/high/medium); default true. */
  seed?: boolean;
  /** Workspace slug in issue URLs (https://linear.app/<urlKey>/issue/ENG-1/...); default "acme". */
  urlKey?: string;
  /** Requests allowed per hour per key before a real RATELIMITED answer (Linear: 5 000 for API keys); default 5 000. */
  requestsPerHour?: number;
  /** Clock for timestamps and the rate limit; default real time. */
  now?: () => Date;
}

export interface IssueSnapshot extends Issue {
  identifier: string;
  url: string;
}

const HOUR = 3_600_000;
const STATUS_TEXT: Record<number, string> = { 502: "Bad Gateway", 503: "Service Temporarily Unavailable", 504: "Gateway Time-out" };

export class LinearEmulator {
  readonly workspace: Workspace;
  /** The seeded records (undefined with `seed: false`). */
  readonly seeded: SeededWorkspace | undefined;
  readonly faults = new Faults();
  readonly apiKey: string;
  private readonly callLog = new CallLog();
  private readonly schema: GraphQLSchema;
  private readonly views: Views;
  private readonly root: ReturnType<typeof rootResolvers>;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly now: () => Date;
  private readonly requestsPerHour: number;
  private windowStart = 0;
  private windowCount = 0;
  private baseUrl = "";

  constructor(private readonly options: LinearEmulatorOptions) {
    if (!options.schemaPath) throw new Error("linear-emulator: schemaPath is required");
    this.schema = loadSchema(options.schemaPath);
    this.now = options.now ?? (() => new Date());
    this.apiKey = options.apiKey ?? "lin_api_emulator";
    this.requestsPerHour = options.requestsPerHour ?? 5_000;
    this.workspace = new Workspace(this.now);
    if (options.urlKey) this.workspace.organization.urlKey = options.urlKey;
    this.seeded = options.seed === false ? undefined : seedWorkspace(this.workspace);
    this.views = new Views(this.workspace);
    this.root = rootResolvers(this.workspace, this.views);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
        res.end(
          JSON.stringify({ errors: [{ message: `linear-emulator failed: ${error instanceof Error ? error.message : String(error)}` }] }),
        );
      });
    });
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  /** The GraphQL endpoint, e.g. http://127.0.0.1:53211/graphql: LinearClient's `apiUrl`, or LINEAR_API_URL. */
  get url(): string {
    return `${this.baseUrl}/graphql`;
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.port ?? 0, this.options.host ?? "127.0.0.1", () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    this.baseUrl = `http://${host}:${address.port}`;
    return this;
  }

  /** Stops the server; hung requests and open connections are cut. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- state, for assertions and set-up ----

  /** Every issue, oldest first, with its identifier (ENG-1) and URL. */
  issues(): IssueSnapshot[] {
    return [...this.workspace.issues.values()]
      .map((issue) => this.snapshot(issue))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.number - b.number);
  }

  /** One issue by id or identifier ("ENG-3"), or undefined. */
  issue(idOrIdentifier: string): IssueSnapshot | undefined {
    const issue = this.workspace.findIssue(idOrIdentifier);
    return issue ? this.snapshot(issue) : undefined;
  }

  /** Names of an issue's labels, for readable assertions. */
  labelNames(idOrIdentifier: string): string[] {
    const issue = this.workspace.issue(idOrIdentifier);
    return issue.labelIds.map((id) => this.workspace.labels.get(id)?.name ?? id);
  }

  // ---- faults ----

  /** Adds a fault; see FaultSpec. Returns it (its `hits` count how often it fired). */
  fault(spec: FaultSpec): Fault {
    return this.faults.add(spec);
  }

  /** The next matching request(s) answer Linear's rate limit: HTTP 400, `RATELIMITED`, X-RateLimit-* headers. */
  rateLimitNext(match: FaultMatch & { times?: number; resetInMs?: number; retryAfterSeconds?: number } = {}): Fault {
    return this.faults.add({ ...match, kind: "rateLimit" });
  }

  /** The next matching request(s) answer a 5xx (default 500) without running. */
  failNext(match: FaultMatch & { times?: number; status?: number } = {}): Fault {
    return this.faults.add({ ...match, kind: "serverError" });
  }

  /** The next matching request(s) never answer (until the client gives up or the emulator stops); nothing runs. */
  hangNext(match: FaultMatch & { times?: number } = {}): Fault {
    return this.faults.add({ ...match, kind: "hang" });
  }

  /** The next matching request(s) run (a mutation is applied), then the connection is destroyed before the answer. */
  loseAnswerNext(match: FaultMatch & { times?: number } = {}): Fault {
    return this.faults.add({ ...match, kind: "answerLost" });
  }

  /** The next matching request(s) wait `delayMs` before being handled normally. */
  delayNext(match: FaultMatch & { times?: number; delayMs: number }): Fault {
    return this.faults.add({ ...match, kind: "delay" });
  }

  clearFaults(): void {
    this.faults.clear();
  }

  // ---- call log ----

  /** Every request received so far, optionally filtered (e.g. `{ field: "issueCreate" }`). */
  calls(filter?: CallFilter): RecordedCall[] {
    return this.callLog.list(filter);
  }

  /** Requests the schema refused (parse, validation or variable errors); a clean run has none. */
  schemaViolations(): RecordedCall[] {
    return this.callLog.list().filter((call) => call.refused === "parse" || call.refused === "validation" || call.refused === "variables");
  }

  clearCalls(): void {
    this.callLog.clear();
  }

  private snapshot(issue: Issue): IssueSnapshot {
    return { ...structuredClone(issue), identifier: this.workspace.identifier(issue), url: this.workspace.issueUrl(issue) };
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = this.now().toISOString();
    const body = await readBody(req);
    let query = "";
    let variables: Record<string, unknown> | undefined;
    let operationName: string | null = null;
    const record = (call: Partial<RecordedCall> & { status: number; executed: boolean }) =>
      this.callLog.record({ at, operationType: null, operationName, fields: [], query, variables, ...call });
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, {
        "content-type": "application/json; charset=utf-8",
        "x-request-id": randomUUID(),
        ...this.rateHeaders(),
        ...headers,
      });
      res.end(JSON.stringify(payload));
    };
    const refuse = (status: number, errors: LinearErrorBody[], refused: Refusal, headers: Record<string, string> = {}) => {
      const payload = { errors };
      record({ status, response: payload, refused, executed: false });
      send(status, payload, headers);
    };

    if (req.method !== "POST" || req.url?.split("?")[0] !== "/graphql") {
      const payload = { errors: [{ message: `linear-emulator answers POST /graphql, not ${req.method} ${req.url}` }] };
      record({ status: 404, response: payload, executed: false });
      send(404, payload);
      return;
    }
    if (!this.authorized(req.headers.authorization)) {
      refuse(401, [authenticationError()], "auth");
      return;
    }
    let parsedBody: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      parsedBody = JSON.parse(body) as typeof parsedBody;
    } catch {
      refuse(400, [graphqlError(new GraphQLError("POST body must be JSON: { query, variables }"), "GRAPHQL_PARSE_FAILED")], "parse");
      return;
    }
    query = typeof parsedBody.query === "string" ? parsedBody.query : "";
    variables =
      parsedBody.variables && typeof parsedBody.variables === "object" ? (parsedBody.variables as Record<string, unknown>) : undefined;
    operationName = typeof parsedBody.operationName === "string" ? parsedBody.operationName : null;

    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      refuse(400, [graphqlError(error as GraphQLError, "GRAPHQL_PARSE_FAILED")], "parse");
      return;
    }
    const validationErrors = validate(this.schema, document);
    if (validationErrors.length > 0) {
      refuse(
        400,
        validationErrors.map((error) => graphqlError(error, "GRAPHQL_VALIDATION_FAILED")),
        "validation",
      );
      return;
    }
    const operation = getOperationAST(document, operationName ?? undefined);
    if (!operation) {
      refuse(
        400,
        [graphqlError(new GraphQLError("Could not determine which operation to run (send operationName)."), "GRAPHQL_VALIDATION_FAILED")],
        "validation",
      );
      return;
    }
    operationName ??= operation.name?.value ?? null;
    const target = { fields: rootFields(operation), operationName, operationType: operation.operation };
    const described = { operationType: operation.operation, fields: target.fields };

    if (this.overBudget()) {
      const resetInMs = HOUR - (this.now().getTime() - this.windowStart);
      refuse(400, [rateLimitedError()], "rateLimit", this.rateLimitHeaders(resetInMs, this.requestsPerHour, 0));
      return;
    }

    const fault = this.faults.take(target);
    if (fault?.kind === "delay") await sleep(fault.delayMs ?? 1000);
    if (fault?.kind === "rateLimit") {
      const payload = { errors: [rateLimitedError()] };
      record({ ...described, status: 400, response: payload, refused: "rateLimit", fault: fault.id, executed: false });
      const headers = this.rateLimitHeaders(fault.resetInMs ?? 60_000, this.requestsPerHour, 0);
      if (fault.retryAfterSeconds !== undefined) headers["retry-after"] = String(fault.retryAfterSeconds);
      send(400, payload, headers);
      return;
    }
    if (fault?.kind === "serverError") {
      const status = fault.status ?? 500;
      if (status === 500) {
        const payload = { errors: [internalError(status)] };
        record({ ...described, status, response: payload, fault: fault.id, executed: false });
        send(status, payload);
        return;
      }
      // 502/503/504 come from the proxy in front of the API: an HTML page, no GraphQL body.
      const page = `<html><head><title>${status}</title></head><body><h1>${status} ${STATUS_TEXT[status] ?? "Server Error"}</h1></body></html>`;
      record({ ...described, status, response: page, fault: fault.id, executed: false });
      res.writeHead(status, { "content-type": "text/html" });
      res.end(page);
      return;
    }
    if (fault?.kind === "hang") {
      // Never answered: the client's timeout (or stop()) ends it.
      record({ ...described, status: 0, fault: fault.id, executed: false });
      return;
    }

    const result = this.run(document, operation, variables);
    if (fault?.kind === "answerLost") {
      record({ ...described, status: 0, fault: fault.id, executed: true });
      req.socket.destroy();
      return;
    }
    const refusedVariables = !result.data && result.errors?.some((error) => !error.path);
    if (refusedVariables) {
      refuse(
        400,
        (result.errors ?? []).map((error) => graphqlError(error, "BAD_USER_INPUT")),
        "variables",
      );
      return;
    }
    const payload: { data: unknown; errors?: LinearErrorBody[] } = { data: result.data ?? null };
    if (result.errors?.length) payload.errors = result.errors.map(executionError);
    record({ ...described, status: 200, response: payload, executed: true });
    send(200, payload);
  }

  private run(document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): ExecutionResult {
    return executeOperation(this.schema, document, operation, variables, this.root);
  }

  private authorized(header: string | undefined): boolean {
    if (!header) return false;
    if (header === this.apiKey) return true;
    const bearer = /^Bearer (.+)$/i.exec(header);
    return Boolean(bearer && this.options.accessTokens?.includes(bearer[1] ?? ""));
  }

  /** Counts the request in the current hour; true once the hour's budget is spent. */
  private overBudget(): boolean {
    const now = this.now().getTime();
    if (now - this.windowStart >= HOUR) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    this.windowCount += 1;
    return this.windowCount > this.requestsPerHour;
  }

  private rateHeaders(): Record<string, string> {
    const resetInMs = HOUR - (this.now().getTime() - this.windowStart);
    return this.rateLimitHeaders(resetInMs, this.requestsPerHour, Math.max(0, this.requestsPerHour - this.windowCount));
  }

  /** Linear's rate-limit headers; the reset is a UTC epoch in milliseconds. */
  private rateLimitHeaders(resetInMs: number, limit: number, remaining: number): Record<string, string> {
    const reset = String(this.now().getTime() + resetInMs);
    return {
      "x-ratelimit-requests-limit": String(limit),
      "x-ratelimit-requests-remaining": String(remaining),
      "x-ratelimit-requests-reset": reset,
      "x-ratelimit-complexity-limit": "250000",
      "x-ratelimit-complexity-remaining": remaining === 0 ? "0" : "250000",
      "x-ratelimit-complexity-reset": reset,
    };
  }
}

/** Starts an emulator on a free port (or `port`). */
export async function startLinearEmulator(options: LinearEmulatorOptions): Promise<LinearEmulator> {
  return new LinearEmulator(options).listen();
}

function rootFields(operation: OperationDefinitionNode): string[] {
  return operation.selectionSet.selections.flatMap((selection) => (selection.kind === "Field" ? [selection.name.value] : []));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
