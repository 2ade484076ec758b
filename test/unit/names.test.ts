import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { channelNameWithSuffix, refName, sanitizeChannelName, slugify, ticketKey, warRoomName } from "../../src/domain/names.js";

const VALID_CHANNEL = /^[a-z0-9_-]{1,80}$/;
const date = DateTime.fromISO("2026-11-23T03:12:00Z");

describe("names", () => {
  it.each([
    ["Payments failing for card users", "payments-failing-for-card-users"],
    ["Paiement échoué 💥 !!", "paiement-echoue"],
    ["🔥🔥🔥", ""],
    ["  --Weird__Title--  ", "weird-title"],
  ])("slugify(%j) = %j", (input, expected) => {
    expect(slugify(input)).toBe(expected);
  });

  it("always yields a valid Slack channel name, whatever the title holds", () => {
    const titles = ["💥", "", "x".repeat(200), "日本語のタイトル", "Ünïcødé & <script>", "a b c ".repeat(60), "UPPER_case-Mixed"];
    for (const title of titles) {
      const name = warRoomName("hotfix-{yyyymmdd}-{slug}", { slug: slugify(title), date });
      expect(name).toMatch(VALID_CHANNEL);
      expect(name.startsWith("hotfix-20261123")).toBe(true);
      for (let n = 2; n <= 20; n++) expect(channelNameWithSuffix(name, n)).toMatch(VALID_CHANNEL);
    }
    expect(sanitizeChannelName("💥💥")).toBe("hotfix");
    expect(channelNameWithSuffix("a".repeat(80), 12)).toHaveLength(80);
    expect(channelNameWithSuffix("a".repeat(80), 12).endsWith("-12")).toBe(true);
  });

  it("names branches by each runbook's scheme", () => {
    expect(refName("release/hotfix-{ticket}", { ticket: "https://linear.app/acme/issue/ENG-42/login", slug: "x" })).toBe(
      "release/hotfix-eng-42",
    );
    expect(refName("release/hotfix-{yyyymmdd}", { date })).toBe("release/hotfix-20261123");
    expect(refName("hotfix/{slug}", { slug: "fix-payment-failure" })).toBe("hotfix/fix-payment-failure");
    expect(refName("hotfix/{version}", { version: "v4.1.3" })).toBe("hotfix/v4.1.3");
    expect(refName("milestone/{name}", { name: "pre fix..x~1" })).toBe("milestone/pre-fix.x-1");
    expect(ticketKey("SEC-1234")).toBe("sec-1234");
  });
});

describe("templates", () => {
  it("fills every placeholder, including {yyyy-mm-dd}", async () => {
    const { fillTemplate } = await import("../../src/domain/names.js");
    expect(fillTemplate("hotfix-{yyyy-mm-dd}-{slug}-{number}", { slug: "x", number: 7, date })).toBe("hotfix-2026-11-23-x-7");
    expect(fillTemplate("keep-{unknown}", { date })).toBe("keep-{unknown}");
  });
});
