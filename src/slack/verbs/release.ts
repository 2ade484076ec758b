// `/hotfix release`: the release form. It opens at once (a trigger_id lives
// 3 s), then fills in from GitHub: parent, next version, fix commit, gates.
import { errorText } from "../../jobs/side-effects.js";
import { githubOrRefuse } from "../../workflows/lane-support.js";
import { refuseRelease, releaseDefaults } from "../../workflows/release.js";
import { type ReleaseModalMetadata, releaseErrorModal, releaseLoadingModal, releaseModal } from "../blocks/release-lane.js";
import type { Verb } from "./registry.js";
import { inWarRoom } from "./war-room.js";

export const releaseVerb: Verb = {
  name: "release",
  usage: "release",
  summary: "release the fix: checks ancestry and gates, then tags and releases (or dispatches the release workflow)",
  where: "war room",
  run: inWarRoom(async ({ command, client, ctx, ack, reply }, incident) => {
    githubOrRefuse(ctx);
    await refuseRelease(ctx, incident, command.user_id);
    await ack();
    const metadata: ReleaseModalMetadata = { incidentId: incident.id, channelId: command.channel_id };
    let viewId: string | undefined;
    try {
      viewId = (await client.views.open({ trigger_id: command.trigger_id, view: releaseLoadingModal(metadata) })).view?.id;
    } catch (error) {
      ctx.logger.warn({ err: error }, "could not open the release form");
      return reply(":x: Slack did not let me open the form in time. Run `/hotfix release` again.");
    }
    if (!viewId) return;
    try {
      const defaults = await releaseDefaults(ctx, incident);
      await client.views.update({ view_id: viewId, view: releaseModal(incident, defaults, metadata) });
    } catch (error) {
      ctx.logger.warn({ err: error }, "could not fill in the release form");
      await client.views
        .update({
          view_id: viewId,
          view: releaseErrorModal(metadata, `Could not read GitHub: ${errorText(error)}. Nothing was changed; close this and try again.`),
        })
        .catch(() => undefined);
    }
  }),
};
