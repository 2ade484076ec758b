import { SlackApiError, withMessages } from "../errors.js";
import { renderView } from "../render.js";
import type { StoredView } from "../types.js";
import { checkExternalId, checkTrigger, createView, openModal, openStackTop, parseView, pushModal, replaceView } from "../view-store.js";
import type { MethodContext, MethodTable } from "./context.js";

function triggerParam(ctx: MethodContext): string {
  const id = ctx.params.str("trigger_id") ?? ctx.params.str("interactivity_pointer");
  if (!id) throw withMessages("invalid_arguments", ["[ERROR] missing required field: trigger_id"]);
  return id;
}

function viewParam(ctx: MethodContext): unknown {
  const view = ctx.params.json("view");
  if (view === undefined) throw withMessages("invalid_arguments", ["[ERROR] missing required field: view"]);
  return view;
}

function checkHash(ctx: MethodContext, view: StoredView): void {
  const hash = ctx.params.str("hash");
  if (hash && hash !== view.hash) throw new SlackApiError("hash_conflict");
}

export const viewMethods: MethodTable = {
  "views.open": (ctx) => {
    const trigger = checkTrigger(ctx.state, triggerParam(ctx));
    const result = parseView(viewParam(ctx), ["modal"]);
    checkExternalId(ctx.state, String(result.definition.external_id ?? ""));
    trigger.used = true;
    const view = openModal(ctx.state, result, trigger.userId);
    return { view: renderView(view, ctx.state) };
  },

  "views.push": (ctx) => {
    const trigger = checkTrigger(ctx.state, triggerParam(ctx));
    const result = parseView(viewParam(ctx), ["modal"]);
    checkExternalId(ctx.state, String(result.definition.external_id ?? ""));
    // Pushing needs a modal already open for the user who clicked.
    const onto = openStackTop(ctx.state, trigger.userId, trigger.viewId);
    if (!onto) throw new SlackApiError("not_found");
    const view = pushModal(ctx.state, result, onto);
    trigger.used = true;
    return { view: renderView(view, ctx.state) };
  },

  "views.update": (ctx) => {
    const viewId = ctx.params.str("view_id");
    const externalId = ctx.params.str("external_id");
    if (!viewId && !externalId) {
      throw withMessages("invalid_arguments", ["[ERROR] either view_id or external_id is required"]);
    }
    const view = viewId ? ctx.state.viewStore.get(viewId) : [...ctx.state.viewStore.values()].find((v) => v.externalId === externalId);
    // A closed modal can no longer be updated.
    if (view?.status !== "open") throw new SlackApiError("not_found");
    checkHash(ctx, view);
    const result = parseView(viewParam(ctx), [view.type]);
    checkExternalId(ctx.state, String(result.definition.external_id ?? ""), view.id);
    replaceView(ctx.state, view, result);
    return { view: renderView(view, ctx.state) };
  },

  "views.publish": (ctx) => {
    const userId = ctx.params.str("user_id");
    const user = userId ? ctx.state.users.get(userId) : undefined;
    if (!userId || !user || user.deleted) {
      throw withMessages("invalid_arguments", ["invalid `user_id`"]);
    }
    if (!ctx.state.features.homeTab) throw new SlackApiError("not_enabled");
    const result = parseView(viewParam(ctx), ["home"]);
    const existing = ctx.state.homeView(userId);
    if (existing) {
      checkHash(ctx, existing);
      checkExternalId(ctx.state, String(result.definition.external_id ?? ""), existing.id);
      replaceView(ctx.state, existing, result);
      return { view: renderView(existing, ctx.state) };
    }
    checkExternalId(ctx.state, String(result.definition.external_id ?? ""));
    const view = createView(ctx.state, result, userId);
    ctx.state.homeViews.set(userId, view.id);
    return { view: renderView(view, ctx.state) };
  },
};
