// `/hotfix declare [title]`: open the form at once. The trigger_id lives 3 s
// and works once, so views.open comes before anything else.
import { declareModal } from "../blocks/declare-modal.js";
import type { Verb } from "./registry.js";

export const declareVerb: Verb = {
  name: "declare",
  usage: "declare [title]",
  summary: "declare a hotfix incident: opens the form, then the war room",
  async run({ command, client, ctx, ack, reply, rest }) {
    await ack();
    try {
      await client.views.open({
        trigger_id: command.trigger_id,
        view: declareModal({
          title: rest,
          declaredBy: command.user_id,
          policy: ctx.config.policy,
          now: ctx.now(),
          metadata: { originChannelId: command.channel_id, responseUrl: command.response_url },
        }),
      });
    } catch (error) {
      ctx.logger.warn({ err: error }, "could not open the declare form");
      await reply(":x: Slack did not let me open the form in time. Run `/hotfix declare` again.");
    }
  },
};
