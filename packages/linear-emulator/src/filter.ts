// Linear's filter arguments (IssueFilter, TeamFilter, ...) evaluated over the
// emulator's views. Filters mirror the data: comparators at the leaves
// (eq, in, contains, null, lt...), `and`/`or`, nested filters on relations,
// and `some`/`every`/`none`/`length` on collections. A filter on a field the
// emulator does not model throws, so a test never passes on a filter that was
// silently ignored.
import { GraphQLError } from "graphql";

type Filter = Record<string, unknown>;

const COMPARATORS = new Set([
  "eq",
  "neq",
  "in",
  "nin",
  "null",
  "lt",
  "lte",
  "gt",
  "gte",
  "contains",
  "notContains",
  "containsIgnoreCase",
  "notContainsIgnoreCase",
  "containsIgnoreCaseAndAccent",
  "startsWith",
  "startsWithIgnoreCase",
  "notStartsWith",
  "endsWith",
  "notEndsWith",
  "eqIgnoreCase",
  "neqIgnoreCase",
]);

export class UnsupportedFilter extends GraphQLError {
  constructor(path: string) {
    super(`linear-emulator: filtering on ${path} is not emulated`, {
      extensions: { type: "internal error", code: "NOT_EMULATED", userError: false },
    });
  }
}

/** Does `view` (an object whose properties are values or relation functions) satisfy `filter`? */
export function matchesFilter(view: unknown, filter: Filter | null | undefined, path = "filter"): boolean {
  if (!filter) return true;
  for (const [key, condition] of Object.entries(filter)) {
    if (condition === undefined || condition === null) continue;
    if (key === "and") {
      if (!(condition as Filter[]).every((sub) => matchesFilter(view, sub, path))) return false;
      continue;
    }
    if (key === "or") {
      if (!(condition as Filter[]).some((sub) => matchesFilter(view, sub, path))) return false;
      continue;
    }
    if (key === "null") {
      if ((view === null || view === undefined) !== condition) return false;
      continue;
    }
    if (view === null || view === undefined) return false;
    const fieldPath = `${path}.${key}`;
    const value = readField(view, key, fieldPath);
    if (!matchesCondition(value, condition as Filter, fieldPath)) return false;
  }
  return true;
}

function readField(view: unknown, key: string, path: string): unknown {
  const record = view as Record<string, unknown>;
  if (!(key in record)) throw new UnsupportedFilter(path);
  const value = record[key];
  if (typeof value !== "function") return value;
  const result = (value as (args: Record<string, unknown>) => unknown).call(record, {});
  // A connection: filter over its nodes.
  if (result && typeof result === "object" && "nodes" in result) return (result as { nodes: unknown[] }).nodes;
  return result;
}

function matchesCondition(value: unknown, condition: Filter, path: string): boolean {
  const keys = Object.keys(condition).filter((key) => condition[key] !== undefined && condition[key] !== null);
  const isComparator = keys.length > 0 && keys.every((key) => COMPARATORS.has(key));
  if (Array.isArray(value)) return matchesCollection(value, condition, path);
  if (isComparator && (value === null || typeof value !== "object")) return compare(value, condition, path);
  // A relation (object or null): nested filter; `null: true` asks for no relation.
  return matchesFilter(value, condition, path);
}

function matchesCollection(items: unknown[], condition: Filter, path: string): boolean {
  for (const [key, sub] of Object.entries(condition)) {
    if (sub === undefined || sub === null) continue;
    if (key === "some") {
      if (!items.some((item) => matchesFilter(item, sub as Filter, path))) return false;
    } else if (key === "every") {
      if (!items.every((item) => matchesFilter(item, sub as Filter, path))) return false;
    } else if (key === "none") {
      if (items.some((item) => matchesFilter(item, sub as Filter, path))) return false;
    } else if (key === "length") {
      if (!compare(items.length, sub as Filter, `${path}.length`)) return false;
    } else if (key === "and") {
      if (!(sub as Filter[]).every((part) => matchesCollection(items, part, path))) return false;
    } else if (key === "or") {
      if (!(sub as Filter[]).some((part) => matchesCollection(items, part, path))) return false;
    } else if (COMPARATORS.has(key)) {
      // A list of scalars (e.g. labelIds) compared directly.
      if (!compare(items, { [key]: sub }, path)) return false;
    } else {
      // A field filter straight on the collection reads as "some element matches".
      if (!items.some((item) => matchesFilter(item, { [key]: sub }, path))) return false;
    }
  }
  return true;
}

function compare(value: unknown, comparator: Filter, path: string): boolean {
  for (const [op, expected] of Object.entries(comparator)) {
    if (expected === undefined || expected === null) continue;
    if (!compareOne(value, op, expected, path)) return false;
  }
  return true;
}

function compareOne(value: unknown, op: string, expected: unknown, path: string): boolean {
  if (!COMPARATORS.has(op)) throw new UnsupportedFilter(`${path}.${op}`);
  const text = value === null || value === undefined ? null : String(value);
  const lower = (input: unknown) => String(input).toLowerCase();
  const fold = (input: unknown) => String(input).normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  switch (op) {
    case "eq":
      return equals(value, expected);
    case "neq":
      return !equals(value, expected);
    case "in":
      return (expected as unknown[]).some((item) => equals(value, item));
    case "nin":
      return !(expected as unknown[]).some((item) => equals(value, item));
    case "null":
      return (value === null || value === undefined) === expected;
    case "lt":
    case "lte":
    case "gt":
    case "gte": {
      if (value === null || value === undefined) return false;
      const [left, right] = orderable(value, expected, path);
      return op === "lt" ? left < right : op === "lte" ? left <= right : op === "gt" ? left > right : left >= right;
    }
  }
  // The string comparators: an absent value only satisfies the negative ones.
  if (text === null) return op.startsWith("not") || op === "neqIgnoreCase";
  switch (op) {
    case "contains":
      return text.includes(String(expected));
    case "notContains":
      return !text.includes(String(expected));
    case "containsIgnoreCase":
      return lower(text).includes(lower(expected));
    case "notContainsIgnoreCase":
      return !lower(text).includes(lower(expected));
    case "containsIgnoreCaseAndAccent":
      return fold(text).includes(fold(expected));
    case "startsWith":
      return text.startsWith(String(expected));
    case "startsWithIgnoreCase":
      return lower(text).startsWith(lower(expected));
    case "notStartsWith":
      return !text.startsWith(String(expected));
    case "endsWith":
      return text.endsWith(String(expected));
    case "notEndsWith":
      return !text.endsWith(String(expected));
    case "eqIgnoreCase":
      return lower(text) === lower(expected);
    case "neqIgnoreCase":
      return lower(text) !== lower(expected);
    default:
      throw new UnsupportedFilter(`${path}.${op}`);
  }
}

function equals(value: unknown, expected: unknown): boolean {
  if (Array.isArray(value)) return value.some((item) => equals(item, expected));
  if (typeof value === "number" || typeof expected === "number") return Number(value) === Number(expected);
  return value === expected;
}

function orderable(value: unknown, expected: unknown, path: string): [number, number] {
  if (typeof value === "number") return [value, Number(expected)];
  const left = Date.parse(String(value));
  const right = Date.parse(String(expected));
  // Linear also accepts ISO durations relative to now ("-P2W"); the emulator does not.
  if (Number.isNaN(left) || Number.isNaN(right)) throw new UnsupportedFilter(`${path} (only numbers and ISO dates compare)`);
  return [left, right];
}
