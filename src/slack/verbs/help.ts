import { helpMessage } from "../blocks/help.js";
import type { Verb } from "./registry.js";

export function helpVerb(all: () => Verb[]): Verb {
  return {
    name: "help",
    usage: "help",
    summary: "list every verb",
    run: async ({ reply }) => reply(helpMessage(all())),
  };
}
