// The policy as the rest of the product sees it: the policy file after
// validation and defaults (config.ts), with every duration already parsed.
// Domain rules take this type; nothing below config.ts reads YAML or zod.
import type { Duration } from "./duration.js";
import type { GuardrailThresholds } from "./guardrails.js";
import type { WaiverRules } from "./waivers.js";

export type SeverityName = "P0" | "P1" | "P2";

export interface SeverityPolicy {
  /** null: no SLA ("can wait for the next release"). */
  sla: Duration | null;
  announce: string[];
  hotfix: boolean;
  description: string;
}

/** Slack user group and/or user ids. */
export interface People {
  usergroup?: string | null | undefined;
  users: string[];
}

export interface Policy {
  severity: Record<SeverityName, SeverityPolicy>;
  slaReminders: number[];
  warRoom: { name: string; private: boolean; archiveOnComplete: boolean; timelineReaction: string };
  people: { oncall: People; approvers: People; releaseCaptains: People; incidentManagers: People };
  links: { runbook: string | null; sentry: string | null; dashboard: string | null };
  github: {
    branch: string;
    versioning: "patch" | "suffix" | "patch-suffix";
    tagPattern: string;
    tags: { prep: string; prod: string; final: string; milestone: string };
    mergeBack: "ff-only" | "merge";
    protectBranch: boolean;
    branchOnDeclare: boolean;
    releaseWorkflow: string | null;
    legacyBranchAge: Duration;
    mergeBackAt: "production-deploy" | "complete";
    branchFrom: "production-tag" | "default-branch";
    autoTags: boolean;
    deployWorkflow: string | null;
    /** Checks a release needs; null: the default branch protection's required checks. */
    requiredChecks: string[] | null;
    watchRuns: { every: Duration; max: Duration };
  };
  announce: { completion: string[]; deploySummary: string[] };
  uat: {
    /** UAT must pass (or be skipped with a reason) before `/hotfix complete`; false: not required (runbooks 000 and 001 require it). */
    required: boolean;
    /** After the first staging deploy (runbook 000: 24h, runbook 001: 4h). */
    deadline: Duration;
    /** How long before the deadline the war room is reminded. */
    reminderBefore: Duration;
    stakeholders: { usergroups: string[]; users: string[] };
    checklist: string[];
    /** The effort scale of feedback, smallest first (prioritisation: severity, then effort). */
    effort: string[];
    /** Where "share summary" posts the UAT summary for product leadership (runbook 000 section 5). */
    stakeholderChannel: string;
  };
  linear: { team: string; project: string };
  /** Runbook 000's absolute and runbook 001's relative thresholds (domain/guardrails.ts), tunable per incident. */
  guardrails: GuardrailThresholds;
  stability: { window: Duration; requireStaging: boolean };
  /** Runbook 004's waiver rules (domain/waivers.ts): approvals needed, longest life per type. */
  waivers: WaiverRules;
  postmortem: { due: Duration };
}
