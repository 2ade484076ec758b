// Every /hotfix verb, in the order `/hotfix help` lists them.
import { branchVerb } from "./branch.js";
import { completeVerb } from "./complete.js";
import { declareVerb } from "./declare.js";
import { deployedVerb } from "./deployed.js";
import { guardrailsVerb } from "./guardrails.js";
import { helpVerb } from "./help.js";
import { phaseVerb, resolveVerb, roleVerb, severityVerb, updateVerb } from "./incident-verbs.js";
import { postmortemVerb } from "./postmortem.js";
import type { Verb } from "./registry.js";
import { releaseVerb } from "./release.js";
import { retryVerb } from "./retry.js";
import { rollbackVerb } from "./rollback.js";
import { statusVerb } from "./status.js";
import { tagVerb } from "./tag.js";
import { timelineVerb } from "./timeline.js";
import { followupsVerb, uatVerb } from "./uat.js";
import { waiverVerb } from "./waiver.js";

export function allVerbs(): Verb[] {
  const verbs: Verb[] = [];
  verbs.push(
    declareVerb,
    statusVerb,
    severityVerb,
    roleVerb,
    updateVerb,
    phaseVerb,
    resolveVerb,
    retryVerb,
    // The record: curated timeline and post-mortem.
    timelineVerb,
    postmortemVerb,
    // The release lane (GitHub).
    branchVerb,
    tagVerb,
    releaseVerb,
    deployedVerb,
    rollbackVerb,
    completeVerb,
    // Stakeholder UAT and the follow-ups (Linear).
    uatVerb,
    followupsVerb,
    // Guardrails and waivers (runbooks 000 §2, 001 §2, 004).
    guardrailsVerb,
    waiverVerb,
    helpVerb(() => verbs),
  );
  return verbs;
}
