// `/hotfix rollback [reason]`: the rollback points and what will happen, then
// a confirm button (danger) that marks the release pre-release and announces.
import { previewRollback } from "../../workflows/rollback.js";
import { rollbackPreviewMessage } from "../blocks/release-lane.js";
import type { Verb } from "./registry.js";
import { inWarRoom } from "./war-room.js";

export const rollbackVerb: Verb = {
  name: "rollback",
  usage: "rollback [reason]",
  summary: "show the rollback points, then mark the release pre-release with a warning and announce it",
  where: "war room",
  run: inWarRoom(async ({ rest, reply, ctx, command }, incident) => {
    const preview = await previewRollback(ctx, incident, command.user_id);
    await reply(rollbackPreviewMessage(incident, preview, rest.trim() || undefined));
  }),
};
