// The App Home, published: on app_home_opened, and again for the people an
// incident concerns (its role holders and its declarer) whenever it changes
// — the card's refresh queues `home-refresh` — so a Home left open is not
// stale. One query reads everything (store/home.ts); views.publish is
// idempotent (the latest state wins), so a re-run is harmless.
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import type { AppContext } from "../context.js";
import { incidentLabel } from "../domain/names.js";
import { outstandingFactsFromEvents, outstandingReport } from "../domain/outstanding.js";
import { durationsFrom } from "../domain/postmortem.js";
import { appHome, type HomeExtras } from "../slack/blocks/app-home.js";
import { outstandingSummary } from "../slack/blocks/postmortem-status.js";
import { visibleIncidents } from "../slack/visible-incidents.js";
import { type HomeIncident, homeIncidents } from "../store/home.js";
import { defaultMarkers, isMarkerName } from "../store/timeline-edits.js";
import { REPORT_KINDS } from "../workflows/status-report.js";
import { defineStep, type OutboxRow } from "./define.js";

interface HomeData {
  rows: HomeIncident[];
  extras: Map<string, HomeExtras>;
}

/** The Home's data for everyone: one query, read once per publishing run however many people get it. */
async function homeData(ctx: AppContext): Promise<HomeData> {
  const rows = await homeIncidents(ctx.prisma, REPORT_KINDS);
  const now = ctx.now();
  const extras = new Map<string, HomeExtras>();
  for (const row of rows) {
    const markers = defaultMarkers(row.incident);
    for (const edit of row.markerEdits) {
      if (!isMarkerName(edit.marker)) continue;
      if (typeof edit.after === "string") markers[edit.marker] = new Date(edit.after);
      else delete markers[edit.marker];
    }
    const report = outstandingReport(incidentLabel(row.incident.number), outstandingFactsFromEvents(row.ticks), now);
    extras.set(row.incident.id, {
      outstanding: outstandingSummary(report),
      timeToResolveMs: row.section === "recent" ? durationsFrom(markers).timeToResolveMs : null,
    });
  }
  return { rows, extras };
}

/** Publishes `userId`'s App Home: open incidents and the last resolved, with outstanding items and time to resolve. */
export async function publishHome(
  ctx: AppContext,
  client: Pick<WebClient, "views" | "conversations">,
  userId: string,
  data?: HomeData,
): Promise<void> {
  const { rows, extras } = data ?? (await homeData(ctx));
  // Private war rooms are listed to their members only.
  const open = await visibleIncidents(
    ctx,
    client,
    userId,
    rows.filter((r) => r.section === "open").map((r) => r.incident),
  );
  const recent = await visibleIncidents(
    ctx,
    client,
    userId,
    rows.filter((r) => r.section === "recent").map((r) => r.incident),
  );
  await client.views.publish({ user_id: userId, view: appHome(open, recent, userId, ctx.now(), extras) });
}

const refresh = defineStep({
  prefix: "home-refresh",
  params: z.object({}),
  describe: () => "refresh the App Home of the people this incident concerns",
  dependsOn: () => [],
  async run(ctx, run) {
    const users = [...new Set([run.incident.declaredBy, ...run.incident.roles.map((r) => r.userId)])].filter(Boolean);
    const data = await homeData(ctx);
    for (const user of users) await publishHome(ctx, ctx.slack, user, data);
    return { users };
  },
});

export const appHomeSteps = { refresh: (id: string): OutboxRow => refresh.row({}, id) };
export const APP_HOME_STEPS = [refresh];
