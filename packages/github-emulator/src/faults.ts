// Injected failures: make the next N matching requests fail the way GitHub
// fails (5xx, primary and secondary rate limits with their headers, 409s),
// or corrupt a real answer to prove the client notices.
import { randomUUID } from "node:crypto";

export interface FaultSpec {
  method?: string;
  operationId?: string;
  /** Decoded request path: a RegExp, or a string matched as a glob where `*` is any text (no `*`: substring). */
  pathPattern?: string | RegExp;
  /** How many matching requests fail; default 1. `Infinity` for all. */
  times?: number;
  /** Default 500. 403/429 are rate limits unless `rateLimit: false`. */
  status?: number;
  /** For 403/429: `primary` (x-ratelimit-remaining: 0, default) or `secondary` (retry-after); `false` for a plain 403. */
  rateLimit?: "primary" | "secondary" | false;
  /** Seconds until the primary limit resets (x-ratelimit-reset = now + resetIn); default 60. */
  resetIn?: number;
  /** Seconds to wait before retrying after a secondary limit (retry-after); default 60. */
  retryAfter?: number;
  message?: string;
  headers?: Record<string, string>;
  /** Wait this long before answering (timeouts, slow GitHub). */
  delayMs?: number;
  /** Instead of failing, let the emulator answer and rewrite its body (the result is still validated). */
  transform?: (body: unknown) => unknown;
}

export interface Fault extends FaultSpec {
  id: string;
  remaining: number;
  hits: number;
}

export interface FaultRequest {
  method: string;
  path: string;
  operationId?: string;
}

export class Faults {
  private readonly faults: Fault[] = [];

  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, id: randomUUID(), remaining: spec.times ?? 1, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  /** Consumes one use of the first fault matching the request, if any. */
  take(request: FaultRequest): Fault | undefined {
    const fault = this.faults.find((f) => f.remaining > 0 && matches(f, request));
    if (!fault) return undefined;
    fault.remaining -= 1;
    fault.hits += 1;
    return fault;
  }

  /** Faults that still have uses left. */
  pending(): Fault[] {
    return this.faults.filter((f) => f.remaining > 0);
  }

  remove(fault: Fault): void {
    const index = this.faults.indexOf(fault);
    if (index >= 0) this.faults.splice(index, 1);
  }

  clear(): void {
    this.faults.length = 0;
  }
}

function matches(fault: Fault, request: FaultRequest): boolean {
  if (fault.method && fault.method.toUpperCase() !== request.method) return false;
  if (fault.operationId && fault.operationId !== request.operationId) return false;
  const pattern = fault.pathPattern;
  if (pattern === undefined) return true;
  if (pattern instanceof RegExp) return pattern.test(request.path);
  if (!pattern.includes("*")) return request.path.includes(pattern);
  const glob = pattern.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${glob.join(".*")}$`).test(request.path);
}

const RATE_LIMIT_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api";

/** The status, headers and body GitHub would send for this fault. */
export function faultResponse(
  fault: Fault,
  context: { requestId: string; now: Date; actorId: number; documentationUrl: string },
): { status: number; headers: Record<string, string>; body: Record<string, unknown> } {
  const status = fault.status ?? 500;
  const headers: Record<string, string> = {};
  let message = fault.message;
  let documentationUrl = context.documentationUrl;
  const rateLimit = status === 403 || status === 429 ? (fault.rateLimit ?? "primary") : false;
  const nowSeconds = Math.floor(context.now.getTime() / 1000);
  if (rateLimit === "primary") {
    Object.assign(headers, {
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-used": "5000",
      "x-ratelimit-reset": String(nowSeconds + (fault.resetIn ?? 60)),
      "x-ratelimit-resource": "core",
    });
    message ??= `API rate limit exceeded for user ID ${context.actorId}. If you reach out to GitHub Support for help, please include the request ID ${context.requestId} and timestamp ${context.now
      .toISOString()
      .replace("T", " ")
      .replace(/\.\d+Z$/, " UTC")}.`;
    documentationUrl = `${RATE_LIMIT_DOCS}#about-the-primary-rate-limit-for-the-rest-api`;
  } else if (rateLimit === "secondary") {
    headers["retry-after"] = String(fault.retryAfter ?? 60);
    message ??= `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${context.requestId}.`;
    documentationUrl = `${RATE_LIMIT_DOCS}#about-secondary-rate-limits`;
  } else {
    message ??= DEFAULT_MESSAGES[status] ?? "Server Error";
  }
  Object.assign(headers, fault.headers);
  return { status, headers, body: { message, documentation_url: documentationUrl, status: String(status) } };
}

const DEFAULT_MESSAGES: Record<number, string> = {
  400: "Bad Request",
  403: "Resource not accessible by integration",
  404: "Not Found",
  409: "Conflict",
  422: "Validation Failed",
  500: "Server Error",
  502: "Server Error",
  503: "Service Unavailable",
  504: "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists.",
};
