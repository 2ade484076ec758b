// The sandbox page's HTTP side: the page itself (static files, no framework,
// nothing from the internet), the JSON it polls, and the few things a person
// does on it. Every action goes to the app the way Slack sends it: a signed
// slash command, block_actions, view_submission, view_closed or event, through
// the same AppClient the tests use. Panels (the sandbox adds GitHub and Linear)
// are read-only JSON other code registers; this package knows nothing of them.
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppClient } from "../app-client.js";
import type { WorkspaceState } from "../state.js";
import { SlackClientValidationError } from "../view-state.js";
import { humans, pageSnapshot } from "./snapshot.js";

/** A side panel: sections of rows, loaded each time the page asks. */
export interface PanelRow {
  text: string;
  detail?: string;
  link?: string;
  badge?: string;
}

/** A button on a panel: something the outside world does (a push, a deploy), done by whoever registered the panel. */
export interface PanelAction {
  id: string;
  label: string;
  hint?: string;
}

export interface PanelData {
  sections: { title: string; rows: PanelRow[] }[];
  actions?: PanelAction[];
}

export interface WebPanel {
  id: string;
  title: string;
  load(): PanelData | Promise<PanelData>;
  /** Runs one of the panel's actions for a person; returns what to tell them. Throw to refuse (the message is shown). */
  act?(actionId: string, userId: string): string | Promise<string>;
}

export interface WebDeps {
  state: () => WorkspaceState;
  appClient: AppClient;
  panels: Map<string, WebPanel>;
  /** One line under the page title, e.g. "local sandbox: nothing here reaches a real Slack". */
  banner: () => string;
}

const STATIC: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/index.html": { file: "index.html", type: "text/html; charset=utf-8" },
  "/web/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/web/style.css": { file: "style.css", type: "text/css; charset=utf-8" },
};

// The page runs only its own script and styles: user text can never become markup that runs.
const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "cache-control": "no-store",
};

class WebError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1_000_000) throw new WebError(413, "request too large");
    chunks.push(chunk as Buffer);
  }
  try {
    const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as unknown;
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new WebError(400, "expected a JSON object");
}

function text(body: Record<string, unknown>, key: string, required = true): string {
  const value = body[key];
  if (typeof value === "string" && value !== "") return value;
  if (required) throw new WebError(400, `${key} is required`);
  return "";
}

function person(deps: WebDeps, id: string): string {
  const user = deps.state().user(id);
  if (!user || user.isBot || user.deleted) throw new WebError(400, `no such person: ${id}`);
  return user.id;
}

/** "/hotfix declare x" or "declare x" -> the command and its text. */
function splitCommand(line: string): { command: string; text: string } {
  const trimmed = line.trim();
  if (!trimmed.startsWith("/")) return { command: "/hotfix", text: trimmed };
  const space = trimmed.indexOf(" ");
  return space < 0 ? { command: trimmed, text: "" } : { command: trimmed.slice(0, space), text: trimmed.slice(space + 1).trim() };
}

function deliveryOutcome(result: { status: number; timedOut: boolean }): { ok: boolean; error?: string } {
  if (result.timedOut) return { ok: false, error: "The app did not answer within 3 seconds (Slack shows operation_timeout)." };
  if (result.status !== 200) return { ok: false, error: `The app answered HTTP ${result.status}.` };
  return { ok: true };
}

async function post(deps: WebDeps, route: string, body: Record<string, unknown>): Promise<unknown> {
  const user = person(deps, text(body, "user"));
  switch (route) {
    case "command": {
      const { command, text: args } = splitCommand(text(body, "text"));
      const result = await deps.appClient.slashCommand({ userId: user, channelId: text(body, "channel"), command, text: args });
      return { ...deliveryOutcome(result), ...(result.error ? { ok: false, error: `Slack would say: ${result.error}` } : {}) };
    }
    case "action": {
      const viewId = text(body, "viewId", false);
      const blockId = text(body, "blockId", false);
      const result = await deps.appClient.blockAction({
        userId: user,
        actionId: text(body, "actionId"),
        ...(blockId ? { blockId } : {}),
        ...(viewId ? { viewId } : { channelId: text(body, "channel"), messageTs: text(body, "ts") }),
        ...(body.value !== undefined && body.value !== null ? { value: body.value } : {}),
      });
      return deliveryOutcome(result);
    }
    case "submit": {
      const values = body.values;
      if (typeof values !== "object" || values === null || Array.isArray(values)) throw new WebError(400, "values must be an object");
      try {
        const result = await deps.appClient.submitView({
          viewId: text(body, "viewId"),
          userId: user,
          values: values as Record<string, unknown>,
        });
        return {
          ...deliveryOutcome(result),
          responseAction: result.responseAction ?? null,
          errors: result.errors ?? null,
          problems: result.problems,
        };
      } catch (error) {
        // The Slack client itself refuses to submit (a required field is empty): shown inline, nothing sent.
        if (error instanceof SlackClientValidationError) return { ok: false, responseAction: "errors", errors: error.errors, problems: [] };
        throw error;
      }
    }
    case "close": {
      await deps.appClient.closeView({ viewId: text(body, "viewId"), userId: user });
      return { ok: true };
    }
    case "panel": {
      const panel = deps.panels.get(text(body, "panel"));
      if (!panel?.act) throw new WebError(404, `no panel ${String(body.panel)} with actions`);
      try {
        return { ok: true, message: await panel.act(text(body, "action"), user) };
      } catch (error) {
        return { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    }
    case "home": {
      const result = await deps.appClient.event({ type: "app_home_opened", user, tab: "home" });
      return deliveryOutcome(result);
    }
    default:
      throw new WebError(404, `no action ${route}`);
  }
}

async function panels(deps: WebDeps): Promise<unknown> {
  const out = [];
  for (const panel of deps.panels.values()) {
    try {
      out.push({ id: panel.id, title: panel.title, data: await panel.load() });
    } catch (error) {
      out.push({ id: panel.id, title: panel.title, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return out;
}

/** Answers the page's requests; false when the path is not the page's. */
export async function handleWeb(deps: WebDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const path = url.pathname;
  const asset = STATIC[path];
  if (asset && req.method === "GET") {
    const body = await readFile(new URL(`./static/${asset.file}`, import.meta.url));
    res.writeHead(200, { ...SECURITY_HEADERS, "content-type": asset.type, "content-length": body.length });
    res.end(body);
    return true;
  }
  if (path === "/favicon.ico") {
    res.writeHead(204, SECURITY_HEADERS).end();
    return true;
  }
  if (!path.startsWith("/web/api/")) return false;
  const route = path.slice("/web/api/".length);
  try {
    if (route === "page" && req.method === "GET") {
      // With no one chosen yet, the page looks as the first person of the workspace.
      const user = person(deps, url.searchParams.get("user") || (humans(deps.state())[0]?.id ?? ""));
      json(res, 200, { banner: deps.banner(), ...pageSnapshot(deps.state(), user, url.searchParams.get("channel") ?? undefined) });
    } else if (route === "panels" && req.method === "GET") {
      json(res, 200, await panels(deps));
    } else if (req.method === "POST") {
      json(res, 200, await post(deps, route, await readJson(req)));
    } else {
      throw new WebError(404, `no route for ${req.method} ${path}`);
    }
  } catch (error) {
    if (error instanceof WebError) json(res, error.status, { ok: false, error: error.message });
    else json(res, 200, { ok: false, error: error instanceof Error ? error.message.replace(/^Slack emulator: /, "") : String(error) });
  }
  return true;
}
