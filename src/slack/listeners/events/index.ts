import type { App } from "@slack/bolt";
import type { WorkflowContext } from "../../../workflows/context.js";
import { registerAppHome } from "./app-home.js";
import { registerTimelineCapture } from "./timeline-capture.js";

export function registerEvents(app: App, ctx: WorkflowContext): void {
  registerTimelineCapture(app, ctx);
  registerAppHome(app, ctx);
}
