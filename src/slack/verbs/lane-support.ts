// Shared by the release-lane verbs: GitHub's failures said plainly, so an
// on-call engineer knows nothing was changed and what to do next.
import { githubMessage, githubStatus } from "../../integrations/github.js";
import { RefusedError } from "../../workflows/refused.js";
import type { VerbInvocation } from "./registry.js";

/** Runs a verb's GitHub reads; a GitHub failure becomes an ephemeral answer instead of a generic error. */
export async function readingGitHub(invocation: VerbInvocation, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (error instanceof RefusedError) throw error;
    const status = githubStatus(error);
    if (status === undefined) throw error;
    invocation.ctx.logger.warn({ err: error }, "GitHub read failed");
    await invocation.reply(`:x: GitHub answered ${status} (${githubMessage(error)}). Nothing was changed; try again in a moment.`);
  }
}
