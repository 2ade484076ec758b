// The post-mortem's timeline as the store streams it: page by page on the
// keyset (occurredAt, recordedAt, id), with retimed events merged in at their
// curated place and hidden ones left to the renderer. Generated timelines —
// many events in the same millisecond, pages smaller than a tie, events moved
// before the first, after the last and between pages — must come out exactly
// as the in-memory reference (curateTimeline over all the rows) orders them.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { curatedPages, curateTimeline, type EventCuration, type PostmortemEvent } from "../../src/domain/postmortem.js";
import { timelineStream } from "../../src/store/postmortem.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const T0 = Date.parse("2026-01-09T10:00:00.000Z");

async function incident(): Promise<string> {
  const row = await db.prisma.incident.create({
    data: { title: "stream", slug: "stream", severity: "P1", declaredBy: "U1", startedAt: new Date(T0), declaredAt: new Date(T0) },
  });
  return row.id;
}

interface Generated {
  /**
   * Offsets in ms from T0: few distinct values, so ties on occurredAt and
   * recordedAt are common, and ties are broken by ids of one to four digits
   * (the database orders them as numbers: 999 before 1008).
   */
  events: Array<{ occurred: number; recorded: number; id: number }>;
  /** Curations by index into events (taken modulo their number). */
  edits: Array<{ index: number; hidden: boolean; moveTo: number | null; text: boolean }>;
  pageSize: number;
}

const generated: fc.Arbitrary<Generated> = fc.record({
  events: fc.uniqueArray(
    fc.record({
      occurred: fc.integer({ min: -3, max: 6 }),
      recorded: fc.integer({ min: 0, max: 2 }),
      id: fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 90, max: 110 }), fc.integer({ min: 990, max: 1010 })),
    }),
    { selector: (e) => e.id, minLength: 1, maxLength: 40 },
  ),
  edits: fc.array(
    fc.record({
      index: fc.nat(),
      hidden: fc.boolean(),
      moveTo: fc.option(fc.integer({ min: -10, max: 10 }), { nil: null }),
      text: fc.boolean(),
    }),
    { maxLength: 6 },
  ),
  pageSize: fc.integer({ min: 1, max: 7 }),
});

async function* replay(pages: PostmortemEvent[][]): AsyncGenerator<PostmortemEvent[]> {
  yield* pages;
}

async function collectStream(incidentId: string, curations: Map<string, EventCuration>, pageSize: number) {
  const pages: PostmortemEvent[][] = [];
  for await (const page of timelineStream(db.prisma, incidentId, curations, pageSize)) pages.push(page);
  return pages;
}

describe("the post-mortem's timeline stream", () => {
  it("pages through any timeline in the curated order, exactly as the in-memory reference orders it", async () => {
    await fc.assert(
      fc.asyncProperty(generated, async ({ events, edits, pageSize }) => {
        const incidentId = await incident();
        // Each run's ids are its own (the rows are deleted after it), so they can be chosen.
        const rows = await db.prisma.timelineEvent.createManyAndReturn({
          data: events.map((e, i) => ({
            id: BigInt(e.id),
            incidentId,
            kind: "message",
            summary: `event ${i}`,
            occurredAt: new Date(T0 + e.occurred),
            recordedAt: new Date(T0 + e.recorded),
          })),
        });
        const stored: PostmortemEvent[] = rows.map((r) => ({
          id: String(r.id),
          kind: r.kind,
          occurredAt: r.occurredAt,
          recordedAt: r.recordedAt,
          summary: r.summary,
          actor: r.actor,
          data: {},
        }));
        const curations = new Map<string, EventCuration>();
        for (const edit of edits) {
          const target = stored[edit.index % stored.length] as PostmortemEvent;
          curations.set(target.id, {
            eventId: target.id,
            ...(edit.hidden ? { hidden: true } : {}),
            ...(edit.moveTo !== null ? { occurredAt: new Date(T0 + edit.moveTo) } : {}),
            ...(edit.text ? { summary: `edited ${target.summary}` } : {}),
          });
        }

        const pages = await collectStream(incidentId, curations, pageSize).finally(() =>
          db.prisma.timelineEvent.deleteMany({ where: { incidentId } }),
        );
        const curated = [];
        for await (const page of curatedPages(replay(pages), curations)) curated.push(...page);
        const reference = curateTimeline(stored, curations.values());
        expect(curated.map((e) => [e.id, e.occurredAt.getTime(), e.summary])).toEqual(
          reference.map((e) => [e.id, e.occurredAt.getTime(), e.summary]),
        );
        // Every event comes once (hidden ones too: the renderer leaves them out), and no page is empty.
        expect(new Set(pages.flat().map((e) => e.id)).size).toBe(stored.length);
        expect(pages.flat()).toHaveLength(stored.length);
        for (const page of pages) expect(page.length).toBeGreaterThan(0);
      }),
      { numRuns: 60 },
    );
  });

  it("yields pages of the page size, and a reader may stop after the first", async () => {
    const incidentId = await incident();
    await db.prisma.timelineEvent.createMany({
      data: Array.from({ length: 25 }, (_, i) => ({
        incidentId,
        kind: "message",
        summary: `event ${i}`,
        occurredAt: new Date(T0 + i * 1000),
        recordedAt: new Date(T0 + i * 1000),
      })),
    });
    const stream = timelineStream(db.prisma, incidentId, new Map(), 10);
    const first = await stream.next();
    expect(first.value).toHaveLength(10);
    await stream.return(undefined);
    const all = await collectStream(incidentId, new Map(), 10);
    expect(all.map((p) => p.length)).toEqual([10, 10, 5]);
  });
});
