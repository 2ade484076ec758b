// A wall clock the tests can move forward. Trigger expiry (3 s), response_url
// lifetime (30 min) and rate-limit windows read this clock, so a test can
// check "expired_trigger_id" by advancing time instead of sleeping.
export class Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
