// Every /hotfix verb, in the order `/hotfix help` lists them.
import { declareVerb } from "./declare.js";
import { helpVerb } from "./help.js";
import { phaseVerb, resolveVerb, roleVerb, severityVerb, updateVerb } from "./incident-verbs.js";
import type { Verb } from "./registry.js";
import { statusVerb } from "./status.js";

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
    helpVerb(() => verbs),
  );
  return verbs;
}
