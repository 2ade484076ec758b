// Global shortcut "Declare a hotfix" (manifest: declare_hotfix): the declare
// form from anywhere in Slack, the same as `/hotfix declare`. The trigger_id
// lives 3 s and works once, so views.open comes right after the ack.
import type { App, GlobalShortcut, SlackShortcutMiddlewareArgs } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { WorkflowContext } from "../../../workflows/context.js";
import { declareModal } from "../../blocks/declare-modal.js";

export const DECLARE_SHORTCUT = "declare_hotfix";

export const declareShortcut =
  (ctx: WorkflowContext) =>
  async ({
    ack,
    shortcut,
    client,
  }: Pick<SlackShortcutMiddlewareArgs<GlobalShortcut>, "ack" | "shortcut"> & { client: Pick<WebClient, "views"> }): Promise<void> => {
    await ack();
    // No channel to answer in: the declarer hears where the war room is by DM.
    await client.views.open({
      trigger_id: shortcut.trigger_id,
      view: declareModal({ declaredBy: shortcut.user.id, policy: ctx.config.policy, now: ctx.now(), metadata: {} }),
    });
  };

export function registerDeclareShortcut(app: App, ctx: WorkflowContext): void {
  app.shortcut<GlobalShortcut>(DECLARE_SHORTCUT, declareShortcut(ctx));
}
