// Severity classes and SLA clocks (runbook 002).
import type { Policy, SeverityName } from "./policy.js";

export const SEVERITIES = ["P0", "P1", "P2"] as const satisfies readonly SeverityName[];

export function isSeverity(value: string): value is SeverityName {
  return (SEVERITIES as readonly string[]).includes(value.toUpperCase());
}

export function slaMs(policy: Policy, severity: SeverityName): number | null {
  return policy.severity[severity].sla?.ms ?? null;
}

/** The SLA runs from when the incident started, not from when it was declared. */
export function slaDeadline(policy: Policy, severity: SeverityName, startedAt: Date): Date | null {
  const ms = slaMs(policy, severity);
  return ms === null ? null : new Date(startedAt.getTime() + ms);
}

export interface SlaReminder {
  /** 0.5, 0.9 or 1 (breach). */
  fraction: number;
  at: Date;
}

export function slaReminders(policy: Policy, startedAt: Date, deadline: Date | null): SlaReminder[] {
  if (!deadline) return [];
  const span = deadline.getTime() - startedAt.getTime();
  const fractions = [...new Set([...policy.slaReminders, 1])].sort((a, b) => a - b);
  return fractions.map((fraction) => ({ fraction, at: new Date(startedAt.getTime() + span * fraction) }));
}
