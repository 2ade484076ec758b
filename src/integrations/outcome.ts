// What a failed call to Slack, GitHub or Linear tells us about what happened
// on the other side. The outbox runner needs two answers: did the call surely
// NOT take effect (a definite refusal, a rate limit), or is the outcome unknown
// (timeout, 5xx, reset, lost answer: look before acting again)? And when may
// it try again (a Retry-After to honour)? Shared by every integration, so the
// Linear adapter can use the same words (`rateLimitedFor`).
import { githubStatus, isRateLimited as isGitHubRateLimited } from "./github.js";

export interface CallOutcome {
  /** The other side answered and surely did nothing (or refused): no need to look before trying again. */
  definite: boolean;
  /** A rate limit: try again after this many ms (not a failure of the step). */
  retryAfterMs?: number;
}

/** Slack: `{ ok: false, error }` answers and 429s are definite; request errors, HTTP 5xx and timeouts are not. */
function slackOutcome(error: { code?: string; retryAfter?: number; statusCode?: number }): CallOutcome | undefined {
  switch (error.code) {
    case "slack_webapi_platform_error":
      return { definite: true };
    case "slack_webapi_rate_limited_error":
      return { definite: true, retryAfterMs: Math.max(1, error.retryAfter ?? 1) * 1000 };
    case "slack_webapi_request_error":
    case "slack_webapi_http_error":
      return { definite: false };
    default:
      return undefined;
  }
}

function headerSeconds(headers: Record<string, unknown> | undefined, now: number): number | undefined {
  const retryAfter = Number(headers?.["retry-after"]);
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter;
  const reset = Number(headers?.["x-ratelimit-reset"]);
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset - now / 1000);
  return undefined;
}

/** Linear answers a rate limit as HTTP 400 with `extensions.code: "RATELIMITED"` (the SDK's RatelimitedLinearError). */
export function rateLimitedFor(error: unknown, now = Date.now()): number | undefined {
  const e = error as {
    type?: string;
    errors?: Array<{ extensions?: { code?: string } }>;
    raw?: { response?: { errors?: Array<{ extensions?: { code?: string } }>; headers?: { get?(name: string): string | null } } };
    retryAfter?: number;
  };
  const codes = [...(e.errors ?? []), ...(e.raw?.response?.errors ?? [])].map((x) => x.extensions?.code);
  if (e.type === "Ratelimited" || codes.includes("RATELIMITED")) {
    const header = Number(e.raw?.response?.headers?.get?.("retry-after"));
    const reset = Number(e.raw?.response?.headers?.get?.("x-ratelimit-requests-reset"));
    if (Number.isFinite(header) && header > 0) return header * 1000;
    if (Number.isFinite(reset) && reset > now) return reset - now;
    return (e.retryAfter ?? 60) * 1000;
  }
  return undefined;
}

/** How a failed call ended, for any of the three integrations. Unknown shapes are ambiguous: looking costs less than a duplicate. */
export function callOutcome(error: unknown, now = Date.now()): CallOutcome {
  if (error === null || typeof error !== "object") return { definite: false };
  const slack = slackOutcome(error as { code?: string });
  if (slack) return slack;
  const status = githubStatus(error);
  if (status !== undefined) {
    if (isGitHubRateLimited(error)) {
      const headers = (error as { response?: { headers?: Record<string, unknown> } }).response?.headers;
      return { definite: true, retryAfterMs: (headerSeconds(headers, now) ?? 60) * 1000 };
    }
    // GitHub answered with a 4xx: it refused and did nothing. 5xx: it may have done it.
    return { definite: status >= 400 && status < 500 };
  }
  const linear = rateLimitedFor(error, now);
  if (linear !== undefined) return { definite: true, retryAfterMs: linear };
  return { definite: false };
}
