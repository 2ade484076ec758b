// Version math of the release lane (runbook 004): parent detection, the next
// hotfix version under both policies, prefix handling, and what is ignored.
import { describe, expect, it } from "vitest";
import {
  highestReleaseTag,
  hotfixesOnParent,
  hotfixParent,
  isGaVersion,
  matchesTagPattern,
  nextHotfixVersion,
  normalizeVersionInput,
  parseVersionTag,
  shouldBeLatest,
} from "../../src/domain/versions.js";

describe("parseVersionTag", () => {
  it.each([
    ["v1.2.3", "v", "1.2.3", []],
    ["1.2.3", "", "1.2.3", []],
    ["v10.20.30", "v", "10.20.30", []],
    ["v0.0.1", "v", "0.0.1", []],
    ["v1.3.0-rc.1", "v", "1.3.0-rc.1", ["rc", 1]],
    ["v1.2.3-hotfix.2", "v", "1.2.3-hotfix.2", ["hotfix", 2]],
    ["payments-v2.0.0", "payments-v", "2.0.0", []],
    ["app2-v1.0.0", "app2-v", "1.0.0", []],
    ["release/v4.1.2", "release/v", "4.1.2", []],
    ["v1.2.3+build.7", "v", "1.2.3", []],
  ])("reads %s as prefix %j, version %s", (tag, prefix, version, prerelease) => {
    const parsed = parseVersionTag(tag);
    expect(parsed).toMatchObject({ tag, prefix, version });
    expect(parsed?.prerelease).toEqual(prerelease);
  });

  it.each([
    "hotfix-prod-20250116",
    "milestone/q1-freeze",
    "prod-20260101-hotfix",
    "v1.2",
    "v1",
    "1.2.3.4",
    "v01.2.3",
    "v1.02.3",
    "v1.2.3-",
    "v 1.2.3",
    "latest",
    "",
  ])("ignores %j (not a semver tag)", (tag) => {
    expect(parseVersionTag(tag)).toBeUndefined();
  });

  it("tells GA versions from pre-releases", () => {
    expect(isGaVersion("v1.2.3")).toBe(true);
    expect(isGaVersion("v1.2.3+meta")).toBe(true);
    expect(isGaVersion("v1.3.0-rc.1")).toBe(false);
    expect(isGaVersion("v1.2.3-hotfix.1")).toBe(false);
    expect(isGaVersion("hotfix-prod-20250116")).toBe(false);
  });
});

describe("matchesTagPattern", () => {
  it("is a whole-tag glob", () => {
    expect(matchesTagPattern("v1.2.3", "v*")).toBe(true);
    expect(matchesTagPattern("1.2.3", "v*")).toBe(false);
    expect(matchesTagPattern("release/v1.2.3", "v*")).toBe(false);
    expect(matchesTagPattern("payments-v1.2.3", "payments-v*")).toBe(true);
    expect(matchesTagPattern("v1.2.3", "*")).toBe(true);
    expect(matchesTagPattern("v1.2.3", "v?.?.?")).toBe(true);
    expect(matchesTagPattern("v1.2.13", "v?.?.?")).toBe(false);
    // Dots and other regex characters in the pattern are literal.
    expect(matchesTagPattern("v1x2", "v1.2")).toBe(false);
  });
});

describe("highestReleaseTag (the parent release)", () => {
  const seeded = ["v1.2.0", "v1.2.3", "hotfix-prod-20250116", "milestone/q1-freeze", "v1.3.0-rc.1"];

  it("picks the highest GA semver tag matching the pattern, ignoring pre-releases and non-semver tags", () => {
    expect(highestReleaseTag(seeded, "v*")?.tag).toBe("v1.2.3");
  });

  it("compares versions, not strings (v1.10.0 > v1.9.9 > v1.2.3)", () => {
    expect(highestReleaseTag(["v1.9.9", "v1.10.0", "v1.2.3"], "v*")?.tag).toBe("v1.10.0");
    expect(highestReleaseTag(["v9.0.0", "v10.0.0"], "v*")?.tag).toBe("v10.0.0");
  });

  it("ignores hotfix pre-releases of a higher patch and build metadata", () => {
    expect(highestReleaseTag(["v1.2.3", "v1.2.4-hotfix.1", "v1.2.3+build.9"], "v*")?.tag).toBe("v1.2.3");
  });

  it("applies the pattern before anything else", () => {
    expect(highestReleaseTag(["1.2.3", "2.0.0"], "v*")).toBeUndefined();
    expect(highestReleaseTag(["1.2.3", "2.0.0"], "*")?.tag).toBe("2.0.0");
    expect(highestReleaseTag(["api-v3.0.0", "web-v9.0.0", "api-v3.1.0"], "api-v*")?.tag).toBe("api-v3.1.0");
  });

  it("finds nothing when only pre-releases and non-semver tags exist", () => {
    expect(highestReleaseTag(["v1.3.0-rc.1", "hotfix-prep-20250101", "v2"], "v*")).toBeUndefined();
    expect(highestReleaseTag([], "v*")).toBeUndefined();
  });

  it("keeps the first spelling of an equal version", () => {
    expect(highestReleaseTag(["v1.2.3", "1.2.3"], "*")?.tag).toBe("v1.2.3");
  });
});

describe("nextHotfixVersion: patch (vX.Y.Z+1)", () => {
  it.each([
    ["v1.2.3", "v1.2.4", "1.2.4"],
    ["1.2.3", "1.2.4", "1.2.4"],
    ["v4.1.2", "v4.1.3", "4.1.3"],
    ["v1.2.9", "v1.2.10", "1.2.10"],
    ["v0.0.0", "v0.0.1", "0.0.1"],
    ["payments-v2.0.0", "payments-v2.0.1", "2.0.1"],
    ["v1.2.3+build.5", "v1.2.4", "1.2.4"],
  ])("%s -> %s (prefix kept as the repo writes it)", (parent, tag, version) => {
    expect(nextHotfixVersion(parent, [parent], "patch")).toEqual({ tag, version, skipped: [] });
  });

  it("bumps the patch of a pre-release parent too (never back to the GA version)", () => {
    expect(nextHotfixVersion("v1.3.0-rc.1", [], "patch").tag).toBe("v1.3.1");
  });

  it("passes over patches a tag has already (runbook 004: a rolled-back v4.1.3 is fixed by v4.1.4)", () => {
    expect(nextHotfixVersion("v1.2.3", ["v1.2.3", "v1.2.4"], "patch")).toEqual({ tag: "v1.2.5", version: "1.2.5", skipped: ["v1.2.4"] });
    expect(nextHotfixVersion("v1.2.3", ["v1.2.4", "v1.2.5", "v1.2.7"], "patch").tag).toBe("v1.2.6");
    // Whatever its spelling; pre-releases of the next patch do not take it.
    expect(nextHotfixVersion("v1.2.3", ["1.2.4"], "patch").tag).toBe("v1.2.5");
    expect(nextHotfixVersion("v1.2.3", ["v1.2.4-rc.1"], "patch").tag).toBe("v1.2.4");
  });
});

describe("nextHotfixVersion: suffix (vX.Y.Z-hotfix.N)", () => {
  it("starts at 1", () => {
    expect(nextHotfixVersion("v4.1.2", ["v4.1.2"], "suffix")).toEqual({
      tag: "v4.1.2-hotfix.1",
      version: "4.1.2-hotfix.1",
      hotfixNumber: 1,
      skipped: [],
    });
  });

  it("counts the hotfixes already tagged on that parent", () => {
    expect(nextHotfixVersion("v4.1.2", ["v4.1.2", "v4.1.2-hotfix.1"], "suffix").tag).toBe("v4.1.2-hotfix.2");
    expect(nextHotfixVersion("v4.1.2", ["v4.1.2", "v4.1.2-hotfix.1", "v4.1.2-hotfix.2"], "suffix").tag).toBe("v4.1.2-hotfix.3");
  });

  it("counts only hotfixes of that parent", () => {
    const tags = [
      "v4.1.1-hotfix.1",
      "v4.1.1-hotfix.2",
      "v4.1.3-hotfix.1",
      "v4.1.2-rc.1",
      "v4.1.2-hotfix",
      "v4.1.2-hotfix.x",
      "v4.1.2-hotfix.1.1",
    ];
    expect(nextHotfixVersion("v4.1.2", tags, "suffix").tag).toBe("v4.1.2-hotfix.1");
  });

  it("counts hotfixes whatever their prefix spelling, and keeps the parent's", () => {
    expect(nextHotfixVersion("v4.1.2", ["4.1.2-hotfix.1"], "suffix").tag).toBe("v4.1.2-hotfix.2");
    expect(nextHotfixVersion("4.1.2", ["v4.1.2-hotfix.1"], "suffix").tag).toBe("4.1.2-hotfix.2");
  });

  it("never reuses a number when one is missing (hotfix.1 deleted, hotfix.2 remains)", () => {
    expect(nextHotfixVersion("v4.1.2", ["v4.1.2-hotfix.2"], "suffix").tag).toBe("v4.1.2-hotfix.3");
    expect(hotfixesOnParent("v4.1.2", ["v4.1.2-hotfix.3", "v4.1.2-hotfix.1", "v9.9.9-hotfix.1"])).toEqual([1, 3]);
  });

  it("bases a hotfix of a hotfix on the same X.Y.Z", () => {
    expect(nextHotfixVersion("v4.1.2-hotfix.1", ["v4.1.2-hotfix.1"], "suffix").tag).toBe("v4.1.2-hotfix.2");
  });

  it("refuses a parent that is not semver", () => {
    expect(() => nextHotfixVersion("hotfix-prod-20250116", [], "suffix")).toThrow(/not a semver tag/);
    expect(() => nextHotfixVersion("main", [], "patch")).toThrow(/not a semver tag/);
  });
});

describe("normalizeVersionInput", () => {
  it("spells a typed version the way the parent is spelled", () => {
    expect(normalizeVersionInput("1.2.4", "v1.2.3")).toEqual({ tag: "v1.2.4", version: "1.2.4" });
    expect(normalizeVersionInput(" v1.2.4 ", "v1.2.3")).toEqual({ tag: "v1.2.4", version: "1.2.4" });
    expect(normalizeVersionInput("1.2.4", "1.2.3")).toEqual({ tag: "1.2.4", version: "1.2.4" });
    expect(normalizeVersionInput("1.2.3-hotfix.1", "v1.2.3")).toEqual({ tag: "v1.2.3-hotfix.1", version: "1.2.3-hotfix.1" });
    expect(normalizeVersionInput("v1.2.4", "1.2.3")).toEqual({ tag: "v1.2.4", version: "1.2.4" });
  });

  it("rejects what is not semver", () => {
    expect(normalizeVersionInput("1.2", "v1.2.3")).toBeUndefined();
    expect(normalizeVersionInput("next", "v1.2.3")).toBeUndefined();
  });
});

describe("shouldBeLatest", () => {
  const tags = ["v1.2.0", "v1.2.3", "v1.3.0-rc.1"];
  it("marks a hotfix latest only when it is the newest GA version", () => {
    expect(shouldBeLatest("v1.2.4", tags, "v*")).toBe(true);
    expect(shouldBeLatest("v1.2.4", [...tags, "v1.3.0"], "v*")).toBe(false);
    expect(shouldBeLatest("v1.2.3-hotfix.1", tags, "v*")).toBe(false);
    expect(shouldBeLatest("v0.0.1", [], "v*")).toBe(true);
  });
});

describe("hotfix chains with a suffix (issue 12.1)", () => {
  const none = new Set<string>();

  it("cuts the second hotfix on v1.2.3 from v1.2.3-hotfix.1, and numbers it 2", () => {
    const tags = ["v1.2.3", "v1.2.3-hotfix.1", "v1.3.0-rc.1"];
    const parent = hotfixParent("v1.2.3", tags, "suffix", none);
    expect(parent).toBe("v1.2.3-hotfix.1");
    expect(nextHotfixVersion(parent, tags, "suffix")).toMatchObject({ tag: "v1.2.3-hotfix.2", version: "1.2.3-hotfix.2", hotfixNumber: 2 });
  });

  it("skips a rolled-back hotfix (its release marked pre-release) but never reuses its number", () => {
    const tags = ["v1.2.3", "v1.2.3-hotfix.1", "v1.2.3-hotfix.2"];
    const parent = hotfixParent("v1.2.3", tags, "suffix", new Set(["v1.2.3-hotfix.2"]));
    expect(parent).toBe("v1.2.3-hotfix.1");
    expect(nextHotfixVersion(parent, tags, "suffix").tag).toBe("v1.2.3-hotfix.3");
  });

  it("patch-suffix (runbook 002): v1.2.3 -> v1.2.4-hotfix.1, then v1.2.4-hotfix.2 cut from hotfix.1", () => {
    expect(nextHotfixVersion("v1.2.3", ["v1.2.3"], "patch-suffix")).toMatchObject({ tag: "v1.2.4-hotfix.1", version: "1.2.4-hotfix.1" });
    const tags = ["v1.2.3", "v1.2.4-hotfix.1"];
    const parent = hotfixParent("v1.2.3", tags, "patch-suffix", none);
    expect(parent).toBe("v1.2.4-hotfix.1");
    expect(nextHotfixVersion(parent, tags, "patch-suffix").tag).toBe("v1.2.4-hotfix.2");
  });

  it("leaves the parent alone for patch versioning, and with no hotfix yet", () => {
    expect(hotfixParent("v1.2.3", ["v1.2.3", "v1.2.3-hotfix.1"], "patch", none)).toBe("v1.2.3");
    expect(hotfixParent("v1.2.3", ["v1.2.3", "v1.2.2-hotfix.4"], "suffix", none)).toBe("v1.2.3");
  });
});
