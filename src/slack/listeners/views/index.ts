import type { App } from "@slack/bolt";
import type { WorkflowContext } from "../../../workflows/context.js";
import { registerDeclareView } from "./declare.js";
import { registerReleaseView } from "./release.js";
import { registerTimelineView } from "./timeline.js";

export function registerViews(app: App, ctx: WorkflowContext): void {
  registerDeclareView(app, ctx);
  registerReleaseView(app, ctx);
  registerTimelineView(app, ctx);
}
