import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";

/** The parts of the Slack app manifest the emulator enforces. */
export interface AppManifest {
  path: string;
  botScopes: string[];
  commands: string[];
  shortcuts: { callbackId: string; type: "message" | "global" }[];
  botEvents: string[];
  interactivity: boolean;
  homeTab: boolean;
}

/**
 * Where manifest.yml is: the `manifestPath` option, else `manifest.yml` in the
 * working directory (npm and vitest run from the repo root). Nothing is
 * guessed from this package's own location.
 */
export function findManifest(explicit?: string): string | undefined {
  if (explicit) return explicit;
  const inWorkingDir = path.resolve(process.cwd(), "manifest.yml");
  return existsSync(inWorkingDir) ? inWorkingDir : undefined;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export function loadManifest(file: string): AppManifest {
  const doc = record(parse(readFileSync(file, "utf8")));
  const features = record(doc.features);
  const settings = record(doc.settings);
  const commands = Array.isArray(features.slash_commands) ? features.slash_commands : [];
  const shortcuts = Array.isArray(features.shortcuts) ? features.shortcuts : [];
  return {
    path: file,
    botScopes: strings(record(record(doc.oauth_config).scopes).bot),
    commands: commands.map((c) => String(record(c).command ?? "")).filter(Boolean),
    shortcuts: shortcuts.map((s) => ({
      callbackId: String(record(s).callback_id ?? ""),
      type: record(s).type === "message" ? "message" : "global",
    })),
    botEvents: strings(record(settings.event_subscriptions).bot_events),
    interactivity: record(settings.interactivity).is_enabled === true,
    homeTab: record(features.app_home).home_tab_enabled === true,
  };
}
