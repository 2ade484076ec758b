// Maps "METHOD /path" to an operation of the description. Octokit escapes
// "/" inside parameters (git/ref/heads%2Fhotfix%2Fx) while other clients and
// GitHub's own `url` fields send raw slashes (git/ref/heads/hotfix/x); GitHub
// accepts both, so names that may contain slashes match greedily.
import type { Spec, SpecOperation } from "./spec.js";

/** Parameters whose values may contain "/" (ref names, file paths, "base...head"). */
const MULTI_SEGMENT = new Set(["ref", "path", "basehead", "branch", "tag"]);

interface Route {
  op: SpecOperation;
  pattern: RegExp;
  names: string[];
  /** Literal characters in the template; more literal = more specific, tried first. */
  weight: number;
}

export interface RouteMatch {
  op: SpecOperation;
  params: Record<string, string>;
}

export class Router {
  private readonly routes: Route[];

  constructor(spec: Spec) {
    this.routes = spec.operations.map(compile).sort((a, b) => b.weight - a.weight);
  }

  /** `rawPath` still percent-encoded, without the query string. */
  match(method: string, rawPath: string): RouteMatch | undefined {
    const trimmed = rawPath.length > 1 ? rawPath.replace(/\/+$/, "") : rawPath;
    for (const route of this.routes) {
      if (route.op.method !== method) continue;
      const found = route.pattern.exec(trimmed) ?? route.pattern.exec(rawPath);
      if (!found) continue;
      const params: Record<string, string> = {};
      let decodable = true;
      route.names.forEach((name, i) => {
        const raw = found[i + 1] ?? "";
        try {
          params[name] = decodeURIComponent(raw);
        } catch {
          decodable = false;
        }
      });
      if (decodable) return { op: route.op, params };
    }
    return undefined;
  }
}

function compile(op: SpecOperation): Route {
  const names: string[] = [];
  let weight = 0;
  const source = op.path
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const param = /^\{(.+)\}$/.exec(part)?.[1];
      if (!param) {
        weight += part.length;
        return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      }
      names.push(param);
      if (param === "path") return "(.*?)"; // contents/ with an empty path lists the root
      return MULTI_SEGMENT.has(param) ? "(.+?)" : "([^/]+)";
    })
    .join("");
  return { op, names, weight, pattern: new RegExp(`^${source}$`) };
}
