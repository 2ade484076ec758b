import type { App } from "@slack/bolt";
import type { WorkflowContext } from "../../../workflows/context.js";
import { registerDeclareView } from "./declare.js";
import { registerGuardrailsView } from "./guardrails.js";
import { registerReleaseView } from "./release.js";
import { registerTimelineView } from "./timeline.js";
import { registerUatViews } from "./uat.js";
import { registerWaiverView } from "./waiver.js";

export function registerViews(app: App, ctx: WorkflowContext): void {
  registerDeclareView(app, ctx);
  registerReleaseView(app, ctx);
  registerUatViews(app, ctx);
  registerGuardrailsView(app, ctx);
  registerWaiverView(app, ctx);
  registerTimelineView(app, ctx);
}
