// Linear's published schema, built once per file: every operation the
// emulator answers is parsed, validated and executed against it, so a query
// the real API would refuse is refused here too.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { buildSchema, type GraphQLSchema } from "graphql";

const cache = new Map<string, GraphQLSchema>();

/** Builds (once per path) the schema in `schemaPath`, e.g. ../shared/specs/linear/schema.graphql. */
export function loadSchema(schemaPath: string): GraphQLSchema {
  const path = resolve(schemaPath);
  let schema = cache.get(path);
  if (!schema) {
    schema = buildSchema(readFileSync(path, "utf8"));
    cache.set(path, schema);
  }
  return schema;
}
