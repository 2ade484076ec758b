// A record of every request the emulator answered, for assertions like "the
// workflow created exactly one tag" or "nothing was retried twice".
export interface RecordedCall {
  seq: number;
  at: string;
  method: string;
  /** Path and query as received (still percent-encoded). */
  url: string;
  /** The operation it matched, e.g. "git/create-ref"; undefined when no operation matched. */
  operationId?: string;
  /** "owner/repo" as addressed. */
  repo?: string;
  params: Record<string, string | number>;
  query: Record<string, unknown>;
  body: unknown;
  status: number;
  response: unknown;
  /** Set when an injected fault answered instead of the emulator. */
  fault?: string;
  /** Set when the request or response did not match the description. */
  specViolation?: string[];
}

export interface CallFilter {
  method?: string;
  operationId?: string;
  /** Matches the decoded path (a string matches as a substring). */
  path?: string | RegExp;
  repo?: string;
  status?: number;
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
    return this.entries.filter((call) => matches(call, filter));
  }

  clear(): void {
    this.entries.length = 0;
  }
}

function matches(call: RecordedCall, filter: CallFilter): boolean {
  if (filter.method && call.method !== filter.method.toUpperCase()) return false;
  if (filter.operationId && call.operationId !== filter.operationId) return false;
  if (filter.repo && call.repo?.toLowerCase() !== filter.repo.toLowerCase()) return false;
  if (filter.status !== undefined && call.status !== filter.status) return false;
  if (filter.path !== undefined) {
    const path = safeDecode(call.url.split("?")[0] ?? "");
    if (typeof filter.path === "string" ? !path.includes(filter.path) : !filter.path.test(path)) return false;
  }
  return true;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
