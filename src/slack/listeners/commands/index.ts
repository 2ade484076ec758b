import type { App } from "@slack/bolt";
import type { WorkflowContext } from "../../../workflows/context.js";
import type { Verb } from "../../verbs/registry.js";
import { registerHotfixCommand } from "./hotfix.js";

export function registerCommands(app: App, ctx: WorkflowContext, verbs: Verb[]): void {
  registerHotfixCommand(app, ctx, verbs);
}
