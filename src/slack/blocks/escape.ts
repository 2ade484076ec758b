// The one way user-written text reaches Slack. Every title, reason, note,
// name or URL a person typed goes through `escapeMrkdwn` (or `link` for a URL)
// before it is put into mrkdwn, so nobody can ping a channel, mention a user,
// forge a link, hide text behind bidi overrides or break the message size.

/** NUL and the other C0 controls except tab and newline; Postgres and Slack both choke on some. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: they are removed.
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
/** Bidirectional embeddings, overrides and isolates: they reorder what a reader sees ("Trojan Source"). */
const BIDI = /[\u202A-\u202E\u2066-\u2069]/g;
/** Plain-text broadcasts Slack may still expand: a word joiner after "@" breaks them. */
const BROADCAST = /@(channel|here|everyone)\b/gi;

/** Slack's own limit for a section's text is 3000 characters; messages are longer, so callers can raise it. */
export const DEFAULT_MAX = 3000;

/**
 * User text made safe for mrkdwn: `&`, `<`, `>` escaped (so `<!channel>`,
 * `<@U…>` and `<url|label>` show as typed instead of acting), controls and bidi
 * overrides removed, broadcasts defused, cut at `max` characters with "…".
 */
export function escapeMrkdwn(text: string | null | undefined, max = DEFAULT_MAX): string {
  return plainText(text, max).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(BROADCAST, "@\u2060$1");
}

/** User text for plain_text fields (headers, topics, option labels): no entities, but controls and bidi overrides gone, cut at `max`. */
export function plainText(text: string | null | undefined, max = DEFAULT_MAX): string {
  if (!text) return "";
  const clean = text.replace(CONTROLS, "").replace(BIDI, "");
  return clean.length > max ? `${clean.slice(0, Math.max(0, max - 1))}…` : clean;
}

/** An http(s) URL fit for `<url|label>`: anything else gives undefined. `|`, `<`, `>` and spaces are percent-encoded. */
export function safeUrl(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url.replace(CONTROLS, "").replace(BIDI, "").trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return undefined;
  return parsed.href.replace(/\|/g, "%7C").replace(/</g, "%3C").replace(/>/g, "%3E").replace(/ /g, "%20");
}

/** `<url|label>` with the label escaped and the URL checked; only the escaped label when the URL is not usable. */
export function link(url: string | null | undefined, label: string): string {
  const href = safeUrl(url);
  const text = escapeMrkdwn(label, 200);
  return href ? `<${href}|${text}>` : text;
}
