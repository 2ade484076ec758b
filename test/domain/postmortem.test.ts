import fc from "fast-check";
import { DateTime } from "luxon";
import { lint } from "markdownlint/promise";
import { describe, expect, it } from "vitest";
import {
  buildPostmortem,
  curateEvent,
  curateTimeline,
  durationsFrom,
  EMPTY_WRITE_UP,
  type EventCuration,
  FactCollector,
  followUpChecklist,
  MAX_FACTS_PER_SECTION,
  type PostmortemEvent,
  type PostmortemHeader,
  phasesFrom,
} from "../../src/domain/postmortem.js";
import {
  collect,
  escapeBlock,
  escapeInline,
  inZone,
  markdownLink,
  mermaidPhaseChart,
  renderPostmortemJson,
  renderPostmortemMarkdown,
} from "../../src/domain/postmortem-markdown.js";
import { parseGantt } from "../support/mermaid.js";
import { expectGolden } from "./golden.js";

const T0 = Date.parse("2026-01-09T10:00:00Z");
const MIN = 60_000;
const at = (minutes: number) => new Date(T0 + minutes * MIN);

let seq = 0;
function event(
  minutes: number,
  kind: string,
  summary: string,
  actor: string | null = null,
  data?: Record<string, unknown>,
): PostmortemEvent {
  seq++;
  return {
    id: `ev${String(seq).padStart(4, "0")}`,
    kind,
    occurredAt: at(minutes),
    recordedAt: at(minutes),
    summary,
    actor,
    ...(data ? { data } : {}),
  };
}

function incidentEvents(): PostmortemEvent[] {
  seq = 0;
  return [
    event(-20, "incident_started", "Card payments start failing with 502 from the gateway"),
    event(0, "alert_received", "Sentry: Too many errors in payments", null, {
      url: "https://sentry.io/organizations/acme/alerts/rules/details/7/",
    }),
    event(2, "declared", "Incident declared: Payments failing | card users", "Ana Lima"),
    event(3, "war_room_created", "War room #hotfix-20260109-payments opened", null),
    event(5, "message", "Looks like the <script>alert('x')</script> retry patch from **v4.1.2** broke it", "Ben Ode"),
    event(12, "branch_created", "Branch release/hotfix-HF-12 created from v4.1.2", "Hotfix Commander", {
      url: "https://github.com/acme/pay/tree/release/hotfix-HF-12",
    }),
    event(15, "waiver_requested", "HW-2026-001 gate-bypass for integration-tests requested", "Ben Ode"),
    event(18, "waiver_approved", "HW-2026-001 approved by Cat Diaz and Dan Eze; active", "Cat Diaz"),
    event(20, "guardrail_breached", "error rate 3% above 1% for 5 min (10:15–10:20 UTC)", null),
    event(25, "milestone_tagged", "Tag milestone/pre-fix on 1a2b3c4", "Ana Lima"),
    event(30, "uat_started", "UAT started with finance ops, compliance and support", "Ana Lima"),
    event(40, "uat_feedback", "Reconciliation export shows a duplicate row", "Eve Fox", {
      linear: { identifier: "HOTFIX-7", url: "https://linear.app/acme/issue/HOTFIX-7" },
    }),
    event(45, "released", "Release v4.1.3 published", "Ana Lima", { url: "https://github.com/acme/pay/releases/tag/v4.1.3" }),
    event(48, "deployed", "v4.1.3 deployed to production (sha 9f8e7d6)", "deploy-bot"),
    event(50, "rolled_back", "Rolled back to v4.1.2: latency regression", "Ana Lima"),
    event(70, "deployed", "v4.1.4 deployed to production", "deploy-bot"),
    event(75, "uat_signed_off", "UAT signed off", "Eve Fox"),
    event(80, "guardrail_recovered", "error rate back under 1%", null),
    event(140, "status_update", "Resolved; monitoring for 24 h", "Ana Lima"),
  ];
}

function header(overrides: Partial<PostmortemHeader> = {}): PostmortemHeader {
  return {
    incident: {
      id: "HF-12",
      title: "Payments failing for card users.",
      severity: "P0",
      status: "resolved",
      service: "payments",
      description: "Card payments failed for about 2 hours.\n# not a heading\n1. not a list",
      usersAffected: "~4 % of card payments (about 1 200 users)",
      detection: "Sentry alert on the payments error rate",
      commander: "Ana Lima",
      channel: "#hotfix-20260109-payments",
      ticketUrl: "https://issues.example.com/SEC-1234",
    },
    markers: {
      impact_started: at(-20),
      detected: at(0),
      declared: at(2),
      mitigated: at(50),
      fixed_in_production: at(70),
      resolved: at(140),
    },
    followUps: [
      {
        kind: "root_cause_analysis",
        title: "Why the retry patch broke the gateway",
        identifier: "ENG-101",
        url: "https://linear.app/acme/issue/ENG-101",
        done: false,
      },
      {
        kind: "testing_gap",
        title: "Contract test for the gateway's 502",
        identifier: "ENG-102",
        url: "https://linear.app/acme/issue/ENG-102",
        done: true,
      },
    ],
    writeUp: {
      rootCause: "The retry patch in v4.1.2 retried non-idempotent | calls.\n\n- it doubled load",
      resolution: null,
      wentWell: ["Fast detection by Sentry"],
      couldBeBetter: [],
      actionItems: ["Add a canary step for payments"],
    },
    generatedAt: at(200),
    ...overrides,
  };
}

const curations: EventCuration[] = [
  { eventId: "ev0005", summary: "Ben suspects the retry patch from v4.1.2" },
  { eventId: "ev0004", hidden: true },
];
const curationMap = () => new Map(curations.map((c) => [c.eventId, c]));

/** A paged source as the store gives it, one event per page (the slowest way to receive a timeline). */
async function* slowly<T>(items: Iterable<T>): AsyncGenerator<T[]> {
  for (const item of items) yield [item];
}

async function markdownLint(markdown: string) {
  const results = await lint({
    strings: { postmortem: markdown },
    config: { default: true, MD013: false, MD024: { siblings_only: true } },
  });
  return results.postmortem ?? [];
}

function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1] ?? "");
}

describe("curation", () => {
  it("leaves hidden events out and uses edited text, keeping the original", () => {
    const timeline = curateTimeline(incidentEvents(), curations);
    expect(timeline.find((e) => e.id === "ev0004")).toBeUndefined();
    const edited = timeline.find((e) => e.id === "ev0005");
    expect(edited).toMatchObject({
      summary: "Ben suspects the retry patch from v4.1.2",
      edited: true,
      original: { summary: "Looks like the <script>alert('x')</script> retry patch from **v4.1.2** broke it", occurredAt: at(5) },
    });
  });

  it("moves an event whose time was edited to its curated place", () => {
    const events = incidentEvents();
    const timeline = curateTimeline(events, [{ eventId: "ev0019", occurredAt: at(-30) }]);
    expect(timeline[0]).toMatchObject({ id: "ev0019", occurredAt: at(-30), edited: true, original: { occurredAt: at(140) } });
  });

  it("does not call an event edited when the edit changed nothing", () => {
    const [first] = incidentEvents();
    if (!first) throw new Error("fixture");
    expect(curateEvent(first, { eventId: first.id, summary: first.summary })).toMatchObject({ edited: false, original: null });
  });

  it("orders ties by the time recorded, then id", () => {
    const a = { ...event(1, "message", "a"), id: "b", recordedAt: at(2) };
    const b = { ...event(1, "message", "b"), id: "a", recordedAt: at(2) };
    const c = { ...event(1, "message", "c"), id: "z", recordedAt: at(1) };
    expect(curateTimeline([a, b, c]).map((e) => e.id)).toEqual(["z", "a", "b"]);
  });
});

describe("durations and phases from the markers", () => {
  it("computes time to detect, declare, mitigate, fix and resolve", () => {
    expect(durationsFrom(header().markers)).toEqual({
      timeToDetectMs: 20 * MIN,
      timeToDeclareMs: 2 * MIN,
      timeToMitigateMs: 70 * MIN,
      timeToFixMs: 90 * MIN,
      timeToResolveMs: 160 * MIN,
    });
  });

  it("starts from the earliest marker when impact_started is not set, and leaves unknowns null", () => {
    expect(durationsFrom({ declared: at(2), detected: at(0), resolved: at(60) })).toEqual({
      timeToDetectMs: null,
      timeToDeclareMs: 2 * MIN,
      timeToMitigateMs: null,
      timeToFixMs: null,
      timeToResolveMs: 60 * MIN,
    });
    expect(durationsFrom({})).toEqual({
      timeToDetectMs: null,
      timeToDeclareMs: null,
      timeToMitigateMs: null,
      timeToFixMs: null,
      timeToResolveMs: null,
    });
  });

  it("skips a missing marker and reports markers out of order", () => {
    const { phases, problems } = phasesFrom({ impact_started: at(0), declared: at(10), mitigated: at(5), resolved: at(30) });
    expect(phases.map((p) => [p.name, p.ms / MIN])).toEqual([
      ["Impact started → Declared", 10],
      ["Mitigated → Resolved", 25],
    ]);
    expect(problems).toEqual(["Mitigated (2026-01-09T10:05:00.000Z) is before Declared (2026-01-09T10:10:00.000Z)"]);
  });
});

describe("follow-ups (runbook 002, phase 6)", () => {
  it("lists one per kind, existing tickets first-class, placeholders for the rest", () => {
    const list = followUpChecklist(header().followUps);
    expect(list.map((f) => [f.kind, f.identifier])).toEqual([
      ["root_cause_analysis", "ENG-101"],
      ["permanent_fix", null],
      ["testing_gap", "ENG-102"],
      ["monitoring_improvement", null],
      ["process_improvement", null],
    ]);
  });
});

describe("section facts", () => {
  it("sorts events into the sections", () => {
    const { facts } = buildPostmortem(header(), incidentEvents(), curations);
    const kinds = Object.fromEntries(Object.entries(facts.sections).map(([k, v]) => [k, v.map((f) => f.kind)]));
    expect(kinds).toEqual({
      release: ["branch_created", "milestone_tagged", "released", "deployed", "deployed"],
      uat: ["uat_started", "uat_feedback", "uat_signed_off"],
      linear: ["uat_feedback"],
      breaches: ["alert_received", "guardrail_breached", "guardrail_recovered"],
      waivers: ["waiver_requested", "waiver_approved"],
      rollbacks: ["rolled_back"],
    });
    expect(facts.events).toBe(18);
    expect(facts.edited).toBe(1);
  });

  it("keeps at most MAX_FACTS_PER_SECTION per section and counts the rest", () => {
    const collector = new FactCollector();
    for (let i = 0; i < MAX_FACTS_PER_SECTION + 7; i++) {
      const e = curateEvent(event(i, "deployed", `deploy ${i}`));
      if (e) collector.add(e);
    }
    const facts = collector.facts();
    expect(facts.sections.release).toHaveLength(MAX_FACTS_PER_SECTION);
    expect(facts.leftOut.release).toBe(7);
  });

  it("prints only http(s) links", () => {
    const collector = new FactCollector();
    const e = curateEvent(event(1, "released", "r", null, { url: "javascript:alert(1)" }));
    if (e) collector.add(e);
    expect(collector.facts().sections.release[0]?.url).toBeNull();
  });
});

describe("escaping user text", () => {
  it("neutralises HTML and Markdown, escapes pipes, keeps URLs as autolinks", () => {
    expect(escapeInline("<img src=x onerror=alert(1)> & **bold** | [x](javascript:y) `code` ~~s~~ _i_")).toBe(
      "&lt;img src=x onerror=alert(1)&gt; &amp; \\*\\*bold\\*\\* \\| \\[x\\](javascript:y) \\`code\\` \\~\\~s\\~\\~ \\_i\\_",
    );
    expect(escapeInline("see https://example.com/a_b?c=1. then\nnext line")).toBe("see <https://example.com/a_b?c=1>. then next line");
    expect(escapeInline("C:\\path")).toBe("C:\\\\path");
  });

  it("takes its shortcuts (no messy spaces, no link, nothing to escape) only where the full path gives the same text", () => {
    // The full path, written plainly: collapse whitespace, then escape around each link.
    const reference = (text: string) => {
      const flat = text.replace(/\s+/g, " ").trim();
      const plain = (t: string) =>
        t
          .replace(/&/g, "&amp;")
          .replace(/</g, "&lt;")
          .replace(/>/g, "&gt;")
          .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`);
      let out = "";
      let last = 0;
      for (const match of flat.matchAll(/https?:\/\/[^\s<>"'`\\|]+/gi)) {
        const url = match[0].replace(/[.,;:!?)\]}*_~]+$/, "");
        const start = match.index ?? 0;
        out += plain(flat.slice(last, start)) + (/^https?:\/\/[^\s<>"'`\\|]+$/i.test(url) && URL.canParse(url) ? `<${url}>` : plain(url));
        last = start + url.length;
      }
      return out + plain(flat.slice(last));
    };
    const pieces = fc.constantFrom(
      " ",
      "  ",
      "\n",
      "\t",
      "a",
      "é",
      "&",
      "<",
      ">",
      "*",
      "_",
      "|",
      "\\",
      "`",
      "~",
      "[",
      "HTTP://X.io/a_b",
      "https://e.com/p).",
      "http:/",
      "ok",
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string({ maxLength: 6 })), { maxLength: 12 }), (parts) => {
        const text = parts.join("");
        expect(escapeInline(text)).toBe(reference(text));
      }),
      { numRuns: 2_000 },
    );
  });

  it("keeps a link whole when its URL has parentheses", () => {
    expect(markdownLink("ENG-1 [x]", "https://example.com/a_(b)")).toBe("[ENG-1 \\[x\\]](https://example.com/a_%28b%29)");
    expect(markdownLink("no link", null)).toBe("no link");
  });

  it("neutralises block markers at line starts and keeps line breaks", () => {
    expect(escapeBlock("# title\n> quote\n- item\n1. one\n+ plus\n=== \n\nsecond paragraph")).toBe(
      "\\# title\\\n&gt; quote\\\n\\- item\\\n1\\. one\\\n\\+ plus\\\n\\===\n\nsecond paragraph",
    );
  });
});

describe("times in the reader's zone", () => {
  it("agrees with luxon everywhere, across DST changes and odd offsets (property)", () => {
    const zones = [
      "Europe/Paris",
      "America/New_York",
      "Australia/Lord_Howe",
      "Asia/Kathmandu",
      "America/St_Johns",
      "Pacific/Chatham",
      "UTC",
    ];
    const around = [Date.parse("2026-03-29T00:59:00Z"), Date.parse("2026-11-01T05:30:00Z"), Date.parse("2026-04-05T14:45:00Z"), T0];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom(...around),
        fc.integer({ min: -3 * 3_600_000, max: 3 * 3_600_000 }),
        (zone, base, delta) => {
          const date = new Date(base + delta);
          expect(inZone(date, zone)).toBe(DateTime.fromJSDate(date, { zone }).toFormat("yyyy-LL-dd HH:mm ZZ"));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("the Mermaid chart", () => {
  it("parses with Mermaid's own gantt parser, one bar per phase at the phase's times", async () => {
    const { phases } = phasesFrom(header().markers);
    const chart = mermaidPhaseChart(phases);
    if (!chart) throw new Error("expected a chart");
    const bars = await parseGantt(chart);
    expect(bars.map((b) => [b.task, b.start.toISOString(), b.end.toISOString()])).toEqual([
      ["1. Impact started → Detected (20 min)", phases[0]?.start.toISOString(), phases[0]?.end.toISOString()],
      ["2. Detected → Declared (2 min)", phases[1]?.start.toISOString(), phases[1]?.end.toISOString()],
      ["3. Declared → Mitigated (48 min)", phases[2]?.start.toISOString(), phases[2]?.end.toISOString()],
      ["4. Mitigated → Fixed in production (20 min)", phases[3]?.start.toISOString(), phases[3]?.end.toISOString()],
      ["5. Fixed in production → Resolved (1 h 10 min)", phases[4]?.start.toISOString(), phases[4]?.end.toISOString()],
    ]);
  });

  it("is left out with fewer than two markers", () => {
    expect(mermaidPhaseChart(phasesFrom({ declared: at(0) }).phases)).toBeNull();
  });

  it("the parser really rejects a broken chart (so the check above can fail)", async () => {
    await expect(parseGantt("gantt\n  section A\n  a task :a1, 2026-01-09T10:00:00+00:00, 60s\n  }}} not a task {{{\n")).rejects.toThrow(
      /Parse error/,
    );
    await expect(parseGantt('pie\n  "a" : 1\n')).rejects.toThrow(/expected a gantt chart/);
  });
});

describe("the Markdown post-mortem", () => {
  it("matches the golden file, passes markdownlint, and its chart parses (reader in Europe/Paris)", async () => {
    const markdown = await collect(
      renderPostmortemMarkdown(header(), slowly(incidentEvents()), { zone: "Europe/Paris", curations: curationMap() }),
    );
    expectGolden("postmortem-hf-12.md", markdown);
    expect(await markdownLint(markdown)).toEqual([]);
    const charts = mermaidBlocks(markdown);
    expect(charts).toHaveLength(1);
    expect(await parseGantt(charts[0] ?? "")).toHaveLength(5);
    // The curated view: the hidden event is gone, the edit is used and marked; the original is not exported.
    expect(markdown).not.toContain("War room #hotfix-20260109-payments opened");
    expect(markdown).toContain("Ben suspects the retry patch from v4.1.2 *(edited)*");
    expect(markdown).not.toContain("<script>");
  });

  it("renders an incident with no events and no markers (UTC only) that still lints", async () => {
    const bare = header({ markers: {}, followUps: [], writeUp: EMPTY_WRITE_UP });
    bare.incident = {
      ...bare.incident,
      description: null,
      usersAffected: null,
      detection: null,
      service: null,
      commander: null,
      channel: null,
      ticketUrl: null,
    };
    const markdown = await collect(renderPostmortemMarkdown(bare, []));
    expectGolden("postmortem-empty.md", markdown);
    expect(await markdownLint(markdown)).toEqual([]);
    expect(mermaidBlocks(markdown)).toEqual([]);
  });

  it("keeps every table's columns whatever the user typed", async () => {
    const nasty = [
      event(1, "message", "a | b | c\n| --- |", "x | y"),
      event(2, "message", "```mermaid\npie\n```", "<b>me</b>"),
      event(3, "message", "\\| escaped already", null),
    ];
    const markdown = await collect(renderPostmortemMarkdown(header(), nasty));
    expect(await markdownLint(markdown)).toEqual([]);
    expect(mermaidBlocks(markdown)).toHaveLength(1);
    const rows = markdown.split("\n").filter((l) => l.startsWith("| 2026-01-09"));
    for (const row of rows) expect(row.replace(/\\\\/g, "").replace(/\\\|/g, "").split("|")).toHaveLength(6);
  });

  it("refuses an unknown time zone before writing anything", async () => {
    const stream = renderPostmortemMarkdown(header(), incidentEvents(), { zone: "Mars/Olympus" });
    await expect(stream.next()).rejects.toThrow('unknown time zone "Mars/Olympus"');
  });
});

describe("streaming", () => {
  it("writes the timeline while the events are still being read", async () => {
    let pulled = 0;
    const total = 20_000;
    // Pages of 50, as the store reads pages.
    async function* events(): AsyncGenerator<PostmortemEvent[]> {
      for (let page = 0; page < total / 50; page++) {
        pulled += 50;
        yield Array.from({ length: 50 }, (_, j) => {
          const i = page * 50 + j;
          return {
            id: `e${i}`,
            kind: "message",
            occurredAt: new Date(T0 + i * 1000),
            recordedAt: new Date(T0 + i * 1000),
            summary: `message number ${i}`,
            actor: "someone",
          };
        });
      }
    }
    const chunkSize = 16 * 1024;
    let pulledAtFirstRows = -1;
    let largest = 0;
    let chunks = 0;
    for await (const chunk of renderPostmortemMarkdown(header(), events(), { chunkSize })) {
      chunks++;
      if (pulledAtFirstRows < 0 && chunk.includes("| `message` |")) pulledAtFirstRows = pulled;
      largest = Math.max(largest, chunk.length);
    }
    expect(pulled).toBe(total);
    // The first rows left before a tenth of the events had been read: nothing waits for the whole timeline.
    expect(pulledAtFirstRows).toBeGreaterThan(0);
    expect(pulledAtFirstRows).toBeLessThan(total / 10);
    expect(largest).toBeLessThan(chunkSize + 1024);
    expect(chunks).toBeGreaterThan(50);
  });

  it("renders 100 000 events into a complete document", async () => {
    async function* events(): AsyncGenerator<PostmortemEvent[]> {
      for (let page = 0; page < 20; page++)
        yield Array.from({ length: 5_000 }, (_, j) => {
          const i = page * 5_000 + j;
          return {
            id: `e${i}`,
            kind: i % 1000 === 0 ? "deployed" : "message",
            occurredAt: new Date(T0 + i * 1000),
            recordedAt: new Date(T0 + i * 1000),
            summary: `m ${i}`,
            actor: null,
          };
        });
    }
    let rows = 0;
    let tail = "";
    for await (const chunk of renderPostmortemMarkdown(header(), events())) {
      rows += chunk.split("\n").filter((l) => l.startsWith("| 2026-")).length;
      tail = (tail + chunk).slice(-20_000);
    }
    expect(rows).toBe(100_000);
    expect(tail).toContain("100000 events.");
    expect(tail).not.toContain("and 0 more");
    expect(tail).toContain("## Action items");
  });
});

describe("the JSON post-mortem", () => {
  it("streams exactly the data of buildPostmortem", async () => {
    const events = incidentEvents();
    const streamed = await collect(renderPostmortemJson(header(), slowly(events), { curations: curationMap(), chunkSize: 200 }));
    const built = buildPostmortem(header(), events, curations);
    expect(JSON.parse(streamed)).toEqual(JSON.parse(JSON.stringify(built)));
    expect(JSON.parse(streamed)).toMatchObject({
      version: 1,
      incident: { id: "HF-12" },
      durations: { timeToDetectMs: 20 * MIN, timeToResolveMs: 160 * MIN },
      markers: { detected: "2026-01-09T10:00:00.000Z" },
    });
  });

  it("is valid JSON with no events", async () => {
    const parsed = JSON.parse(await collect(renderPostmortemJson(header(), [])));
    expect(parsed.timeline).toEqual([]);
    expect(parsed.facts.events).toBe(0);
  });
});
