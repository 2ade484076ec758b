// A refusal as the person who asked reads it: what was refused and who can
// unblock it, with the commander named.
import { type PermissionRefusal, refusalWords } from "../../domain/permissions.js";
import type { RefusedError } from "../../workflows/refused.js";
import { mention } from "./block-kit.js";

export function permissionRefusalText(refusal: PermissionRefusal): string {
  return refusalWords(refusal, mention);
}

/** The text of any refusal. */
export function refusalText(error: RefusedError): string {
  return error.refusal ? permissionRefusalText(error.refusal) : error.message;
}
