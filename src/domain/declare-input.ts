// Validation of the declare form, pure: the view handler turns the result into
// Slack's inline errors (response_action: "errors"), keyed by block id.
import { DateTime } from "luxon";
import type { Policy, SeverityName } from "./policy.js";
import { isSeverity } from "./severity.js";

export const TITLE_MAX = 150;

export interface DeclareFormValues {
  title?: string | null;
  severity?: string | null;
  override?: boolean;
  impactUsers?: string | null;
  impactRevenue?: string | null;
  service?: string | null;
  ticketUrl?: string | null;
  commanderId?: string | null;
  startedAt?: number | null;
  rollbackFaster?: string | null;
}

export interface ValidDeclare {
  title: string;
  severity: SeverityName;
  severityOverride: boolean;
  impactUsers?: string;
  impactRevenue?: string;
  service?: string;
  ticketUrl?: string;
  commanderId: string;
  startedAt: Date;
  rollbackFaster: boolean;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

/** NUL and the other C0 controls (Postgres refuses NUL in text; the rest only hide things). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: they are removed.
const CONTROLS = /[\u0000-\u001F\u007F]/g;
/** Bidirectional embeddings, overrides and isolates: they reorder what a reader sees ("Trojan Source"). */
const BIDI = /[\u202A-\u202E\u2066-\u2069]/g;

/**
 * Text as stored: controls (NUL included) and bidi overrides removed, runs of
 * white space made one space. Removing rather than refusing: a title pasted
 * from a terminal or a right-to-left ticket still declares the incident.
 */
/** Half of a surrogate pair on its own: not Unicode, and Postgres refuses it in JSON. Shown as U+FFFD instead. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function cleanText(text: string | null | undefined): string | undefined {
  const trimmed = text?.replace(LONE_SURROGATE, "\uFFFD").replace(CONTROLS, " ").replace(BIDI, "").replace(/\s+/g, " ").trim();
  return trimmed ? trimmed : undefined;
}
const clean = cleanText;

/** Controls other than tab and newline. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: they are removed.
const NOTE_CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F]/g;

/** Several lines as stored (updates, notes): controls other than newline and tab, and bidi overrides, removed. */
export function cleanNote(text: string | null | undefined): string {
  return (text ?? "").replace(LONE_SURROGATE, "\uFFFD").replace(NOTE_CONTROLS, "").replace(BIDI, "").trim();
}

export const URL_MAX = 2000;

/**
 * A ticket link as stored: an absolute http(s) URL with a host, no user name
 * or password, and none of the characters that end or split a Slack link
 * (`<`, `>`, `|`) or quote it; anything else is refused with the reason.
 */
export function validTicketUrl(text: string): { ok: true; url: string } | { ok: false; error: string } {
  if (text.length > URL_MAX) return { ok: false, error: `The ticket link is too long (over ${URL_MAX} characters).` };
  if (/[<>|"`\s]/.test(text)) return { ok: false, error: "The ticket link cannot contain spaces, quotes, <, > or |." };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, error: "The ticket must be a link (https://...)." };
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || !url.hostname) {
    return { ok: false, error: "The ticket must be a link (https://...)." };
  }
  if (url.username || url.password) return { ok: false, error: "The ticket link cannot carry a user name or password." };
  return { ok: true, url: url.href };
}

/** Slack user ids as the user picker gives them. */
const USER_ID = /^[UW][A-Z0-9]{2,20}$/;

export function validateDeclare(form: DeclareFormValues, policy: Policy, now: Date, declaredBy: string): Validation<ValidDeclare> {
  const errors: Record<string, string> = {};
  const title = clean(form.title);
  if (!title) errors.title = "Give the incident a title: what is broken, in a few words.";
  else if (title.length > TITLE_MAX) errors.title = `Keep the title under ${TITLE_MAX} characters (it is ${title.length}).`;
  const severity = form.severity?.toUpperCase();
  if (!severity || !isSeverity(severity)) errors.severity = "Pick a severity: P0, P1 or P2.";
  else if (!policy.severity[severity].hotfix && !form.override) {
    errors.severity = `${severity} can wait for the next release. Tick "declare a hotfix anyway" to go ahead; it is recorded.`;
  }
  const rawTicket = form.ticketUrl?.trim();
  const ticket = rawTicket ? validTicketUrl(rawTicket) : undefined;
  if (ticket && !ticket.ok) errors.ticket = ticket.error;
  const ticketUrl = ticket?.ok ? ticket.url : undefined;
  const started = typeof form.startedAt === "number" && form.startedAt !== 0 ? new Date(form.startedAt * 1000) : now;
  if (Number.isNaN(started.getTime())) errors.started_at = "That is not a date and time.";
  else if (started.getTime() > now.getTime() + 5 * 60_000) errors.started_at = "The start cannot be in the future.";
  else if (started.getTime() < DateTime.fromJSDate(now).minus({ days: 30 }).toMillis())
    errors.started_at = "That is more than 30 days ago; check the date.";
  if (form.commanderId && !USER_ID.test(form.commanderId)) errors.commander = "Pick a person from the list.";
  for (const [key, value] of [
    ["impact_users", form.impactUsers],
    ["impact_revenue", form.impactRevenue],
    ["service", form.service],
  ] as const) {
    if (value && (clean(value)?.length ?? 0) > 500) errors[key] = "Keep it under 500 characters.";
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      title: title as string,
      severity: severity as SeverityName,
      severityOverride: Boolean(form.override) && !policy.severity[severity as SeverityName].hotfix,
      ...(clean(form.impactUsers) ? { impactUsers: clean(form.impactUsers) } : {}),
      ...(clean(form.impactRevenue) ? { impactRevenue: clean(form.impactRevenue) } : {}),
      ...(clean(form.service) ? { service: clean(form.service) } : {}),
      ...(ticketUrl ? { ticketUrl } : {}),
      commanderId: form.commanderId || declaredBy,
      startedAt: started,
      rollbackFaster: form.rollbackFaster === "yes",
    },
  };
}
