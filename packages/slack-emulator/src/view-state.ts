// view.state.values as Slack builds them for view_submission and
// block_actions payloads, from values a test gives in plain form: "some
// text", an option value, a user id, a Date.
import { findElement, interactiveElements, isRecord } from "./blockkit.js";
import type { JsonObject, StoredView } from "./types.js";

/** Values a test passes: by block id then action id, or by action id alone. */
export type SubmitValues = Record<string, unknown>;

/** The Slack client refuses to submit: a required input is empty or a format is wrong. */
export class SlackClientValidationError extends Error {
  constructor(readonly errors: Record<string, string>) {
    super(`Slack would not submit this view: ${JSON.stringify(errors)}`);
    this.name = "SlackClientValidationError";
  }
}

/** `{…}` literals only: a Date or an option object is a value, not a block's values. */
function isPlainObject(value: unknown): value is JsonObject {
  return isRecord(value) && Object.getPrototypeOf(value) === Object.prototype;
}

function allOptions(element: JsonObject): JsonObject[] {
  const options: JsonObject[] = [];
  if (Array.isArray(element.options)) options.push(...element.options.filter(isRecord));
  if (Array.isArray(element.option_groups)) {
    for (const group of element.option_groups) {
      if (isRecord(group) && Array.isArray(group.options)) options.push(...group.options.filter(isRecord));
    }
  }
  return options;
}

function pickOption(element: JsonObject, given: unknown): JsonObject {
  if (isRecord(given) && typeof given.value === "string") return given;
  const value = String(given);
  const option = allOptions(element).find((o) => o.value === value);
  if (option) return option;
  if (element.type === "external_select" || element.type === "multi_external_select") {
    return { text: { type: "plain_text", text: value, emoji: true }, value };
  }
  throw new Error(`Slack emulator: "${value}" is not an option of ${String(element.type)} ${String(element.action_id)}`);
}

/** An untouched select reports the listed option the initial one names. */
function initialOption(element: JsonObject, initial: unknown): unknown {
  if (!isRecord(initial)) return null;
  return allOptions(element).find((o) => o.value === initial.value) ?? initial;
}

function toSeconds(given: unknown): number {
  if (given instanceof Date) return Math.floor(given.getTime() / 1000);
  if (typeof given === "number") return Math.floor(given);
  const parsed = Date.parse(String(given));
  if (Number.isNaN(parsed)) throw new Error(`Slack emulator: not a date-time: ${String(given)}`);
  return Math.floor(parsed / 1000);
}

function toDate(given: unknown): string {
  if (given instanceof Date) return given.toISOString().slice(0, 10);
  return String(given);
}

function richText(text: string): JsonObject {
  return {
    type: "rich_text",
    elements: [{ type: "rich_text_section", elements: [{ type: "text", text }] }],
  };
}

/**
 * One element's state entry. `given` undefined means the user left it alone,
 * so its initial value (if any) is what Slack sends.
 */
export function elementState(element: JsonObject, given: unknown): JsonObject {
  const type = String(element.type);
  const set = given !== undefined;
  switch (type) {
    case "plain_text_input":
    case "email_text_input":
    case "url_text_input":
    case "number_input":
      // number_input values are strings on the wire.
      return { type, value: set ? (given === null ? null : String(given)) : (element.initial_value ?? null) };
    case "static_select":
    case "external_select":
    case "radio_buttons":
      return {
        type,
        selected_option: set ? (given === null ? null : pickOption(element, given)) : initialOption(element, element.initial_option),
      };
    case "multi_static_select":
    case "multi_external_select":
    case "checkboxes": {
      const list = set ? (Array.isArray(given) ? given : [given]) : undefined;
      return {
        type,
        selected_options: list
          ? list.map((g) => pickOption(element, g))
          : Array.isArray(element.initial_options)
            ? element.initial_options.map((o) => initialOption(element, o))
            : [],
      };
    }
    case "users_select":
      return { type, selected_user: set ? given : (element.initial_user ?? null) };
    case "multi_users_select":
      return { type, selected_users: set ? given : (element.initial_users ?? []) };
    case "conversations_select":
      return { type, selected_conversation: set ? given : (element.initial_conversation ?? null) };
    case "multi_conversations_select":
      return { type, selected_conversations: set ? given : (element.initial_conversations ?? []) };
    case "channels_select":
      return { type, selected_channel: set ? given : (element.initial_channel ?? null) };
    case "multi_channels_select":
      return { type, selected_channels: set ? given : (element.initial_channels ?? []) };
    case "datepicker":
      return { type, selected_date: set ? (given === null ? null : toDate(given)) : (element.initial_date ?? null) };
    case "timepicker":
      return { type, selected_time: set ? given : (element.initial_time ?? null) };
    case "datetimepicker":
      return {
        type,
        selected_date_time: set ? (given === null ? null : toSeconds(given)) : (element.initial_date_time ?? null),
      };
    case "rich_text_input":
      return {
        type,
        rich_text_value: set ? (typeof given === "string" ? richText(given) : given) : (element.initial_value ?? null),
      };
    case "file_input":
      return { type, files: set ? given : [] };
    default:
      return { type, value: set ? given : null };
  }
}

function isEmpty(entry: JsonObject): boolean {
  const value = Object.entries(entry).find(([key]) => key !== "type")?.[1];
  return value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
}

/** What the Slack client checks before it lets a user press Submit. */
function clientCheck(block: JsonObject, element: JsonObject, entry: JsonObject): string | undefined {
  if (isEmpty(entry)) return block.optional === true ? undefined : "Please fill out this field.";
  const value = typeof entry.value === "string" ? entry.value : undefined;
  if (value === undefined) return undefined;
  switch (element.type) {
    case "plain_text_input":
      if (typeof element.min_length === "number" && value.length < element.min_length) {
        return `Please enter at least ${element.min_length} characters.`;
      }
      if (typeof element.max_length === "number" && value.length > element.max_length) {
        return `Please enter at most ${element.max_length} characters.`;
      }
      return undefined;
    case "number_input": {
      const n = Number(value);
      if (value.trim() === "" || Number.isNaN(n)) return "Please enter a number.";
      if (element.is_decimal_allowed !== true && !Number.isInteger(n)) return "Please enter a whole number.";
      if (element.min_value !== undefined && n < Number(element.min_value)) return "The number is too small.";
      if (element.max_value !== undefined && n > Number(element.max_value)) return "The number is too large.";
      return undefined;
    }
    case "url_text_input":
      return /^https?:\/\/\S+$/.test(value) ? undefined : "Please enter a valid URL.";
    case "email_text_input":
      return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value) ? undefined : "Please enter a valid email address.";
    default:
      return undefined;
  }
}

/** Turn `{action_id: v}` / `{block_id: {action_id: v}}` into block -> action -> value. */
function placeValues(view: StoredView, values: SubmitValues): Map<string, Map<string, unknown>> {
  const placed = new Map<string, Map<string, unknown>>();
  const put = (blockId: string, actionId: string, value: unknown) => {
    const inner = placed.get(blockId) ?? new Map<string, unknown>();
    inner.set(actionId, value);
    placed.set(blockId, inner);
  };
  const elements = interactiveElements(view.blocks);
  for (const [key, value] of Object.entries(values)) {
    const block = view.blocks.find((b) => b.block_id === key);
    const byBlock =
      block !== undefined &&
      isPlainObject(value) &&
      Object.keys(value).length > 0 &&
      Object.keys(value).every((actionId) => findElement([block], actionId) !== undefined);
    if (byBlock && isPlainObject(value)) {
      for (const [actionId, inner] of Object.entries(value)) put(key, actionId, inner);
      continue;
    }
    const found = elements.find((f) => f.element.action_id === key);
    if (!found) {
      throw new Error(`Slack emulator: view ${view.callbackId || view.id} has no block_id or action_id "${key}"`);
    }
    put(String(found.block.block_id), key, value);
  }
  return placed;
}

/**
 * state.values for a submission: every input block (Slack always sends them
 * all, null when empty) plus stateful elements the user touched earlier.
 */
export function submissionState(
  view: StoredView,
  values: SubmitValues,
  options: { validate: boolean },
): Record<string, Record<string, JsonObject>> {
  const placed = placeValues(view, values);
  const out: Record<string, Record<string, JsonObject>> = {};
  const errors: Record<string, string> = {};
  for (const { block, element } of interactiveElements(view.blocks)) {
    const blockId = String(block.block_id);
    const actionId = String(element.action_id);
    const given = placed.get(blockId)?.get(actionId);
    const earlier = view.stateValues[blockId]?.[actionId];
    if (block.type !== "input" && given === undefined && !earlier) continue;
    if (element.type === "button" || element.type === "overflow") continue;
    const entry = given !== undefined ? elementState(element, given) : (earlier ?? elementState(element, undefined));
    out[blockId] = { ...(out[blockId] ?? {}), [actionId]: entry };
    if (options.validate && block.type === "input") {
      const problem = clientCheck(block, element, entry);
      if (problem) errors[blockId] = problem;
    }
  }
  if (Object.keys(errors).length > 0) throw new SlackClientValidationError(errors);
  return out;
}
