// GitHub REST emulator for tests and `hotfix demo`: a real commit graph behind
// the 40 operations of specs/github/rest-subset.json, every request and
// answer checked against that description.
export type { CallFilter, RecordedCall } from "./calls.js";
export { GitHubEmulator, type GitHubEmulatorOptions, startGitHubEmulator } from "./emulator.js";
export type { Fault, FaultSpec } from "./faults.js";
export type { CommitObject, Sha, Signature, TagObject } from "./git/objects.js";
export type * from "./model.js";
export { EmulatedRepo, type FileChanges, SEED_DEVELOPER, type SeedCommit } from "./repo.js";
export { ACME_PAYMENTS, seedAcmePayments } from "./seed.js";
export { loadSpec } from "./spec.js";
export type { Actor } from "./users.js";
export { SpecValidator, validatorFor } from "./validate.js";
export {
  type DeploymentStatusEventOptions,
  deploymentStatusEvent,
  type PullRequestEventOptions,
  pullRequestEvent,
  sendWebhook,
  signWebhook,
  type WebhookDelivery,
  type WebhookTarget,
} from "./webhooks.js";
export type { PendingDeploymentInput, WorkflowRuns } from "./workflow-runs.js";
