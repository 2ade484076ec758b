// Parse, validate, execute: one GraphQL request against the schema, with the
// emulator's records behind it. Fields the emulator does not model still get
// a well-typed answer (null when nullable, else an empty list, 0, "", false,
// the enum's first value, an empty connection) so @linear/sdk's large
// fragments execute; the values that matter (ids, titles, relations...) come
// from views.ts.
import { randomUUID } from "node:crypto";
import {
  type DocumentNode,
  type ExecutionResult,
  execute,
  GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLOutputType,
  type GraphQLSchema,
  type GraphQLTypeResolver,
  getNamedType,
  getNullableType,
  isAbstractType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type OperationDefinitionNode,
} from "graphql";

export interface ExecutionContext {
  root: Record<string, (args: Record<string, unknown>) => unknown>;
  operationType: "query" | "mutation" | "subscription";
}

const fieldResolver: GraphQLFieldResolver<unknown, ExecutionContext> = (source, args, context, info) => {
  const isRoot = info.parentType === info.schema.getQueryType() || info.parentType === info.schema.getMutationType();
  if (isRoot) {
    const resolver = context.root[info.fieldName];
    if (!resolver) {
      throw new GraphQLError(`linear-emulator does not emulate ${info.parentType.name}.${info.fieldName}`, {
        extensions: { type: "internal error", code: "NOT_EMULATED", userError: false },
      });
    }
    return resolver(args);
  }
  const value = (source as Record<string, unknown> | null)?.[info.fieldName];
  if (typeof value === "function") return (value as (args: unknown) => unknown).call(source, args);
  if (value !== undefined) return value;
  return placeholder(info.returnType, source);
};

const typeResolver: GraphQLTypeResolver<unknown, ExecutionContext> = (value, _context, info, abstractType) => {
  const named = (value as { __typename?: string } | null)?.__typename;
  if (named) return named;
  return info.schema.getPossibleTypes(abstractType)[0]?.name;
};

/** A well-typed stand-in for a field the emulator does not model. */
function placeholder(type: GraphQLOutputType, source: unknown): unknown {
  if (!isNonNullType(type)) return null;
  const inner = getNullableType(type);
  if (isListType(inner)) return [];
  if (isEnumType(inner)) return inner.getValues()[0]?.value ?? null;
  if (isScalarType(inner)) {
    switch (inner.name) {
      case "String":
        return "";
      case "ID":
      case "UUID":
        return randomUUID();
      case "Boolean":
        return false;
      case "Int":
      case "Float":
        return 0;
      case "DateTime":
        return (source as { createdAt?: string } | null)?.createdAt ?? new Date(0).toISOString();
      case "TimelessDate":
        return "1970-01-01";
      case "JSON":
      case "JSONObject":
        return {};
      case "Duration":
        return "P0D";
      default:
        return "";
    }
  }
  const named = getNamedType(inner);
  if (isObjectType(named) && named.name.endsWith("Connection")) {
    return { nodes: [], edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } };
  }
  if (isAbstractType(named) || isObjectType(named))
    return { id: randomUUID(), createdAt: (source as { createdAt?: string } | null)?.createdAt };
  return null;
}

export function executeOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  root: ExecutionContext["root"],
): ExecutionResult {
  const result = execute({
    schema,
    document,
    operationName: operation.name?.value,
    variableValues: variables,
    contextValue: { root, operationType: operation.operation } satisfies ExecutionContext,
    fieldResolver,
    typeResolver,
  });
  if (result instanceof Promise) throw new Error("linear-emulator: resolvers must be synchronous");
  return result as ExecutionResult;
}
