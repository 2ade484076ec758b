import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "../../src/config.js";
import { validateDeclare } from "../../src/domain/declare-input.js";
import { humanDuration, parseDuration } from "../../src/domain/duration.js";
import { canMove } from "../../src/domain/phase.js";
import { slaDeadline, slaReminders } from "../../src/domain/severity.js";

const now = new Date("2026-11-23T03:00:00Z");

describe("durations", () => {
  it("parses policy durations and prints human ones", () => {
    expect(parseDuration("30m")).toBe(1_800_000);
    expect(parseDuration("4h")).toBe(14_400_000);
    expect(parseDuration("7d")).toBe(604_800_000);
    expect(parseDuration("soon")).toBeUndefined();
    expect(humanDuration(72 * 60_000)).toBe("1 h 12 min");
    expect(humanDuration(30_000)).toBe("0 min");
    expect(humanDuration(-(2 * 3_600_000))).toBe("-2 h");
    expect(humanDuration(26 * 3_600_000 + 5 * 60_000)).toBe("1 d 2 h");
  });
});

describe("severity and SLA", () => {
  it("runs the SLA from the start of the incident, per severity", () => {
    const started = new Date("2026-11-23T02:00:00Z");
    expect(slaDeadline(DEFAULT_POLICY, "P0", started)?.toISOString()).toBe("2026-11-23T06:00:00.000Z");
    expect(slaDeadline(DEFAULT_POLICY, "P1", started)?.toISOString()).toBe("2026-11-24T02:00:00.000Z");
    expect(slaDeadline(DEFAULT_POLICY, "P2", started)).toBeNull();
  });

  it("reminds at 50 %, 90 % and at breach", () => {
    const started = new Date("2026-11-23T02:00:00Z");
    const deadline = slaDeadline(DEFAULT_POLICY, "P0", started);
    expect(slaReminders(DEFAULT_POLICY, started, deadline).map((r) => [r.fraction, r.at.toISOString()])).toEqual([
      [0.5, "2026-11-23T04:00:00.000Z"],
      [0.9, "2026-11-23T05:36:00.000Z"],
      [1, "2026-11-23T06:00:00.000Z"],
    ]);
    expect(slaReminders(DEFAULT_POLICY, started, null)).toEqual([]);
  });
});

describe("phases", () => {
  it("moves forward, back only where a runbook does, never out of closed", () => {
    expect(canMove("declared", "fixing")).toBe(true);
    expect(canMove("deploying", "fixing")).toBe(true);
    expect(canMove("fixing", "declared")).toBe(false);
    expect(canMove("closed", "monitoring")).toBe(false);
    expect(canMove("resolved", "monitoring")).toBe(true);
    expect(canMove("fixing", "fixing")).toBe(false);
  });
});

describe("declare form validation", () => {
  const base = { title: "Payments failing", severity: "P0", commanderId: "U0ALICE" };
  it("accepts a good form and defaults the commander to the declarer", () => {
    const result = validateDeclare({ ...base, commanderId: null }, DEFAULT_POLICY, now, "U0BOB");
    expect(result.ok && result.value.commanderId).toBe("U0BOB");
  });
  it("explains every bad field inline", () => {
    const result = validateDeclare(
      { title: "  ", severity: "P7", ticketUrl: "not a link", startedAt: now.getTime() / 1000 + 3_600 },
      DEFAULT_POLICY,
      now,
      "U0BOB",
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors).sort()).toEqual(["severity", "started_at", "ticket", "title"]);
    const long = validateDeclare({ ...base, title: "x".repeat(151) }, DEFAULT_POLICY, now, "U0BOB");
    expect(!long.ok && long.errors.title).toMatch(/under 150/);
  });
  it("makes P2 an explicit, recorded override", () => {
    const refused = validateDeclare({ ...base, severity: "P2" }, DEFAULT_POLICY, now, "U0BOB");
    expect(!refused.ok && refused.errors.severity).toMatch(/can wait for the next release/);
    const allowed = validateDeclare({ ...base, severity: "P2", override: true }, DEFAULT_POLICY, now, "U0BOB");
    expect(allowed.ok && allowed.value.severityOverride).toBe(true);
  });
});
