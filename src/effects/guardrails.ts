// The guardrails' posts in the war room: thresholds tuned (with the dashboard
// links), a breach (mentioning the on-call), a recovery. Each is one outbox
// row, posted once even when the step runs again; rendered by
// slack/blocks/guardrails.ts, which escapes every text an alert sender or a
// person wrote.
import { guardrailMessage } from "../slack/blocks/guardrails.js";
import { defineStep, type OutboxRow } from "./define.js";
import { type GuardrailPost, guardrailPostSchema } from "./guardrail-messages.js";
import { postOnce } from "./support.js";

const afterChannel = () => ["channel"];

const post = defineStep({
  prefix: "guardrail-post",
  params: guardrailPostSchema,
  describe: (p) => `post the guardrail ${p.kind === "tuned" ? "thresholds" : p.kind} in the war room`,
  dependsOn: afterChannel,
  async run(ctx, run) {
    const ts = await postOnce(ctx, run, guardrailMessage(run.params));
    return { ts };
  },
});

export const guardrailEffects = {
  post: (message: GuardrailPost, id: string): OutboxRow => post.row(message, id),
};

export const GUARDRAIL_STEPS = [post];
