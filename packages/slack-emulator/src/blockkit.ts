// Block Kit as Slack checks it. Slack refuses a message or view whose blocks
// break its limits (`invalid_blocks` for chat.*, `invalid_arguments` for
// views.*) with lines like "[ERROR] must be less than 25 characters
// [json-pointer:/view/title/text]". Only documented limits are checked, so a
// refusal here is one Slack would give too. Slack also fills in block_id and
// action_id where the app left them out, and emoji: true on plain_text
// objects; we do the same so payloads carry the ids Slack would.
import { shortId } from "./ids.js";
import type { JsonObject, ViewType } from "./types.js";

export type Surface = "message" | "modal" | "home";

const MAX_BLOCKS: Record<Surface, number> = { message: 50, modal: 100, home: 100 };

const BLOCK_TYPES = new Set([
  "section",
  "divider",
  "image",
  "actions",
  "context",
  "input",
  "header",
  "rich_text",
  "file",
  "video",
  "markdown",
  "call",
  "table",
  "context_actions",
]);

/** Interactive elements: they get an action_id and produce block_actions. */
const INTERACTIVE = new Set([
  "button",
  "checkboxes",
  "datepicker",
  "datetimepicker",
  "timepicker",
  "email_text_input",
  "file_input",
  "number_input",
  "overflow",
  "plain_text_input",
  "radio_buttons",
  "rich_text_input",
  "static_select",
  "external_select",
  "users_select",
  "conversations_select",
  "channels_select",
  "multi_static_select",
  "multi_external_select",
  "multi_users_select",
  "multi_conversations_select",
  "multi_channels_select",
  "url_text_input",
  "workflow_button",
  "feedback_buttons",
  "icon_button",
]);

/** Elements allowed as an input block's element. */
const INPUT_ELEMENTS = new Set([
  "checkboxes",
  "datepicker",
  "datetimepicker",
  "timepicker",
  "email_text_input",
  "file_input",
  "number_input",
  "plain_text_input",
  "radio_buttons",
  "rich_text_input",
  "static_select",
  "external_select",
  "users_select",
  "conversations_select",
  "channels_select",
  "multi_static_select",
  "multi_external_select",
  "multi_users_select",
  "multi_conversations_select",
  "multi_channels_select",
  "url_text_input",
]);

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

class Checker {
  readonly errors: string[] = [];

  fail(pointer: string, message: string): void {
    this.errors.push(`[ERROR] ${message} [json-pointer:${pointer}]`);
  }

  maxLength(value: unknown, max: number, pointer: string): void {
    if (typeof value === "string" && value.length > max) {
      this.fail(pointer, `must be less than ${max + 1} characters`);
    }
  }

  /** A text object; Slack adds emoji:true to plain_text when missing. */
  text(value: unknown, pointer: string, options: { max: number; plainOnly?: boolean; required?: boolean }): void {
    if (value === undefined) {
      if (options.required) this.fail(pointer, "missing required field: text");
      return;
    }
    if (!isRecord(value)) {
      this.fail(pointer, "must be a text object");
      return;
    }
    if (value.type !== "plain_text" && value.type !== "mrkdwn") {
      this.fail(`${pointer}/type`, "must be one of plain_text, mrkdwn");
      return;
    }
    if (options.plainOnly && value.type !== "plain_text") {
      this.fail(`${pointer}/type`, "must be plain_text");
    }
    if (typeof value.text !== "string") {
      this.fail(`${pointer}/text`, "missing required field: text");
      return;
    }
    if (value.text.length === 0) this.fail(`${pointer}/text`, "must be more than 0 characters");
    this.maxLength(value.text, options.max, `${pointer}/text`);
    if (value.type === "plain_text" && value.emoji === undefined) value.emoji = true;
  }

  option(value: unknown, pointer: string, plainOnly: boolean): void {
    if (!isRecord(value)) {
      this.fail(pointer, "must be an option object");
      return;
    }
    this.text(value.text, `${pointer}/text`, { max: 75, plainOnly, required: true });
    if (typeof value.value !== "string") this.fail(`${pointer}/value`, "missing required field: value");
    this.maxLength(value.value, 150, `${pointer}/value`);
    if (value.description !== undefined) {
      this.text(value.description, `${pointer}/description`, { max: 75, plainOnly });
    }
  }

  options(element: JsonObject, pointer: string, max: number, plainOnly: boolean): JsonObject[] {
    const all: JsonObject[] = [];
    if (Array.isArray(element.options)) {
      if (element.options.length > max) this.fail(`${pointer}/options`, `must have at most ${max} items`);
      element.options.forEach((o, i) => {
        this.option(o, `${pointer}/options/${i}`, plainOnly);
        if (isRecord(o)) all.push(o);
      });
    } else if (Array.isArray(element.option_groups)) {
      element.option_groups.forEach((g, gi) => {
        if (!isRecord(g) || !Array.isArray(g.options)) return;
        g.options.forEach((o, i) => {
          this.option(o, `${pointer}/option_groups/${gi}/options/${i}`, plainOnly);
          if (isRecord(o)) all.push(o);
        });
      });
    } else {
      this.fail(`${pointer}/options`, "missing required field: options");
    }
    return all;
  }

  /** initial_option(s) must be one of the options, compared by value and text. */
  initialOptions(element: JsonObject, options: JsonObject[], pointer: string): void {
    const initial = [
      ...(isRecord(element.initial_option) ? [element.initial_option] : []),
      ...(Array.isArray(element.initial_options) ? element.initial_options.filter(isRecord) : []),
    ];
    for (const chosen of initial) {
      if (!options.some((o) => o.value === chosen.value)) {
        this.fail(`${pointer}/initial_option`, "must match an option in options");
      }
    }
  }

  element(element: unknown, pointer: string, actionIds: Set<string>): void {
    if (!isRecord(element)) {
      this.fail(pointer, "must be an element object");
      return;
    }
    const type = element.type;
    if (typeof type !== "string") {
      this.fail(`${pointer}/type`, "missing required field: type");
      return;
    }
    if (INTERACTIVE.has(type)) {
      if (element.action_id === undefined) element.action_id = shortId();
      if (typeof element.action_id !== "string") {
        this.fail(`${pointer}/action_id`, "must be a string");
      } else {
        this.maxLength(element.action_id, 255, `${pointer}/action_id`);
        if (actionIds.has(element.action_id)) {
          this.fail(`${pointer}/action_id`, "must be unique within the block");
        }
        actionIds.add(element.action_id);
      }
    }
    if (element.placeholder !== undefined) {
      this.text(element.placeholder, `${pointer}/placeholder`, { max: 150, plainOnly: true });
    }
    switch (type) {
      case "button":
        this.text(element.text, `${pointer}/text`, { max: 75, plainOnly: true, required: true });
        this.maxLength(element.value, 2000, `${pointer}/value`);
        this.maxLength(element.url, 3000, `${pointer}/url`);
        if (element.style !== undefined && element.style !== "primary" && element.style !== "danger") {
          this.fail(`${pointer}/style`, "must be one of primary, danger");
        }
        break;
      case "static_select":
      case "multi_static_select": {
        const options = this.options(element, pointer, 100, true);
        this.initialOptions(element, options, pointer);
        break;
      }
      case "overflow":
        this.options(element, pointer, 5, true);
        break;
      case "checkboxes":
      case "radio_buttons": {
        const options = this.options(element, pointer, 10, false);
        this.initialOptions(element, options, pointer);
        break;
      }
      case "datepicker":
        if (element.initial_date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(element.initial_date))) {
          this.fail(`${pointer}/initial_date`, "must be in YYYY-MM-DD format");
        }
        break;
      case "timepicker":
        if (element.initial_time !== undefined && !/^\d{2}:\d{2}$/.test(String(element.initial_time))) {
          this.fail(`${pointer}/initial_time`, "must be in HH:mm format");
        }
        break;
      case "datetimepicker":
        if (element.initial_date_time !== undefined && !Number.isInteger(element.initial_date_time)) {
          this.fail(`${pointer}/initial_date_time`, "must be a UNIX timestamp in seconds");
        }
        break;
      case "plain_text_input":
        this.maxLength(element.initial_value, 3000, `${pointer}/initial_value`);
        if (typeof element.max_length === "number" && (element.max_length < 1 || element.max_length > 3000)) {
          this.fail(`${pointer}/max_length`, "must be between 1 and 3000");
        }
        break;
      case "number_input":
        if (typeof element.is_decimal_allowed !== "boolean") {
          this.fail(`${pointer}/is_decimal_allowed`, "missing required field: is_decimal_allowed");
        }
        break;
      case "image":
        if (typeof element.alt_text !== "string") this.fail(`${pointer}/alt_text`, "missing required field: alt_text");
        break;
      case "plain_text":
      case "mrkdwn":
        this.text(element, pointer, { max: 3000 });
        break;
      default:
        if (!INTERACTIVE.has(type)) this.fail(`${pointer}/type`, `unknown element type ${type}`);
    }
  }

  block(block: unknown, pointer: string, blockIds: Set<string>): void {
    if (!isRecord(block)) {
      this.fail(pointer, "must be a block object");
      return;
    }
    const type = block.type;
    if (typeof type !== "string" || !BLOCK_TYPES.has(type)) {
      this.fail(`${pointer}/type`, `unknown block type ${String(type)}`);
      return;
    }
    if (block.block_id === undefined) block.block_id = shortId();
    if (typeof block.block_id !== "string") {
      this.fail(`${pointer}/block_id`, "must be a string");
    } else {
      this.maxLength(block.block_id, 255, `${pointer}/block_id`);
      if (blockIds.has(block.block_id)) this.fail(`${pointer}/block_id`, "must be unique");
      blockIds.add(block.block_id);
    }
    const actionIds = new Set<string>();
    switch (type) {
      case "section":
        if (block.text === undefined && block.fields === undefined) {
          this.fail(pointer, "must provide text or fields");
        }
        this.text(block.text, `${pointer}/text`, { max: 3000 });
        if (Array.isArray(block.fields)) {
          if (block.fields.length > 10) this.fail(`${pointer}/fields`, "must have at most 10 items");
          block.fields.forEach((f, i) => {
            this.text(f, `${pointer}/fields/${i}`, { max: 2000, required: true });
          });
        }
        if (block.accessory !== undefined) this.element(block.accessory, `${pointer}/accessory`, actionIds);
        break;
      case "header":
        this.text(block.text, `${pointer}/text`, { max: 150, plainOnly: true, required: true });
        break;
      case "actions":
        if (!Array.isArray(block.elements) || block.elements.length === 0) {
          this.fail(`${pointer}/elements`, "must have at least 1 item");
          break;
        }
        if (block.elements.length > 25) this.fail(`${pointer}/elements`, "must have at most 25 items");
        block.elements.forEach((e, i) => {
          this.element(e, `${pointer}/elements/${i}`, actionIds);
        });
        break;
      case "context":
        if (!Array.isArray(block.elements) || block.elements.length === 0) {
          this.fail(`${pointer}/elements`, "must have at least 1 item");
          break;
        }
        if (block.elements.length > 10) this.fail(`${pointer}/elements`, "must have at most 10 items");
        block.elements.forEach((e, i) => {
          this.element(e, `${pointer}/elements/${i}`, actionIds);
        });
        break;
      case "input":
        this.text(block.label, `${pointer}/label`, { max: 2000, plainOnly: true, required: true });
        this.text(block.hint, `${pointer}/hint`, { max: 2000, plainOnly: true });
        if (!isRecord(block.element)) {
          this.fail(`${pointer}/element`, "missing required field: element");
          break;
        }
        if (!INPUT_ELEMENTS.has(String(block.element.type))) {
          this.fail(`${pointer}/element/type`, `${String(block.element.type)} is not allowed in an input block`);
        }
        this.element(block.element, `${pointer}/element`, actionIds);
        break;
      case "image":
        if (typeof block.alt_text !== "string") this.fail(`${pointer}/alt_text`, "missing required field: alt_text");
        this.maxLength(block.alt_text, 2000, `${pointer}/alt_text`);
        this.text(block.title, `${pointer}/title`, { max: 2000, plainOnly: true });
        break;
      case "markdown":
        this.maxLength(block.text, 12000, `${pointer}/text`);
        break;
      default:
        break;
    }
  }
}

export interface BlocksResult {
  blocks: JsonObject[];
  errors: string[];
}

/** Validate and complete blocks (mutates a deep copy, never the caller's object). */
export function normalizeBlocks(input: unknown, surface: Surface, pointer: string): BlocksResult {
  const checker = new Checker();
  if (!Array.isArray(input)) {
    checker.fail(pointer, "must be an array");
    return { blocks: [], errors: checker.errors };
  }
  const blocks = structuredClone(input) as unknown[];
  if (blocks.length > MAX_BLOCKS[surface]) {
    checker.fail(pointer, `must have at most ${MAX_BLOCKS[surface]} items`);
  }
  const blockIds = new Set<string>();
  blocks.forEach((block, i) => {
    checker.block(block, `${pointer}/${i}`, blockIds);
  });
  return { blocks: blocks.filter(isRecord), errors: checker.errors };
}

export interface ViewResult {
  definition: JsonObject;
  blocks: JsonObject[];
  errors: string[];
  tooLarge: boolean;
}

/** Slack refuses views over 250 kB with view_too_large. */
const MAX_VIEW_BYTES = 250 * 1024;

export function normalizeView(input: unknown, allowed: readonly ViewType[]): ViewResult {
  const checker = new Checker();
  if (!isRecord(input)) {
    checker.fail("/view", "must be an object");
    return { definition: {}, blocks: [], errors: checker.errors, tooLarge: false };
  }
  const tooLarge = Buffer.byteLength(JSON.stringify(input)) > MAX_VIEW_BYTES;
  const definition = structuredClone(input);
  const type = definition.type;
  if (typeof type !== "string" || !allowed.includes(type as ViewType)) {
    checker.fail("/view/type", `must be one of ${allowed.join(", ")}`);
  }
  if (type === "modal") {
    checker.text(definition.title, "/view/title", { max: 24, plainOnly: true, required: true });
    checker.text(definition.close, "/view/close", { max: 24, plainOnly: true });
    checker.text(definition.submit, "/view/submit", { max: 24, plainOnly: true });
  }
  checker.maxLength(definition.callback_id, 255, "/view/callback_id");
  checker.maxLength(definition.private_metadata, 3000, "/view/private_metadata");
  checker.maxLength(definition.external_id, 255, "/view/external_id");
  const surface: Surface = type === "home" ? "home" : "modal";
  const result = normalizeBlocks(definition.blocks ?? [], surface, "/view/blocks");
  checker.errors.push(...result.errors);
  if (type === "modal" && definition.submit === undefined && result.blocks.some((b) => b.type === "input")) {
    checker.fail("/view/submit", "submit is required when a view has input blocks");
  }
  definition.blocks = result.blocks;
  return { definition, blocks: result.blocks, errors: checker.errors, tooLarge };
}

export interface FoundElement {
  block: JsonObject;
  element: JsonObject;
}

/** Every interactive element with the block that holds it, in order. */
export function interactiveElements(blocks: readonly JsonObject[]): FoundElement[] {
  const found: FoundElement[] = [];
  for (const block of blocks) {
    const candidates: unknown[] = [];
    if (block.type === "actions" && Array.isArray(block.elements)) candidates.push(...block.elements);
    if (block.type === "section") candidates.push(block.accessory);
    if (block.type === "input") candidates.push(block.element);
    for (const element of candidates) {
      if (isRecord(element) && typeof element.action_id === "string") found.push({ block, element });
    }
  }
  return found;
}

export function findElement(blocks: readonly JsonObject[], actionId: string, blockId?: string): FoundElement | undefined {
  return interactiveElements(blocks).find((f) => f.element.action_id === actionId && (!blockId || f.block.block_id === blockId));
}
