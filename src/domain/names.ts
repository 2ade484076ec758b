// Names made from templates ("hotfix-{yyyymmdd}-{slug}"): channels, branches,
// tags. Whatever the incident title holds (unicode, emoji, 200 characters),
// the result is a name Slack or git accepts.
import { DateTime } from "luxon";

export const SLACK_CHANNEL_MAX = 80;

/** ASCII, lowercase, words joined by "-". "Paiement échoué 💥 !!" -> "paiement-echoue". */
export function slugify(text: string, maxLength = 40): string {
  const ascii = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (ascii.length <= maxLength) return ascii;
  // Cut at a word boundary when one is near, so names stay readable.
  const cut = ascii.slice(0, maxLength);
  const lastDash = cut.lastIndexOf("-");
  return (lastDash > maxLength / 2 ? cut.slice(0, lastDash) : cut).replace(/-+$/g, "");
}

export interface NameVariables {
  slug?: string;
  ticket?: string | null;
  version?: string | null;
  name?: string;
  number?: number;
  date?: DateTime;
}

/** Ticket ids from a URL or text: "https://linear.app/acme/issue/ENG-42/x" -> "eng-42". */
export function ticketKey(ticket: string | null | undefined): string | undefined {
  if (!ticket) return undefined;
  const match = /([A-Za-z][A-Za-z0-9]*-\d+)(?!.*[A-Za-z][A-Za-z0-9]*-\d+)/.exec(ticket);
  if (match?.[1]) return match[1].toLowerCase();
  const tail = ticket.split(/[/#?]/).filter(Boolean).pop();
  return tail ? slugify(tail, 30) || undefined : undefined;
}

export function fillTemplate(template: string, vars: NameVariables): string {
  const date = (vars.date ?? DateTime.utc()).toUTC();
  return template.replace(/\{([\w-]+)\}/g, (whole, key: string) => {
    switch (key) {
      case "yyyymmdd":
        return date.toFormat("yyyyLLdd");
      case "yyyy-mm-dd":
        return date.toFormat("yyyy-LL-dd");
      case "slug":
        return vars.slug ?? "";
      case "ticket":
        return ticketKey(vars.ticket) ?? vars.slug ?? "";
      case "version":
        return vars.version ?? "";
      case "name":
        return vars.name ?? "";
      case "number":
        return vars.number === undefined ? "" : String(vars.number);
      default:
        return whole;
    }
  });
}

/** Slack: lowercase letters, digits, "-" and "_", at most 80 characters. */
export function sanitizeChannelName(raw: string): string {
  const cleaned = raw
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[-_]+|[-_]+$/g, "");
  return (cleaned || "hotfix").slice(0, SLACK_CHANNEL_MAX).replace(/[-_]+$/g, "");
}

/** The n-th alternative on a clash: "name-2", "name-3"..., still within 80 characters. */
export function channelNameWithSuffix(base: string, attempt: number): string {
  if (attempt <= 1) return base;
  const suffix = `-${attempt}`;
  return `${base.slice(0, SLACK_CHANNEL_MAX - suffix.length).replace(/[-_]+$/g, "")}${suffix}`;
}

export function warRoomName(template: string, vars: NameVariables): string {
  return sanitizeChannelName(fillTemplate(template, vars));
}

/**
 * git check-ref-format, the parts a template can break; and the characters
 * git allows but Slack reads as markup (`<!channel>`, `<url|label>`, `&lt;`),
 * so a ref the bot makes from typed text is safe in a link or a message.
 */
export function sanitizeRefName(raw: string): string {
  return (
    raw
      // biome-ignore lint/suspicious/noControlCharactersInRegex: git refuses control characters in ref names; that is the point.
      .replace(/[\s~^:?*[\\\x00-\x1f\x7f<>|&"'`]+/g, "-")
      .replace(/\.{2,}/g, ".")
      .replace(/@\{/g, "-")
      .replace(/\/{2,}/g, "/")
      .replace(/-{2,}/g, "-")
      .split("/")
      .map((part) => part.replace(/^\.+|\.lock$|\.+$/g, "").replace(/^-+|-+$/g, ""))
      .filter(Boolean)
      .join("/")
  );
}

export function refName(template: string, vars: NameVariables): string {
  return sanitizeRefName(fillTemplate(template, vars));
}

export function incidentLabel(number: number): string {
  return `HF-${number}`;
}

/** The first 7 hex digits of a commit, as git shows it; "?" when there is none. */
export const shortSha = (sha: string | null | undefined): string => (sha ? sha.slice(0, 7) : "?");
