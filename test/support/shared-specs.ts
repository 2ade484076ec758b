// Where the API descriptions are: `shared/` sits beside the repository (here
// at /work/shared, in CI wherever the clone's sibling is). Computed once, from
// this file's place in the repo, so no emulator or test guesses by walking up.
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const specsDir = path.resolve(repoRoot, "../shared/specs");

export const sharedSpecs = {
  dir: specsDir,
  /** The GitHub REST operations the product may use (the GitHub emulator's `specPath`). */
  githubRest: path.join(specsDir, "github", "rest-subset.json"),
  /** Sample answers of the Slack Web API, one JSON file per method. */
  slackApiDir: path.join(specsDir, "slack", "api"),
  /** Linear's GraphQL schema. */
  linearSchema: path.join(specsDir, "linear", "schema.graphql"),
  /** The app's Slack manifest (the Slack emulator's `manifestPath`). */
  manifest: path.join(repoRoot, "manifest.yml"),
} as const;
