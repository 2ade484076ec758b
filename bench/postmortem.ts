// The post-mortem export at scale (issue 11): an incident with 100 000
// timeline events (and a few curated ones: edited, moved, hidden) rendered
// from Postgres exactly as GET /incidents/<id>/postmortem.md streams it, into
// a sink that keeps nothing. Prints the time and the peak memory above the
// baseline; 10 000 events first, so "flat" can be read off: the peak should
// not grow with the number of events. Target: under 2 s for 100 000.
import { randomUUID } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createPrisma, type Db } from "../src/store/prisma.js";
import { renderPostmortem } from "../src/workflows/postmortem-render.js";

export async function seedIncident(prisma: Db, events: number): Promise<string> {
  const id = randomUUID();
  const start = new Date("2026-01-09T10:00:00Z");
  const incident = await prisma.incident.create({
    data: {
      id,
      title: `Bench incident with ${events} events`,
      slug: "bench",
      severity: "P0",
      declaredBy: "U0BENCH",
      startedAt: start,
      declaredAt: new Date(start.getTime() + 12 * 60_000),
      resolvedAt: new Date(start.getTime() + 3 * 3_600_000),
      warRoomChannelName: "hotfix-20260109-bench",
    },
  });
  // One statement: events one second apart, a mix of kinds the sections list.
  await prisma.$executeRaw`
    insert into "TimelineEvent" ("incidentId", "occurredAt", "recordedAt", kind, actor, summary, data)
    select ${incident.id}::uuid,
      ${start}::timestamptz + (n || ' seconds')::interval,
      ${start}::timestamptz + (n || ' seconds')::interval,
      (array['message','status_update','deployed','guardrail_breached','uat_feedback','waiver_requested'])[1 + n % 6],
      'U0BENCH',
      'Event ' || n || ': payments <retry> **storm** in région ' || (n % 97) || ' https://grafana.example.com/d/' || n,
      jsonb_build_object('url', 'https://example.com/e/' || n)
    from generate_series(1, ${events}::int) as n`;
  // A few curated events: text edited, one moved to the start, one hidden.
  const some = await prisma.timelineEvent.findMany({ where: { incidentId: id }, orderBy: { id: "asc" }, take: 3, skip: 500 });
  const [a, b, c] = some;
  if (a && b && c) {
    await prisma.timelineEdit.createMany({
      data: [
        { incidentId: id, eventId: a.id, field: "summary", before: a.summary, after: "Edited in the bench", editedBy: "U0BENCH" },
        {
          incidentId: id,
          eventId: b.id,
          field: "occurredAt",
          before: b.occurredAt.toISOString(),
          after: start.toISOString(),
          editedBy: "U0BENCH",
        },
        { incidentId: id, eventId: c.id, field: "hidden", before: false, after: true, editedBy: "U0BENCH" },
      ],
    });
  }
  // Statistics, as autovacuum gathers them after a load like this one. Without any (a table never analyzed),
  // the planner guesses a handful of rows per incident and sorts the whole incident for every page.
  await prisma.$executeRaw`analyze "TimelineEvent"`;
  return id;
}

/** A gc() for the live-memory pass (the bench runs without --expose-gc). */
function gcFunction(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

/**
 * Live memory while streaming: the heap after a full GC, every 20 chunks.
 * (The timed pass's peak counts garbage the collector has not reclaimed yet;
 * this pass shows what the export really holds, and that it does not grow.)
 */
async function liveHeapMb(prisma: Db, incidentId: string): Promise<number> {
  const gc = gcFunction();
  const incident = await prisma.incident.findUniqueOrThrow({ where: { id: incidentId }, include: { roles: true } });
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  let chunks = 0;
  for await (const _ of renderPostmortem(prisma, incident, { format: "md", zone: "Europe/Paris", now: new Date() })) {
    if (++chunks % 20 === 0) {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
  }
  return (peak - base) / 1e6;
}

interface Measured {
  ms: number;
  bytes: number;
  peakHeapMb: number;
  peakRssMb: number;
}

async function measure(prisma: Db, incidentId: string, format: "md" | "json"): Promise<Measured> {
  const incident = await prisma.incident.findUniqueOrThrow({ where: { id: incidentId }, include: { roles: true } });
  globalThis.gc?.();
  const baseHeap = process.memoryUsage().heapUsed;
  const baseRss = process.memoryUsage().rss;
  let peakHeap = baseHeap;
  let peakRss = baseRss;
  const sample = () => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakRss = Math.max(peakRss, m.rss);
  };
  const timer = setInterval(sample, 5);
  const started = process.hrtime.bigint();
  let bytes = 0;
  for await (const chunk of renderPostmortem(prisma, incident, { format, zone: "Europe/Paris", now: new Date() })) {
    bytes += Buffer.byteLength(chunk);
    sample();
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  clearInterval(timer);
  return { ms, bytes, peakHeapMb: (peakHeap - baseHeap) / 1e6, peakRssMb: (peakRss - baseRss) / 1e6 };
}

const line = (name: string, m: Measured) =>
  console.log(
    `${name.padEnd(38)} ${m.ms.toFixed(0).padStart(6)} ms  ${(m.bytes / 1e6).toFixed(1).padStart(5)} MB out  peak heap +${m.peakHeapMb.toFixed(1)} MB  peak rss +${m.peakRssMb.toFixed(1)} MB`,
  );

/** Seeds two incidents (10 000 and 100 000 events) in the bench database and times their export. */
export async function benchPostmortemExport(dbUrl: string): Promise<void> {
  const prisma = createPrisma(dbUrl);
  try {
    const small = await seedIncident(prisma, 10_000);
    const large = await seedIncident(prisma, 100_000);
    await measure(prisma, small, "md"); // warm-up (JIT, connection pool)
    line("post-mortem .md, 10 000 events", await measure(prisma, small, "md"));
    const md = await measure(prisma, large, "md");
    line("post-mortem .md, 100 000 events", md);
    line("post-mortem .json, 100 000 events", await measure(prisma, large, "json"));
    if (md.ms > 2_000) console.log("  ! the 100 000-event export took more than the 2 s target");
    const liveSmall = await liveHeapMb(prisma, small);
    const liveLarge = await liveHeapMb(prisma, large);
    console.log(
      `${"post-mortem live heap (after GC)".padEnd(38)} 10 000 events +${liveSmall.toFixed(1)} MB, 100 000 events +${liveLarge.toFixed(1)} MB (flat: does not grow with the events)`,
    );
  } finally {
    await prisma.$disconnect();
  }
}
