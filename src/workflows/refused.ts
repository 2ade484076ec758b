// A request the product will not carry out, and why. Workflows throw it
// before changing anything (or inside the transaction, which then rolls
// back); listeners show it to the person (slack/blocks/refusals.ts). Nothing
// was changed when it is thrown. A permission refusal keeps its data
// (`refusal`); its message names the commander the way Slack shows people,
// so the message reads the same wherever it ends up.
import { type PermissionRefusal, refusalWords } from "../domain/permissions.js";

export class RefusedError extends Error {
  /** Set when the refusal is about who may do it: the listener names them. */
  readonly refusal: PermissionRefusal | undefined;

  constructor(reason: string | PermissionRefusal) {
    super(typeof reason === "string" ? reason : refusalWords(reason, (id) => `<@${id}>`));
    this.name = "RefusedError";
    this.refusal = typeof reason === "string" ? undefined : reason;
  }
}
