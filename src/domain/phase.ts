// The incident lifecycle: declared -> preparing -> fixing -> deploying ->
// monitoring -> resolved -> closed. Moving forward may skip phases (a rollback
// can go straight to monitoring); moving back is allowed only where a runbook
// does it (a failed deploy goes back to fixing).
export const PHASES = ["declared", "preparing", "fixing", "deploying", "monitoring", "resolved", "closed"] as const;
export type PhaseName = (typeof PHASES)[number];

const BACKWARD_ALLOWED: Partial<Record<PhaseName, PhaseName[]>> = {
  deploying: ["fixing"],
  monitoring: ["fixing", "deploying"],
  resolved: ["monitoring"],
};

export function isPhase(value: string): value is PhaseName {
  return (PHASES as readonly string[]).includes(value);
}

export function phaseIndex(phase: PhaseName): number {
  return PHASES.indexOf(phase);
}

export function canMove(from: PhaseName, to: PhaseName): boolean {
  if (from === to) return false;
  if (from === "closed") return false;
  if (phaseIndex(to) > phaseIndex(from)) return true;
  return BACKWARD_ALLOWED[from]?.includes(to) ?? false;
}

export function isOpen(phase: PhaseName): boolean {
  return phase !== "resolved" && phase !== "closed";
}

/** The phases in which an incident is still being worked on. */
export const OPEN_PHASES: readonly PhaseName[] = PHASES.filter(isOpen);
