// Workflows take the app's context (src/context.ts); the name stays for readers of a workflow.
export type { AppContext, WorkflowContext } from "../context.js";
