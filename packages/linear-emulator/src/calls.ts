// Every request the emulator received, for assertions such as "exactly one
// issueCreate reached Linear" or "no request was refused by the schema".
export type Refusal = "auth" | "parse" | "validation" | "variables" | "rateLimit";

export interface RecordedCall {
  seq: number;
  at: string;
  operationType: string | null;
  operationName: string | null;
  /** Root fields selected, e.g. ["issueCreate"]. */
  fields: string[];
  query: string;
  variables: Record<string, unknown> | undefined;
  status: number;
  /** What the client received (undefined when the answer was lost or never sent). */
  response?: unknown;
  /** Set when the request was refused before execution. */
  refused?: Refusal;
  /** Set when an injected fault handled the request. */
  fault?: string;
  /** Whether the operation ran (false for refusals and faults that stop it). */
  executed: boolean;
}

export interface CallFilter {
  field?: string;
  operationName?: string;
  operationType?: "query" | "mutation";
  executed?: boolean;
}

export class CallLog {
  private readonly entries: RecordedCall[] = [];
  private seq = 0;

  record(call: Omit<RecordedCall, "seq">): RecordedCall {
    const entry = { seq: ++this.seq, ...call };
    this.entries.push(entry);
    return entry;
  }

  list(filter: CallFilter = {}): RecordedCall[] {
    return this.entries.filter(
      (call) =>
        (!filter.field || call.fields.includes(filter.field)) &&
        (!filter.operationName || call.operationName === filter.operationName) &&
        (!filter.operationType || call.operationType === filter.operationType) &&
        (filter.executed === undefined || call.executed === filter.executed),
    );
  }

  clear(): void {
    this.entries.length = 0;
  }
}
