// The small value types people write in the policy file and in webhook
// bodies — durations ("5m", "72h", "7d") and percentages ("1%", "+25%", or a
// bare number of percent) — as zod schemas that parse straight into the
// numbers the domain computes with (milliseconds, fractions). Shared by the
// guardrail and waiver rules so "7d" means the same thing everywhere.
import { z } from "zod";

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/;

/** "5m" -> 300000; undefined when it is not a duration. */
export function durationMs(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match;
  return Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
}

/** A positive duration written as "30s", "5m", "72h", "7d" or "1w"; parses into milliseconds. */
export const durationSchema = z.string().transform((text, ctx) => {
  const ms = durationMs(text);
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({ code: "custom", message: `expected a duration such as "5m", "4h" or "7d", got "${text}"` });
    return z.NEVER;
  }
  return ms;
});

const PERCENT = /^([+-]?\d+(?:\.\d+)?)\s*%$/;

/**
 * A percentage: "1%", "+25%", "98.5%", or a number of percent (1 means 1 %).
 * Parses into a fraction (0.01). A bare number is read as percent, never as a
 * fraction, so `above: 1` and `above: "1%"` agree.
 */
export const percentSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  let percent: number | undefined;
  if (typeof value === "number") percent = value;
  else {
    const match = PERCENT.exec(value.trim());
    if (match) percent = Number(match[1]);
  }
  if (percent === undefined || !Number.isFinite(percent)) {
    ctx.addIssue({ code: "custom", message: `expected a percentage such as "1%" or "+25%", got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return percent / 100;
});

/** "5 min", "1 h 30 min", "3 d", "72 h": compact, for people reading at 3 a.m. Pure, no locale. */
export function formatDurationMs(ms: number): string {
  const negative = ms < 0;
  let rest = Math.round(Math.abs(ms) / 1000);
  const days = Math.floor(rest / 86_400);
  rest -= days * 86_400;
  const hours = Math.floor(rest / 3_600);
  rest -= hours * 3_600;
  const minutes = Math.floor(rest / 60);
  const seconds = rest - minutes * 60;
  const parts: string[] = [];
  if (days) parts.push(`${days} d`);
  if (hours) parts.push(`${hours} h`);
  if (minutes) parts.push(`${minutes} min`);
  if (seconds && parts.length === 0) parts.push(`${seconds} s`);
  const text = parts.length ? parts.slice(0, 2).join(" ") : "0 min";
  return negative ? `-${text}` : text;
}

/** 0.0125 -> "1.25%"; at most two decimals, no trailing zeros. */
export function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(2))}%`;
}

/** zod issues as "path: message" lines a person can act on ("alerts[0].startsAt: expected ..."). */
export function describeIssues(error: z.ZodError, root = ""): string[] {
  return error.issues.map((issue) => {
    const path = issue.path
      .map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`))
      .join("");
    const where = [root, path].filter(Boolean).join(root && path && !path.startsWith("[") ? "." : "");
    return where ? `${where}: ${issue.message}` : issue.message;
  });
}

/** What a parser at the boundary returns: the value, or every problem at once. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: string[] };
