// GitHub's error answers. Bodies carry `message`, `documentation_url` and
// `status` (as a string), exactly the fields GitHub sends, because clients
// match on them (Octokit puts `message` into the thrown error's text).

export interface ValidationErrorItem {
  resource: string;
  code: string;
  field?: string;
  message?: string;
  value?: string | number;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: { errors?: ValidationErrorItem[]; headers?: Record<string, string>; body?: Record<string, unknown> } = {},
  ) {
    super(message);
  }
}

export function errorBody(status: number, message: string, documentationUrl: string, extra: HttpError["extra"] = {}) {
  return {
    message,
    ...(extra.errors ? { errors: extra.errors } : {}),
    documentation_url: documentationUrl,
    status: String(status),
    ...extra.body,
  };
}

export const notFound = (message = "Not Found") => new HttpError(404, message);
export const unprocessable = (message: string) => new HttpError(422, message);

/** GitHub's field-level 422: `{ message: "Validation Failed", errors: [...] }`. */
export const validationFailed = (...errors: ValidationErrorItem[]) => new HttpError(422, "Validation Failed", { errors });
