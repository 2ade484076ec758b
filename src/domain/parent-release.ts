// The production release a hotfix starts from, and the branch name it gets.
import { DateTime } from "luxon";
import type { Incident } from "./incident.js";
import { refName } from "./names.js";
import type { Policy } from "./policy.js";
import { nextHotfixVersion } from "./versions.js";

export type ParentSource = "named" | "highest-tag" | "latest-release" | "last-hotfix";

export interface ParentRelease {
  tag: string;
  sha: string;
  source: ParentSource;
  /** How it was found, in words, to show before acting. */
  how: string;
  /** Every tag name of the repository (for version math). */
  tags: string[];
}

/** Runbook 004, troubleshooting "Parent release not found". */
export function parentNotFound(tag: string): string {
  return (
    `Parent release not found: the tag ${tag} does not exist in the repository. ` +
    `List the available tags (\`git tag -l "${tag.replace(/\d+$/, "*")}"\`, after \`git fetch --tags\`), check the release (\`gh release view ${tag}\`), ` +
    "and name an existing one."
  );
}

export function describeSource(source: ParentSource, pattern: string): string {
  if (source === "named") return "named by you";
  if (source === "last-hotfix") return "the last hotfix on the production release that was not rolled back (versioning with a suffix)";
  if (source === "highest-tag") return `the highest semver tag matching \`${pattern}\` (pre-releases and non-semver tags ignored)`;
  return `GitHub's latest release (no GA semver tag matches \`${pattern}\`)`;
}

/** The policy's branch name for this incident ("release/hotfix-{ticket}", "hotfix/{version}" ...). */
export function policyBranchName(
  policy: Policy,
  incident: Pick<Incident, "slug" | "ticketUrl" | "number">,
  parent: ParentRelease | undefined,
  now: Date,
): string {
  let version: string | null = null;
  if (policy.github.branch.includes("{version}") && parent) {
    try {
      version = nextHotfixVersion(parent.tag, parent.tags, policy.github.versioning).tag;
    } catch {
      version = parent.tag;
    }
  }
  return refName(policy.github.branch, {
    slug: incident.slug,
    ticket: incident.ticketUrl,
    version,
    number: incident.number,
    date: DateTime.fromJSDate(now).toUTC(),
  });
}
