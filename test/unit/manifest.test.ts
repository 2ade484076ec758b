// manifest.yml is checked against @slack/web-api's Manifest type by the
// TypeScript compiler itself (an object literal gets excess-property and type
// checks), and against what the code registers.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { registrations } from "../support/registrations.js";

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

  it("declares exactly the commands and shortcuts the app registers, and every event it listens to", () => {
    const registered = registrations();
    const declaredCommands = manifest.features.slash_commands.map((c: { command: string }) => c.command).sort();
    expect(declaredCommands).toEqual([...new Set(registered.commands)].sort());
    const declaredShortcuts = manifest.features.shortcuts.map((s: { callback_id: string }) => s.callback_id).sort();
    expect(declaredShortcuts).toEqual([...new Set(registered.shortcuts)].sort());
    // Every event the code registers must be subscribed, or Slack never sends it.
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(expect.arrayContaining([...new Set(registered.events)]));
    // Forms and buttons need interactivity.
    expect(registered.views.length + registered.actions.length).toBeGreaterThan(0);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });

  it("asks for the scopes the code's calls need", () => {
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
