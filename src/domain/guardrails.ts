// Guardrails (runbook 000 §2, runbook 001 §2), pure: the thresholds as data,
// the policy section that writes them, per-incident tuning, and the
// evaluation of time-stamped metric samples against them.
//
// Two kinds of threshold, as the runbooks write them:
//   absolute  — error rate > 1 % for 5 min; p95 latency > 1200 ms for 3
//               consecutive windows; crash-free sessions < 98 % over 30 min;
//   relative  — to a trailing 7-day baseline: errors +25 %, p95 +20 %,
//               CPU and memory +30 % (each sustained for `relative.forMs`).
//
// Window rules, in words (the tests pin each one):
// - "above X for D": every sample from the first one above X to the latest is
//   above X, and those samples span at least D (last.at - first.at >= D).
//   Equal to the limit is not above it.
// - "above X for N windows": N consecutive samples (one sample per window)
//   above X; one good window starts the count again.
// - "below X over D": the mean of the samples in the trailing window of
//   length D is below X, and the window is covered by data.
// - A gap between two samples longer than `maxSampleGapMs` breaks a run: we
//   do not know what happened in between, and a guardrail that fires on
//   missing data would page people for a collector restart.
// - Samples later than `now`, and non-finite values, are ignored; order of
//   input does not matter.
import { DateTime } from "luxon";
import { z } from "zod";
import { describeIssues, durationSchema, formatDurationMs, formatPercent, type Parsed, percentSchema } from "./policy-values.js";

export const METRIC_NAMES = ["error_rate", "p95_ms", "crash_free", "cpu", "memory"] as const;
/** error_rate and crash_free are fractions (0.012 = 1.2 %); p95_ms in milliseconds; cpu and memory in any unit, compared with their own baseline. */
export type MetricName = (typeof METRIC_NAMES)[number];

export interface MetricSample {
  metric: MetricName;
  value: number;
  at: Date;
}

export const RELATIVE_KEYS = ["errors", "p95", "cpu", "memory"] as const;
export type RelativeKey = (typeof RELATIVE_KEYS)[number];
export const RELATIVE_METRIC: Record<RelativeKey, Exclude<MetricName, "crash_free">> = {
  errors: "error_rate",
  p95: "p95_ms",
  cpu: "cpu",
  memory: "memory",
};

/** Trailing means over the baseline period (7 days by default), per metric; a missing metric has no baseline. */
export type Baseline = Partial<Record<Exclude<MetricName, "crash_free">, number>>;

export interface RelativeThresholds {
  /** Fractions above the baseline: 0.25 is +25 %. null: this metric has no relative threshold. */
  errors: number | null;
  p95: number | null;
  cpu: number | null;
  memory: number | null;
  /** How long a metric must stay above its relative limit. */
  forMs: number;
  /** The trailing period the baseline is computed over (informative: the caller computes the baseline). */
  baselineMs: number;
}

export interface GuardrailThresholds {
  errorRate: { above: number; forMs: number } | null;
  p95: { aboveMs: number; windows: number } | null;
  crashFree: { below: number; overMs: number } | null;
  relative: RelativeThresholds | null;
  /** Samples farther apart than this break a run (see the header). */
  maxSampleGapMs: number;
}

const MINUTE = 60_000;

/** Runbook 000's absolute thresholds and runbook 001's relative ones. */
export const DEFAULT_GUARDRAILS: GuardrailThresholds = {
  errorRate: { above: 0.01, forMs: 5 * MINUTE },
  p95: { aboveMs: 1200, windows: 3 },
  crashFree: { below: 0.98, overMs: 30 * MINUTE },
  relative: { errors: 0.25, p95: 0.2, cpu: 0.3, memory: 0.3, forMs: 5 * MINUTE, baselineMs: 7 * 24 * 60 * MINUTE },
  maxSampleGapMs: 2 * MINUTE,
};

// ---------------------------------------------------------------- policy

const fraction = (what: string) =>
  percentSchema.refine((v) => v > 0 && v <= 1, { message: `${what} must be more than 0% and at most 100%` });
const positiveInt = z.number().int().positive();

const errorRateFields = { above: fraction("errorRate.above"), for: durationSchema };
const p95Fields = { aboveMs: z.number().positive(), windows: positiveInt };
const crashFreeFields = { below: fraction("crashFree.below"), over: durationSchema };
const relativePercent = percentSchema.refine((v) => v > 0, { message: "a relative threshold must be above the baseline, e.g. +25%" });
const relativeFields = {
  errors: relativePercent.nullable(),
  p95: relativePercent.nullable(),
  cpu: relativePercent.nullable(),
  memory: relativePercent.nullable(),
  for: durationSchema,
  baseline: durationSchema,
};

/** What a policy file (or a tuning form) writes, after parsing: every key optional, null switches a threshold off. */
export interface GuardrailOverrides {
  errorRate?: { above?: number; forMs?: number } | null;
  p95?: { aboveMs?: number; windows?: number } | null;
  crashFree?: { below?: number; overMs?: number } | null;
  relative?: Partial<RelativeThresholds> | null;
  maxSampleGapMs?: number;
}

const partial = <T extends z.ZodRawShape>(shape: T) => z.strictObject(shape).partial().nullable().optional();

/**
 * The `guardrails` section with every key optional, as written:
 * `errorRate: { above: 1%, for: 5m }`, `p95: { aboveMs: 1200, windows: 3 }`,
 * `crashFree: { below: 98%, over: 30m }`,
 * `relative: { errors: +25%, p95: +20%, cpu: +30%, memory: +30%, for: 5m, baseline: 7d }`,
 * `maxSampleGap: 2m`. Parses into {@link GuardrailOverrides} (ms, fractions).
 */
export const guardrailOverridesSchema = z
  .strictObject({
    errorRate: partial(errorRateFields),
    p95: partial(p95Fields),
    crashFree: partial(crashFreeFields),
    relative: partial(relativeFields),
    maxSampleGap: durationSchema.optional(),
  })
  .transform((raw): GuardrailOverrides => {
    const out: GuardrailOverrides = {};
    if (raw.errorRate !== undefined)
      out.errorRate = raw.errorRate === null ? null : defined({ above: raw.errorRate.above, forMs: raw.errorRate.for });
    if (raw.p95 !== undefined) out.p95 = raw.p95 === null ? null : defined({ aboveMs: raw.p95.aboveMs, windows: raw.p95.windows });
    if (raw.crashFree !== undefined)
      out.crashFree = raw.crashFree === null ? null : defined({ below: raw.crashFree.below, overMs: raw.crashFree.over });
    if (raw.relative !== undefined)
      out.relative =
        raw.relative === null
          ? null
          : defined({
              errors: raw.relative.errors,
              p95: raw.relative.p95,
              cpu: raw.relative.cpu,
              memory: raw.relative.memory,
              forMs: raw.relative.for,
              baselineMs: raw.relative.baseline,
            });
    if (raw.maxSampleGap !== undefined) out.maxSampleGapMs = raw.maxSampleGap;
    return out;
  });

/** The policy's `guardrails` section, parsed and completed with the runbooks' defaults. */
export const guardrailsPolicySchema = guardrailOverridesSchema.transform((overrides) => mergeGuardrails(DEFAULT_GUARDRAILS, overrides));

/** Parse a policy section or a tuning form: thresholds, or every problem named by its key. */
export function parseGuardrails(input: unknown, base: GuardrailThresholds = DEFAULT_GUARDRAILS): Parsed<GuardrailThresholds> {
  const result = guardrailOverridesSchema.safeParse(input ?? {});
  if (!result.success) return { ok: false, errors: describeIssues(result.error, "guardrails") };
  return { ok: true, value: mergeGuardrails(base, result.data) };
}

function defined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/**
 * Per-incident tuning over the policy: a key given replaces the policy's, a
 * null switches the threshold off, an object fills the rest of a threshold
 * from the policy (or from the runbook default when the policy had it off).
 */
export function mergeGuardrails(base: GuardrailThresholds, overrides: GuardrailOverrides): GuardrailThresholds {
  const pick = <K extends "errorRate" | "p95" | "crashFree" | "relative">(key: K): GuardrailThresholds[K] => {
    const over = overrides[key];
    if (over === undefined) return base[key];
    if (over === null) return null;
    const from = base[key] ?? DEFAULT_GUARDRAILS[key];
    return { ...from, ...defined(over) } as GuardrailThresholds[K];
  };
  return {
    errorRate: pick("errorRate"),
    p95: pick("p95"),
    crashFree: pick("crashFree"),
    relative: pick("relative"),
    maxSampleGapMs: overrides.maxSampleGapMs ?? base.maxSampleGapMs,
  };
}

/** Back to the policy's written form (for a tuning modal's initial values and for the record). */
export function guardrailsToPolicy(t: GuardrailThresholds): Record<string, unknown> {
  const pct = (f: number | null) => (f === null ? null : formatPercent(f));
  const dur = (ms: number) => {
    for (const [unit, size] of [
      ["d", 86_400_000],
      ["h", 3_600_000],
      ["m", 60_000],
      ["s", 1_000],
    ] as const)
      if (ms % size === 0) return `${ms / size}${unit}`;
    return `${ms}ms`;
  };
  return {
    errorRate: t.errorRate && { above: pct(t.errorRate.above), for: dur(t.errorRate.forMs) },
    p95: t.p95 && { aboveMs: t.p95.aboveMs, windows: t.p95.windows },
    crashFree: t.crashFree && { below: pct(t.crashFree.below), over: dur(t.crashFree.overMs) },
    relative: t.relative && {
      errors: t.relative.errors === null ? null : `+${pct(t.relative.errors)}`,
      p95: t.relative.p95 === null ? null : `+${pct(t.relative.p95)}`,
      cpu: t.relative.cpu === null ? null : `+${pct(t.relative.cpu)}`,
      memory: t.relative.memory === null ? null : `+${pct(t.relative.memory)}`,
      for: dur(t.relative.forMs),
      baseline: dur(t.relative.baselineMs),
    },
    maxSampleGap: dur(t.maxSampleGapMs),
  };
}

/** One plain sentence per active threshold, for the war room and the record (no Slack syntax). */
export function describeGuardrails(t: GuardrailThresholds): string[] {
  const lines: string[] = [];
  if (t.errorRate) lines.push(`Error rate above ${formatPercent(t.errorRate.above)} for ${formatDurationMs(t.errorRate.forMs)}`);
  if (t.p95) lines.push(`p95 latency above ${t.p95.aboveMs} ms for ${t.p95.windows} consecutive windows`);
  if (t.crashFree) lines.push(`Crash-free sessions below ${formatPercent(t.crashFree.below)} over ${formatDurationMs(t.crashFree.overMs)}`);
  if (t.relative) {
    const over = `the trailing ${formatDurationMs(t.relative.baselineMs)} baseline for ${formatDurationMs(t.relative.forMs)}`;
    const label: Record<RelativeKey, string> = { errors: "Errors", p95: "p95 latency", cpu: "CPU", memory: "Memory" };
    for (const key of RELATIVE_KEYS) {
      const pct = t.relative[key];
      if (pct !== null) lines.push(`${label[key]} more than +${formatPercent(pct)} above ${over}`);
    }
  }
  return lines;
}

// ------------------------------------------------------------ evaluation

export type ThresholdId = "errorRate" | "p95" | "crashFree" | `relative.${RelativeKey}`;

export interface GuardrailBreach {
  threshold: ThresholdId;
  metric: MetricName;
  /** The worst value seen while breaching (for crashFree: the lowest window mean). */
  observed: number;
  /** The limit it was compared with (absolute, or baseline × (1 + relative)). */
  limit: number;
  /** First and last moment of the breaching run (for crashFree the first window's start). */
  windowStart: Date;
  windowEnd: Date;
  /** When the condition was first met: the moment an alert would have fired. */
  firedAt: Date;
  /** The first good sample after the run; null while it is still breaching. */
  resolvedAt: Date | null;
  /** Still breaching at the latest sample of this metric. */
  ongoing: boolean;
  samples: number;
  description: string;
}

export interface SkippedThreshold {
  threshold: ThresholdId;
  reason: string;
}

export interface GuardrailEvaluation {
  /** firing: a breach is ongoing; resolved: there were breaches, none is ongoing; ok: none; no-data: no usable sample at all. */
  state: "firing" | "resolved" | "ok" | "no-data";
  breaches: GuardrailBreach[];
  /** Thresholds that could not be evaluated, and why (no baseline, no samples). */
  skipped: SkippedThreshold[];
  evaluatedAt: Date;
}

interface Point {
  at: number;
  value: number;
}

/**
 * Evaluate every active threshold over the samples (any order) up to `now`.
 * Breaches are reported per threshold, oldest first, each a maximal run.
 */
export function evaluateGuardrails(
  thresholds: GuardrailThresholds,
  samples: readonly MetricSample[],
  baseline: Baseline | null | undefined,
  now: Date,
): GuardrailEvaluation {
  const series = seriesByMetric(samples, now.getTime());
  const gap = thresholds.maxSampleGapMs;
  const breaches: GuardrailBreach[] = [];
  const skipped: SkippedThreshold[] = [];
  const noSamples = (threshold: ThresholdId, metric: MetricName) => {
    if (series[metric].length > 0) return false;
    skipped.push({ threshold, reason: `no ${metric} samples up to ${iso(now.getTime())}` });
    return true;
  };

  if (thresholds.errorRate && !noSamples("errorRate", "error_rate")) {
    const { above, forMs } = thresholds.errorRate;
    const isBad = (v: number) => v > above;
    for (const run of runs(series.error_rate, isBad, gap)) {
      const fired = run.points.find((p) => p.at - run.first.at >= forMs);
      if (!fired) continue;
      breaches.push(
        breach(run, series.error_rate, isBad, { threshold: "errorRate", metric: "error_rate", limit: above }, fired.at, (observed) => {
          return `error rate ${formatPercent(observed)} above ${formatPercent(above)} for ${formatDurationMs(runSpan(run))}`;
        }),
      );
    }
  }

  if (thresholds.p95 && !noSamples("p95", "p95_ms")) {
    const { aboveMs, windows } = thresholds.p95;
    const isBad = (v: number) => v > aboveMs;
    for (const run of runs(series.p95_ms, isBad, gap)) {
      if (run.points.length < windows) continue;
      const fired = item(run.points, windows - 1);
      breaches.push(
        breach(run, series.p95_ms, isBad, { threshold: "p95", metric: "p95_ms", limit: aboveMs }, fired.at, (observed) => {
          return `p95 latency ${round(observed)} ms above ${aboveMs} ms for ${run.points.length} consecutive windows`;
        }),
      );
    }
  }

  if (thresholds.crashFree && !noSamples("crashFree", "crash_free")) {
    breaches.push(...crashFreeBreaches(series.crash_free, thresholds.crashFree.below, thresholds.crashFree.overMs, gap));
  }

  if (thresholds.relative) {
    const rel = thresholds.relative;
    for (const key of RELATIVE_KEYS) {
      const pct = rel[key];
      if (pct === null) continue;
      const id: ThresholdId = `relative.${key}`;
      const metric = RELATIVE_METRIC[key];
      const base = baseline?.[metric];
      if (base === undefined || base === null) {
        skipped.push({
          threshold: id,
          reason: `no trailing ${formatDurationMs(rel.baselineMs)} baseline for ${metric}, so +${formatPercent(pct)} has nothing to compare with`,
        });
        continue;
      }
      if (!Number.isFinite(base) || base <= 0) {
        skipped.push({
          threshold: id,
          reason: `the ${metric} baseline is ${base}, so a relative limit means nothing (the absolute thresholds still apply)`,
        });
        continue;
      }
      if (noSamples(id, metric)) continue;
      const limit = base * (1 + pct);
      const isBad = (v: number) => v > limit;
      for (const run of runs(series[metric], isBad, gap)) {
        const fired = run.points.find((p) => p.at - run.first.at >= rel.forMs);
        if (!fired) continue;
        breaches.push(
          breach(run, series[metric], isBad, { threshold: id, metric, limit }, fired.at, (observed) => {
            const show = (v: number) =>
              metric === "error_rate" ? formatPercent(v) : metric === "p95_ms" ? `${round(v)} ms` : `${round(v)}`;
            return `${metric} ${show(observed)} more than +${formatPercent(pct)} above its baseline ${show(base)} (limit ${show(limit)}) for ${formatDurationMs(runSpan(run))}`;
          }),
        );
      }
    }
  }

  breaches.sort((a, b) => a.firedAt.getTime() - b.firedAt.getTime() || a.threshold.localeCompare(b.threshold));
  const anySamples = METRIC_NAMES.some((m) => series[m].length > 0);
  const state = breaches.some((b) => b.ongoing) ? "firing" : breaches.length > 0 ? "resolved" : anySamples ? "ok" : "no-data";
  return { state, breaches, skipped, evaluatedAt: now };
}

function seriesByMetric(samples: readonly MetricSample[], nowMs: number): Record<MetricName, Point[]> {
  const out = Object.fromEntries(METRIC_NAMES.map((m) => [m, [] as Point[]])) as Record<MetricName, Point[]>;
  for (const sample of samples) {
    const at = sample.at.getTime();
    if (!Number.isFinite(at) || at > nowMs || !Number.isFinite(sample.value)) continue;
    out[sample.metric]?.push({ at, value: sample.value });
  }
  // Stable sort: two samples at the same instant keep their input order.
  for (const metric of METRIC_NAMES) out[metric].sort((a, b) => a.at - b.at);
  return out;
}

interface Run {
  points: Point[];
  first: Point;
  last: Point;
  /** Index in the series of the first point after the run (series length when none). */
  next: number;
}

/** Maximal runs of consecutive bad points with no gap longer than `gap` between them. */
function runs(series: Point[], bad: (v: number) => boolean, gap: number): Run[] {
  const out: Run[] = [];
  let current: Point[] = [];
  const close = (next: number) => {
    const [first, last] = [current[0], current[current.length - 1]];
    if (first && last) out.push({ points: current, first, last, next });
    current = [];
  };
  series.forEach((point, i) => {
    const previous = current[current.length - 1];
    if (previous && point.at - previous.at > gap) close(i);
    if (bad(point.value)) current.push(point);
    else close(i);
  });
  close(series.length);
  return out;
}

const runSpan = (run: Run) => run.last.at - run.first.at;

/** xs[i], for indexes the algorithm guarantees; a broken guarantee fails loudly instead of computing with undefined. */
function item<T>(xs: readonly T[], i: number): T {
  const value = xs[i];
  if (value === undefined) throw new Error(`guardrails: index ${i} out of range ${xs.length}`);
  return value;
}

const maxOf = (values: number[]) => values.reduce((a, b) => (b > a ? b : a), Number.NEGATIVE_INFINITY);
const minOf = (values: number[]) => values.reduce((a, b) => (b < a ? b : a), Number.POSITIVE_INFINITY);

function breach(
  run: Run,
  series: Point[],
  bad: (v: number) => boolean,
  id: { threshold: ThresholdId; metric: MetricName; limit: number },
  firedAt: number,
  text: (observed: number) => string,
): GuardrailBreach {
  const observed = maxOf(run.points.map((p) => p.value));
  const { first, last } = run;
  // A run ends at a good sample (that resolves it) or at a gap followed by a
  // bad sample: then nothing good was seen, so the breach still stands.
  const after = series[run.next];
  const resolved = after !== undefined && !bad(after.value);
  return {
    ...id,
    observed,
    windowStart: new Date(first.at),
    windowEnd: new Date(last.at),
    firedAt: new Date(firedAt),
    resolvedAt: resolved ? new Date(after.at) : null,
    ongoing: !resolved,
    samples: run.points.length,
    description: `${text(observed)} (${hhmm(first.at)}–${hhmm(last.at)} UTC)`,
  };
}

/**
 * "below X over D": at each sample time t, the mean of the samples in
 * [t - D, t] when that window is covered (an unbroken stretch of samples,
 * no gap longer than `gap`, from at or before its start up to t). Consecutive
 * bad evaluations form one breach. Means are sums of floats: a mean within
 * EPSILON of the limit counts as at the limit, not below it.
 */
function crashFreeBreaches(series: Point[], below: number, overMs: number, gap: number): GuardrailBreach[] {
  const n = series.length;
  const prefix = [0];
  const segmentStart: number[] = [];
  for (let i = 0; i < n; i++) {
    const point = item(series, i);
    prefix.push(item(prefix, i) + point.value);
    segmentStart.push(i > 0 && point.at - item(series, i - 1).at <= gap ? item(segmentStart, i - 1) : i);
  }
  type Evaluation = { index: number; mean: number; windowStart: number } | null;
  const evaluations: Evaluation[] = [];
  let lo = 0;
  for (let i = 0; i < n; i++) {
    const t = item(series, i).at;
    const start = t - overMs;
    while (item(series, lo).at < start) lo++;
    // Covered: the unbroken stretch of data reaching t began at or before the window's start.
    const covered = item(series, item(segmentStart, i)).at <= start;
    const mean = (item(prefix, i + 1) - item(prefix, lo)) / (i + 1 - lo);
    evaluations.push(covered ? { index: i, mean, windowStart: start } : null);
  }
  const out: GuardrailBreach[] = [];
  let run: Array<{ index: number; mean: number; windowStart: number }> = [];
  const close = (nextIndex: number) => {
    const [first, last] = [run[0], run[run.length - 1]];
    if (!first || !last) return;
    const observed = minOf(run.map((e) => e.mean));
    const end = item(series, last.index).at;
    // Resolved by the next covered window whose mean is good; an uncovered
    // stretch (a gap in the data) resolves nothing.
    let good: Evaluation = null;
    for (let j = nextIndex; j < n && good === null; j++) good = evaluations[j] ?? null;
    const resolved = good && below - good.mean <= EPSILON ? item(series, good.index).at : null;
    const ongoing = resolved === null;
    out.push({
      threshold: "crashFree",
      metric: "crash_free",
      observed,
      limit: below,
      windowStart: new Date(first.windowStart),
      windowEnd: new Date(end),
      firedAt: new Date(item(series, first.index).at),
      resolvedAt: resolved === null ? null : new Date(resolved),
      ongoing,
      samples: last.index - first.index + 1,
      description: `crash-free sessions ${formatPercent(observed)} below ${formatPercent(below)} over ${formatDurationMs(overMs)} (${hhmm(first.windowStart)}–${hhmm(end)} UTC)`,
    });
    run = [];
  };
  evaluations.forEach((evaluation, i) => {
    if (evaluation && below - evaluation.mean > EPSILON) run.push(evaluation);
    else close(i);
  });
  close(n);
  return out;
}

const EPSILON = 1e-9;
const round = (v: number) => Math.round(v * 100) / 100;
const iso = (ms: number) => new Date(ms).toISOString();
const hhmm = (ms: number) => DateTime.fromMillis(ms, { zone: "utc" }).toFormat("yyyy-LL-dd HH:mm");
