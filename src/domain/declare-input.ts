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

const clean = (text: string | null | undefined): string | undefined => {
  const trimmed = text?.replace(/\s+/g, " ").trim();
  return trimmed ? trimmed : undefined;
};

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
  const ticketUrl = clean(form.ticketUrl);
  if (ticketUrl && !/^https?:\/\/\S+$/.test(ticketUrl)) errors.ticket = "The ticket must be a link (https://...).";
  const started = form.startedAt ? new Date(form.startedAt * 1000) : now;
  if (started.getTime() > now.getTime() + 5 * 60_000) errors.started_at = "The start cannot be in the future.";
  if (started.getTime() < DateTime.fromJSDate(now).minus({ days: 30 }).toMillis())
    errors.started_at = "That is more than 30 days ago; check the date.";
  for (const [key, value] of [
    ["impact_users", form.impactUsers],
    ["impact_revenue", form.impactRevenue],
    ["service", form.service],
  ] as const) {
    if (value && value.length > 500) errors[key] = "Keep it under 500 characters.";
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
