// Runbook 001's outstanding items in Slack (`/hotfix status`, the App Home):
// each item done (who, when) or outstanding.
import type { OutstandingReport } from "../../domain/outstanding.js";
import { dateToken } from "./block-kit.js";
import { escapeMrkdwn } from "./escape.js";

export function outstandingText(report: OutstandingReport): string {
  const lines = report.items.map((item) =>
    item.status === "done"
      ? `:white_check_mark: ${item.label}${item.detail ? ` (${escapeMrkdwn(item.detail, 200)})` : ""}${item.by ? ` — ${/^[UW][A-Z0-9]+$/.test(item.by) ? `<@${item.by}>` : escapeMrkdwn(item.by, 80)}` : ""}${item.at ? `, ${dateToken(item.at, item.at.toISOString())}` : ""}`
      : `:white_square: ${item.label}`,
  );
  return `*Outstanding items* (runbook 001): ${report.outstanding} outstanding, ${report.done} done\n${lines.join("\n")}`;
}

/** One line for the App Home: what is still open. */
export function outstandingSummary(report: OutstandingReport): string {
  const open = report.items.filter((i) => i.status === "outstanding").map((i) => i.label);
  return open.length ? `${open.length} outstanding: ${open.slice(0, 3).join("; ")}${open.length > 3 ? "; …" : ""}` : "nothing outstanding";
}
