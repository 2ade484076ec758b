// Version math for the release lane (runbook 004), pure: which tag is the
// parent release, and what the hotfix on top of it is called.
//
//   patch        -> vX.Y.Z+1            v1.2.3 -> v1.2.4
//   suffix       -> vX.Y.Z-hotfix.N     v1.2.3 -> v1.2.3-hotfix.1, then .2, ... (runbook 004)
//   patch-suffix -> vX.Y.Z+1-hotfix.N   v1.2.3 -> v1.2.4-hotfix.1, then .2, ... (runbook 002)
//
// With a suffix, hotfixes chain: the second hotfix on v1.2.3 is cut from
// v1.2.3-hotfix.1 (the last one that reached production), never from v1.2.3,
// or it would silently drop the first one's fix (hotfixParent).
//
// A tag is a version tag when it is a literal prefix followed by a strict
// semver ("v1.2.3", "1.2.3", "payments-v1.2.3"); the prefix is kept, so a
// repository tagging "v1.2.3" gets "v1.2.4" and one tagging "1.2.3" gets
// "1.2.4". Pre-releases (rc, beta, hotfix suffixes) are never a parent found
// by detection, and tags that are not semver ("hotfix-prod-20250116",
// "milestone/q1-freeze", "v1.2") are ignored.
import semver from "semver";

export type Versioning = "patch" | "suffix" | "patch-suffix";

export interface VersionTag {
  /** The tag as written: "v1.2.3". */
  tag: string;
  /** What precedes the version: "v", "", "payments-v". */
  prefix: string;
  /** The semver without prefix: "1.2.3", "1.2.3-hotfix.1". */
  version: string;
  major: number;
  minor: number;
  patch: number;
  prerelease: ReadonlyArray<string | number>;
}

/** "v1.2.3" -> its parts; undefined for anything that is not prefix + strict semver. */
export function parseVersionTag(tag: string): VersionTag | undefined {
  const match = /^(\S*?)(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/.exec(tag);
  if (!match) return undefined;
  const [, prefix = "", rest = ""] = match;
  // "1.2.3.4" must not read as prefix "1." + "2.3.4": a prefix never ends in a digit or a dot.
  if (/[\d.]$/.test(prefix)) return undefined;
  const parsed = semver.parse(rest);
  if (!parsed || parsed.raw !== rest) return undefined;
  return {
    tag,
    prefix,
    version: parsed.version,
    major: parsed.major,
    minor: parsed.minor,
    patch: parsed.patch,
    prerelease: parsed.prerelease,
  };
}

/** The policy's tag pattern is a glob: `*` any text, `?` one character; the whole tag must match. */
export function matchesTagPattern(tag: string, pattern: string): boolean {
  const source = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`).test(tag);
}

/** A general-availability version: semver without a pre-release part. */
export function isGaVersion(tag: string): boolean {
  const parsed = parseVersionTag(tag);
  return parsed !== undefined && parsed.prerelease.length === 0;
}

function compareParsed(a: VersionTag, b: VersionTag): number {
  return semver.compare(a.version, b.version);
}

/**
 * The parent release: the highest GA semver tag matching the pattern.
 * Undefined when none matches (the caller then asks GitHub for its latest
 * release, or the user names a tag).
 */
export function highestReleaseTag(tags: Iterable<string>, pattern: string): VersionTag | undefined {
  let best: VersionTag | undefined;
  for (const tag of tags) {
    if (!matchesTagPattern(tag, pattern)) continue;
    const parsed = parseVersionTag(tag);
    if (!parsed || parsed.prerelease.length > 0) continue;
    // Equal versions under two spellings ("v1.2.3" and "1.2.3"): keep the first seen.
    if (!best || compareParsed(parsed, best) > 0) best = parsed;
  }
  return best;
}

/** The hotfix number of "1.2.3-hotfix.4" (4), when `tag` is a hotfix of `parent`'s X.Y.Z. */
function hotfixNumber(tag: VersionTag, parent: VersionTag): number | undefined {
  if (tag.major !== parent.major || tag.minor !== parent.minor || tag.patch !== parent.patch) return undefined;
  const [label, n, ...more] = tag.prerelease;
  if (label !== "hotfix" || typeof n !== "number" || more.length > 0) return undefined;
  return n;
}

/** How many hotfixes are already tagged on this parent (`X.Y.Z-hotfix.N`, any prefix spelling). */
export function hotfixesOnParent(parentTag: string, tags: Iterable<string>): number[] {
  const parent = parseVersionTag(parentTag);
  if (!parent) return [];
  const numbers: number[] = [];
  for (const tag of tags) {
    const parsed = parseVersionTag(tag);
    const n = parsed && hotfixNumber(parsed, parent);
    if (n !== undefined) numbers.push(n);
  }
  return numbers.sort((a, b) => a - b);
}

export interface NextVersion {
  /** The tag to create: "v1.2.4" or "v1.2.3-hotfix.2". */
  tag: string;
  /** The version without prefix, as runbook 004's workflow input `version` wants it: "1.2.4". */
  version: string;
  /** For `suffix`: the N chosen. */
  hotfixNumber?: number;
  /** Versions passed over because a tag has them already (a rolled-back v1.2.4 makes the next fix v1.2.5). */
  skipped: string[];
}

/**
 * The next hotfix version on top of `parentTag`. `patch` is X.Y.Z+1, or the
 * next patch after it that no tag has (runbook 004: a rolled-back v4.1.3 is
 * fixed by v4.1.4). `suffix` numbers from 1 and never reuses a number: N is
 * one more than the highest hotfix already tagged on that parent (with no
 * gaps, the count of them plus one).
 */
export function nextHotfixVersion(parentTag: string, existingTags: Iterable<string>, versioning: Versioning): NextVersion {
  const parent = parseVersionTag(parentTag);
  if (!parent) throw new Error(`${parentTag} is not a semver tag; name the version yourself`);
  const tags = [...existingTags];
  const existing = new Set(tags.map((t) => parseVersionTag(t)?.version).filter((v): v is string => v !== undefined));
  if (versioning === "patch") {
    // Explicit arithmetic: semver.inc("1.2.3-rc.1", "patch") would give 1.2.3.
    const skipped: string[] = [];
    for (let patch = parent.patch + 1; ; patch++) {
      const version = `${parent.major}.${parent.minor}.${patch}`;
      if (!existing.has(version)) return { tag: `${parent.prefix}${version}`, version, skipped };
      skipped.push(`${parent.prefix}${version}`);
    }
  }
  const base = suffixBase(parent, versioning);
  const numbers = hotfixesOn(base, tags);
  const n = Math.max(0, ...numbers) + 1;
  const version = `${base.major}.${base.minor}.${base.patch}-hotfix.${n}`;
  return { tag: `${parent.prefix}${version}`, version, hotfixNumber: n, skipped: [] };
}

type Triple = Pick<VersionTag, "major" | "minor" | "patch">;

/**
 * The X.Y.Z a suffix counts on: the parent's own for `suffix`; for
 * `patch-suffix` the next patch of a GA parent, or the parent's own when the
 * parent is already a hotfix (v1.2.4-hotfix.1 -> v1.2.4-hotfix.2).
 */
function suffixBase(parent: VersionTag, versioning: Versioning): Triple {
  const isHotfix = parent.prerelease[0] === "hotfix";
  if (versioning === "patch-suffix" && !isHotfix) return { major: parent.major, minor: parent.minor, patch: parent.patch + 1 };
  return parent;
}

function hotfixesOn(base: Triple, tags: Iterable<string>): number[] {
  const numbers: number[] = [];
  for (const tag of tags) {
    const parsed = parseVersionTag(tag);
    const n = parsed && hotfixNumber(parsed, { ...parsed, ...base });
    if (n !== undefined) numbers.push(n);
  }
  return numbers.sort((a, b) => a - b);
}

/**
 * The parent a new hotfix is cut from, given the production release found
 * (`gaTag`): with a suffix, the highest hotfix already tagged on it
 * (`v1.2.3-hotfix.1`, or `v1.2.4-hotfix.1` for patch-suffix) unless it was
 * rolled back (`rolledBack`: tags whose release is marked pre-release);
 * otherwise the GA tag itself.
 */
export function hotfixParent(gaTag: string, tags: Iterable<string>, versioning: Versioning, rolledBack: ReadonlySet<string>): string {
  if (versioning === "patch") return gaTag;
  const ga = parseVersionTag(gaTag);
  if (!ga || ga.prerelease.length > 0) return gaTag;
  const base = suffixBase(ga, versioning);
  let best: { tag: string; n: number } | undefined;
  for (const tag of tags) {
    if (rolledBack.has(tag)) continue;
    const parsed = parseVersionTag(tag);
    if (!parsed || parsed.prefix !== ga.prefix) continue;
    const n = hotfixNumber(parsed, { ...parsed, ...base });
    if (n !== undefined && (!best || n > best.n)) best = { tag, n };
  }
  return best?.tag ?? gaTag;
}

/** A version typed by a person ("1.2.4", "v1.2.4") spelled the way the parent is: "v1.2.4". */
export function normalizeVersionInput(input: string, parentTag: string): { tag: string; version: string } | undefined {
  const trimmed = input.trim();
  const parent = parseVersionTag(parentTag);
  const prefix = parent?.prefix ?? "";
  const given = parseVersionTag(trimmed);
  if (!given) return undefined;
  // "1.2.4" in a repository that writes "v1.2.4" gets the prefix; an explicit one is kept.
  const tag = given.prefix === "" ? `${prefix}${given.version}` : trimmed;
  return { tag, version: given.version };
}

/**
 * Whether a new release should be marked "latest" on GitHub: only when it is
 * at least the highest GA version already tagged (a hotfix on an older line
 * must not replace the newest release as "latest").
 */
export function shouldBeLatest(tag: string, existingTags: Iterable<string>, pattern: string): boolean {
  const candidate = parseVersionTag(tag);
  if (!candidate || candidate.prerelease.length > 0) return false;
  const highest = highestReleaseTag(existingTags, pattern);
  return !highest || semver.gte(candidate.version, highest.version);
}
