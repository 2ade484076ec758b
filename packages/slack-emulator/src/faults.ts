import type { JsonObject } from "./types.js";

/**
 * A failure to inject into the next calls of a Web API method, so tests can
 * see the app survive Slack's bad days.
 */
export interface FaultSpec {
  /** Method name, or "*" for any method. */
  method: string;
  /** How many calls fail this way (default 1; Infinity for all). */
  times?: number;
  /** Answer `{ ok: false, error }` (HTTP 200 unless `status` says otherwise). */
  error?: string;
  /** HTTP status: 429 (adds Retry-After), 500, 503… */
  status?: number;
  /** Seconds for Retry-After on a 429 (default 1). */
  retryAfter?: number;
  /** Hold the answer this long first; alone, it only slows the call down. */
  delayMs?: number;
  /**
   * "before" (default): Slack fails and nothing happens.
   * "after": the call takes effect (channel created, message posted) but the
   * app sees the failure, like a response lost on the way back. This is what
   * idempotent retries must survive without duplicating anything.
   */
  when?: "before" | "after";
  /** Cut the connection instead of answering (a network failure). */
  drop?: boolean;
  /** Only calls whose params match, e.g. `(p) => p.channel === "C123"`. */
  match?: (params: JsonObject) => boolean;
}

export interface ActiveFault extends FaultSpec {
  id: number;
  remaining: number;
  hits: number;
}

export interface FaultOutcome {
  kind: "respond" | "drop" | "delay-only";
  status: number;
  headers: Record<string, string>;
  body: JsonObject;
}

export class Faults {
  private readonly active: ActiveFault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): ActiveFault {
    const fault: ActiveFault = { ...spec, id: this.nextId++, remaining: spec.times ?? 1, hits: 0 };
    this.active.push(fault);
    return fault;
  }

  clear(): void {
    this.active.length = 0;
  }

  /** Faults that still have calls left to fail. */
  pending(): readonly ActiveFault[] {
    return this.active;
  }

  /** The fault that applies to this call, spending one of its `times`. */
  take(method: string, params: JsonObject): ActiveFault | undefined {
    const fault = this.active.find((f) => (f.method === method || f.method === "*") && (!f.match || f.match(params)));
    if (!fault) return undefined;
    fault.remaining -= 1;
    fault.hits += 1;
    if (fault.remaining <= 0) this.active.splice(this.active.indexOf(fault), 1);
    return fault;
  }
}

export function faultOutcome(fault: FaultSpec): FaultOutcome {
  if (fault.drop) return { kind: "drop", status: 0, headers: {}, body: {} };
  if (fault.status === 429) {
    return {
      kind: "respond",
      status: 429,
      headers: { "retry-after": String(fault.retryAfter ?? 1) },
      body: { ok: false, error: fault.error ?? "ratelimited" },
    };
  }
  if (fault.status !== undefined && fault.status !== 200) {
    const error = fault.error ?? (fault.status === 503 ? "service_unavailable" : "internal_error");
    return { kind: "respond", status: fault.status, headers: {}, body: { ok: false, error } };
  }
  if (fault.error) return { kind: "respond", status: 200, headers: {}, body: { ok: false, error: fault.error } };
  return { kind: "delay-only", status: 200, headers: {}, body: {} };
}
