import type { App } from "@slack/bolt";
import type { WorkflowContext } from "../../../workflows/context.js";

export function registerActions(_app: App, _ctx: WorkflowContext): void {}
