// GitHub's rate-limit bookkeeping: the x-ratelimit-* headers on every answer
// (primary limit, 5000 an hour), and the optional secondary limit on
// content-creating requests (80 a minute) that answers 403 with retry-after.

export interface SecondaryLimitOptions {
  /** Content-creating requests allowed per 60 s; GitHub's documented figure is 80. */
  perMinute?: number;
}

export class RateLimits {
  private used = 0;
  private windowStart: number;
  private readonly writes: number[] = [];
  secondary: { perMinute: number } | null;

  constructor(
    private readonly now: () => Date,
    secondary: SecondaryLimitOptions | boolean | undefined,
    readonly limit = 5000,
  ) {
    this.windowStart = now().getTime();
    this.secondary = secondary ? { perMinute: (typeof secondary === "object" && secondary.perMinute) || 80 } : null;
  }

  /** Counts a request against the hourly budget and returns the headers GitHub would send. */
  consume(): Record<string, string> {
    const now = this.now().getTime();
    if (now - this.windowStart >= 3_600_000) {
      this.windowStart = now;
      this.used = 0;
    }
    this.used = Math.min(this.limit, this.used + 1);
    return {
      "x-ratelimit-limit": String(this.limit),
      "x-ratelimit-remaining": String(this.limit - this.used),
      "x-ratelimit-reset": String(Math.floor((this.windowStart + 3_600_000) / 1000)),
      "x-ratelimit-used": String(this.used),
      "x-ratelimit-resource": "core",
    };
  }

  /**
   * For a content-creating request (POST, PATCH, PUT, DELETE): undefined when
   * allowed, else the seconds to wait before the oldest request in the window
   * leaves it.
   */
  secondaryWait(method: string): number | undefined {
    if (!this.secondary || method === "GET" || method === "HEAD") return undefined;
    const now = this.now().getTime();
    while (this.writes.length > 0 && now - (this.writes[0] as number) >= 60_000) this.writes.shift();
    if (this.writes.length >= this.secondary.perMinute) {
      return Math.max(1, Math.ceil(((this.writes[0] as number) + 60_000 - now) / 1000));
    }
    this.writes.push(now);
    return undefined;
  }
}
