// Linear's GraphQL API in memory for tests and the demo: every operation is
// parsed, validated and executed against ../shared/specs/linear/schema.graphql.
export type { CallFilter, RecordedCall, Refusal } from "./calls.js";
export { type IssueSnapshot, LinearEmulator, type LinearEmulatorOptions, startLinearEmulator } from "./emulator.js";
export type { LinearErrorBody, LinearErrorExtensions } from "./errors.js";
export type { Fault, FaultKind, FaultMatch, FaultSpec } from "./faults.js";
export type * from "./model.js";
export { SEED_LABELS, type SeededWorkspace } from "./seed.js";
export { type IssueInput, Workspace } from "./workspace.js";
