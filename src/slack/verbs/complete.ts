// `/hotfix complete`: the commander or a release captain closes the hotfix
// once the policy's gates hold; the clean-up runs from the outbox.
import { requestCompletion } from "../../workflows/complete.js";
import type { Verb } from "./registry.js";
import { inWarRoom } from "./war-room.js";

export const completeVerb: Verb = {
  name: "complete",
  usage: "complete",
  summary: "after the stability window: merge back, final tag, CHANGELOG, delete the branch, archive (commander or release captain)",
  where: "war room",
  run: inWarRoom(async ({ reply, ctx, command, ack }, incident) => {
    await ack();
    await requestCompletion(ctx, incident, command.user_id);
    await reply(":checkered_flag: Completing: merge back, final tag, CHANGELOG.md, branch deletion. Progress is posted in the war room.");
  }),
};
