// `/hotfix <verb> ...`: parse, pick the verb, run it. Verbs answer through
// `reply`, which uses the ack itself while it can (one round trip, no
// response_url call) and response_url afterwards.
import type { App, RespondArguments, SlackCommandMiddlewareArgs } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { cleanNote } from "../../../domain/declare-input.js";
import type { WorkflowContext } from "../../../workflows/context.js";
import { helpMessage } from "../../blocks/help.js";
import { closestVerb, type Verb } from "../../verbs/registry.js";

export function splitArgs(text: string): { verb: string; args: string[]; rest: string } {
  // Once, for every verb: NUL (Postgres refuses it in text), other controls and bidi overrides never get further.
  const trimmed = cleanNote(text);
  const match = /^(\S+)\s*([\s\S]*)$/.exec(trimmed);
  if (!match) return { verb: "", args: [], rest: "" };
  const rest = match[2] ?? "";
  return { verb: (match[1] ?? "").toLowerCase(), args: rest.split(/\s+/).filter(Boolean), rest: rest.trim() };
}

export const HOTFIX_COMMAND = "/hotfix";

/** `/hotfix <verb>`: the callback Bolt calls, with the verbs it dispatches to. */
export function hotfixCommand(ctx: WorkflowContext, verbs: Verb[]) {
  const byName = new Map(verbs.map((v) => [v.name, v]));
  return async ({
    command,
    ack,
    respond,
    client,
  }: Pick<SlackCommandMiddlewareArgs, "command" | "ack" | "respond"> & { client: WebClient }): Promise<void> => {
    let acked = false;
    const ackOnce = async (message?: string | RespondArguments) => {
      if (acked) return;
      acked = true;
      await (message === undefined ? ack() : ack(message));
    };
    const reply = async (message: string | RespondArguments) => {
      const body: RespondArguments = typeof message === "string" ? { text: message } : message;
      if (!acked) return ackOnce({ response_type: "ephemeral", ...body });
      await respond({ response_type: "ephemeral", ...body });
    };
    const { verb, args, rest } = splitArgs(command.text ?? "");
    const chosen = byName.get(verb);
    try {
      if (!chosen) {
        const all = [...byName.values()];
        const guess = verb ? closestVerb(verb, [...byName.keys()]) : undefined;
        const hint = !verb
          ? "Hotfix Commander runs a hotfix as an incident. Start with `/hotfix declare <title>`."
          : verb === "help"
            ? undefined
            : `:warning: \`${verb}\` is not a /hotfix verb.${guess ? ` Did you mean \`/hotfix ${guess}\`?` : ""}`;
        return await reply({ ...helpMessage(all, hint) });
      }
      await chosen.run({ args, rest, command, client, ctx, ack: ackOnce, reply, respond });
    } catch (error) {
      ctx.logger.error({ err: error, verb }, "/hotfix failed");
      await reply(":x: Something went wrong on our side; nothing was changed. Try again, or check the bot's logs.").catch(() => undefined);
    } finally {
      // A verb that forgot to answer must not leave Slack waiting into a timeout.
      await ackOnce().catch(() => undefined);
    }
  };
}

export function registerHotfixCommand(app: App, ctx: WorkflowContext, verbs: Verb[]): void {
  app.command(HOTFIX_COMMAND, hotfixCommand(ctx, verbs));
}
