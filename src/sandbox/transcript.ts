// Slack messages as plain text for the demo's transcript: mrkdwn tokens
// (<@U1>, <#C1|name>, <https://x|label>) resolved against the emulated
// workspace, Slack's &amp; &lt; &gt; decoded, Block Kit flattened to lines.
import type { JsonObject, SlackEmulator } from "@hotfix/slack-emulator";

type Names = Pick<SlackEmulator, "user" | "channel" | "state">;

export function slackText(text: string, names: Names): string {
  return text
    .replace(/<([^<>\n]+)>/g, (_whole, inner: string) => {
      const [target = "", label] = inner.split("|");
      if (target.startsWith("@")) return `@${label ?? names.user(target.slice(1))?.name ?? target.slice(1)}`;
      if (target.startsWith("#")) return `#${label ?? names.channel(target.slice(1))?.name ?? target.slice(1)}`;
      // <!date^1700000000^{date_short}|fallback> shows a date; <!here> and <!subteam^S1> mention.
      if (target.startsWith("!date")) return label ?? target;
      if (target.startsWith("!subteam^")) return label ?? `@${names.state.usergroups.get(target.split("^")[1] ?? "")?.handle ?? "group"}`;
      if (target.startsWith("!")) return `@${label ?? target.slice(1).split("^")[0]}`;
      return label ? `${label} (${target})` : target;
    })
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

function textOf(value: unknown, names: Names): string {
  if (typeof value === "string") return slackText(value, names);
  if (value && typeof value === "object" && typeof (value as JsonObject).text === "string") {
    return slackText((value as JsonObject).text as string, names);
  }
  return "";
}

function elementText(element: JsonObject, names: Names): string {
  switch (element.type) {
    case "button":
      return `[${textOf(element.text, names)}]`;
    case "image":
      return "";
    default:
      return element.placeholder ? `[${textOf(element.placeholder, names)} ▾]` : `[${String(element.type)}]`;
  }
}

function richText(node: unknown): string {
  if (!node || typeof node !== "object") return "";
  const n = node as JsonObject;
  if (typeof n.text === "string") return n.text;
  return Array.isArray(n.elements) ? n.elements.map(richText).join("") : "";
}

/** Block Kit as the lines a reader would see. */
export function blocksAsText(blocks: readonly JsonObject[], names: Names): string {
  const lines: string[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case "header":
        lines.push(textOf(block.text, names));
        break;
      case "section": {
        if (block.text) lines.push(textOf(block.text, names));
        if (Array.isArray(block.fields)) lines.push(block.fields.map((f) => textOf(f, names).replace(/\n+/g, " ")).join(" | "));
        if (block.accessory) lines.push(elementText(block.accessory as JsonObject, names));
        break;
      }
      case "context":
        if (Array.isArray(block.elements))
          lines.push(
            (block.elements as JsonObject[])
              .map((e) => textOf(e, names))
              .filter(Boolean)
              .join("  "),
          );
        break;
      case "actions":
        if (Array.isArray(block.elements)) lines.push((block.elements as JsonObject[]).map((e) => elementText(e, names)).join(" "));
        break;
      case "rich_text":
        lines.push(richText(block));
        break;
      case "divider":
        break;
      default:
        if (block.type !== "image") lines.push(`[${String(block.type)}]`);
    }
  }
  return lines.filter((l) => l.trim()).join("\n");
}
