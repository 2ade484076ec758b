import { SlackApiError, withMessages } from "./errors.js";
import type { JsonObject } from "./types.js";

/**
 * Method arguments arrive as form fields (always strings; objects JSON-encoded,
 * which is what @slack/web-api sends) or as a JSON body (real types). These
 * readers accept both, so a handler never cares how the app encoded a call.
 */
export class Params {
  constructor(readonly raw: JsonObject) {}

  has(name: string): boolean {
    const value = this.raw[name];
    return value !== undefined && value !== null && value !== "";
  }

  str(name: string): string | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string") return value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    return JSON.stringify(value);
  }

  /** A required string; empty counts as missing, as in Slack. */
  required(name: string, code = "invalid_arguments"): string {
    const value = this.str(name);
    if (value === undefined || value === "") {
      throw withMessages(code, code === "invalid_arguments" ? [`missing required field: ${name}`] : []);
    }
    return value;
  }

  bool(name: string): boolean | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value === "boolean") return value;
    if (typeof value === "number") return value !== 0;
    return value === "true" || value === "1";
  }

  int(name: string): number | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null || value === "") return undefined;
    const n = typeof value === "number" ? value : Number.parseInt(String(value), 10);
    if (!Number.isFinite(n)) throw new SlackApiError("invalid_arguments");
    return n;
  }

  /** A JSON argument (blocks, view, attachments…): a JSON string or an already-parsed value. */
  json(name: string, code = "invalid_arguments"): unknown {
    const value = this.raw[name];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value);
    } catch {
      throw withMessages(code, [`[ERROR] ${name} must be valid JSON [json-pointer:/${name}]`]);
    }
  }

  /** "U1,U2" or ["U1","U2"]. */
  list(name: string): string[] {
    const value = this.raw[name];
    if (value === undefined || value === null || value === "") return [];
    if (Array.isArray(value)) return value.map(String).filter((v) => v !== "");
    return String(value)
      .split(",")
      .map((v) => v.trim())
      .filter((v) => v !== "");
  }
}

/** Fields Slack takes as JSON strings; decoded in the call log so tests read objects. */
export const JSON_FIELDS = ["blocks", "attachments", "view", "metadata", "files", "options"] as const;

export function decodeForLog(raw: JsonObject): JsonObject {
  const out: JsonObject = { ...raw };
  delete out.token;
  for (const field of JSON_FIELDS) {
    const value = out[field];
    if (typeof value === "string") {
      try {
        out[field] = JSON.parse(value);
      } catch {
        // Leave it as sent: the handler reports the bad JSON to the app.
      }
    }
  }
  return out;
}
