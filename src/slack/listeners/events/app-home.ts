// App Home opened: publish the open incidents, most severe first.
import type { App, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { AppContext } from "../../../context.js";
import { incidentsForHome } from "../../../store/incidents.js";
import { appHome } from "../../blocks/app-home.js";
import { visibleIncidents } from "../../visible-incidents.js";

export const appHomeOpened =
  (ctx: AppContext) =>
  async ({
    event,
    client,
  }: Pick<SlackEventMiddlewareArgs<"app_home_opened">, "event"> & { client: Pick<App["client"], "views" | "conversations"> }) => {
    if (event.tab !== "home") return;
    const all = await incidentsForHome(ctx.prisma);
    // Private war rooms are listed to their members only.
    const open = await visibleIncidents(ctx, client, event.user, all.open);
    const recent = await visibleIncidents(ctx, client, event.user, all.recent);
    await client.views.publish({ user_id: event.user, view: appHome(open, recent, event.user, ctx.now()) });
  };

export function registerAppHome(app: App, ctx: AppContext): void {
  app.event("app_home_opened", appHomeOpened(ctx));
}
