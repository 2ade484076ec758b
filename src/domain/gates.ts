import type { Policy } from "./policy.js";
// Release gates (runbook 004), pure: what CI says about the fix commit (check
// runs and commit statuses), and whether each failing gate is covered by a
// waiver. A waiver covers a gate only when it is active, not expired, has
// enough approvals, names the gate, and names the hotfix tag being released.

export type GateState = "passing" | "failing" | "pending";

export interface Gate {
  name: string;
  source: "check" | "status";
  state: GateState;
  /** "failure", "timed_out", "in_progress", "success" ... as GitHub said it. */
  detail: string;
  url?: string | null;
}

export interface CheckRunFacts {
  name: string;
  status: string;
  conclusion: string | null;
  html_url?: string | null;
  details_url?: string | null;
}

export interface StatusFacts {
  context: string;
  state: string;
  target_url?: string | null;
}

const PASSING_CONCLUSIONS = new Set(["success", "neutral", "skipped"]);

/** One gate per check-run name and per status context; the worst wins when a name appears twice. */
export function gatesFrom(checkRuns: CheckRunFacts[], statuses: StatusFacts[]): Gate[] {
  const gates = new Map<string, Gate>();
  const rank: Record<GateState, number> = { passing: 0, pending: 1, failing: 2 };
  const add = (gate: Gate) => {
    const existing = gates.get(gate.name);
    if (!existing || rank[gate.state] > rank[existing.state]) gates.set(gate.name, gate);
  };
  for (const run of checkRuns) {
    const state: GateState = run.status !== "completed" ? "pending" : PASSING_CONCLUSIONS.has(run.conclusion ?? "") ? "passing" : "failing";
    add({
      name: run.name,
      source: "check",
      state,
      detail: run.status === "completed" ? (run.conclusion ?? "unknown") : run.status,
      url: run.html_url ?? run.details_url ?? null,
    });
  }
  for (const status of statuses) {
    const state: GateState = status.state === "success" ? "passing" : status.state === "pending" ? "pending" : "failing";
    add({ name: status.context, source: "status", state, detail: status.state, url: status.target_url ?? null });
  }
  return [...gates.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Gates fail closed: every required check (the policy's github.requiredChecks,
 * else the default branch protection's) is a gate even when CI has not
 * reported it yet; a missing one counts as pending, so it blocks unless a
 * waiver covers it.
 */
export function withRequired(gates: Gate[], required: readonly string[]): Gate[] {
  const missing = required
    .filter((name) => !gates.some((g) => g.name === name))
    .map((name): Gate => ({ name, source: "check", state: "pending", detail: "missing (required)", url: null }));
  return [...gates, ...missing].sort((a, b) => a.name.localeCompare(b.name));
}

export interface WaiverFacts {
  /** HW-2026-001 */
  code: string;
  type: string;
  status: string;
  hotfixTag: string | null;
  gatesWaived: string[];
  expiresAt: Date;
  /** When it was filed: with expiresAt, how long it runs (checked against the policy's maxDuration). */
  createdAt?: Date;
  /** How many distinct approvers signed it. */
  approvals: number;
}

export interface WaiverRules {
  /** The hotfix tag being released: "v1.2.4". */
  hotfixTag: string;
  approvalsRequired: number;
  now: Date;
  /** The policy's `waivers.maxDuration` per waiver type, in milliseconds; a longer waiver does not count. */
  maxDurationMs?: Record<string, number>;
}

function humanSpan(ms: number): string {
  const hours = ms / 3_600_000;
  return hours >= 24 && Number.isInteger(hours / 24) ? `${hours / 24}d` : `${Math.round(hours * 10) / 10}h`;
}

const withoutV = (tag: string) => tag.replace(/^v(?=\d)/, "");

/** Why a waiver does not cover `gate` for this release (empty: it does). Runbook 004's troubleshooting, in words. */
export function waiverProblems(waiver: WaiverFacts, rules: WaiverRules, gate?: string): string[] {
  const problems: string[] = [];
  if (waiver.status !== "active") problems.push(`it is ${waiver.status}, not active`);
  if (waiver.expiresAt.getTime() <= rules.now.getTime())
    problems.push(`it expired at ${waiver.expiresAt.toISOString()} (file a new one; do not extend)`);
  const maxMs = rules.maxDurationMs?.[waiver.type];
  if (maxMs !== undefined && waiver.createdAt && waiver.expiresAt.getTime() - waiver.createdAt.getTime() > maxMs)
    problems.push(
      `it runs ${humanSpan(waiver.expiresAt.getTime() - waiver.createdAt.getTime())}, longer than the ${humanSpan(maxMs)} the policy allows a ${waiver.type} waiver`,
    );
  if (waiver.approvals < rules.approvalsRequired)
    problems.push(`it has ${waiver.approvals} of the ${rules.approvalsRequired} approvals required`);
  if (!waiver.hotfixTag) problems.push("it names no hotfix tag");
  else if (withoutV(waiver.hotfixTag) !== withoutV(rules.hotfixTag)) problems.push(`it is for ${waiver.hotfixTag}, not ${rules.hotfixTag}`);
  if (gate !== undefined && !waiver.gatesWaived.includes(gate)) problems.push(`it does not list ${gate} in its waived gates`);
  return problems;
}

export interface BlockingGate {
  gate: Gate;
  /** Waivers that name this gate but do not apply, and why. */
  nearMisses: Array<{ code: string; problems: string[] }>;
}

export interface GateVerdict {
  gates: Gate[];
  passing: Gate[];
  waived: Array<{ gate: Gate; waiver: string }>;
  blocking: BlockingGate[];
  /** Waiver codes that covered at least one gate. */
  waiversUsed: string[];
  ok: boolean;
}

/**
 * A failing or still-running gate blocks unless a valid waiver covers it.
 * No gates at all is not a failure (a repository without CI), but it is
 * visible in the verdict (`gates` is empty) so it can be said out loud.
 */
export function evaluateGates(gates: Gate[], waivers: WaiverFacts[], rules: WaiverRules): GateVerdict {
  const passing: Gate[] = [];
  const waived: GateVerdict["waived"] = [];
  const blocking: BlockingGate[] = [];
  for (const gate of gates) {
    if (gate.state === "passing") {
      passing.push(gate);
      continue;
    }
    const covering = waivers.find((w) => waiverProblems(w, rules, gate.name).length === 0);
    if (covering) {
      waived.push({ gate, waiver: covering.code });
      continue;
    }
    const nearMisses = waivers
      .filter((w) => w.gatesWaived.includes(gate.name) || (w.hotfixTag && withoutV(w.hotfixTag) === withoutV(rules.hotfixTag)))
      .map((w) => ({ code: w.code, problems: waiverProblems(w, rules, gate.name) }));
    blocking.push({ gate, nearMisses });
  }
  const waiversUsed = [...new Set(waived.map((w) => w.waiver))].sort();
  return { gates, passing, waived, blocking, waiversUsed, ok: blocking.length === 0 };
}

export function gateIcon(state: GateState): string {
  return state === "passing" ? ":white_check_mark:" : state === "pending" ? ":hourglass_flowing_sand:" : ":x:";
}

/** "build ✓ · test ✗ (failure) · ci/circleci … (pending)" for a one-line summary. */
export function gateSummary(verdict: GateVerdict): string {
  if (verdict.gates.length === 0) return "no check runs or statuses on this commit";
  return verdict.gates
    .map((gate) => {
      const waiver = verdict.waived.find((w) => w.gate.name === gate.name)?.waiver;
      const state = gate.state === "passing" ? "" : ` (${gate.detail}${waiver ? `, waived by ${waiver}` : ""})`;
      return `${gateIcon(gate.state)} ${gate.name}${state}`;
    })
    .join(" · ");
}

/** The policy's waiver rules for releasing `hotfixTag` at `now`. */
export function waiverRulesFor(policy: Policy, hotfixTag: string, now: Date): WaiverRules {
  const { waivers } = policy;
  return {
    hotfixTag,
    approvalsRequired: waivers.approvals,
    now,
    maxDurationMs: { ...waivers.maxDurationMs },
  };
}
