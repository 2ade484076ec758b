import type { App } from "@slack/bolt";
import type { WorkflowContext } from "../../workflows/context.js";
import { cleanSlackInput } from "../clean-input.js";
import { allVerbs } from "../verbs/index.js";
import { registerActions } from "./actions/index.js";
import { registerCommands } from "./commands/index.js";
import { registerEvents } from "./events/index.js";
import { registerShortcuts } from "./shortcuts/index.js";
import { registerViews } from "./views/index.js";

export function registerListeners(app: App, ctx: WorkflowContext): void {
  // First: every command and form field loses NUL, controls and overrides before a listener reads it.
  app.use(cleanSlackInput);
  registerCommands(app, ctx, allVerbs());
  registerViews(app, ctx);
  registerActions(app, ctx);
  registerShortcuts(app, ctx);
  registerEvents(app, ctx);
}
