// What a route handler gets and gives back. Handlers are synchronous: all
// state is in memory. They throw HttpError for GitHub's error answers.
import type { EmulatedRepo } from "../repo.js";
import type { SpecOperation } from "../spec.js";
import type { Actor } from "../users.js";

export interface RouteContext {
  repo: EmulatedRepo;
  op: SpecOperation;
  /** Decoded path parameters (owner and repo included), integers already numbers. */
  params: Record<string, string | number>;
  /** Query parameters typed and defaulted from the description. */
  query: Record<string, unknown>;
  /** The query exactly as sent, for "was this given at all" questions. */
  rawQuery: URLSearchParams;
  /** The JSON body; already checked against the description when validation is on. */
  body: Record<string, unknown>;
  /** The request URL as received, rebuilt on the emulator's base (for Link headers). */
  url: URL;
  actor: Actor;
  now: Date;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: RouteContext) => RouteResult;

export function str(value: unknown): string {
  return typeof value === "string" ? value : String(value ?? "");
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
