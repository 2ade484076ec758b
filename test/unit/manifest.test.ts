// manifest.yml is checked against @slack/web-api's Manifest type by the
// TypeScript compiler itself (an object literal gets excess-property and type
// checks), and against what the code registers.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = path.resolve(import.meta.dirname, "../..");
const manifest = parse(readFileSync(path.join(root, "manifest.yml"), "utf8"));

function typeErrors(value: unknown): string[] {
  const dir = mkdtempSync(path.join(root, "node_modules/.cache-manifest-"));
  const file = path.join(dir, "check.ts");
  writeFileSync(
    file,
    `import type { AppsManifestCreateArguments } from "@slack/web-api";\nexport const manifest: AppsManifestCreateArguments["manifest"] = ${JSON.stringify(value)};\n`,
  );
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

describe("manifest.yml", () => {
  it("is a valid Slack app manifest by @slack/web-api's type", () => {
    expect(typeErrors(manifest)).toEqual([]);
  });

  it("the type check catches a broken manifest", () => {
    const broken = structuredClone(manifest);
    broken.features.slash_commands[0].should_escape = "yes";
    broken.oauth_config.scopez = [];
    expect(typeErrors(broken).length).toBeGreaterThan(0);
  });

  it("declares what the code listens to", () => {
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual(["/hotfix"]);
    expect(manifest.features.shortcuts.map((s: { callback_id: string }) => s.callback_id)).toContain("add_to_timeline");
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(expect.arrayContaining(["pin_added", "reaction_added"]));
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining([
        "commands",
        "chat:write",
        "channels:manage",
        "pins:write",
        "bookmarks:write",
        "usergroups:read",
        "users:read",
      ]),
    );
  });
});
