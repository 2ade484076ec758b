// One typed configuration object from the environment and the policy file.
// Everything is validated up front: a bad value stops start-up with every
// problem listed, naming the variable or policy key.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { parseDuration, duration as toDuration } from "./domain/duration.js";
import { guardrailsPolicySchema } from "./domain/guardrails.js";
import type { Policy } from "./domain/policy.js";
import { waiverRulesSchema } from "./domain/waivers.js";

export type { Policy, SeverityName } from "./domain/policy.js";

// Durations are parsed here, once: the domain's Policy carries { text, ms }.
const duration = z
  .string()
  .refine((v) => parseDuration(v) !== undefined, {
    message: 'expected a duration such as "30m", "4h" or "7d"',
  })
  .transform(toDuration);
const channelName = z.string().regex(/^#?[a-z0-9_-]{1,80}$|^[CG][A-Z0-9]+$/, "expected a channel such as #eng-prod or a channel id");
const slackUserId = z.string().regex(/^[UW][A-Z0-9]+$/, "expected a Slack user id such as U012ABC");
const usergroupId = z.string().regex(/^S[A-Z0-9]+$/, "expected a Slack user group id such as S012ABC");
const people = z.strictObject({ usergroup: usergroupId.nullable().optional(), users: z.array(slackUserId).default([]) });
const severityPolicy = z.strictObject({
  sla: duration.nullable(),
  announce: z.array(channelName),
  hotfix: z.boolean().default(true),
  description: z.string(),
});

export const policySchema = z.strictObject({
  severity: z.strictObject({ P0: severityPolicy, P1: severityPolicy, P2: severityPolicy }),
  slaReminders: z.array(z.number().gt(0).lt(1)),
  warRoom: z.strictObject({
    name: z.string().min(1),
    private: z.boolean(),
    archiveOnComplete: z.boolean(),
    timelineReaction: z.string().regex(/^[a-z0-9_+-]+$/, "expected a reaction name without colons"),
  }),
  people: z.strictObject({ oncall: people, approvers: people, releaseCaptains: people, incidentManagers: people }),
  links: z.strictObject({
    runbook: z.url().nullable(),
    sentry: z.url().nullable(),
    dashboard: z.url().nullable(),
  }),
  github: z.strictObject({
    branch: z.string().min(1),
    versioning: z.enum(["patch", "suffix", "patch-suffix"]),
    tagPattern: z.string().min(1),
    tags: z.strictObject({ prep: z.string(), prod: z.string(), final: z.string(), milestone: z.string() }),
    mergeBack: z.enum(["ff-only", "merge"]),
    protectBranch: z.boolean(),
    branchOnDeclare: z.boolean(),
    releaseWorkflow: z.string().nullable(),
    legacyBranchAge: duration,
    mergeBackAt: z.enum(["production-deploy", "complete"]),
    branchFrom: z.enum(["production-tag", "default-branch"]),
    autoTags: z.boolean(),
    deployWorkflow: z.string().nullable(),
    requiredChecks: z.array(z.string().min(1)).nullable(),
    watchRuns: z.strictObject({ every: duration, max: duration }),
  }),
  announce: z.strictObject({ completion: z.array(channelName), deploySummary: z.array(channelName) }),
  uat: z.strictObject({
    required: z.boolean(),
    deadline: duration,
    reminderBefore: duration,
    stakeholders: z.strictObject({ usergroups: z.array(usergroupId), users: z.array(slackUserId).default([]) }),
    checklist: z.array(z.string().min(1)),
    effort: z.array(z.string().min(1).max(20)).min(1, "expected at least one effort size such as S"),
    stakeholderChannel: channelName,
  }),
  linear: z.strictObject({ team: z.string().min(1), project: z.string().min(1) }),
  // Runbook 000's absolute thresholds and runbook 001's relative ones; null switches a threshold off.
  guardrails: guardrailsPolicySchema,
  stability: z.strictObject({ window: duration, requireStaging: z.boolean() }),
  waivers: waiverRulesSchema,
  postmortem: z.strictObject({ due: duration }),
});

/** The policy file as written (durations as text), before defaults are merged. */
export type PolicyFile = z.input<typeof policySchema>;

// The schema's output must be the domain's Policy: a mismatch is a compile error here.
type ParsedPolicy = z.output<typeof policySchema>;
const _parsedIsPolicy = (p: ParsedPolicy): Policy => p;
void _parsedIsPolicy;

/** Defaults taken from the runbooks in shared/runbooks (see README "Policy"). */
export const DEFAULT_POLICY_FILE: PolicyFile = {
  severity: {
    P0: {
      sla: "4h",
      announce: ["#incidents", "#eng-prod", "#stakeholders"],
      hotfix: true,
      description: "Critical: system down, data loss or corruption, security breach, payments failing. Fix within 1-4 h.",
    },
    P1: {
      sla: "24h",
      announce: ["#incidents", "#eng-prod"],
      hotfix: true,
      description: "High: major feature broken for all users, performance degraded > 50 %, authentication issues. Fix within 4-24 h.",
    },
    P2: {
      sla: null,
      announce: ["#eng-prod"],
      hotfix: false,
      description: "Medium: broken for a subset of users, workaround available. Can wait for the next release.",
    },
  },
  slaReminders: [0.5, 0.9],
  warRoom: { name: "hotfix-{yyyymmdd}-{slug}", private: false, archiveOnComplete: true, timelineReaction: "pushpin" },
  people: {
    oncall: { usergroup: null, users: [] },
    approvers: { usergroup: null, users: [] },
    releaseCaptains: { usergroup: null, users: [] },
    incidentManagers: { usergroup: null, users: [] },
  },
  links: { runbook: null, sentry: null, dashboard: null },
  github: {
    branch: "release/hotfix-{ticket}",
    versioning: "patch",
    tagPattern: "v*",
    tags: {
      prep: "hotfix-prep-{yyyymmdd}",
      prod: "hotfix-prod-{yyyymmdd}",
      final: "prod-{yyyymmdd}-hotfix",
      milestone: "milestone/{name}",
    },
    mergeBack: "ff-only",
    protectBranch: true,
    branchOnDeclare: false,
    releaseWorkflow: null,
    legacyBranchAge: "30d",
    // Runbook 002: back-merge to main "immediately" after the production deploy (runbook 000 does it at clean-up).
    mergeBackAt: "production-deploy",
    // Runbooks 000, 001, 002, 004 branch from the production tag; runbook 003 from main.
    branchFrom: "production-tag",
    // Runbook 000: hotfix-prep-YYYYMMDD when QA (UAT) signs off, hotfix-prod-YYYYMMDD right after the production deploy.
    autoTags: true,
    // Runbook 002 "redeploy previous tag": a workflow to dispatch on rollback (inputs environment, ref).
    deployWorkflow: null,
    // null: the default branch's protection decides (its required status checks).
    requiredChecks: null,
    // Dispatched workflow runs are polled with backoff from `every` up to `max` between reads.
    watchRuns: { every: "15s", max: "5m" },
  },
  // Runbook 000: completion in #eng-prod and #stakeholders; runbook 002: "HOTFIX DEPLOYED" in #incidents.
  announce: { completion: ["#eng-prod", "#stakeholders"], deploySummary: ["#incidents"] },
  uat: {
    required: true,
    deadline: "24h",
    reminderBefore: "1h",
    stakeholders: { usergroups: [], users: [] },
    checklist: ["Payment posting", "Reconciliation", "Alerts routing"],
    effort: ["S", "M", "L"],
    stakeholderChannel: "#stakeholders",
  },
  linear: { team: "ENG", project: "HOTFIX" },
  guardrails: {
    errorRate: { above: "1%", for: "5m" },
    p95: { aboveMs: 1200, windows: 3 },
    crashFree: { below: "98%", over: "30m" },
    relative: { errors: "+25%", p95: "+20%", cpu: "+30%", memory: "+30%", for: "5m", baseline: "7d" },
    maxSampleGap: "2m",
  },
  // Runbook 002: "DON'T deploy without staging test" (requireStaging makes completion wait for it or a waiver).
  stability: { window: "24h", requireStaging: false },
  waivers: {
    approvals: 2,
    maxDuration: {
      "gate-bypass": "7d",
      "coverage-exception": "7d",
      "security-exception": "72h",
      "compliance-exception": "7d",
    },
  },
  postmortem: { due: "24h" },
};

const optionalSecret = z.string().min(1).optional();
const url = z.url();

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "expected a postgresql:// connection URL")
    .optional(),
  HOTFIX_DATA_DIR: z.string().default(".data"),
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xox[bp]-/, "expected a bot token starting with xoxb-")
    .optional(),
  SLACK_SIGNING_SECRET: optionalSecret,
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, "expected an app-level token starting with xapp-")
    .optional(),
  SLACK_API_URL: url.default("https://slack.com/api/"),
  GITHUB_TOKEN: optionalSecret,
  GITHUB_REPOSITORY: z
    .string()
    .regex(/^[\w.-]+\/[\w.-]+$/, "expected owner/repo")
    .optional(),
  GITHUB_API_URL: url.default("https://api.github.com"),
  LINEAR_API_KEY: optionalSecret,
  LINEAR_API_URL: url.default("https://api.linear.app/graphql"),
  GITHUB_WEBHOOK_SECRET: optionalSecret,
  SENTRY_CLIENT_SECRET: optionalSecret,
  ALERTS_TOKEN: optionalSecret,
  EXPORT_TOKEN: optionalSecret,
  HOTFIX_POLICY: z.string().optional(),
  /** How long a claimed side effect belongs to its worker before another may take it over. */
  HOTFIX_EFFECT_LEASE_MS: z.coerce.number().int().min(100).default(60_000),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env;
  policy: Policy;
  /** Where the policy came from, for `hotfix config check`. */
  policySource: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Policy files override the defaults key by key; arrays replace, not append. */
export function mergePolicy(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = mergePolicy(base[key], value);
  return merged;
}

function describeIssue(prefix: string, issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? issue.path.join(".") : "(root)";
  if (issue.code === "unrecognized_keys") {
    return `${prefix}${where === "(root)" ? "" : `${where}.`}${issue.keys.join(", ")}: unknown key`;
  }
  return `${prefix}${where}: ${issue.message}`;
}

export function parsePolicy(raw: unknown, source: string): Policy {
  const merged = mergePolicy(DEFAULT_POLICY_FILE, raw ?? {});
  const result = policySchema.safeParse(merged);
  if (!result.success) throw new ConfigError(result.error.issues.map((i) => describeIssue(`${source}: `, i)));
  return result.data;
}

export function loadPolicyFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError([`HOTFIX_POLICY: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? error})`]);
  }
  try {
    return parseYaml(text) ?? {};
  } catch (error) {
    throw new ConfigError([`HOTFIX_POLICY: ${path} is not valid YAML: ${(error as Error).message.split("\n")[0]}`]);
  }
}

export type ConfigPurpose = "start" | "cli";

/**
 * Reads and validates everything. For `start`, Slack credentials are required:
 * the bot must not come up half-configured.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env, purpose: ConfigPurpose = "cli"): Config {
  const problems: string[] = [];
  // Empty strings in the environment mean "unset" (as in docker --env-file).
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const envResult = envSchema.safeParse(cleaned);
  if (!envResult.success) problems.push(...envResult.error.issues.map((i) => describeIssue("", i)));
  const env = envResult.success ? envResult.data : undefined;
  if (purpose === "start") {
    // Checked on the raw values too, so a start with several mistakes lists them all at once.
    const has = (name: string) => typeof cleaned[name] === "string";
    if (!has("SLACK_BOT_TOKEN")) problems.push("SLACK_BOT_TOKEN: required to start the bot");
    if (!has("SLACK_APP_TOKEN") && !has("SLACK_SIGNING_SECRET")) {
      problems.push("SLACK_SIGNING_SECRET: required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)");
    }
    if (has("GITHUB_REPOSITORY") && !has("GITHUB_TOKEN")) problems.push("GITHUB_TOKEN: required when GITHUB_REPOSITORY is set");
  }
  let policy: Policy | undefined;
  // Read the policy even when the environment has errors, so all problems are listed at once.
  const policyPath = typeof cleaned.HOTFIX_POLICY === "string" ? cleaned.HOTFIX_POLICY : undefined;
  const policySource = policyPath ?? "built-in defaults";
  try {
    const raw = policyPath ? loadPolicyFile(policyPath) : {};
    policy = parsePolicy(raw, policyPath ?? "policy");
  } catch (error) {
    if (error instanceof ConfigError) problems.push(...error.problems);
    else throw error;
  }
  if (problems.length > 0 || !env || !policy) throw new ConfigError(problems);
  return { env, policy, policySource };
}

/** The built-in policy, parsed (the defaults alone). */
export const DEFAULT_POLICY: Policy = parsePolicy({}, "built-in defaults");
