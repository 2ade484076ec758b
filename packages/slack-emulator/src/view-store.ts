// Modal stacks and Home tabs, shared by the views.* methods and by the
// interaction side (a view_submission answered with response_action
// update/push/clear changes the same stacks).
import { normalizeView, type ViewResult } from "./blockkit.js";
import { SlackApiError, withMessages } from "./errors.js";
import { slackId, viewHash } from "./ids.js";
import { TRIGGER_TTL_MS, type WorkspaceState } from "./state.js";
import type { JsonObject, StoredView, Trigger, ViewType } from "./types.js";

/** Slack allows three views in a modal stack, the root included. */
export const MAX_STACK = 3;

/** Refusals of a view payload, in Slack's words. */
export function checkViewResult(result: ViewResult): void {
  if (result.tooLarge) throw new SlackApiError("view_too_large");
  if (result.errors.length > 0) throw withMessages("invalid_arguments", result.errors);
}

export function parseView(input: unknown, allowed: readonly ViewType[]): ViewResult {
  const result = normalizeView(input, allowed);
  checkViewResult(result);
  return result;
}

/**
 * A trigger_id works once and for 3 seconds. Checked before the view is
 * validated, and spent only when the call succeeds.
 */
export function checkTrigger(state: WorkspaceState, id: string): Trigger {
  const trigger = state.triggers.get(id);
  if (!trigger) throw new SlackApiError("invalid_trigger_id");
  if (trigger.used) throw new SlackApiError("exchanged_trigger_id");
  if (state.clock.now() - trigger.issuedAt > TRIGGER_TTL_MS) {
    throw new SlackApiError("expired_trigger_id");
  }
  return trigger;
}

export function checkExternalId(state: WorkspaceState, externalId: string, exceptViewId?: string): void {
  if (!externalId) return;
  for (const view of state.viewStore.values()) {
    if (view.externalId === externalId && view.id !== exceptViewId) {
      throw new SlackApiError("duplicate_external_id");
    }
  }
}

function applyDefinition(view: StoredView, result: ViewResult): void {
  const d = result.definition;
  view.definition = d;
  view.blocks = result.blocks;
  view.callbackId = typeof d.callback_id === "string" ? d.callback_id : "";
  view.privateMetadata = typeof d.private_metadata === "string" ? d.private_metadata : "";
  view.externalId = typeof d.external_id === "string" ? d.external_id : "";
  const title = d.title as JsonObject | undefined;
  view.title = typeof title?.text === "string" ? title.text : "";
}

export function createView(
  state: WorkspaceState,
  result: ViewResult,
  userId: string,
  place: { rootViewId?: string; previousViewId?: string } = {},
): StoredView {
  const id = slackId("V");
  const now = state.clock.now();
  const view: StoredView = {
    id,
    type: result.definition.type === "home" ? "home" : "modal",
    userId,
    definition: {},
    blocks: [],
    callbackId: "",
    privateMetadata: "",
    externalId: "",
    title: "",
    hash: viewHash(now),
    rootViewId: place.rootViewId ?? id,
    previousViewId: place.previousViewId ?? null,
    stateValues: {},
    status: "open",
    openedAt: now,
    updatedAt: now,
    history: [],
  };
  applyDefinition(view, result);
  view.history.push({ hash: view.hash, definition: view.definition, at: now });
  state.viewStore.set(id, view);
  return view;
}

/** views.update / response_action update: same id, new hash, inputs the user typed survive. */
export function replaceView(state: WorkspaceState, view: StoredView, result: ViewResult): void {
  applyDefinition(view, result);
  const kept: StoredView["stateValues"] = {};
  for (const block of view.blocks) {
    const blockId = String(block.block_id ?? "");
    const element = block.element as JsonObject | undefined;
    const actionId = typeof element?.action_id === "string" ? element.action_id : undefined;
    const value = actionId ? view.stateValues[blockId]?.[actionId] : undefined;
    if (actionId && value) kept[blockId] = { [actionId]: value };
  }
  view.stateValues = kept;
  view.hash = viewHash(state.clock.now());
  view.updatedAt = state.clock.now();
  view.history.push({ hash: view.hash, definition: view.definition, at: view.updatedAt });
}

/** Open a new modal for a user; a modal already on their screen is replaced. */
export function openModal(state: WorkspaceState, result: ViewResult, userId: string): StoredView {
  for (const [rootId, stack] of state.viewStacks) {
    const root = state.viewStore.get(rootId);
    if (root?.userId === userId && stack.length > 0) closeStack(state, rootId);
  }
  const view = createView(state, result, userId);
  state.viewStacks.set(view.id, [view.id]);
  return view;
}

export function pushModal(state: WorkspaceState, result: ViewResult, onto: StoredView): StoredView {
  const stack = state.viewStacks.get(onto.rootViewId) ?? [];
  if (stack.length >= MAX_STACK) throw new SlackApiError("push_limit_reached");
  const top = stack.at(-1) ?? onto.id;
  const view = createView(state, result, onto.userId, { rootViewId: onto.rootViewId, previousViewId: top });
  stack.push(view.id);
  state.viewStacks.set(onto.rootViewId, stack);
  return view;
}

/** The user's open modal: the one a trigger came from, else their latest. */
export function openStackTop(state: WorkspaceState, userId: string, fromViewId?: string): StoredView | undefined {
  const from = fromViewId ? state.viewStore.get(fromViewId) : undefined;
  const roots = from ? [from.rootViewId] : [...state.viewStacks.keys()].reverse();
  for (const rootId of roots) {
    const stack = state.viewStacks.get(rootId) ?? [];
    const top = state.viewStore.get(stack.at(-1) ?? "");
    if (top && top.userId === userId && top.status === "open") return top;
  }
  return undefined;
}

export function closeStack(state: WorkspaceState, rootViewId: string): void {
  for (const id of state.viewStacks.get(rootViewId) ?? []) {
    const view = state.viewStore.get(id);
    if (view) view.status = "closed";
  }
  state.viewStacks.set(rootViewId, []);
}

/** Close the top view only; the one below it shows again. */
export function closeTop(state: WorkspaceState, view: StoredView): void {
  const stack = state.viewStacks.get(view.rootViewId) ?? [];
  const index = stack.indexOf(view.id);
  if (index === -1) {
    view.status = "closed";
    return;
  }
  for (const id of stack.splice(index)) {
    const closed = state.viewStore.get(id);
    if (closed) closed.status = "closed";
  }
}
