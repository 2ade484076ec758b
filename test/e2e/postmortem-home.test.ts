// The App Home and the record (issue 11): outstanding items and the last
// resolved incidents' time to resolve (from the markers), refreshed for the
// people an incident concerns when it changes (not only on app_home_opened);
// the Home's data is ONE query that stays on indexes however many incidents
// exist (EXPLAIN over 3 000 incidents and 60 000 events).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { homeSql } from "../../src/store/home.js";
import { REPORT_KINDS } from "../../src/workflows/status-report.js";
import { declareViaSlack, settled } from "../support/declare.js";
import { eventually, type Harness, startHarness } from "../support/harness.js";
import { hotfix } from "../support/release-lane.js";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const homeText = (user: string) => JSON.stringify(h.slack.homeView(user)?.blocks ?? []);

describe("the App Home", () => {
  it("shows outstanding items and the time to resolve, and refreshes for the people concerned when the incident changes", async () => {
    await declareViaSlack(h.slack, { title: "Checkout latency over 5 s" });
    const incident = await eventually(async () => {
      const found = await h.db.prisma.incident.findFirstOrThrow();
      expect(found.warRoomChannelId).toBeTruthy();
      return found;
    });
    await settled(h.db.prisma);
    const room = incident.warRoomChannelId as string;
    // The commander (U0BOB) never opened the Home: the incident's changes publish it for them.
    await eventually(() => expect(homeText("U0BOB")).toContain("outstanding items: 8 outstanding"));
    const publishes = h.slack.calls("views.publish").length;
    expect((await hotfix(h, room, "resolve Checkout back under 300 ms", "U0BOB")).status).toBe(200);
    await settled(h.db.prisma);
    await eventually(() => expect(h.slack.calls("views.publish").length).toBeGreaterThan(publishes));
    await eventually(() => expect(homeText("U0BOB")).toContain("Recently resolved"));
    expect(homeText("U0BOB")).toMatch(/resolved in \d/);
    // Opening the Home shows the same to anyone else.
    await h.slack.event({ type: "app_home_opened", user: "U0CAROL", tab: "home" });
    await eventually(() => expect(homeText("U0CAROL")).toContain("Checkout latency over 5 s"));
    expect(homeText("U0CAROL")).toContain("outstanding items:");
  });

  it("reads everything in one query that stays on indexes with thousands of incidents", async () => {
    await h.db.prisma.$executeRaw`
      insert into "Incident" (id, title, slug, severity, phase, "declaredBy", "startedAt", "declaredAt", "resolvedAt", "createdAt", "updatedAt")
      select gen_random_uuid(), 'Old incident ' || n, 'old', 'P1', (case when n % 50 = 0 then 'fixing' else 'closed' end)::"Phase", 'U0OLD',
        now() - (n || ' hours')::interval, now() - (n || ' hours')::interval,
        (case when n % 50 = 0 then null else now() - (n || ' hours')::interval + interval '2 hours' end), now(), now()
      from generate_series(1, 3000) as n`;
    await h.db.prisma.$executeRaw`
      insert into "TimelineEvent" ("incidentId", "occurredAt", kind, summary)
      select i.id, i."startedAt" + (g || ' minutes')::interval, (array['message', 'branch_created', 'status_update'])[1 + g % 3], 'x'
      from "Incident" i cross join generate_series(1, 20) as g`;
    await h.db.prisma.$executeRaw`
      insert into "IncidentRole" ("incidentId", role, "userId", "assignedBy") select id, 'commander', 'U0OLD', 'U0OLD' from "Incident" where "declaredBy" = 'U0OLD'`;
    await h.db.prisma.$executeRaw`
      insert into "TimelineEdit" ("incidentId", field, marker, after, "editedBy")
      select id, 'marker', 'detected', to_jsonb("startedAt"), 'U0OLD' from "Incident" where "declaredBy" = 'U0OLD'`;
    await h.db.prisma.$executeRawUnsafe(`analyze`);
    const sql = homeSql(REPORT_KINDS);
    const plan = await h.db.prisma.$queryRawUnsafe<Array<{ "QUERY PLAN": unknown }>>(`explain (format json) ${sql.text}`, ...sql.values);
    const text = JSON.stringify(plan);
    const scans = [...text.matchAll(/"Node Type":"([^"]+)"[^{}]*?"Relation Name":"([^"]+)"/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(scans.filter((s) => s.startsWith("Seq Scan"))).toEqual([]);
    expect(scans).toContain("Index Scan Incident");
    // And the Home still answers with the newest resolved first.
    await h.slack.event({ type: "app_home_opened", user: "U0DAVE", tab: "home" });
    await eventually(() => expect(homeText("U0DAVE")).toContain("Recently resolved"));
  });
});
