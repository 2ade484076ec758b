// Every outbox effect of the release lane, for `allEffects()`: each GitHub
// write is one of these, queued in the same transaction as the state change
// and timeline event that asked for it, and safe to run again after a crash.
import type { EffectDefinition } from "../jobs/side-effects.js";
import { BRANCH_EFFECTS } from "./branch.js";
import { COMPLETE_EFFECTS } from "./complete.js";
import { RELEASE_EFFECTS } from "./release.js";
import { ROLLBACK_EFFECTS } from "./rollback.js";
import { TAG_EFFECTS } from "./tag.js";

export const RELEASE_LANE_EFFECTS: EffectDefinition[] = [
  ...BRANCH_EFFECTS,
  ...TAG_EFFECTS,
  ...RELEASE_EFFECTS,
  ...ROLLBACK_EFFECTS,
  ...COMPLETE_EFFECTS,
];
