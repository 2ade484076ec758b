import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_GUARDRAILS,
  describeGuardrails,
  evaluateGuardrails,
  type GuardrailThresholds,
  guardrailOverridesSchema,
  guardrailsPolicySchema,
  guardrailsToPolicy,
  type MetricName,
  type MetricSample,
  mergeGuardrails,
  parseGuardrails,
} from "../../src/domain/guardrails.js";

const T0 = Date.parse("2026-01-09T10:00:00Z");
const MIN = 60_000;
const at = (minutes: number) => new Date(T0 + minutes * MIN);
const NOW = at(120);

/** One sample a minute from `start`, with the values given. */
function series(metric: MetricName, values: number[], start = 0, step = 1): MetricSample[] {
  return values.map((value, i) => ({ metric, value, at: at(start + i * step) }));
}

const only = (overrides: Partial<GuardrailThresholds>): GuardrailThresholds => ({
  errorRate: null,
  p95: null,
  crashFree: null,
  relative: null,
  maxSampleGapMs: 2 * MIN,
  ...overrides,
});

describe("the policy's guardrails section", () => {
  it("defaults to runbook 000's absolute and runbook 001's relative thresholds", () => {
    expect(guardrailsPolicySchema.parse({})).toEqual(DEFAULT_GUARDRAILS);
    expect(DEFAULT_GUARDRAILS).toEqual({
      errorRate: { above: 0.01, forMs: 5 * MIN },
      p95: { aboveMs: 1200, windows: 3 },
      crashFree: { below: 0.98, overMs: 30 * MIN },
      relative: { errors: 0.25, p95: 0.2, cpu: 0.3, memory: 0.3, forMs: 5 * MIN, baselineMs: 7 * 24 * 60 * MIN },
      maxSampleGapMs: 2 * MIN,
    });
  });

  it("reads percentages as strings or numbers of percent, and durations, into fractions and milliseconds", () => {
    const parsed = guardrailsPolicySchema.parse({
      errorRate: { above: "2.5%", for: "10m" },
      p95: { aboveMs: 900, windows: 5 },
      crashFree: { below: 99, over: "1h" },
      relative: { errors: "+50%", p95: 10, cpu: "+30%", memory: null, for: "15m", baseline: "14d" },
      maxSampleGap: "90s",
    });
    expect(parsed).toEqual({
      errorRate: { above: 0.025, forMs: 10 * MIN },
      p95: { aboveMs: 900, windows: 5 },
      crashFree: { below: 0.99, overMs: 60 * MIN },
      relative: { errors: 0.5, p95: 0.1, cpu: 0.3, memory: null, forMs: 15 * MIN, baselineMs: 14 * 24 * 60 * MIN },
      maxSampleGapMs: 90_000,
    });
  });

  it("fills a partly written threshold from the defaults, and null switches one off", () => {
    const parsed = guardrailsPolicySchema.parse({ errorRate: { above: "3%" }, crashFree: null, relative: null });
    expect(parsed.errorRate).toEqual({ above: 0.03, forMs: 5 * MIN });
    expect(parsed.crashFree).toBeNull();
    expect(parsed.relative).toBeNull();
    expect(parsed.p95).toEqual(DEFAULT_GUARDRAILS.p95);
  });

  it("refuses bad values, naming each key", () => {
    const result = parseGuardrails({
      errorRate: { above: "lots", for: "soon" },
      p95: { aboveMs: -1, windows: 1.5 },
      crashFree: { below: "120%" },
      relative: { errors: "-5%" },
      surprise: true,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = result.errors.join("\n");
    expect(text).toContain('guardrails.errorRate.above: expected a percentage such as "1%" or "+25%", got "lots"');
    expect(text).toContain('guardrails.errorRate.for: expected a duration such as "5m", "4h" or "7d", got "soon"');
    expect(text).toMatch(/guardrails\.p95\.aboveMs: /);
    expect(text).toMatch(/guardrails\.p95\.windows: /);
    expect(text).toContain("guardrails.crashFree.below: crashFree.below must be more than 0% and at most 100%");
    expect(text).toContain("guardrails.relative.errors: a relative threshold must be above the baseline, e.g. +25%");
    expect(text).toMatch(/surprise/);
  });

  it("round-trips through its written form", () => {
    const written = guardrailsToPolicy(DEFAULT_GUARDRAILS);
    expect(written).toEqual({
      errorRate: { above: "1%", for: "5m" },
      p95: { aboveMs: 1200, windows: 3 },
      crashFree: { below: "98%", over: "30m" },
      relative: { errors: "+25%", p95: "+20%", cpu: "+30%", memory: "+30%", for: "5m", baseline: "7d" },
      maxSampleGap: "2m",
    });
    expect(guardrailsPolicySchema.parse(written)).toEqual(DEFAULT_GUARDRAILS);
  });

  it("describes the thresholds in plain sentences", () => {
    expect(describeGuardrails(DEFAULT_GUARDRAILS)).toEqual([
      "Error rate above 1% for 5 min",
      "p95 latency above 1200 ms for 3 consecutive windows",
      "Crash-free sessions below 98% over 30 min",
      "Errors more than +25% above the trailing 7 d baseline for 5 min",
      "p95 latency more than +20% above the trailing 7 d baseline for 5 min",
      "CPU more than +30% above the trailing 7 d baseline for 5 min",
      "Memory more than +30% above the trailing 7 d baseline for 5 min",
    ]);
  });
});

describe("per-incident tuning", () => {
  it("merges over the policy: given keys replace, the rest stays, null switches off", () => {
    const policy = guardrailsPolicySchema.parse({ errorRate: { above: "2%", for: "10m" } });
    const tuning = guardrailOverridesSchema.parse({ errorRate: { for: "3m" }, p95: null, relative: { cpu: "+50%" } });
    const merged = mergeGuardrails(policy, tuning);
    expect(merged.errorRate).toEqual({ above: 0.02, forMs: 3 * MIN });
    expect(merged.p95).toBeNull();
    expect(merged.relative).toEqual({ ...DEFAULT_GUARDRAILS.relative, cpu: 0.5 });
    expect(merged.crashFree).toEqual(policy.crashFree);
  });

  it("switches a threshold the policy had off back on, filling it from the runbook default", () => {
    const policy = guardrailsPolicySchema.parse({ crashFree: null });
    const merged = mergeGuardrails(policy, guardrailOverridesSchema.parse({ crashFree: { below: "99%" } }));
    expect(merged.crashFree).toEqual({ below: 0.99, overMs: 30 * MIN });
  });

  it("changes nothing with no tuning", () => {
    expect(mergeGuardrails(DEFAULT_GUARDRAILS, {})).toEqual(DEFAULT_GUARDRAILS);
  });
});

describe("error rate above 1 % for 5 minutes", () => {
  const t = only({ errorRate: { above: 0.01, forMs: 5 * MIN } });

  it("fires once the samples above the limit span five minutes", () => {
    const result = evaluateGuardrails(t, series("error_rate", [0.002, 0.015, 0.02, 0.018, 0.03, 0.012, 0.011]), null, NOW);
    expect(result.state).toBe("firing");
    expect(result.breaches).toHaveLength(1);
    const [breach] = result.breaches;
    expect(breach).toMatchObject({
      threshold: "errorRate",
      metric: "error_rate",
      observed: 0.03,
      limit: 0.01,
      windowStart: at(1),
      windowEnd: at(6),
      firedAt: at(6),
      resolvedAt: null,
      ongoing: true,
      samples: 6,
    });
    expect(breach?.description).toBe("error rate 3% above 1% for 5 min (2026-01-09 10:01–2026-01-09 10:06 UTC)");
  });

  it("does not fire one sample short of the duration", () => {
    const result = evaluateGuardrails(t, series("error_rate", [0.02, 0.02, 0.02, 0.02, 0.02]), null, NOW);
    expect(result.breaches).toEqual([]);
    expect(result.state).toBe("ok");
  });

  it("does not fire exactly at the limit (above means above)", () => {
    const result = evaluateGuardrails(t, series("error_rate", Array(20).fill(0.01)), null, NOW);
    expect(result.breaches).toEqual([]);
  });

  it("fires just above the limit", () => {
    const result = evaluateGuardrails(t, series("error_rate", Array(6).fill(0.010001)), null, NOW);
    expect(result.breaches).toHaveLength(1);
  });

  it("does not bridge a gap in the samples longer than maxSampleGap", () => {
    // 10:00-10:03 and 10:06-10:09: eight bad minutes in all, but a 3-minute hole in the middle.
    const samples = [...series("error_rate", [0.05, 0.05, 0.05, 0.05], 0), ...series("error_rate", [0.05, 0.05, 0.05, 0.05], 6)];
    expect(evaluateGuardrails(t, samples, null, NOW).breaches).toEqual([]);
    // The same with a gap the policy tolerates fires.
    expect(evaluateGuardrails({ ...t, maxSampleGapMs: 3 * MIN }, samples, null, NOW).breaches).toHaveLength(1);
  });

  it("treats a gap followed by bad samples as not resolved", () => {
    const samples = [...series("error_rate", Array(6).fill(0.05), 0), ...series("error_rate", [0.05], 10)];
    const [breach] = evaluateGuardrails(t, samples, null, NOW).breaches;
    expect(breach).toMatchObject({ ongoing: true, resolvedAt: null, windowEnd: at(5) });
  });

  it("is resolved by the first good sample after the run", () => {
    const samples = series("error_rate", [0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.004, 0.003]);
    const result = evaluateGuardrails(t, samples, null, NOW);
    expect(result.state).toBe("resolved");
    expect(result.breaches[0]).toMatchObject({ ongoing: false, resolvedAt: at(6), windowEnd: at(5) });
  });

  it("reports two separate breaches, oldest first", () => {
    const samples = series("error_rate", [...Array(6).fill(0.05), 0.001, ...Array(8).fill(0.02)]);
    const result = evaluateGuardrails(t, samples, null, NOW);
    expect(result.breaches.map((b) => [b.windowStart, b.windowEnd, b.ongoing])).toEqual([
      [at(0), at(5), false],
      [at(7), at(14), true],
    ]);
  });

  it("gives the same answer for samples in any order", () => {
    const samples = series("error_rate", [0.002, 0.015, 0.02, 0.018, 0.03, 0.012, 0.011, 0.001]);
    const shuffled = [samples[5], samples[0], samples[7], samples[2], samples[1], samples[6], samples[4], samples[3]] as MetricSample[];
    expect(evaluateGuardrails(t, shuffled, null, NOW)).toEqual(evaluateGuardrails(t, samples, null, NOW));
  });

  it("ignores samples after now and non-finite values", () => {
    const samples = [...series("error_rate", Array(6).fill(0.05), 200), { metric: "error_rate" as const, value: Number.NaN, at: at(1) }];
    const result = evaluateGuardrails(t, samples, null, NOW);
    expect(result.breaches).toEqual([]);
    expect(result.state).toBe("no-data");
  });

  it("says so when there is nothing to evaluate", () => {
    const result = evaluateGuardrails(t, [], null, NOW);
    expect(result.state).toBe("no-data");
    expect(result.breaches).toEqual([]);
    expect(result.skipped).toEqual([{ threshold: "errorRate", reason: "no error_rate samples up to 2026-01-09T12:00:00.000Z" }]);
  });
});

describe("p95 latency above 1200 ms for 3 consecutive windows", () => {
  const t = only({ p95: { aboveMs: 1200, windows: 3 } });

  it("fires on the third consecutive window above the limit", () => {
    const [breach, ...rest] = evaluateGuardrails(t, series("p95_ms", [900, 1300, 1500, 1250, 800]), null, NOW).breaches;
    expect(rest).toEqual([]);
    expect(breach).toMatchObject({ threshold: "p95", observed: 1500, limit: 1200, firedAt: at(3), windowStart: at(1), windowEnd: at(3) });
    expect(breach?.resolvedAt).toEqual(at(4));
    expect(breach?.description).toContain("p95 latency 1500 ms above 1200 ms for 3 consecutive windows");
  });

  it("does not fire on two", () => {
    expect(evaluateGuardrails(t, series("p95_ms", [1300, 1300, 1000]), null, NOW).breaches).toEqual([]);
  });

  it("starts counting again after one good window", () => {
    expect(evaluateGuardrails(t, series("p95_ms", [1300, 1300, 1100, 1300, 1300, 1199]), null, NOW).breaches).toEqual([]);
  });

  it("does not count a window exactly at 1200 ms", () => {
    expect(evaluateGuardrails(t, series("p95_ms", [1300, 1200, 1300, 1300]), null, NOW).breaches).toEqual([]);
  });

  it("does not count across a missing window", () => {
    const samples = [...series("p95_ms", [1300, 1300], 0), ...series("p95_ms", [1300], 5)];
    expect(evaluateGuardrails(t, samples, null, NOW).breaches).toEqual([]);
  });

  it("counts windows however the samples arrive", () => {
    const samples = series("p95_ms", [1300, 1400, 1500]).reverse();
    expect(evaluateGuardrails(t, samples, null, NOW).breaches).toHaveLength(1);
  });
});

describe("crash-free sessions below 98 % over 30 minutes", () => {
  const t = only({ crashFree: { below: 0.98, overMs: 30 * MIN } });

  it("fires when the mean over a covered 30-minute window is below the limit", () => {
    const samples = series("crash_free", Array(31).fill(0.97));
    const [breach] = evaluateGuardrails(t, samples, null, NOW).breaches;
    expect(breach).toMatchObject({
      threshold: "crashFree",
      limit: 0.98,
      firedAt: at(30),
      windowStart: at(0),
      windowEnd: at(30),
      ongoing: true,
    });
    expect(breach?.observed).toBeCloseTo(0.97, 10);
    expect(breach?.description).toBe("crash-free sessions 97% below 98% over 30 min (2026-01-09 10:00–2026-01-09 10:30 UTC)");
  });

  it("does not fire before 30 minutes of data exist", () => {
    expect(evaluateGuardrails(t, series("crash_free", Array(29).fill(0.5)), null, NOW).breaches).toEqual([]);
  });

  it("averages: a short dip in a good half hour does not fire", () => {
    const values = Array(31).fill(0.995);
    values[15] = 0.9;
    values[16] = 0.92;
    expect(evaluateGuardrails(t, series("crash_free", values), null, NOW).breaches).toEqual([]);
  });

  it("does not fire when the mean is exactly 98 %", () => {
    expect(evaluateGuardrails(t, series("crash_free", Array(40).fill(0.98)), null, NOW).breaches).toEqual([]);
  });

  it("does not fire over a window with a hole in it", () => {
    const samples = [...series("crash_free", Array(15).fill(0.9), 0), ...series("crash_free", Array(16).fill(0.9), 19)];
    expect(evaluateGuardrails(t, samples, null, NOW).breaches).toEqual([]);
  });

  it("is resolved when a covered window's mean is back above the limit", () => {
    const values = [...Array(31).fill(0.97), ...Array(40).fill(0.999)];
    const [breach] = evaluateGuardrails(t, series("crash_free", values), null, NOW).breaches;
    expect(breach?.ongoing).toBe(false);
    // The mean of [t-30, t] is back at 98 % once enough good minutes are in it: 31 bad at 0.97, then 0.999 each.
    // At t = 30 + k the window holds 31 - k bad and k good samples: mean >= 0.98 from k = 11 on.
    expect(breach?.resolvedAt).toEqual(at(41));
  });
});

describe("relative to the trailing 7-day baseline", () => {
  const t = only({ relative: { errors: 0.25, p95: 0.2, cpu: 0.3, memory: 0.3, forMs: 5 * MIN, baselineMs: 7 * 24 * 60 * MIN } });

  it("does not fire without a baseline, and says why for each metric", () => {
    const samples = [...series("error_rate", Array(10).fill(0.5)), ...series("cpu", Array(10).fill(99))];
    const result = evaluateGuardrails(t, samples, null, NOW);
    expect(result.breaches).toEqual([]);
    expect(result.skipped).toEqual([
      { threshold: "relative.errors", reason: "no trailing 7 d baseline for error_rate, so +25% has nothing to compare with" },
      { threshold: "relative.p95", reason: "no trailing 7 d baseline for p95_ms, so +20% has nothing to compare with" },
      { threshold: "relative.cpu", reason: "no trailing 7 d baseline for cpu, so +30% has nothing to compare with" },
      { threshold: "relative.memory", reason: "no trailing 7 d baseline for memory, so +30% has nothing to compare with" },
    ]);
  });

  it("uses the metrics the baseline has and skips the others", () => {
    const samples = series("cpu", Array(6).fill(0.53));
    const result = evaluateGuardrails(t, samples, { cpu: 0.4 }, NOW);
    expect(result.breaches).toHaveLength(1);
    expect(result.breaches[0]).toMatchObject({ threshold: "relative.cpu", metric: "cpu", observed: 0.53 });
    expect(result.breaches[0]?.limit).toBeCloseTo(0.52, 10);
    expect(result.skipped.map((s) => s.threshold)).toEqual(["relative.errors", "relative.p95", "relative.memory"]);
  });

  it("does not fire exactly at baseline × (1 + threshold)", () => {
    // 800 * 1.25 = 1000: at the limit, never above it.
    const result = evaluateGuardrails(t, series("error_rate", Array(10).fill(0.01)), { error_rate: 0.008 }, NOW);
    expect(result.breaches.filter((b) => b.threshold === "relative.errors")).toEqual([]);
    const above = evaluateGuardrails(t, series("error_rate", Array(10).fill(0.0101)), { error_rate: 0.008 }, NOW);
    expect(above.breaches.map((b) => b.threshold)).toEqual(["relative.errors"]);
  });

  it("needs the rise to last its duration", () => {
    const result = evaluateGuardrails(t, series("p95_ms", [700, 700, 700, 700, 700]), { p95_ms: 500 }, NOW);
    expect(result.breaches).toEqual([]);
  });

  it("refuses a zero baseline rather than firing on everything", () => {
    const result = evaluateGuardrails(t, series("memory", Array(10).fill(1)), { memory: 0 }, NOW);
    expect(result.breaches).toEqual([]);
    expect(result.skipped.find((s) => s.threshold === "relative.memory")?.reason).toContain("baseline is 0");
  });

  it("fires absolute and relative thresholds side by side", () => {
    const result = evaluateGuardrails(DEFAULT_GUARDRAILS, series("error_rate", Array(6).fill(0.02)), { error_rate: 0.004 }, NOW);
    expect(result.breaches.map((b) => b.threshold)).toEqual(["errorRate", "relative.errors"]);
    expect(result.state).toBe("firing");
  });
});

describe("properties", () => {
  const errorRate = only({ errorRate: { above: 0.01, forMs: 5 * MIN } });
  const minuteSeries = fc.array(fc.oneof(fc.constant(0.005), fc.constant(0.01), fc.constant(0.02)), { minLength: 0, maxLength: 40 });

  it("order of the samples never changes the evaluation", () => {
    fc.assert(
      fc.property(
        minuteSeries.chain((values) =>
          fc.tuple(fc.constant(values), fc.shuffledSubarray(series("error_rate", values), { minLength: values.length })),
        ),
        ([values, shuffled]) => {
          expect(evaluateGuardrails(errorRate, shuffled, null, NOW)).toEqual(
            evaluateGuardrails(errorRate, series("error_rate", values), null, NOW),
          );
        },
      ),
    );
  });

  it("fires exactly when six consecutive minutes are above the limit (brute-force oracle)", () => {
    fc.assert(
      fc.property(minuteSeries, (values) => {
        let run = 0;
        let expected = false;
        for (const v of values) {
          run = v > 0.01 ? run + 1 : 0;
          if (run >= 6) expected = true;
        }
        expect(evaluateGuardrails(errorRate, series("error_rate", values), null, NOW).breaches.length > 0).toBe(expected);
      }),
    );
  });

  it("values at or below every limit never fire anything", () => {
    const calm = fc.array(
      fc.record({
        metric: fc.constantFrom<MetricName>("error_rate", "p95_ms", "cpu", "memory"),
        minute: fc.integer({ min: 0, max: 100 }),
        scale: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
    );
    const baseline = { error_rate: 0.01, p95_ms: 1000, cpu: 0.5, memory: 100 };
    fc.assert(
      fc.property(calm, (raw) => {
        // Each value at most the tighter of its absolute and relative limits.
        const ceiling: Record<string, number> = { error_rate: 0.01, p95_ms: 1200, cpu: 0.65, memory: 130 };
        const samples = raw.map((s) => ({ metric: s.metric, value: s.scale * (ceiling[s.metric] ?? 0), at: at(s.minute) }));
        expect(evaluateGuardrails(DEFAULT_GUARDRAILS, samples, baseline, NOW).breaches).toEqual([]);
      }),
    );
  });

  it("crash-free matches a brute-force window mean on a per-minute grid", () => {
    const t = only({ crashFree: { below: 0.98, overMs: 10 * MIN } });
    fc.assert(
      fc.property(fc.array(fc.constantFrom(0.9, 0.97, 0.99, 1), { maxLength: 40 }), (values) => {
        let expected = false;
        for (let i = 10; i < values.length; i++) {
          const window = values.slice(i - 10, i + 1);
          if (window.reduce((a, b) => a + b, 0) / window.length < 0.98) expected = true;
        }
        expect(evaluateGuardrails(t, series("crash_free", values), null, NOW).breaches.length > 0).toBe(expected);
      }),
    );
  });
});
