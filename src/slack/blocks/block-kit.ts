// The few Block Kit shapes the product renders, and the Slack tokens for
// mentions and dates. User text never goes in here raw: see escape.ts.
export interface TextObject {
  type: "mrkdwn" | "plain_text";
  text: string;
  emoji?: boolean;
}
export type Block = { type: string; block_id?: string; [key: string]: unknown };

export const mrkdwn = (text: string): TextObject => ({ type: "mrkdwn", text });
export const plain = (text: string): TextObject => ({ type: "plain_text", text, emoji: true });
export const section = (text: string, extra: Record<string, unknown> = {}): Block => ({ type: "section", text: mrkdwn(text), ...extra });
export const context = (...texts: string[]): Block => ({ type: "context", elements: texts.map(mrkdwn) });
export const divider = (): Block => ({ type: "divider" });
export const header = (text: string): Block => ({ type: "header", text: plain(text.slice(0, 150)) });

export const mention = (id: string): string => `<@${id}>`;
export const userMention = (id: string | undefined | null): string => (id ? `<@${id}>` : "_unassigned_");
export const channelMention = (id: string | undefined | null): string => (id ? `<#${id}>` : "_not yet created_");
export const dateToken = (date: Date, fallback: string): string =>
  `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} {time}|${fallback}>`;

/** Severity as an emoji code, for mrkdwn. */
export function severityEmoji(severity: "P0" | "P1" | "P2"): string {
  return severity === "P0" ? ":red_circle:" : severity === "P1" ? ":large_orange_circle:" : ":large_yellow_circle:";
}
