// One rule for text typed into Slack, before any listener sees it: NUL (which
// Postgres refuses in text and JSON), the other control characters except
// newline and tab, bidi overrides, and half surrogate pairs are removed from
// slash-command text and every form field. A listener or workflow added later
// gets clean text without having to remember to ask for it.
import type { AnyMiddlewareArgs, Middleware } from "@slack/bolt";
import { cleanNote } from "../domain/declare-input.js";

type Values = Record<string, Record<string, { value?: unknown }>>;

function cleanValues(values: Values | undefined): void {
  if (!values || typeof values !== "object") return;
  for (const block of Object.values(values)) {
    if (!block || typeof block !== "object") continue;
    for (const element of Object.values(block)) {
      // cleanNote trims too; a value of white space only stays empty, as Slack would send it.
      if (element && typeof element.value === "string") element.value = cleanNote(element.value);
    }
  }
}

export const cleanSlackInput: Middleware<AnyMiddlewareArgs> = async ({ body, next }) => {
  const payload = body as { command?: unknown; text?: unknown; view?: { state?: { values?: Values } } };
  if (typeof payload.command === "string" && typeof payload.text === "string") payload.text = cleanNote(payload.text);
  cleanValues(payload.view?.state?.values);
  await next();
};
