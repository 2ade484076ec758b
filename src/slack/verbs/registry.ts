// The `/hotfix <verb>` registry: each verb declares its usage and summary, so
// `/hotfix help` is always complete and an unknown verb gets a useful hint.
import type { AckFn, RespondArguments, RespondFn, SlashCommand } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { WorkflowContext } from "../../workflows/context.js";

export interface VerbInvocation {
  /** Words after the verb. */
  args: string[];
  /** Text after the verb, untouched (for free text such as titles). */
  rest: string;
  command: SlashCommand;
  client: WebClient;
  ctx: WorkflowContext;
  ack: AckFn<string | RespondArguments>;
  /** Answers ephemerally: in the ack when still possible (fastest), else via response_url. */
  reply(message: string | RespondArguments): Promise<void>;
  respond: RespondFn;
}

export interface Verb {
  name: string;
  usage: string;
  summary: string;
  /** Where it can be used, shown in help. */
  where?: "anywhere" | "war room";
  run(invocation: VerbInvocation): Promise<void>;
}

export function closestVerb(input: string, names: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = levenshtein(input, name);
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(best.name.length / 3)) ? best.name : undefined;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}
