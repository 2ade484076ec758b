// What the app registers with Bolt, recorded by a stand-in App: the commands,
// shortcuts, events, views and actions registerListeners wires.
import type { App } from "@slack/bolt";
import pino from "pino";
import { envSchema, parsePolicy } from "../../src/config.js";
import type { AppContext } from "../../src/context.js";
import { registerListeners } from "../../src/slack/listeners/index.js";

export interface Registrations {
  commands: string[];
  shortcuts: string[];
  events: string[];
  views: string[];
  actions: string[];
}

/** A context for listener tests: real config and logger; the parts a test needs are passed in. */
export function fakeContext(parts: Partial<AppContext> = {}): AppContext {
  return {
    config: { env: envSchema.parse({}), policy: parsePolicy({}, "test"), policySource: "test" },
    logger: pino({ level: "silent" }),
    prisma: undefined as never,
    jobs: undefined as never,
    slack: undefined as never,
    metrics: undefined as never,
    botUserId: async () => "U0HOTFIX",
    now: () => new Date("2026-12-01T10:00:00Z"),
    ...parts,
  };
}

export function registrations(): Registrations {
  const found: Registrations = { commands: [], shortcuts: [], events: [], views: [], actions: [] };
  const id = (what: unknown) => (typeof what === "string" ? what : JSON.stringify(what));
  const app = {
    command: (name: unknown) => found.commands.push(id(name)),
    shortcut: (name: unknown) => found.shortcuts.push(id(name)),
    event: (name: unknown) => found.events.push(id(name)),
    view: (name: unknown) => found.views.push(id(name)),
    action: (name: unknown) => found.actions.push(id(name)),
    message: () => found.events.push("message"),
    // Global middleware (input cleaning) is not a listener.
    use: () => undefined,
  };
  registerListeners(app as unknown as App, fakeContext());
  return found;
}
