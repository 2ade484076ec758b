// `/hotfix postmortem`: the post-mortem as a Markdown file in the war room
// (queued: rendered and uploaded by the outbox after the ack).
import { requestPostmortem } from "../../workflows/postmortem.js";
import type { Verb } from "./registry.js";
import { inWarRoom } from "./war-room.js";

export const postmortemVerb: Verb = {
  name: "postmortem",
  usage: "postmortem",
  summary: "upload the post-mortem (Markdown, from the curated timeline) into this war room",
  where: "war room",
  run: inWarRoom(async ({ ctx, command, reply }, incident) => {
    await requestPostmortem(ctx, incident, command.user_id);
    await reply(
      ":memo: Rendering the post-mortem from the timeline; the file appears here in a moment. `/hotfix timeline` corrects markers and events first.",
    );
  }),
};
