// Linear's error shape: `{ errors: [{ message, extensions: { type, code,
// statusCode, userError, userPresentableMessage } }] }`. @linear/sdk picks its
// error class from `extensions.type` (a lower-case phrase: "ratelimited",
// "authentication error", "invalid input", "graphql error"), so the type strings
// here are the ones its parseLinearError maps.
import { GraphQLError } from "graphql";

export interface LinearErrorExtensions {
  type: string;
  code: string;
  statusCode?: number;
  userError?: boolean;
  userPresentableMessage?: string;
  [key: string]: unknown;
}

export interface LinearErrorBody {
  message: string;
  path?: ReadonlyArray<string | number>;
  locations?: ReadonlyArray<{ line: number; column: number }>;
  extensions: LinearErrorExtensions;
}

/** Thrown by a resolver: becomes one entry of `errors` (HTTP 200, data null), as Linear answers a refused input. */
export class LinearInputError extends GraphQLError {
  constructor(message: string, userPresentableMessage: string, extra: Partial<LinearErrorExtensions> = {}) {
    super(message, {
      extensions: { type: "invalid input", code: "INPUT_ERROR", statusCode: 400, userError: true, userPresentableMessage, ...extra },
    });
  }
}

/** "Entity not found: Issue", as Linear answers an unknown id. */
export function notFound(entity: string): LinearInputError {
  return new LinearInputError(`Entity not found: ${entity}`, `Could not find referenced ${entity}.`);
}

/** A refused argument (bad priority, duplicate id, unknown label...). */
export function invalidInput(message: string): LinearInputError {
  return new LinearInputError("Argument Validation Error", message);
}

export function authenticationError(): LinearErrorBody {
  return {
    message: "Authentication required, not authenticated",
    extensions: {
      type: "authentication error",
      code: "AUTHENTICATION_ERROR",
      statusCode: 401,
      userError: true,
      userPresentableMessage: "You need to authenticate to access this operation.",
    },
  };
}

export function rateLimitedError(): LinearErrorBody {
  return {
    message: "Rate limit exceeded",
    extensions: {
      type: "ratelimited",
      code: "RATELIMITED",
      statusCode: 429,
      userError: true,
      userPresentableMessage: "You have exceeded the rate limit. Please try again later.",
    },
  };
}

export function internalError(status: number): LinearErrorBody {
  return {
    message: status === 503 ? "Service unavailable" : "Internal server error",
    extensions: {
      type: "internal error",
      code: "INTERNAL_SERVER_ERROR",
      statusCode: status,
      userError: false,
      userPresentableMessage: "An unexpected error occurred. Please try again.",
    },
  };
}

/** A document that does not parse or does not validate against the schema: HTTP 400. */
export function graphqlError(
  error: GraphQLError,
  code: "GRAPHQL_PARSE_FAILED" | "GRAPHQL_VALIDATION_FAILED" | "BAD_USER_INPUT",
): LinearErrorBody {
  return {
    message: error.message,
    ...(error.locations ? { locations: error.locations } : {}),
    extensions: { http: { status: 400, headers: {} }, code, type: "graphql error", userError: true },
  };
}

/** An error a resolver threw, in Linear's shape (a LinearInputError keeps its own extensions). */
export function executionError(error: GraphQLError): LinearErrorBody {
  const own = error.extensions as Partial<LinearErrorExtensions>;
  const extensions: LinearErrorExtensions = own.type
    ? (own as LinearErrorExtensions)
    : { type: "internal error", code: "INTERNAL_SERVER_ERROR", statusCode: 500, userError: false };
  return {
    message: error.message,
    ...(error.path ? { path: error.path } : {}),
    ...(error.locations ? { locations: error.locations } : {}),
    extensions,
  };
}
