// Property tests of the pure parsers behind every form and command: for any
// input they answer (a value or errors), never throw, and a value they accept
// is safe to store and to show.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "../../src/config.js";
import { TITLE_MAX, validateDeclare } from "../../src/domain/declare-input.js";
import { validateReleaseForm } from "../../src/domain/release.js";
import { splitArgs } from "../../src/slack/listeners/commands/hotfix.js";
import { parseBranchArgs } from "../../src/slack/verbs/branch.js";
import { parseUserMention } from "../../src/slack/verbs/incident-verbs.js";
import { maybeText, nastyText } from "./arbitraries.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must be absent.
const UNSAFE = /[\u0000-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;
/** The same, but newline and tab may stay (free text over several lines). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must be absent.
const UNSAFE_NOTE = /[\u0000-\u0008\u000B-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;
const NOW = new Date("2026-06-01T12:00:00Z");

describe("the declare form's parser", () => {
  it("answers every form with a value or errors keyed by the form's blocks; an accepted value is clean", () => {
    const blocks = new Set(["title", "severity", "ticket", "started_at", "impact_users", "impact_revenue", "service", "commander"]);
    fc.assert(
      fc.property(
        fc.record({
          title: maybeText(),
          severity: fc.oneof(maybeText(2), fc.constantFrom("P0", "P1", "P2", "p0", "P3")),
          override: fc.boolean(),
          impactUsers: maybeText(),
          impactRevenue: maybeText(),
          service: maybeText(),
          ticketUrl: fc.oneof(
            maybeText(),
            fc.webUrl(),
            nastyText(4).map((s) => `https://x.example/${s}`),
          ),
          commanderId: fc.oneof(maybeText(2), fc.constantFrom("U0BOB", "W0ALICE", "u0bob")),
          startedAt: fc.oneof(
            fc.constant(null),
            fc.double(),
            fc.integer(),
            fc.constant(Number.NaN),
            fc.constant(Number.POSITIVE_INFINITY),
            fc.integer({ min: 1_780_000_000, max: 1_781_000_000 }),
          ),
          rollbackFaster: maybeText(1),
        }),
        (form) => {
          const result = validateDeclare(form, DEFAULT_POLICY, NOW, "U0ALICE");
          if (!result.ok) {
            expect(Object.keys(result.errors).length).toBeGreaterThan(0);
            for (const key of Object.keys(result.errors)) expect(blocks).toContain(key);
            return;
          }
          const v = result.value;
          expect(v.title.length).toBeGreaterThan(0);
          expect(v.title.length).toBeLessThanOrEqual(TITLE_MAX);
          for (const text of [v.title, v.impactUsers, v.impactRevenue, v.service]) expect(text ?? "").not.toMatch(UNSAFE);
          expect(Number.isNaN(v.startedAt.getTime())).toBe(false);
          expect(v.commanderId).toMatch(/^[UW][A-Z0-9]+$/);
          if (v.ticketUrl) {
            expect(v.ticketUrl).toMatch(/^https?:\/\/[^\s<>|"`]+$/);
            expect(new URL(v.ticketUrl).href).toBe(v.ticketUrl);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("the release form's parser", () => {
  it("answers every form with a value or errors, never throws", () => {
    fc.assert(
      fc.property(
        fc.record({
          version: fc.oneof(maybeText(3), fc.constantFrom("1.2.4", "v1.2.4", "1.2.3-hotfix.1", "v9999999999999999999.0.0")),
          commit: fc.oneof(maybeText(2), fc.stringMatching(/^[0-9a-fA-F]{40}$/)),
          parent: fc.oneof(maybeText(3), fc.constantFrom("v1.2.3", "1.2.3", "refs/tags/v1.2.3", "v1.2.3..main")),
          justification: maybeText(),
          ticketUrl: fc.oneof(maybeText(), fc.webUrl()),
          riskLevel: fc.oneof(maybeText(1), fc.constantFrom("low", "MEDIUM", "high")),
          waiverIds: fc.oneof(maybeText(), fc.constantFrom("HW-2026-001", "HW-2026-001, HW-2026-002")),
        }),
        (form) => {
          const result = validateReleaseForm(form);
          if (result.ok) {
            expect(result.value.commit).toMatch(/^[0-9a-f]{40}$/);
            expect(result.value.tag.length).toBeGreaterThan(0);
          } else expect(Object.keys(result.errors).length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("the slash-command parser", () => {
  it("splits any text into a lower-case verb, words without white space, and the rest, with no NUL, control or override left", () => {
    fc.assert(
      fc.property(nastyText(20), (text) => {
        const { verb, args, rest } = splitArgs(text);
        expect(verb).toBe(verb.toLowerCase());
        expect(verb).not.toMatch(/\s/);
        for (const arg of args) {
          expect(arg.length).toBeGreaterThan(0);
          expect(arg).not.toMatch(/\s/);
        }
        expect(`${verb}${rest}${args.join("")}`).not.toMatch(UNSAFE_NOTE);
        if (!verb) expect(args).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });

  it("reads a user mention only in Slack's own form", () => {
    fc.assert(
      fc.property(fc.oneof(maybeText(3), fc.constantFrom("<@U0BOB>", "<@U0BOB|bob>", "<@W123>", "@bob", "<@U0BOB")), (text) => {
        const id = parseUserMention(text ?? undefined);
        if (id !== undefined) expect(id).toMatch(/^[UW][A-Z0-9]+$/);
      }),
      { numRuns: 2000 },
    );
  });

  it("reads `/hotfix branch [name] [from <tag>]` from any words", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(nastyText(2), fc.constant("from")), { maxLength: 6 }), (args) => {
        const parsed = parseBranchArgs(args);
        for (const value of [parsed.name, parsed.parent]) if (value !== undefined) expect(args).toContain(value);
      }),
      { numRuns: 2000 },
    );
  });
});
