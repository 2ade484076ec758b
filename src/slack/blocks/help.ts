// `/hotfix help`: every verb, one line each, grouped by where it works.
import type { KnownBlock } from "@slack/types";
import type { Verb } from "../verbs/registry.js";

export function helpMessage(verbs: Verb[], hint?: string): { text: string; blocks: KnownBlock[] } {
  const line = (v: Verb) => `\`/hotfix ${v.usage}\` — ${v.summary}`;
  const anywhere = verbs.filter((v) => v.where !== "war room");
  const warRoom = verbs.filter((v) => v.where === "war room");
  const blocks: KnownBlock[] = [];
  if (hint) blocks.push({ type: "section", text: { type: "mrkdwn", text: hint } });
  blocks.push({ type: "section", text: { type: "mrkdwn", text: `*Anywhere*\n${anywhere.map(line).join("\n")}` } });
  if (warRoom.length) {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: `*In a war room*\n${warRoom.map(line).join("\n")}` } });
  }
  const text = [hint, ...verbs.map(line)].filter(Boolean).join("\n");
  return { text, blocks };
}
