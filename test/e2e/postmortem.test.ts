// The post-mortem end to end (issue 11): an incident run through signed Slack
// requests (declare, an update, the timeline form, resolve), then exported the
// three ways — `/hotfix postmortem` (Slack's external upload, exactly once),
// GET /incidents/<id>/postmortem.md|json with the export token, and the CLI —
// compared with golden files (ids and times normalised), linted, its Mermaid
// chart parsed; bad input refused whole.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { lint } from "markdownlint/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postmortemCommand, statusReportCommand, statusReportsJson } from "../../src/cli-records.js";
import { hotfixStatusSchema } from "../../src/domain/outstanding.js";
import { POSTMORTEM_DUE_QUEUE } from "../../src/effects/postmortem-due.js";
import { exportTokenMatches } from "../../src/http/exports.js";
import { SYNC_QUEUE } from "../../src/jobs/side-effects.js";
import { declareViaSlack, settled } from "../support/declare.js";
import { eventually, type Harness, startHarness, startTestApp } from "../support/harness.js";
import { parseGantt } from "../support/mermaid.js";
import { hotfix, saidInRoom } from "../support/release-lane.js";

const EXPORT_TOKEN = "test-export-token-0123456789";
const GOLDEN = path.join(import.meta.dirname, "golden");

function expectGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`golden file ${file} is missing; run with UPDATE_GOLDEN=1 to write it, then review it`);
  expect(actual).toBe(readFileSync(file, "utf8"));
}

/** What changes from run to run: real clock times, channel and event ids, the war room's date. */
function normalise(text: string): string {
  return text
    .replace(/\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d{3})?)?( UTC|Z)?/g, (m) => (m.startsWith("2026-01-09") ? m : "<time>"))
    .replace(/<time> [+-]\d\d:\d\d/g, "<time> <offset>")
    .replace(/\bC[A-Z0-9]{8,}\b/g, "<channel>")
    .replace(/hotfix-\d{8}-/g, "hotfix-<date>-")
    .replace(/Event #\d+/g, "Event #<id>")
    .replace(/"(id|eventId)": ?"\d+"/g, '"$1":"<id>"')
    .replace(/"effect":"[^"]+"/g, '"effect":"<effect>"');
}

/** JSON goldens are compared as data (the file is kept in Biome's format, which the linter checks). */
function expectGoldenJson(name: string, actual: unknown): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
    return;
  }
  if (!existsSync(file)) throw new Error(`golden file ${file} is missing; run with UPDATE_GOLDEN=1 to write it, then review it`);
  expect(actual).toEqual(JSON.parse(readFileSync(file, "utf8")));
}

async function markdownLint(markdown: string) {
  const results = await lint({
    strings: { postmortem: markdown },
    config: { default: true, MD013: false, MD024: { siblings_only: true } },
  });
  return results.postmortem ?? [];
}

const at = (hhmm: string) => new Date(`2026-01-09T${hhmm}:00Z`);
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

let h: Harness;
let room: string;
let incidentId: string;
let number: number;

async function openTimelineForm(userId = "U0BOB") {
  const before = h.slack.views({ callbackId: "timeline_curate" }).length;
  const res = await h.slack.slashCommand({ userId, channelId: room, text: "timeline" });
  expect(res.status).toBe(200);
  return eventually(() => {
    const view = h.slack.views({ callbackId: "timeline_curate" }).at(before);
    expect(view).toBeTruthy();
    return view as NonNullable<typeof view>;
  });
}

function submitTimeline(viewId: string, values: Record<string, unknown>, userId = "U0BOB") {
  return h.slack.submitView({
    viewId,
    userId,
    values: Object.fromEntries(Object.entries(values).map(([block, value]) => [block, { value }])),
  });
}

async function get(pathname: string, token?: string) {
  return fetch(`${h.app.url}${pathname}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

beforeAll(async () => {
  h = await startHarness({ env: { EXPORT_TOKEN } });
  await declareViaSlack(h.slack, { title: "Card payments failing in the EU" });
  const incident = await eventually(async () => {
    const found = await h.db.prisma.incident.findFirstOrThrow({ include: { roles: true } });
    expect(found.warRoomChannelId).toBeTruthy();
    return found;
  });
  await settled(h.db.prisma);
  room = incident.warRoomChannelId as string;
  incidentId = incident.id;
  number = incident.number;
  expect((await hotfix(h, room, "update Rolled the fee flag back; error rate falling", "U0BOB")).status).toBe(200);
  await settled(h.db.prisma);
}, 90_000);

afterAll(async () => {
  await h?.close();
});

describe("a timeline people can curate", () => {
  it("sets the markers from the form; the card shows them; each change is recorded with who, when, before and after", async () => {
    const view = await openTimelineForm();
    const res = await submitTimeline(view.id, {
      marker_impact_started: seconds(at("10:00")),
      marker_detected: seconds(at("10:07")),
      marker_declared: seconds(at("10:12")),
      marker_mitigated: seconds(at("10:40")),
      marker_fixed_in_production: seconds(at("11:30")),
      add_time: seconds(at("10:05")),
      add_text: "Support saw the first <b>card</b> complaints (ticket https://support.example.com/t/991)",
    });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body ?? {})).not.toContain("errors");
    const edits = await h.db.prisma.timelineEdit.findMany({ where: { incidentId, field: "marker" }, orderBy: { id: "asc" } });
    expect(edits.map((e) => [e.marker, e.after, e.editedBy])).toEqual([
      ["impact_started", at("10:00").toISOString(), "U0BOB"],
      ["detected", at("10:07").toISOString(), "U0BOB"],
      ["declared", at("10:12").toISOString(), "U0BOB"],
      ["mitigated", at("10:40").toISOString(), "U0BOB"],
      ["fixed_in_production", at("11:30").toISOString(), "U0BOB"],
    ]);
    // Before: the defaults from the incident (started, declared), or nothing.
    expect(edits[0]?.before).toEqual(expect.any(String));
    expect(edits[1]?.before).toBeNull();
    const kinds = await h.db.prisma.timelineEvent.findMany({ where: { incidentId, kind: { in: ["marker_set", "event_added"] } } });
    expect(kinds.filter((k) => k.kind === "marker_set")).toHaveLength(5);
    expect(kinds.find((k) => k.kind === "event_added")?.occurredAt).toEqual(at("10:05"));
    await settled(h.db.prisma);
    await eventually(() => {
      const card = h.slack.messages(room).find((m) => JSON.stringify(m.blocks ?? []).includes("card_timeline"));
      expect(JSON.stringify(card?.blocks)).toContain(`<!date^${seconds(at("10:07"))}^`);
    });
  });

  it("edits an event's text and hides another without destroying either", async () => {
    const update = await h.db.prisma.timelineEvent.findFirstOrThrow({ where: { incidentId, kind: "status_update" } });
    const roomOpened = await h.db.prisma.timelineEvent.findFirstOrThrow({ where: { incidentId, kind: "war_room_created" } });
    let view = await openTimelineForm();
    expect(JSON.stringify(view.blocks)).toContain(`"value":"${update.id}"`);
    expect(
      (
        await submitTimeline(view.id, {
          event: String(update.id),
          event_text: "Rolled the EU fee flag back at 10:40; errors fell to 0.2 %",
        })
      ).status,
    ).toBe(200);
    view = await openTimelineForm("U0ALICE");
    expect((await submitTimeline(view.id, { event: String(roomOpened.id), event_visibility: "hide" }, "U0ALICE")).status).toBe(200);
    // The rows as recorded are untouched.
    expect(await h.db.prisma.timelineEvent.findUniqueOrThrow({ where: { id: update.id } })).toEqual(update);
    expect(await h.db.prisma.timelineEvent.findUniqueOrThrow({ where: { id: roomOpened.id } })).toEqual(roomOpened);
    const edits = await h.db.prisma.timelineEdit.findMany({ where: { incidentId, eventId: { not: null } }, orderBy: { id: "asc" } });
    expect(edits.map((e) => [e.field, e.before, e.after, e.editedBy])).toEqual([
      ["summary", "Rolled the fee flag back; error rate falling", "Rolled the EU fee flag back at 10:40; errors fell to 0.2 %", "U0BOB"],
      ["hidden", false, true, "U0ALICE"],
    ]);
    expect(await h.db.prisma.timelineEvent.count({ where: { incidentId, kind: "event_edited" } })).toBe(2);
  });

  it("refuses a marker in the future and an edit without an event, inline, changing nothing", async () => {
    const before = await h.db.prisma.timelineEdit.count();
    let view = await openTimelineForm();
    const future = await submitTimeline(view.id, { marker_resolved: seconds(new Date(Date.now() + 3 * 3_600_000)) });
    expect(JSON.stringify(future.body)).toContain("marker_resolved");
    expect(JSON.stringify(future.body)).toContain("cannot be in the future");
    view = await openTimelineForm();
    const orphan = await submitTimeline(view.id, { event_text: "no event chosen" });
    expect(JSON.stringify(orphan.body)).toContain("Choose the event to change");
    expect(await h.db.prisma.timelineEdit.count()).toBe(before);
  });

  it("answers /hotfix timeline and /hotfix postmortem outside a war room with where they work", async () => {
    for (const verb of ["timeline", "postmortem"]) {
      const res = await hotfix(h, "C0ENGPROD", verb, "U0ALICE");
      expect(res.status).toBe(200);
      await eventually(() => expect(res.text()).toContain("works in an incident's war room"));
    }
    expect(h.slack.files()).toHaveLength(0);
  });
});

describe("resolving sets the post-mortem's due date from the policy", () => {
  it("schedules a durable reminder at resolvedAt + postmortem.due", async () => {
    const res = await hotfix(h, room, "resolve Fee flag rolled back, EU payments normal", "U0BOB");
    expect(res.status).toBe(200);
    await eventually(() => expect(res.text()).toContain("due within 24h"));
    const incident = await h.db.prisma.incident.findUniqueOrThrow({ where: { id: incidentId } });
    expect(incident.resolvedAt).toBeTruthy();
    expect((incident.postmortemDueAt?.getTime() ?? 0) - (incident.resolvedAt?.getTime() ?? 0)).toBe(24 * 3_600_000);
    const jobs = await h.db.prisma.$queryRawUnsafe<Array<{ start_after: Date; data: { due: string } }>>(
      `select start_after, data from pgboss.job where name = $1`,
      POSTMORTEM_DUE_QUEUE,
    );
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.start_after.getTime()).toBe(incident.postmortemDueAt?.getTime());
    // The resolution marker, for the export below, at a fixed time.
    const view = await openTimelineForm();
    await submitTimeline(view.id, { marker_resolved: seconds(at("12:00")) });
    await settled(h.db.prisma);
  });
});

describe("the post-mortem", () => {
  let markdown = "";

  it("/hotfix postmortem uploads it into the war room once, with the follow-up checklist", async () => {
    const res = await hotfix(h, room, "postmortem", "U0ALICE");
    await eventually(() => expect(res.text()).toContain("Rendering the post-mortem"));
    const file = await eventually(() => {
      const found = h.slack.files().find((f) => f.completed && f.channels.includes(room));
      expect(found).toBeTruthy();
      return found as NonNullable<typeof found>;
    });
    expect(file.filename).toMatch(new RegExp(`^hf-${number}-postmortem-[a-z0-9]+\\.md$`));
    markdown = file.content?.toString("utf8") ?? "";
    await saidInRoom(h, room, "Follow-up tickets");
    await settled(h.db.prisma);
    // The follow-up checklist offers the Linear follow-ups in one action (issue 9's workflow, once each).
    const message = h.slack.messages(room).find((m) => JSON.stringify(m.blocks ?? []).includes("postmortem_create_followups"));
    expect(message, "the post-mortem message has the follow-ups button").toBeTruthy();
    expect(JSON.stringify(message?.blocks)).toContain("Create 5 follow-up tickets in Linear");
    await h.slack.blockAction({ userId: "U0BOB", actionId: "postmortem_create_followups", channelId: room, messageTs: message?.ts ?? "" });
    await eventually(() =>
      expect(
        h.slack
          .ephemerals({ channel: room, user: "U0BOB" })
          .map((e) => e.text)
          .join("\n"),
      ).toMatch(/Filing 5 follow-up tickets/),
    );
    expect(await h.db.prisma.followUpTicket.count({ where: { incidentId } })).toBe(5);
    expect(await h.db.prisma.timelineEvent.count({ where: { incidentId, kind: "postmortem_exported" } })).toBe(1);
    expectGolden("postmortem-e2e.md", normalise(markdown).replace(new RegExp(`HF-${number}\\b`, "g"), "HF-<n>"));
    expect(await markdownLint(markdown)).toEqual([]);
    const charts = [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1] ?? "");
    expect(charts).toHaveLength(1);
    // Mermaid's own gantt parser computes the bars at the markers' times.
    const bars = await parseGantt(charts[0] ?? "");
    expect(bars.map((b) => [b.start.toISOString(), b.end.toISOString()])).toEqual([
      [at("10:00").toISOString(), at("10:07").toISOString()],
      [at("10:07").toISOString(), at("10:12").toISOString()],
      [at("10:12").toISOString(), at("10:40").toISOString()],
      [at("10:40").toISOString(), at("11:30").toISOString()],
      [at("11:30").toISOString(), at("12:00").toISOString()],
    ]);
    // The curated view: the edit is used, the hidden event is gone, the added one is in.
    expect(markdown).toContain("Rolled the EU fee flag back at 10:40");
    expect(markdown).not.toContain("War room #");
    expect(markdown).toContain("Support saw the first &lt;b&gt;card&lt;/b&gt; complaints");
    expect(markdown).toContain("| Time to detect | 7 min |");
  });

  it("a re-run whose outcome was unknown finds the file it shared instead of uploading a second", async () => {
    const step = await h.db.prisma.sideEffect.findFirstOrThrow({ where: { incidentId, key: { startsWith: "postmortem-upload:" } } });
    expect(step.status).toBe("done");
    const calls = h.slack.calls("files.completeUploadExternal").length;
    const looked = h.slack.calls("conversations.history").length;
    // As after a crash mid-step: running, its lease gone.
    await h.db.prisma.sideEffect.update({
      where: { incidentId_key: { incidentId, key: step.key } },
      data: { status: "running", leaseUntil: new Date(0) },
    });
    await h.app.jobs.send(SYNC_QUEUE, { incidentId });
    await eventually(
      async () => {
        const again = await h.db.prisma.sideEffect.findFirstOrThrow({ where: { incidentId, key: step.key } });
        expect(again.status).toBe("done");
      },
      { timeoutMs: 30_000 },
    );
    // It ran again, looked in the war room, and found its file.
    expect(h.slack.calls("conversations.history").length).toBeGreaterThan(looked);
    expect(h.slack.calls("files.completeUploadExternal")).toHaveLength(calls);
    expect(h.slack.files().filter((f) => f.completed)).toHaveLength(1);
    expect(await h.db.prisma.timelineEvent.count({ where: { incidentId, kind: "postmortem_exported" } })).toBe(1);
  });

  it("GET /incidents/<id>/postmortem.md and .json serve it to holders of the export token", async () => {
    const md = await get(`/incidents/HF-${number}/postmortem.md?zone=Europe/London`, EXPORT_TOKEN);
    expect(md.status).toBe(200);
    expect(md.headers.get("content-type")).toContain("text/markdown");
    expect(md.headers.get("content-disposition")).toContain(`hf-${number}-postmortem.md`);
    const body = await md.text();
    expect(await markdownLint(body)).toEqual([]);
    // Same renderer, same curated view: equal to the upload but for the time it was generated and the export records.
    const strip = (t: string) =>
      normalise(t)
        .replace(/\n[^\n]*`postmortem_exported`[^\n]*(?=\n)/g, "")
        .replace(/\d+ events/, "N events");
    expect(strip(body).split("## Branch")[0]?.replace(/\n\n+/g, "\n")).toBe(strip(markdown).split("## Branch")[0]?.replace(/\n\n+/g, "\n"));
    const zoned = await (await get(`/incidents/${number}/postmortem.md?zone=Europe/Paris`, EXPORT_TOKEN)).text();
    expect(zoned).toContain("2026-01-09 10:07:00 UTC (2026-01-09 11:07 +01:00)");
    const json = await get(`/incidents/${incidentId}/postmortem.json`, EXPORT_TOKEN);
    expect(json.status).toBe(200);
    const parsed = (await json.json()) as { incident: { id: string }; durations: Record<string, number>; timeline: unknown[] };
    expect(parsed.incident.id).toBe(`HF-${number}`);
    expect(parsed.durations).toMatchObject({ timeToDetectMs: 7 * 60_000, timeToDeclareMs: 5 * 60_000, timeToResolveMs: 2 * 3_600_000 });
    const curated = {
      ...parsed,
      generatedAt: "<time>",
      timeline: parsed.timeline.filter((e) => (e as { kind: string }).kind !== "postmortem_exported"),
      facts: undefined,
    };
    expectGoldenJson(
      "postmortem-e2e.json",
      JSON.parse(normalise(JSON.stringify(curated)).replace(new RegExp(`HF-${number}\\b`, "g"), "HF-<n>")),
    );
  });

  it("refuses a wrong or missing token, an unknown incident, a bad zone: a whole 4xx, never part of a file", async () => {
    const cases: Array<[string, string | undefined, number, RegExp]> = [
      [`/incidents/HF-${number}/postmortem.md`, undefined, 401, /missing or wrong export token/],
      [`/incidents/HF-${number}/postmortem.md`, "wrong-token", 401, /missing or wrong export token/],
      [`/incidents/HF-${number}/postmortem.json`, `${EXPORT_TOKEN}x`, 401, /missing or wrong export token/],
      ["/incidents/HF-99999/postmortem.md", EXPORT_TOKEN, 404, /no incident "HF-99999"/],
      ["/incidents/not-an-id/postmortem.json", EXPORT_TOKEN, 404, /no incident "not-an-id"/],
      [`/incidents/HF-${number}/postmortem.pdf`, EXPORT_TOKEN, 404, /postmortem\.md or \.json/],
      [`/incidents/HF-${number}/postmortem.md?zone=Mars/Olympus`, EXPORT_TOKEN, 400, /unknown time zone/],
    ];
    for (const [url, token, status, words] of cases) {
      const res = await get(url, token);
      const text = await res.text();
      expect([url, res.status]).toEqual([url, status]);
      expect(text).toMatch(words);
      expect(text).not.toContain("# Post-mortem");
    }
    expect(exportTokenMatches(`Bearer ${EXPORT_TOKEN}`, undefined)).toBe(false);
  });

  it("with EXPORT_TOKEN unset, refuses every export", async () => {
    const replica = await startTestApp({ ...h.config, env: { ...h.config.env, EXPORT_TOKEN: undefined } }, h.db, { workers: false });
    try {
      const res = await fetch(`${replica.url}/incidents/HF-${number}/postmortem.md`, {
        headers: { authorization: `Bearer ${EXPORT_TOKEN}` },
      });
      expect(res.status).toBe(403);
      expect(await res.text()).toMatch(/exports are switched off/);
    } finally {
      await replica.stop();
    }
  });

  it("the CLI writes the same post-mortem to a file, and refuses an unknown incident without writing one", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "hotfix-pm-"));
    const lines: string[] = [];
    const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t), stdout: new PassThrough() };
    const out = path.join(dir, "pm.json");
    expect(await postmortemCommand(h.db.prisma, io, { incident: `HF-${number}`, format: "json", out })).toBe(0);
    const written = JSON.parse(readFileSync(out, "utf8")) as { incident: { id: string } };
    expect(written.incident.id).toBe(`HF-${number}`);
    const missing = path.join(dir, "missing.md");
    expect(await postmortemCommand(h.db.prisma, io, { incident: "HF-424242", out: missing })).toBe(66);
    expect(existsSync(missing)).toBe(false);
    expect(await postmortemCommand(h.db.prisma, io, { incident: `HF-${number}`, format: "pdf", out: missing })).toBe(64);
    expect(lines.join("\n")).toMatch(/no incident "HF-424242"/);
  });
});

describe("the outstanding-items report (runbook 001)", () => {
  it("hotfix status <incident> --json is hotfix-status.json; /hotfix status shows the items", async () => {
    const lines: string[] = [];
    const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t), stdout: new PassThrough() };
    expect(await statusReportCommand(h.db.prisma, io, { incident: `HF-${number}`, json: true })).toBe(0);
    const status = hotfixStatusSchema.parse(JSON.parse(lines.join("\n")));
    expect(status.incident).toBe(`HF-${number}`);
    expect(status.items.map((i) => [i.id, i.status])).toContainEqual(["branch", "outstanding"]);
    expect(status.complete).toBe(false);
    const res = await hotfix(h, room, "status", "U0ALICE");
    await eventually(() => expect(res.text()).toContain("Outstanding items"));
    expect(res.text()).toContain("Temporary branch created and pushed");
    expect(await statusReportCommand(h.db.prisma, io, { incident: "HF-77777", json: false })).toBe(66);
    lines.length = 0;
    expect(await statusReportsJson(h.db.prisma, io, [{ id: incidentId, number }])).toBe(0);
    expect(hotfixStatusSchema.array().parse(JSON.parse(lines.join("\n")))).toHaveLength(1);
    lines.length = 0;
    expect(await statusReportCommand(h.db.prisma, io, { incident: `HF-${number}`, json: false })).toBe(0);
    expect(lines.join("\n")).toMatch(
      /# Outstanding items: HF-\d+[\s\S]*Time to declare .* to branch not yet · to deploy not yet · to resolve \d/,
    );
  });

  it("times declare, branch, deploy and resolve as Prometheus histograms on /metrics", async () => {
    const text = await (await fetch(`${h.app.url}/metrics`)).text();
    expect(text).toContain("# TYPE hotfix_incident_stage_seconds histogram");
    expect(text).toMatch(/hotfix_incident_stage_seconds_count\{stage="resolve"\} 1\n/);
    expect(text).toMatch(/hotfix_incident_stage_seconds_count\{stage="declare"\} 1\n/);
    expect(text).toMatch(/hotfix_incident_stage_seconds_count\{stage="branch"\} 0\n/);
  });
});
