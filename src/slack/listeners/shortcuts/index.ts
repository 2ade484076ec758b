import type { App } from "@slack/bolt";
import type { WorkflowContext } from "../../../workflows/context.js";
import { registerAddToTimeline } from "./add-to-timeline.js";
import { registerDeclareShortcut } from "./declare.js";

export function registerShortcuts(app: App, ctx: WorkflowContext): void {
  registerAddToTimeline(app, ctx);
  registerDeclareShortcut(app, ctx);
}
