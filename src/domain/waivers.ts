// Gate waivers (runbook 004, steps 2 and 4), pure: the request and its
// limits, ids, the approval rules, what a waiver covers, the verify script's
// findings, and the `hotfix_waivers.json` file the runbook keeps.
//
// The rules, as the runbook and issue 10 write them:
// - types and their longest life: gate-bypass 7 d, coverage-exception 7 d,
//   security-exception 72 h, compliance-exception 7 d (the policy may change them);
// - a justification of at least 50 characters, a risk (low / medium / high),
//   mitigations, the gates waived, the release tag, a ticket URL;
// - the expiry is never in the past and never beyond the type's maximum;
// - ids HW-YYYY-NNN, numbered per year;
// - active only with N approvals (policy `waivers.approvals`, default 2) from
//   distinct approvers, none of them the requester, all in the approvers set;
//   a denial ends it;
// - an expired waiver covers nothing and is never extended: file a new one;
// - a waiver covers only its gates, and only for the release tag it names.
import { DateTime } from "luxon";
import { z } from "zod";
import { describeIssues, durationSchema, formatDurationMs, type Parsed } from "./policy-values.js";

export const WAIVER_TYPES = ["gate-bypass", "coverage-exception", "security-exception", "compliance-exception"] as const;
export type WaiverType = (typeof WAIVER_TYPES)[number];
export const WAIVER_RISKS = ["low", "medium", "high"] as const;
export type WaiverRisk = (typeof WAIVER_RISKS)[number];
/** "expired" is also what a pending or active waiver becomes once its expiry passes (see {@link effectiveStatus}). */
export const WAIVER_STATUSES = ["pending", "active", "denied", "expired"] as const;
export type WaiverStatus = (typeof WAIVER_STATUSES)[number];

export const MIN_JUSTIFICATION = 50;
const MAX_TEXT = 4000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface WaiverRules {
  /** Distinct approvals needed to activate (policy `waivers.approvals`). */
  approvals: number;
  /** Longest life per type, from creation to expiry, in ms (policy `waivers.maxDuration`). */
  maxDurationMs: Record<WaiverType, number>;
}

export const DEFAULT_WAIVER_RULES: WaiverRules = {
  approvals: 2,
  maxDurationMs: {
    "gate-bypass": 7 * DAY,
    "coverage-exception": 7 * DAY,
    "security-exception": 72 * HOUR,
    "compliance-exception": 7 * DAY,
  },
};

/** The policy's `waivers` section: `{ approvals: 2, maxDuration: { security-exception: 72h, ... } }`, every key optional. */
export const waiverRulesSchema = z
  .strictObject({
    approvals: z.number().int().min(1).max(10).optional(),
    maxDuration: z.partialRecord(z.enum(WAIVER_TYPES), durationSchema).optional(),
  })
  .transform(
    (raw): WaiverRules => ({
      approvals: raw.approvals ?? DEFAULT_WAIVER_RULES.approvals,
      maxDurationMs: { ...DEFAULT_WAIVER_RULES.maxDurationMs, ...raw.maxDuration },
    }),
  );

export interface WaiverApproval {
  approver: string;
  /** null when it came from an imported file, which records who but not when. */
  at: Date | null;
}

export interface Waiver {
  /** HW-2026-001 */
  id: string;
  type: WaiverType;
  /** The release tag it is for: "v4.1.3". */
  hotfixTag: string;
  gatesWaived: string[];
  justification: string;
  risk: WaiverRisk;
  mitigations: string[];
  ticketUrl: string;
  /** Who asked; null when imported from a file that does not say. */
  requestedBy: string | null;
  createdAt: Date;
  expiresAt: Date;
  approvals: WaiverApproval[];
  denial: { by: string; at: Date | null; reason: string | null } | null;
  /** As recorded; see {@link effectiveStatus} for what it is at a given moment. */
  status: WaiverStatus;
}

// ------------------------------------------------------------------ values

const WAIVER_ID = /^HW-(\d{4})-(\d{3,})$/;

/** A ticket link people can open: http(s) with a host. Anything else (javascript:, relative paths) is refused. */
export function isTicketUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return (url.protocol === "https:" || url.protocol === "http:") && url.hostname.length > 0;
}

const withoutV = (tag: string) => tag.trim().replace(/^v(?=\d)/, "");

/** Release tags compare with or without the leading "v" ("v4.1.3" is "4.1.3"). */
export const sameTag = (a: string, b: string) => withoutV(a) === withoutV(b);

/** The next id of the year of `now` after the existing ones: HW-2026-001, HW-2026-002 ... (four digits after 999). */
export function nextWaiverId(existingIds: Iterable<string>, now: Date): string {
  const year = now.getUTCFullYear();
  let highest = 0;
  for (const id of existingIds) {
    const match = WAIVER_ID.exec(id);
    if (match && Number(match[1]) === year) highest = Math.max(highest, Number(match[2]));
  }
  return `HW-${year}-${String(highest + 1).padStart(3, "0")}`;
}

export const isWaiverId = (id: string) => WAIVER_ID.test(id);

// ----------------------------------------------------------------- request

const text = (what: string) => z.string().trim().min(1, `${what} must not be empty`).max(MAX_TEXT, `${what} is too long`);
const instant = z.union([z.date(), z.string()]).transform((value, ctx) => {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  if (typeof value === "string") {
    const parsed = DateTime.fromISO(value.trim(), { setZone: true });
    if (parsed.isValid && /(Z|[+-]\d{2}:?\d{2})$/i.test(value.trim())) return parsed.toJSDate();
  }
  ctx.addIssue({
    code: "custom",
    message: `expected an ISO 8601 time with a zone such as "2026-01-16T10:00:00Z", got ${JSON.stringify(value)}`,
  });
  return z.NEVER;
});

/** A list written as an array, or as one text with commas or new lines (a modal's plain-text input). */
const list = (what: string) =>
  z
    .union([z.array(z.string()), z.string()])
    .transform((v) => (Array.isArray(v) ? v : v.split(/[\n,]/)).map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.string().max(200, `each of ${what} must be at most 200 characters`)));

/**
 * What someone asks for (`/hotfix waiver request` modal, CLI): the expiry as
 * a time (`expiresAt`) or as a duration from now (`duration: "48h"`).
 */
export const waiverRequestSchema = z
  .strictObject({
    type: z.enum(WAIVER_TYPES, { message: `expected one of ${WAIVER_TYPES.join(", ")}` }),
    hotfixTag: text("the release tag"),
    gatesWaived: list("the gates").pipe(z.array(z.string()).min(1, "name at least one gate to waive")),
    justification: z
      .string()
      .trim()
      .min(MIN_JUSTIFICATION, `the justification must be at least ${MIN_JUSTIFICATION} characters, so a reviewer can judge it`)
      .max(MAX_TEXT, "the justification is too long"),
    risk: z.enum(WAIVER_RISKS, { message: "expected low, medium or high" }),
    mitigations: list("the mitigations"),
    ticketUrl: z.string().trim().refine(isTicketUrl, "expected a ticket link such as https://issues.example.com/SEC-1234"),
    expiresAt: instant.optional(),
    duration: durationSchema.optional(),
  })
  .refine((r) => (r.expiresAt === undefined) !== (r.duration === undefined), {
    message: "give either an expiry time or a duration, not both and not neither",
    path: ["expiresAt"],
  });

export type WaiverRequestInput = z.input<typeof waiverRequestSchema>;

export interface ValidWaiverRequest {
  type: WaiverType;
  hotfixTag: string;
  gatesWaived: string[];
  justification: string;
  risk: WaiverRisk;
  mitigations: string[];
  ticketUrl: string;
  expiresAt: Date;
}

/** Validate a request at `now`: shape, then the expiry (not past, not beyond the type's maximum). */
export function validateWaiverRequest(input: unknown, rules: WaiverRules, now: Date): Parsed<ValidWaiverRequest> {
  const parsed = waiverRequestSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: describeIssues(parsed.error) };
  const r = parsed.data;
  const expiresAt = r.expiresAt ?? new Date(now.getTime() + (r.duration ?? 0));
  const errors = expiryProblems(r.type, now, expiresAt, rules);
  if (errors.length) return { ok: false, errors };
  const gatesWaived = [...new Set(r.gatesWaived)];
  return {
    ok: true,
    value: {
      type: r.type,
      hotfixTag: r.hotfixTag,
      gatesWaived,
      justification: r.justification,
      risk: r.risk,
      mitigations: r.mitigations,
      ticketUrl: r.ticketUrl,
      expiresAt,
    },
  };
}

/** The latest expiry a waiver of this type created at `createdAt` may have. */
export const latestExpiry = (type: WaiverType, createdAt: Date, rules: WaiverRules) =>
  new Date(createdAt.getTime() + rules.maxDurationMs[type]);

function expiryProblems(type: WaiverType, createdAt: Date, expiresAt: Date, rules: WaiverRules): string[] {
  const problems: string[] = [];
  if (expiresAt.getTime() <= createdAt.getTime())
    problems.push(`expiresAt: ${expiresAt.toISOString()} is not after ${createdAt.toISOString()}`);
  const max = rules.maxDurationMs[type];
  if (expiresAt.getTime() - createdAt.getTime() > max)
    problems.push(
      `expiresAt: a ${type} waiver runs at most ${formatDurationMs(max)}; the latest expiry is ${latestExpiry(type, createdAt, rules).toISOString()}`,
    );
  return problems;
}

/** A new, pending waiver from a validated request. */
export function createWaiver(request: ValidWaiverRequest, meta: { id: string; requestedBy: string; now: Date }): Waiver {
  return {
    id: meta.id,
    ...request,
    requestedBy: meta.requestedBy,
    createdAt: meta.now,
    approvals: [],
    denial: null,
    status: "pending",
  };
}

// --------------------------------------------------------------- decisions

/** What the waiver is at `now`: a pending or active waiver past its expiry is expired. */
export function effectiveStatus(waiver: Waiver, now: Date): WaiverStatus {
  if ((waiver.status === "pending" || waiver.status === "active") && now.getTime() >= waiver.expiresAt.getTime()) return "expired";
  return waiver.status;
}

export type WaiverRefusalCode =
  | "not-an-approver"
  | "requester-cannot-approve"
  | "already-decided"
  | "denied"
  | "expired"
  | "already-active"
  | "not-pending";

export interface WaiverRefusal {
  code: WaiverRefusalCode;
  /** Names what was refused, why, and who can unblock it. */
  message: string;
}

export type WaiverDecisionOutcome =
  | { ok: true; waiver: Waiver; outcome: "approved" | "activated" | "denied" }
  | { ok: false; refusal: WaiverRefusal };

/**
 * An approver's click, checked on the server for every click: only members
 * of `approvers`, never the requester, each approver once, only while the
 * waiver is pending and unexpired. The Nth distinct approval activates it; a
 * denial ends it. Returns a new waiver (the input is not changed).
 */
export function decideWaiver(
  waiver: Waiver,
  decision: { by: string; decision: "approve" | "deny"; at: Date; reason?: string },
  rules: WaiverRules,
  approvers: Iterable<string>,
): WaiverDecisionOutcome {
  const refuse = (code: WaiverRefusalCode, message: string): WaiverDecisionOutcome => ({ ok: false, refusal: { code, message } });
  const allowed = new Set(approvers);
  const status = effectiveStatus(waiver, decision.at);
  const verb = decision.decision === "approve" ? "approve" : "deny";
  if (!allowed.has(decision.by))
    return refuse("not-an-approver", `Only members of the approvers group can ${verb} ${waiver.id}; ask one of them to review it.`);
  if (waiver.requestedBy !== null && decision.by === waiver.requestedBy)
    return refuse("requester-cannot-approve", `You requested ${waiver.id}, so you cannot ${verb} it; another approver must review it.`);
  if (status === "expired")
    return refuse(
      "expired",
      `${waiver.id} expired at ${waiver.expiresAt.toISOString()}; expired waivers are never extended, file a new one.`,
    );
  if (status === "denied")
    return refuse("denied", `${waiver.id} was denied by ${waiver.denial?.by ?? "an approver"}; file a new waiver if it is still needed.`);
  if (status === "active" && decision.decision === "approve")
    return refuse("already-active", `${waiver.id} is already active with ${waiver.approvals.length} approvals.`);
  if (status !== "pending" && decision.decision === "approve") return refuse("not-pending", `${waiver.id} is ${status}, not pending.`);
  if (waiver.approvals.some((a) => a.approver === decision.by))
    return refuse("already-decided", `You already approved ${waiver.id}; it needs another approver.`);

  if (decision.decision === "deny") {
    return {
      ok: true,
      outcome: "denied",
      waiver: { ...waiver, status: "denied", denial: { by: decision.by, at: decision.at, reason: decision.reason?.trim() || null } },
    };
  }
  const approvals = [...waiver.approvals, { approver: decision.by, at: decision.at }];
  const active = validApprovals(approvals, waiver.requestedBy, allowed).length >= rules.approvals;
  return {
    ok: true,
    outcome: active ? "activated" : "approved",
    waiver: { ...waiver, approvals, status: active ? "active" : "pending" },
  };
}

/** The approvals that count: in the approvers set, not the requester, one per approver. */
export function validApprovals(
  approvals: readonly Pick<WaiverApproval, "approver">[],
  requestedBy: string | null,
  approvers: ReadonlySet<string>,
): string[] {
  const seen = new Set<string>();
  for (const { approver } of approvals) if (approvers.has(approver) && approver !== requestedBy) seen.add(approver);
  return [...seen];
}

/** Expired waivers are never extended (runbook 004: "create a new one"); a live one only within its type's maximum. */
export function extendWaiver(waiver: Waiver, newExpiry: Date, rules: WaiverRules, now: Date): Parsed<Waiver> {
  const status = effectiveStatus(waiver, now);
  if (status === "expired")
    return {
      ok: false,
      errors: [`${waiver.id} expired at ${waiver.expiresAt.toISOString()}; expired waivers are never extended, file a new one`],
    };
  if (status === "denied") return { ok: false, errors: [`${waiver.id} was denied; file a new one`] };
  if (newExpiry.getTime() <= now.getTime()) return { ok: false, errors: [`the new expiry ${newExpiry.toISOString()} is in the past`] };
  const problems = expiryProblems(waiver.type, waiver.createdAt, newExpiry, rules);
  return problems.length ? { ok: false, errors: problems } : { ok: true, value: { ...waiver, expiresAt: newExpiry } };
}

// ------------------------------------------------------------------ cover

/**
 * Why the waiver does not cover `gate` for `releaseTag` at `now` (empty: it
 * does). With `rules` and `approvers`, the approvals are counted again rather
 * than trusting the recorded status.
 */
export function coverageProblems(
  waiver: Waiver,
  gate: string,
  releaseTag: string,
  now: Date,
  check?: { rules: WaiverRules; approvers: Iterable<string> },
): string[] {
  const problems: string[] = [];
  const status = effectiveStatus(waiver, now);
  if (status === "expired") problems.push(`it expired at ${waiver.expiresAt.toISOString()} (file a new one; do not extend)`);
  else if (status !== "active") problems.push(`it is ${status}, not active`);
  if (check) {
    const count = validApprovals(waiver.approvals, waiver.requestedBy, new Set(check.approvers)).length;
    if (count < check.rules.approvals) problems.push(`it has ${count} of the ${check.rules.approvals} approvals required`);
    if (waiver.expiresAt.getTime() - waiver.createdAt.getTime() > check.rules.maxDurationMs[waiver.type])
      problems.push(`it runs longer than the ${formatDurationMs(check.rules.maxDurationMs[waiver.type])} a ${waiver.type} waiver may`);
  }
  if (!sameTag(waiver.hotfixTag, releaseTag)) problems.push(`it is for ${waiver.hotfixTag}, not ${releaseTag}`);
  if (!waiver.gatesWaived.includes(gate)) problems.push(`it does not list ${gate} in its waived gates`);
  return problems;
}

/** Does this waiver let `gate` fail for the release `releaseTag` at `now`? */
export function covers(
  waiver: Waiver,
  gate: string,
  releaseTag: string,
  now: Date,
  check?: { rules: WaiverRules; approvers: Iterable<string> },
) {
  return coverageProblems(waiver, gate, releaseTag, now, check).length === 0;
}

// ------------------------------------------------------------------ verify

export interface WaiverFinding {
  waiverId: string;
  level: "error" | "warning";
  code: string;
  message: string;
}

export interface WaiverVerification {
  ok: boolean;
  errors: number;
  warnings: number;
  findings: WaiverFinding[];
  checked: number;
}

/** Warn about waivers that expire within this long. */
export const EXPIRY_WARNING_MS = 24 * HOUR;

/**
 * Runbook 004's `verify_hotfix_waivers.sh`: expiry, approvers, limits, for
 * every waiver. `strict` turns warnings into errors (the script's --strict).
 */
export function verifyWaivers(
  waivers: readonly Waiver[],
  policy: { rules: WaiverRules; approvers: Iterable<string> },
  now: Date,
  options: { strict?: boolean } = {},
): WaiverVerification {
  const approvers = new Set(policy.approvers);
  const { rules } = policy;
  const findings: WaiverFinding[] = [];
  const seenIds = new Map<string, number>();
  for (const w of waivers) seenIds.set(w.id, (seenIds.get(w.id) ?? 0) + 1);

  for (const w of waivers) {
    const add = (level: WaiverFinding["level"], code: string, message: string) => findings.push({ waiverId: w.id, level, code, message });
    const status = effectiveStatus(w, now);
    if (!isWaiverId(w.id)) add("error", "id-format", `id ${JSON.stringify(w.id)} is not of the form HW-YYYY-NNN`);
    if ((seenIds.get(w.id) ?? 0) > 1) add("error", "id-duplicate", `id ${w.id} is used by ${seenIds.get(w.id)} waivers`);

    // expiry
    if (w.status === "active" && status === "expired")
      add("error", "expired", `expired at ${w.expiresAt.toISOString()} but still marked active; it covers nothing, file a new one`);
    else if (w.status === "pending" && status === "expired")
      add("warning", "expired-pending", `expired at ${w.expiresAt.toISOString()} before it was approved`);
    else if (status === "active" && w.expiresAt.getTime() - now.getTime() <= EXPIRY_WARNING_MS)
      add("warning", "expiring-soon", `expires at ${w.expiresAt.toISOString()}, within ${formatDurationMs(EXPIRY_WARNING_MS)}`);

    // limits
    const life = w.expiresAt.getTime() - w.createdAt.getTime();
    if (life <= 0)
      add("error", "expiry-before-creation", `expires (${w.expiresAt.toISOString()}) before it was created (${w.createdAt.toISOString()})`);
    else if (life > rules.maxDurationMs[w.type])
      add(
        "error",
        "too-long",
        `runs ${formatDurationMs(life)}, longer than the ${formatDurationMs(rules.maxDurationMs[w.type])} a ${w.type} waiver may`,
      );
    if (w.createdAt.getTime() > now.getTime()) add("warning", "created-in-future", `created at ${w.createdAt.toISOString()}, after now`);
    if (w.justification.trim().length < MIN_JUSTIFICATION)
      add(
        "error",
        "justification-short",
        `justification has ${w.justification.trim().length} characters; at least ${MIN_JUSTIFICATION} are required`,
      );
    if (!isTicketUrl(w.ticketUrl)) add("error", "ticket-url", `ticket URL ${JSON.stringify(w.ticketUrl)} is not an http(s) link`);
    if (w.gatesWaived.length === 0) add("error", "no-gates", "waives no gate");
    if (!w.hotfixTag.trim()) add("error", "no-tag", "names no release tag");
    if (w.mitigations.length === 0) add("warning", "no-mitigations", "lists no mitigations");
    if (w.risk === "high" && w.mitigations.length < 2)
      add("warning", "high-risk-few-mitigations", "is high risk with fewer than two mitigations");

    // approvers
    const names = w.approvals.map((a) => a.approver);
    const outsiders = [...new Set(names.filter((n) => !approvers.has(n)))];
    if (outsiders.length) add("error", "approver-not-allowed", `approved by ${outsiders.join(", ")}, not in the approvers group`);
    if (w.requestedBy !== null && names.includes(w.requestedBy))
      add("error", "self-approved", `approved by its requester ${w.requestedBy}`);
    const duplicates = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
    if (duplicates.length) add("error", "approver-twice", `approved more than once by ${duplicates.join(", ")}`);
    const valid = validApprovals(w.approvals, w.requestedBy, approvers).length;
    if (w.status === "active" && valid < rules.approvals)
      add(
        "error",
        "approvals-missing",
        `marked active with ${valid} valid approval${valid === 1 ? "" : "s"}; ${rules.approvals} are required`,
      );
    if (w.requestedBy === null) add("warning", "requester-unknown", "does not say who requested it, so self-approval cannot be ruled out");
    if (w.status === "pending" && status === "pending")
      add("warning", "pending", `pending with ${valid} of ${rules.approvals} approvals; it covers nothing until approved`);
  }

  const final = options.strict ? findings.map((f) => ({ ...f, level: "error" as const })) : findings;
  const errors = final.filter((f) => f.level === "error").length;
  return { ok: errors === 0, errors, warnings: final.length - errors, findings: final, checked: waivers.length };
}

// ---------------------------------------------------- hotfix_waivers.json

export const WAIVERS_FILE_VERSION = "1.0.0";

/** One entry of runbook 004's `docs/releases/_state/hotfix_waivers.json`, field for field. */
export interface WaiverFileEntry {
  id: string;
  type: WaiverType;
  hotfix_tag: string;
  gates_waived: string[];
  justification: string;
  risk_assessment: WaiverRisk;
  mitigations: string[];
  created_at: string;
  expires_at: string;
  approved_by: string[];
  ticket_url: string;
  status: WaiverStatus;
}

export interface WaiversFile {
  version: string;
  waivers: WaiverFileEntry[];
}

const fileEntrySchema = z.object({
  id: z.string().regex(WAIVER_ID, "expected an id such as HW-2026-001"),
  type: z.enum(WAIVER_TYPES, { message: `expected one of ${WAIVER_TYPES.join(", ")}` }),
  hotfix_tag: text("hotfix_tag"),
  gates_waived: z.array(text("a gate")).min(1, "name at least one gate"),
  justification: z.string().trim().min(MIN_JUSTIFICATION, `must be at least ${MIN_JUSTIFICATION} characters`).max(MAX_TEXT),
  risk_assessment: z.enum(WAIVER_RISKS, { message: "expected low, medium or high" }),
  mitigations: z.array(text("a mitigation")).default([]),
  created_at: instant,
  expires_at: instant,
  approved_by: z.array(text("an approver")).default([]),
  ticket_url: z.string().refine(isTicketUrl, "expected an http(s) ticket link"),
  status: z.enum(WAIVER_STATUSES, { message: `expected one of ${WAIVER_STATUSES.join(", ")}` }),
  /** Not in the runbook's example; read when present so self-approval can be checked. */
  requested_by: z.string().trim().min(1).optional(),
});

/** The file's outer shape; entries are checked one by one so one bad entry does not hide the others. */
export const waiversFileSchema = z.strictObject({
  version: z.string().regex(/^1\.\d+\.\d+$/, `expected version ${WAIVERS_FILE_VERSION}`),
  waivers: z.array(z.unknown()),
});

export interface WaiverImport {
  accepted: Waiver[];
  refused: Array<{ index: number; id: string | null; reasons: string[] }>;
}

/**
 * Read a `hotfix_waivers.json`: each entry is accepted or refused with its
 * reasons. Refused: a bad shape, a duplicate id (in the file or among
 * `existingIds`), a life beyond the type's maximum, an approver outside the
 * approvers set, a requester among its approvers, an "active" entry without
 * enough approvals. An entry whose expiry has passed is kept as history,
 * with status expired (it covers nothing).
 */
export function importWaiversFile(
  json: unknown,
  policy: { rules: WaiverRules; approvers: Iterable<string> },
  now: Date,
  existingIds: Iterable<string> = [],
): Parsed<WaiverImport> {
  const outer = waiversFileSchema.safeParse(json);
  if (!outer.success) return { ok: false, errors: describeIssues(outer.error, "hotfix_waivers.json") };
  const approvers = new Set(policy.approvers);
  const taken = new Set(existingIds);
  const result: WaiverImport = { accepted: [], refused: [] };

  outer.data.waivers.forEach((raw, index) => {
    const rawId =
      typeof raw === "object" && raw !== null && typeof (raw as { id?: unknown }).id === "string" ? (raw as { id: string }).id : null;
    const parsed = fileEntrySchema.safeParse(raw);
    if (!parsed.success) {
      result.refused.push({ index, id: rawId, reasons: describeIssues(parsed.error) });
      return;
    }
    const e = parsed.data;
    const reasons: string[] = [];
    if (taken.has(e.id)) reasons.push(`id ${e.id} already exists`);
    reasons.push(...expiryProblems(e.type, e.created_at, e.expires_at, policy.rules));
    const outsiders = e.approved_by.filter((a) => !approvers.has(a));
    if (outsiders.length) reasons.push(`approved_by: ${outsiders.join(", ")} not in the approvers group`);
    if (new Set(e.approved_by).size !== e.approved_by.length) reasons.push("approved_by: an approver is listed twice");
    if (e.requested_by && e.approved_by.includes(e.requested_by))
      reasons.push(`approved_by: ${e.requested_by} requested it and cannot approve it`);
    const requestedBy = e.requested_by ?? null;
    const approvals = e.approved_by.map((approver) => ({ approver, at: null }));
    const valid = validApprovals(approvals, requestedBy, approvers).length;
    if (e.status === "active" && valid < policy.rules.approvals)
      reasons.push(`status: active needs ${policy.rules.approvals} approvals from distinct approvers, it has ${valid}`);
    if (reasons.length) {
      result.refused.push({ index, id: e.id, reasons });
      return;
    }
    taken.add(e.id);
    const waiver: Waiver = {
      id: e.id,
      type: e.type,
      hotfixTag: e.hotfix_tag,
      gatesWaived: [...new Set(e.gates_waived)],
      justification: e.justification,
      risk: e.risk_assessment,
      mitigations: e.mitigations,
      ticketUrl: e.ticket_url,
      requestedBy,
      createdAt: e.created_at,
      expiresAt: e.expires_at,
      approvals,
      denial: e.status === "denied" ? { by: "unknown", at: null, reason: null } : null,
      status: e.status,
    };
    result.accepted.push({ ...waiver, status: effectiveStatus(waiver, now) });
  });
  return { ok: true, value: result };
}

/** UTC, to the second, as the runbook writes it: "2026-01-09T10:00:00Z". */
const fileTime = (date: Date) => `${date.toISOString().slice(0, 19)}Z`;

/** Runbook 004's `hotfix_waivers.json`, exactly its fields, ids in order, statuses as of `now`. */
export function exportWaiversFile(waivers: readonly Waiver[], now: Date): WaiversFile {
  return {
    version: WAIVERS_FILE_VERSION,
    waivers: [...waivers]
      .sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }))
      .map((w) => ({
        id: w.id,
        type: w.type,
        hotfix_tag: w.hotfixTag,
        gates_waived: [...w.gatesWaived],
        justification: w.justification,
        risk_assessment: w.risk,
        mitigations: [...w.mitigations],
        created_at: fileTime(w.createdAt),
        expires_at: fileTime(w.expiresAt),
        approved_by: w.approvals.map((a) => a.approver),
        ticket_url: w.ticketUrl,
        status: effectiveStatus(w, now),
      })),
  };
}
