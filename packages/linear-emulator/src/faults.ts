// Failures on demand, matched on the operation a request carries: Linear's
// rate limit (HTTP 400, `RATELIMITED`, rate-limit headers), a 5xx, a request
// that never answers, a slow answer, and "done but the answer was lost" (the
// mutation is applied, then the connection is destroyed before any byte of
// the answer), which is what forces a client to look before it repeats.
import { randomUUID } from "node:crypto";

export type FaultKind = "rateLimit" | "serverError" | "hang" | "delay" | "answerLost";

export interface FaultMatch {
  /** A root field of the operation, e.g. "issueCreate" or "issues". */
  field?: string;
  /** The operation name the client sent, e.g. "createIssue" (what @linear/sdk names it). */
  operationName?: string;
  operationType?: "query" | "mutation";
}

export interface FaultSpec extends FaultMatch {
  kind: FaultKind;
  /** How many matching requests it hits; default 1, `Infinity` for all. */
  times?: number;
  /** serverError: the HTTP status (default 500). */
  status?: number;
  /** delay: milliseconds before the request is handled (default 1000). */
  delayMs?: number;
  /** rateLimit: milliseconds until the limit resets (X-RateLimit-Requests-Reset); default 60 000. */
  resetInMs?: number;
  /** rateLimit: also send `Retry-After` (seconds); Linear itself does not promise one. */
  retryAfterSeconds?: number;
}

export interface Fault extends FaultSpec {
  id: string;
  remaining: number;
  hits: number;
}

export interface FaultTarget {
  fields: string[];
  operationName: string | null;
  operationType: string;
}

export class Faults {
  private readonly faults: Fault[] = [];

  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, id: randomUUID(), remaining: spec.times ?? 1, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  /** Takes one use of the first pending fault matching the request. */
  take(target: FaultTarget): Fault | undefined {
    const fault = this.faults.find((candidate) => candidate.remaining > 0 && matches(candidate, target));
    if (!fault) return undefined;
    fault.remaining -= 1;
    fault.hits += 1;
    return fault;
  }

  pending(): Fault[] {
    return this.faults.filter((fault) => fault.remaining > 0);
  }

  clear(): void {
    this.faults.length = 0;
  }
}

function matches(fault: Fault, target: FaultTarget): boolean {
  if (fault.field && !target.fields.includes(fault.field)) return false;
  if (fault.operationName && fault.operationName !== target.operationName) return false;
  if (fault.operationType && fault.operationType !== target.operationType) return false;
  return true;
}
