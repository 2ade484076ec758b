// Checks every request the emulator receives and every response it sends
// against the published GitHub description, so a test that passes against the
// emulator means GitHub would have accepted the same request and the client
// can handle the same answer. Schemas are compiled lazily and cached per
// spec file: the description is big and many emulators share one process.
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import type { JsonSchema, Spec, SpecOperation } from "./spec.js";

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/** What GitHub answers on any error: `{ message, documentation_url, status }`. */
const BASIC_ERROR: JsonSchema = {
  type: "object",
  required: ["message"],
  properties: { message: { type: "string" }, documentation_url: { type: "string" }, status: { type: "string" } },
};

export interface ParsedInput {
  params: Record<string, string | number>;
  query: Record<string, unknown>;
}

export class SpecValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly spec: Spec) {
    // strict:false because the description carries OpenAPI keywords
    // (example, x-github-breaking-changes, ...) that are not JSON Schema.
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    // GitHub sends "" for URL fields nobody set (a deployment status's
    // target_url, environment_url), which the description types as format uri.
    const uri = this.ajv.formats.uri;
    const isUri = typeof uri === "function" ? uri : uri instanceof RegExp ? (s: string) => uri.test(s) : () => true;
    this.ajv.addFormat("uri", (value: string) => value === "" || isUri(value));
    this.ajv.addFormat("repo.nwo", /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/);
  }

  /**
   * Turns raw path segments and query strings into typed values the way
   * GitHub reads them (`?per_page=50` is the integer 50, `?protected=true` a
   * boolean), filling the defaults the description declares. A path segment
   * that cannot be the declared integer means the route does not exist.
   */
  parseInput(op: SpecOperation, rawParams: Record<string, string>, rawQuery: URLSearchParams): ParsedInput | "not-found" {
    const params: Record<string, string | number> = {};
    const query: Record<string, unknown> = {};
    for (const param of op.parameters) {
      if (param.in === "path") {
        const raw = rawParams[param.name];
        if (raw === undefined) continue;
        if (accepts(param.schema, "integer") && !accepts(param.schema, "string")) {
          if (!/^\d+$/.test(raw)) return "not-found";
          params[param.name] = Number(raw);
        } else if (accepts(param.schema, "integer") && /^\d+$/.test(raw)) {
          params[param.name] = Number(raw); // workflow_id: an id or a file name
        } else {
          params[param.name] = raw;
        }
      } else if (param.in === "query") {
        const raw = rawQuery.get(param.name);
        if (raw === null) {
          const fallback = param.schema?.default;
          if (fallback !== undefined) query[param.name] = fallback;
          continue;
        }
        query[param.name] = coerce(param.schema, raw);
      }
    }
    return { params, query };
  }

  /** Problems with a request, as readable lines; empty when it matches the description. */
  validateRequest(op: SpecOperation, input: ParsedInput & { body: unknown; hasBody: boolean }): string[] {
    const problems: string[] = [];
    problems.push(...this.check(`${op.operationId}#path`, () => nullableEnums(paramsSchema(op, "path")), input.params, "path"));
    problems.push(...this.check(`${op.operationId}#query`, () => nullableEnums(paramsSchema(op, "query")), input.query, "query"));
    const bodySchema = op.requestBody?.content["application/json"]?.schema;
    if (op.requestBody?.required && !input.hasBody) {
      problems.push("body: required by the description but the request has none");
    } else if (bodySchema && input.hasBody) {
      problems.push(...this.check(`${op.operationId}#body`, () => nullableEnums(bodySchema), input.body, "body"));
    }
    return problems;
  }

  /**
   * Problems with a response. Success statuses must be documented for the
   * operation (a 200 where GitHub sends 201 is a bug); error statuses use the
   * documented schema, else GitHub's basic error shape.
   */
  validateResponse(op: SpecOperation, status: number, body: unknown): string[] {
    const documented = op.responses[String(status)];
    if (status < 400 && !documented) {
      return [`status ${status} is not documented for ${op.operationId} (documented: ${Object.keys(op.responses).join(", ")})`];
    }
    if (status === 204 || status === 304) {
      return body === undefined ? [] : [`status ${status} must have no body`];
    }
    const schema = documented?.schema ?? (status >= 400 ? BASIC_ERROR : null);
    if (!schema) return [];
    return this.check(`${op.operationId}#${status}`, () => responseSchema(schema), body, "response");
  }

  /** Validates with a schema compiled on first use under `key`. */
  private check(key: string, schema: () => JsonSchema, value: unknown, label: string): string[] {
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema());
      this.compiled.set(key, validate);
    }
    if (validate(value)) return [];
    return formatErrors(validate.errors ?? [], label);
  }
}

const validators = new WeakMap<Spec, SpecValidator>();

/** One validator (and one set of compiled schemas) per loaded spec. */
export function validatorFor(spec: Spec): SpecValidator {
  let validator = validators.get(spec);
  if (!validator) {
    validator = new SpecValidator(spec);
    validators.set(spec, validator);
  }
  return validator;
}

function paramsSchema(op: SpecOperation, where: "path" | "query"): JsonSchema {
  const own = op.parameters.filter((p) => p.in === where);
  return {
    type: "object",
    properties: Object.fromEntries(own.map((p) => [p.name, p.schema ?? {}])),
    required: own.filter((p) => p.required).map((p) => p.name),
  };
}

/**
 * Two artefacts of how the description was made, corrected so that real
 * GitHub answers pass:
 * - `oneOf` with overlapping alternatives (a basic error matches both
 *   branches of the contents 409; `null` matches every branch of a validation
 *   error's `value`): read as `anyOf` in responses.
 * - nullable enums (`type: ["string", "null"]` with an `enum` lacking null,
 *   e.g. a check run's `conclusion` while it runs): null is allowed.
 */
function responseSchema(schema: JsonSchema): JsonSchema {
  return rewrite(schema, { oneOfAsAnyOf: true }) as JsonSchema;
}

function nullableEnums(schema: JsonSchema): JsonSchema {
  return rewrite(schema, { oneOfAsAnyOf: false }) as JsonSchema;
}

function rewrite(node: unknown, options: { oneOfAsAnyOf: boolean }): unknown {
  if (Array.isArray(node)) return node.map((item) => rewrite(item, options));
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key === "oneOf" && options.oneOfAsAnyOf ? "anyOf" : key] = rewrite(value, options);
  const type = out.type;
  if (Array.isArray(out.enum) && Array.isArray(type) && type.includes("null") && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out;
}

function accepts(schema: JsonSchema | undefined, type: string): boolean {
  if (!schema) return false;
  const declared = schema.type;
  if (declared === type || (Array.isArray(declared) && declared.includes(type))) return true;
  const alternatives = (schema.oneOf ?? schema.anyOf) as JsonSchema[] | undefined;
  return Array.isArray(alternatives) && alternatives.some((alt) => accepts(alt, type));
}

function coerce(schema: JsonSchema | undefined, raw: string): unknown {
  if (accepts(schema, "integer") && /^-?\d+$/.test(raw)) return Number(raw);
  if (accepts(schema, "boolean") && (raw === "true" || raw === "false")) return raw === "true";
  return raw; // left as text so validation reports it
}

function formatErrors(errors: ErrorObject[], label: string): string[] {
  return errors.slice(0, 20).map((error) => {
    const where = `${label}${error.instancePath || ""}`;
    const detail = error.keyword === "enum" ? ` (${JSON.stringify(error.params.allowedValues)})` : "";
    return `${where} ${error.message ?? error.keyword}${detail}`;
  });
}
