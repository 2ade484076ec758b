import type { App } from "@slack/bolt";
import type { WorkflowContext } from "../../../workflows/context.js";
import { registerCardActions } from "./card.js";
import { registerPostmortemActions } from "./postmortem.js";
import { registerReleaseLaneActions } from "./release-lane.js";
import { registerTimelineActions } from "./timeline.js";
import { registerUatActions } from "./uat.js";
import { registerWaiverActions } from "./waivers.js";

export function registerActions(app: App, ctx: WorkflowContext): void {
  registerCardActions(app, ctx);
  registerReleaseLaneActions(app, ctx);
  registerUatActions(app, ctx);
  registerWaiverActions(app, ctx);
  registerTimelineActions(app, ctx);
  registerPostmortemActions(app, ctx);
}
