// App Home opened: publish the open incidents, freshest first.
import type { App } from "@slack/bolt";
import type { WorkflowContext } from "../../../workflows/context.js";
import { appHome } from "../../blocks/app-home.js";

export function registerAppHome(app: App, ctx: WorkflowContext): void {
  app.event("app_home_opened", async ({ event, client }) => {
    if (event.tab !== "home") return;
    const [open, recent] = await Promise.all([
      ctx.prisma.incident.findMany({
        where: { phase: { notIn: ["resolved", "closed"] } },
        include: { roles: true },
        orderBy: [{ severity: "asc" }, { declaredAt: "desc" }],
        take: 30,
      }),
      ctx.prisma.incident.findMany({
        where: { phase: { in: ["resolved", "closed"] } },
        include: { roles: true },
        orderBy: { resolvedAt: "desc" },
        take: 5,
      }),
    ]);
    await client.views.publish({ user_id: event.user, view: appHome(open, recent, event.user, ctx.now()) });
  });
}
