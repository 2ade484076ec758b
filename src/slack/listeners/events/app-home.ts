// App Home opened: publish the open incidents, most severe first.
import type { App, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { AppContext } from "../../../context.js";
import { publishHome } from "../../../effects/app-home.js";

export const appHomeOpened =
  (ctx: AppContext) =>
  async ({
    event,
    client,
  }: Pick<SlackEventMiddlewareArgs<"app_home_opened">, "event"> & { client: Pick<App["client"], "views" | "conversations"> }) => {
    if (event.tab !== "home") return;
    // One query (store/home.ts); private war rooms listed to their members only; outstanding items and time to resolve.
    await publishHome(ctx, client, event.user);
  };

export function registerAppHome(app: App, ctx: AppContext): void {
  app.event("app_home_opened", appHomeOpened(ctx));
}
