import type { JsonObject } from "./types.js";

/**
 * A token bucket: `capacity` calls at once, refilled at `perSecond`.
 * Slack's tiers allow bursts and then a steady rate, which a bucket models.
 */
export interface RateRule {
  capacity: number;
  perSecond: number;
  /** Count per channel (chat.postMessage's "1 per second per channel"). */
  perChannel?: boolean;
}

const perMinute = (n: number): RateRule => ({ capacity: n, perSecond: n / 60 });
const TIER_2 = perMinute(20);
const TIER_3 = perMinute(50);
const TIER_4 = perMinute(100);

/** Slack's published tiers for the methods the emulator serves. */
export const SLACK_RATE_TIERS: Readonly<Record<string, RateRule>> = {
  "auth.test": TIER_4,
  "conversations.create": TIER_2,
  "conversations.archive": TIER_2,
  "conversations.invite": TIER_3,
  "conversations.join": TIER_3,
  "conversations.setTopic": TIER_2,
  "conversations.setPurpose": TIER_2,
  "conversations.info": TIER_3,
  "conversations.members": TIER_4,
  "conversations.history": TIER_3,
  "conversations.replies": TIER_3,
  "conversations.list": TIER_2,
  "conversations.open": TIER_3,
  // "Special": about one message a second per channel, short bursts tolerated.
  "chat.postMessage": { capacity: 3, perSecond: 1, perChannel: true },
  "chat.postEphemeral": TIER_4,
  "chat.update": TIER_3,
  "chat.delete": TIER_3,
  "chat.getPermalink": TIER_4,
  "views.open": TIER_4,
  "views.push": TIER_4,
  "views.update": TIER_4,
  "views.publish": TIER_4,
  "pins.add": TIER_2,
  "pins.remove": TIER_2,
  "pins.list": TIER_2,
  "bookmarks.add": TIER_2,
  "bookmarks.edit": TIER_2,
  "bookmarks.remove": TIER_2,
  "bookmarks.list": TIER_3,
  "reactions.add": TIER_3,
  "reactions.remove": TIER_2,
  "reactions.get": TIER_3,
  "users.info": TIER_4,
  "users.list": TIER_2,
  "users.lookupByEmail": TIER_3,
  "usergroups.list": TIER_2,
  "usergroups.users.list": TIER_2,
  "files.getUploadURLExternal": TIER_4,
  "files.completeUploadExternal": TIER_4,
};

/**
 * Slack's tiers in scaled time, for tests that must see the limits without
 * waiting minutes: Tier 2 (20 a minute) becomes `tier2.calls` per
 * `tier2.seconds` (e.g. 4 per 3 s) and the other tiers follow in proportion.
 * Per-channel rules (chat.postMessage, about one a second) stay as they are:
 * they are already short. `methods` limits the scaling to those methods (the
 * others keep Slack's real tiers).
 */
export function scaledRateTiers(tier2: { calls: number; seconds: number }, methods?: readonly string[]): Record<string, RateRule> {
  const capacityFactor = tier2.calls / 20;
  const rateFactor = tier2.calls / tier2.seconds / (20 / 60);
  const scaled: Record<string, RateRule> = {};
  for (const [method, rule] of Object.entries(SLACK_RATE_TIERS)) {
    if (methods && !methods.includes(method)) continue;
    scaled[method] = rule.perChannel
      ? { ...rule }
      : { capacity: Math.max(1, Math.round(rule.capacity * capacityFactor)), perSecond: rule.perSecond * rateFactor };
  }
  return scaled;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Per-method limits; off by default so ordinary tests never see a 429. */
export class RateLimiter {
  private on = false;
  private rules: Record<string, RateRule> = {};
  private readonly buckets = new Map<string, Bucket>();

  get enabled(): boolean {
    return this.on;
  }

  /** Turn limits on: Slack's tiers, with overrides as calls per minute or full rules. */
  enable(overrides: Record<string, number | RateRule> = {}): void {
    this.on = true;
    this.rules = { ...SLACK_RATE_TIERS };
    for (const [method, rule] of Object.entries(overrides)) this.set(method, rule);
  }

  disable(): void {
    this.on = false;
    this.buckets.clear();
  }

  /** One method's limit (calls per minute or a rule); null removes it. Turns limits on. */
  set(method: string, rule: number | RateRule | null): void {
    if (!this.on) {
      this.on = true;
      this.rules = {};
    }
    if (rule === null) delete this.rules[method];
    else this.rules[method] = typeof rule === "number" ? perMinute(rule) : rule;
    for (const key of [...this.buckets.keys()]) if (key.startsWith(`${method}|`)) this.buckets.delete(key);
  }

  /** Seconds to wait when this call is over the limit, else undefined (and the call is counted). */
  check(method: string, params: JsonObject, nowMs: number): number | undefined {
    if (!this.on) return undefined;
    const rule = this.rules[method];
    if (!rule) return undefined;
    const key = `${method}|${rule.perChannel ? String(params.channel ?? "") : ""}`;
    const bucket = this.buckets.get(key) ?? { tokens: rule.capacity, updatedAt: nowMs };
    bucket.tokens = Math.min(rule.capacity, bucket.tokens + ((nowMs - bucket.updatedAt) / 1000) * rule.perSecond);
    bucket.updatedAt = nowMs;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / rule.perSecond));
  }
}
