// Relay-style connections as Linear pages them: `first` (default 50) /
// `after`, `last` / `before`, newest first by `orderBy` (createdAt or
// updatedAt), archived records only with `includeArchived`, then `filter`.
import { invalidInput } from "./errors.js";
import { matchesFilter } from "./filter.js";

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  filter?: Record<string, unknown> | null;
  includeArchived?: boolean | null;
  orderBy?: string | null;
}

export interface Node {
  id: string;
  createdAt: string;
  updatedAt: string;
  archivedAt?: string | null;
}

export interface Connection<T> {
  nodes: T[];
  edges: Array<{ node: T; cursor: string }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

const DEFAULT_PAGE = 50;

export function connection<T extends Node>(items: T[], args: ConnectionArgs = {}, filterName = "filter"): Connection<T> {
  const orderKey = args.orderBy === "updatedAt" ? "updatedAt" : "createdAt";
  let list = items
    .filter((item) => args.includeArchived || !item.archivedAt)
    .filter((item) => matchesFilter(item, args.filter ?? null, filterName))
    .sort((a, b) => (a[orderKey] < b[orderKey] ? 1 : a[orderKey] > b[orderKey] ? -1 : 0));
  let start = 0;
  let end = list.length;
  if (args.after) {
    const index = list.findIndex((item) => item.id === args.after);
    if (index < 0) throw invalidInput("Invalid cursor.");
    start = index + 1;
  }
  if (args.before) {
    const index = list.findIndex((item) => item.id === args.before);
    if (index < 0) throw invalidInput("Invalid cursor.");
    end = index;
  }
  list = list.slice(start, end);
  let hasNextPage = end < items.length && args.before != null;
  let hasPreviousPage = start > 0;
  if (args.first != null) {
    if (args.first < 0) throw invalidInput("first must be positive.");
    hasNextPage = list.length > args.first;
    list = list.slice(0, args.first);
  } else if (args.last != null) {
    if (args.last < 0) throw invalidInput("last must be positive.");
    hasPreviousPage = list.length > args.last;
    list = list.slice(Math.max(0, list.length - args.last));
  } else {
    hasNextPage = list.length > DEFAULT_PAGE;
    list = list.slice(0, DEFAULT_PAGE);
  }
  return {
    nodes: list,
    edges: list.map((node) => ({ node, cursor: node.id })),
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: list[0]?.id ?? null,
      endCursor: list.at(-1)?.id ?? null,
    },
  };
}
