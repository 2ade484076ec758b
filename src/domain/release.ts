// Release-lane rules that need no I/O: the release form (runbook 004's
// workflow inputs), milestone tag names, what a deployment environment is,
// and what must be true before `/hotfix complete` cleans up.
import { DateTime } from "luxon";
import { type Validation, validTicketUrl } from "./declare-input.js";
import { humanDuration } from "./duration.js";
import { refName, sanitizeRefName } from "./names.js";
import type { Policy } from "./policy.js";
import { normalizeVersionInput, parseVersionTag } from "./versions.js";

export const JUSTIFICATION_MIN = 50;
export const RISK_LEVELS = ["low", "medium", "high"] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export interface ReleaseFormValues {
  version?: string | null;
  commit?: string | null;
  parent?: string | null;
  justification?: string | null;
  ticketUrl?: string | null;
  riskLevel?: string | null;
  waiverIds?: string | null;
}

export interface ValidRelease {
  /** The tag to create: "v1.2.4". */
  tag: string;
  /** Without prefix, runbook 004's `version` input: "1.2.4". */
  version: string;
  commit: string;
  parentTag: string;
  justification: string;
  ticketUrl: string;
  riskLevel: RiskLevel;
  waiverIds: string[];
}

const FULL_SHA = /^[0-9a-f]{40}$/;
/** git check-ref-format's rules, the part a person can break when typing a tag. */
const isTagName = (text: string) => text.length > 0 && sanitizeRefName(text) === text;

export function isFullSha(value: string): boolean {
  return FULL_SHA.test(value);
}

/** 7 to 40 hex digits: what `/hotfix tag ... <sha>` and `/hotfix deployed ... <sha>` take. */
export function isShaLike(value: string): boolean {
  return /^[0-9a-f]{7,40}$/i.test(value);
}

export function parseWaiverIds(text: string | null | undefined): string[] {
  return [
    ...new Set(
      (text ?? "")
        .split(/[\s,;]+/)
        .map((id) => id.trim().toUpperCase())
        .filter(Boolean),
    ),
  ];
}

/** Inline errors keyed by the modal's block ids (version, commit, parent, justification, ticket, risk, waivers). */
export function validateReleaseForm(values: ReleaseFormValues): Validation<ValidRelease> {
  const errors: Record<string, string> = {};
  const parentTag = values.parent?.trim() ?? "";
  if (!parentTag) errors.parent = "Name the parent release tag, e.g. v1.2.3.";
  else if (!isTagName(parentTag)) errors.parent = `${parentTag} is not a valid tag name.`;
  const versionText = values.version?.trim() ?? "";
  const normalized = versionText ? normalizeVersionInput(versionText, parentTag) : undefined;
  if (!versionText) errors.version = "Give the version to release, e.g. 1.2.4 or 1.2.3-hotfix.1.";
  else if (!normalized) errors.version = `${versionText} is not a semantic version (X.Y.Z or X.Y.Z-hotfix.N).`;
  else if (parentTag && parseVersionTag(parentTag)?.version === normalized.version)
    errors.version = `${normalized.tag} is the parent release itself; a hotfix needs a new version.`;
  const commit = values.commit?.trim().toLowerCase() ?? "";
  if (!isFullSha(commit)) errors.commit = "The full 40-character SHA of the hotfix commit (git rev-parse HEAD).";
  const justification = values.justification?.trim() ?? "";
  if (justification.length < JUSTIFICATION_MIN)
    errors.justification = `At least ${JUSTIFICATION_MIN} characters explaining the need (${justification.length} so far).`;
  // The same link rule as the declare form: it reaches Slack and the GitHub release notes.
  const ticket = validTicketUrl(values.ticketUrl?.trim() ?? "");
  if (!ticket.ok) errors.ticket = ticket.error;
  const ticketUrl = ticket.ok ? ticket.url : "";
  const risk = values.riskLevel?.trim().toLowerCase() ?? "";
  if (!(RISK_LEVELS as readonly string[]).includes(risk)) errors.risk = "Pick low, medium or high.";
  const waiverIds = parseWaiverIds(values.waiverIds);
  const badWaiver = waiverIds.find((id) => !/^[A-Z0-9][A-Z0-9-]{2,40}$/.test(id));
  if (badWaiver) errors.waivers = `${badWaiver} is not a waiver id (they look like HW-2026-001).`;
  if (Object.keys(errors).length > 0 || !normalized) return { ok: false, errors };
  return {
    ok: true,
    value: {
      tag: normalized.tag,
      version: normalized.version,
      commit,
      parentTag,
      justification,
      ticketUrl,
      riskLevel: risk as RiskLevel,
      waiverIds,
    },
  };
}

export type MilestoneKind = "prep" | "prod" | "milestone";

/** `/hotfix tag prep|prod|<name>` -> the tag name from the policy's templates. */
export function milestoneTagName(policy: Policy, what: string, now: Date): { kind: MilestoneKind; tag: string } | undefined {
  const date = DateTime.fromJSDate(now).toUTC();
  const lower = what.toLowerCase();
  if (lower === "prep" || lower === "prod") return { kind: lower, tag: refName(policy.github.tags[lower], { date }) };
  const name = what.replace(/^milestone\//, "");
  const tag = refName(policy.github.tags.milestone, { name, date });
  if (!tag || tag === refName(policy.github.tags.milestone, { name: "", date })) return undefined;
  return { kind: "milestone", tag };
}

export function finalTagName(policy: Policy, now: Date): string {
  return refName(policy.github.tags.final, { date: DateTime.fromJSDate(now).toUTC() });
}

export type EnvironmentClass = "staging" | "production" | "other";

/** GitHub environment names vary ("prod", "Production", "production-eu", "stage"); the flag wins when GitHub sets it. */
export function classifyEnvironment(environment: string, productionFlag?: boolean): EnvironmentClass {
  const name = environment.toLowerCase();
  if (productionFlag === true) return "production";
  if (/stag(e|ing)?|pre-?prod|uat/.test(name)) return "staging";
  if (/\bprod(uction)?\b|^prod|production/.test(name)) return "production";
  return "other";
}

export interface CompletionFacts {
  completedAt: Date | null;
  rolledBackAt: Date | null;
  hotfixBranch: string | null;
  productionDeployedAt: Date | null;
  stabilityEndsAt: Date | null;
  /** An active waiver of the "stability-window" gate for this release: the window does not hold completion. */
  stabilityWaiver?: string | null;
  /** Why UAT holds completion (domain/uat.ts uatGateRefusal: latest session passed with no open blocker, skipped with a reason, or not required); undefined when it does not. */
  uat: string | undefined;
  openBreaches: number;
}

/** Why `/hotfix complete` must wait; empty when it may go ahead. */
export function completionBlockers(facts: CompletionFacts, now: Date): string[] {
  const blockers: string[] = [];
  if (facts.completedAt) return [`it was completed at ${facts.completedAt.toISOString()}`];
  if (facts.rolledBackAt) blockers.push("the release was rolled back; release a new fix first (`/hotfix release`)");
  if (!facts.hotfixBranch) blockers.push("there is no hotfix branch to merge back (`/hotfix branch`)");
  if (!facts.productionDeployedAt) blockers.push("nothing is deployed to production yet (`/hotfix deployed production`)");
  else if (!facts.stabilityWaiver && (!facts.stabilityEndsAt || facts.stabilityEndsAt.getTime() > now.getTime())) {
    const left = facts.stabilityEndsAt ? humanDuration(facts.stabilityEndsAt.getTime() - now.getTime()) : "unknown";
    blockers.push(
      `the stability window is still running: ${left} left${facts.stabilityEndsAt ? ` (ends ${facts.stabilityEndsAt.toISOString()})` : ""}`,
    );
  }
  if (facts.uat) blockers.push(facts.uat);
  if (facts.openBreaches > 0)
    blockers.push(`${facts.openBreaches} guardrail breach${facts.openBreaches === 1 ? " is" : "es are"} still open`);
  return blockers;
}

/** What a rollback point of each kind is, in words (tag messages, war-room posts). */
export const MILESTONE_WORDS: Record<MilestoneKind, string> = {
  prep: "pre-deployment rollback point (after QA sign-off)",
  prod: "post-deployment rollback point",
  milestone: "milestone",
};
