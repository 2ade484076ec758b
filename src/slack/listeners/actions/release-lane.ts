// The release lane's buttons: "Create branch" under `/hotfix branch`'s
// preview, "Roll back" under `/hotfix rollback`'s, and Cancel. The preview
// message is replaced by what happened.
import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import { findIncident } from "../../../store/incidents.js";
import { type ParentSource, requestBranch } from "../../../workflows/branch.js";
import type { WorkflowContext } from "../../../workflows/context.js";
import { requestLegacyDeletion } from "../../../workflows/legacy-branches.js";
import { RefusedError } from "../../../workflows/refused.js";
import { requestRollback } from "../../../workflows/rollback.js";
import { escapeMrkdwn } from "../../blocks/escape.js";
import { refusalText } from "../../blocks/refusals.js";
import {
  BRANCH_CREATE_ACTION,
  type BranchButtonValue,
  LANE_CANCEL_ACTION,
  ROLLBACK_CONFIRM_ACTION,
  type RollbackButtonValue,
} from "../../blocks/release-lane.js";
import { LEGACY_DELETE_ACTION, type LegacyButtonValue } from "../../blocks/release-lane-messages.js";

function parse<T>(text: string | undefined): T | undefined {
  try {
    return text ? (JSON.parse(text) as T) : undefined;
  } catch {
    return undefined;
  }
}

export function registerReleaseLaneActions(app: App, ctx: WorkflowContext): void {
  app.action<BlockAction<ButtonAction>>(BRANCH_CREATE_ACTION, async ({ ack, body, action, respond }) => {
    await ack();
    const value = parse<BranchButtonValue>(action.value);
    const incident = value ? await findIncident(ctx.prisma, value.i) : null;
    if (!value || !incident || (body.channel?.id && incident.warRoomChannelId !== body.channel.id)) {
      await respond({ replace_original: true, text: ":no_entry: This button belongs to another war room." });
      return;
    }
    try {
      await requestBranch(
        ctx,
        incident,
        { branch: value.b, parentTag: value.p, parentSha: value.s, source: value.src as ParentSource },
        body.user.id,
      );
      await respond({
        replace_original: true,
        text: `:deciduous_tree: Creating \`${value.b}\` from ${value.p} (\`${value.s.slice(0, 7)}\`)… the war room hears when it is there.`,
      });
    } catch (error) {
      if (!(error instanceof RefusedError)) throw error;
      await respond({ replace_original: true, text: `:no_entry: ${refusalText(error)}` });
    }
  });

  app.action<BlockAction<ButtonAction>>(ROLLBACK_CONFIRM_ACTION, async ({ ack, body, action, respond }) => {
    await ack();
    const value = parse<RollbackButtonValue>(action.value);
    const incident = value ? await findIncident(ctx.prisma, value.i) : null;
    if (!value || !incident || (body.channel?.id && incident.warRoomChannelId !== body.channel.id)) {
      await respond({ replace_original: true, text: ":no_entry: This button belongs to another war room." });
      return;
    }
    if (incident.releaseTag !== value.t) {
      await respond({
        replace_original: true,
        text: `:no_entry: The release is ${incident.releaseTag ?? "gone"} now, not ${value.t}; run \`/hotfix rollback\` again.`,
      });
      return;
    }
    try {
      await requestRollback(ctx, incident, body.user.id, value.r);
      await respond({ replace_original: true, text: `:rewind: Rolling back ${value.t}: marking it pre-release on GitHub and announcing.` });
    } catch (error) {
      if (!(error instanceof RefusedError)) throw error;
      await respond({ replace_original: true, text: `:no_entry: ${refusalText(error)}` });
    }
  });

  app.action<BlockAction<ButtonAction>>(LEGACY_DELETE_ACTION, async ({ ack, body, action, respond }) => {
    await ack();
    const value = parse<LegacyButtonValue>(action.value);
    const incident = value ? await findIncident(ctx.prisma, value.i) : null;
    if (!value || !incident) {
      await respond({ replace_original: false, response_type: "ephemeral", text: ":no_entry: This button names no incident." });
      return;
    }
    try {
      await requestLegacyDeletion(ctx, incident, { branch: value.b, sha: value.s }, body.user.id);
      await respond({
        replace_original: false,
        response_type: "ephemeral",
        text: `:broom: Deleting \`${escapeMrkdwn(value.b)}\` on GitHub.`,
      });
    } catch (error) {
      if (!(error instanceof RefusedError)) throw error;
      await respond({ replace_original: false, response_type: "ephemeral", text: `:no_entry: ${refusalText(error)}` });
    }
  });

  app.action<BlockAction<ButtonAction>>(LANE_CANCEL_ACTION, async ({ ack, respond }) => {
    await ack();
    await respond({ delete_original: true });
  });
}
