// The outbox's own Slack client: background calls are paced to Slack's
// published tiers (per method, and per channel for chat.postMessage) and a 429
// blocks that method (or channel) for its Retry-After, for every caller in the
// process. It never shares a client, a queue or a wait with the request path:
// an ack, users.info or views.open never waits behind a background call.
import { AsyncLocalStorage } from "node:async_hooks";
import { type WebAPICallResult, WebClient, type WebClientOptions } from "@slack/web-api";

/** Methods that only read (or, like joining a channel, are harmless to repeat): a step that made none of the others yet changed nothing in Slack. */
const READS =
  /^(conversations\.join$|auth\.|users\.|usergroups\.users\.list|conversations\.(history|replies|list|info|members)|bookmarks\.list|pins\.list|chat\.getPermalink)/;

const writes = new AsyncLocalStorage<{ count: number }>();

/**
 * Runs `fn` counting the Slack calls that changed something (and succeeded) inside it: a step that fails after one
 * of them has already acted, so even a definite refusal of its last call does not make a plain retry safe.
 */
export async function countingSlackWrites<T>(
  fn: () => Promise<T>,
): Promise<{ result?: T; error?: unknown; failed: boolean; writes: number }> {
  const counter = { count: 0 };
  try {
    return { result: await writes.run(counter, fn), failed: false, writes: counter.count };
  } catch (error) {
    return { error, failed: true, writes: counter.count };
  }
}

/** A token bucket: `capacity` calls at once, refilled at `perSecond`. */
export interface PaceRule {
  capacity: number;
  perSecond: number;
  /** Counted per channel (chat.postMessage: about one a second per channel). */
  perChannel?: boolean;
}

const perMinute = (n: number): PaceRule => ({ capacity: n, perSecond: n / 60 });

/** Slack's published tiers for the methods the outbox calls (https://docs.slack.dev/apis/web-api/rate-limits). */
export const SLACK_TIERS: Readonly<Record<string, PaceRule>> = {
  "conversations.create": perMinute(20),
  "conversations.archive": perMinute(20),
  "conversations.setTopic": perMinute(20),
  "conversations.setPurpose": perMinute(20),
  "conversations.list": perMinute(20),
  "conversations.invite": perMinute(50),
  "conversations.join": perMinute(50),
  "conversations.history": perMinute(50),
  "chat.postMessage": { capacity: 1, perSecond: 1, perChannel: true },
  "chat.update": perMinute(50),
  "pins.add": perMinute(20),
  "bookmarks.add": perMinute(20),
  "bookmarks.list": perMinute(50),
  "usergroups.users.list": perMinute(20),
};

interface Bucket {
  tokens: number;
  updatedAt: number;
  blockedUntil: number;
  /** Callers wait in line (FIFO), so a burst is paced, never dropped or reordered. */
  tail: Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Pacer {
  private readonly buckets = new Map<string, Bucket>();
  constructor(
    private readonly rules: Readonly<Record<string, PaceRule>>,
    private readonly now: () => number = Date.now,
  ) {}

  keyOf(method: string, options: Record<string, unknown> | undefined): string | undefined {
    const rule = this.rules[method];
    if (!rule) return undefined;
    return rule.perChannel ? `${method}|${String(options?.channel ?? "")}` : method;
  }

  private bucket(key: string, rule: PaceRule): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: rule.capacity, updatedAt: this.now(), blockedUntil: 0, tail: Promise.resolve() };
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  /** Waits for this call's turn under its method's (and channel's) limit. */
  async take(method: string, options?: Record<string, unknown>): Promise<void> {
    const key = this.keyOf(method, options);
    const rule = this.rules[method];
    if (!key || !rule) return;
    const bucket = this.bucket(key, rule);
    const before = bucket.tail;
    let release: () => void = () => undefined;
    bucket.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await before;
    try {
      for (;;) {
        const now = this.now();
        bucket.tokens = Math.min(rule.capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * rule.perSecond);
        bucket.updatedAt = now;
        const wait = Math.max(bucket.blockedUntil - now, bucket.tokens >= 1 ? 0 : ((1 - bucket.tokens) / rule.perSecond) * 1000);
        if (wait <= 0) break;
        await sleep(Math.ceil(wait));
      }
      bucket.tokens -= 1;
    } finally {
      release();
    }
  }

  /** Slack said 429: nobody in this process calls that method (channel) before Retry-After has passed. */
  block(method: string, options: Record<string, unknown> | undefined, retryAfterMs: number): void {
    const key = this.keyOf(method, options) ?? method;
    const rule = this.rules[method] ?? { capacity: 1, perSecond: 1 };
    const bucket = this.bucket(key, rule);
    bucket.blockedUntil = Math.max(bucket.blockedUntil, this.now() + retryAfterMs);
    bucket.tokens = Math.min(bucket.tokens, 0);
    if (!this.rules[method]) {
      // A method without a rule waits through its own block in take(): give it one from now on.
      (this.rules as Record<string, PaceRule>)[method] = rule;
    }
  }
}

export interface OutboxSlackOptions {
  token: string | undefined;
  slackApiUrl: string;
  /** A call that hangs gives up after this (default 15 s): the step is then retried in "look first" mode. */
  timeoutMs?: number;
  /** The tiers to pace to (default Slack's published ones; tests scale them in time like the emulator). */
  rules?: Readonly<Record<string, PaceRule>>;
  /** A 429 longer than this is not waited out in the call: the runner defers the step instead. */
  maxWaitMs?: number;
}

/** A WebClient that paces itself and honours Retry-After once per call; no hidden retries (the runner decides). */
export class PacedWebClient extends WebClient {
  readonly pacer: Pacer;
  private readonly maxWaitMs: number;

  constructor(options: OutboxSlackOptions) {
    const clientOptions: WebClientOptions = {
      slackApiUrl: options.slackApiUrl,
      timeout: options.timeoutMs ?? 15_000,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    };
    super(options.token, clientOptions);
    this.pacer = new Pacer({ ...(options.rules ?? SLACK_TIERS) });
    this.maxWaitMs = options.maxWaitMs ?? 30_000;
  }

  override async apiCall(method: string, options: Record<string, unknown> = {}): Promise<WebAPICallResult> {
    // A 429 means Slack did nothing: waiting it out and calling again is safe. Bounded, then the runner's backoff takes over.
    for (let attempt = 0; ; attempt++) {
      await this.pacer.take(method, options);
      try {
        const result = await super.apiCall(method, options);
        const counter = writes.getStore();
        if (counter && !READS.test(method)) counter.count += 1;
        return result;
      } catch (error) {
        const e = error as { code?: string; retryAfter?: number };
        if (e.code !== "slack_webapi_rate_limited_error") throw error;
        const waitMs = Math.max(1, e.retryAfter ?? 1) * 1000;
        this.pacer.block(method, options, waitMs);
        if (attempt >= 5 || waitMs > this.maxWaitMs) throw error;
      }
    }
  }
}
