// URLs and ids in GitHub's formats. API URLs point at the emulator itself so a
// client following `url` fields stays inside the sandbox; web (`html_url`)
// links use the configured web root.

export class Links {
  constructor(
    /** e.g. http://127.0.0.1:53211 (no trailing slash) */
    readonly apiBase: string,
    /** e.g. https://github.com */
    readonly webBase: string,
  ) {}

  api(path: string): string {
    return `${this.apiBase}${path}`;
  }

  web(path: string): string {
    return `${this.webBase}${path}`;
  }

  repoApi(fullName: string, path = ""): string {
    return `${this.apiBase}/repos/${fullName}${path}`;
  }

  repoWeb(fullName: string, path = ""): string {
    return `${this.webBase}/${fullName}${path}`;
  }
}

/**
 * GitHub's legacy global node ids: base64 of `0<len>:<Type><id>`, e.g.
 * `MDQ6VXNlcjE=` for user 1. Clients treat them as opaque strings.
 */
export function nodeId(type: string, id: number | string): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString("base64");
}

/** GitHub's timestamp format: ISO 8601, UTC, no milliseconds. */
export function isoSeconds(date: Date | string): string {
  return new Date(date).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Path segments of ref and file names go into URLs escaped, keeping the slashes. */
export function escapePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}
