// What the logger writes when secrets hide deep in objects, inside URLs whose
// password contains "@", in child-logger bindings, or in errors' causes.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, scrubString } from "../../src/logger.js";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: "debug", destination }), text: () => lines.join("") };
}

/** `{ a: { a: ... { leaf } } }`, `levels` objects deep. */
function nest(levels: number, leaf: Record<string, unknown>): Record<string, unknown> {
  let value: Record<string, unknown> = leaf;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

describe("logger redaction", () => {
  it("scrubs secrets nested 9, 12, 16 and 40 objects deep (or cuts the object off), never writes them", () => {
    const { logger, text } = capture();
    const token = "xoxb-111-222-deepdeepdeep";
    for (const levels of [9, 12, 16, 40]) {
      logger.info({ payload: nest(levels, { token, note: `header Bearer abcdefghijklmnop ${token}` }) }, "deep");
      logger.info({ payload: nest(levels, { message: `connect postgres://u:hunter2@db/x with ${token}` }) }, "deep value");
    }
    const out = text();
    expect(out).not.toContain("deepdeepdeep");
    expect(out).not.toContain("hunter2");
    expect(out).not.toContain("abcdefghijklmnop");
    // 9 and 12 levels are scrubbed in place (still readable); 40 is cut off rather than written raw.
    expect(out).toContain('"token":"[redacted]"');
    expect(out).toContain("[too deep]");
    // Each line is still valid JSON.
    for (const line of out.trim().split("\n")) expect(() => JSON.parse(line)).not.toThrow();
  });

  it.each([
    ["postgres://u:p@ss@host:5432/db", ["p@ss", "ss@"]],
    ["postgresql://hotfix:a@b@c@127.0.0.1/hotfix?schema=x", ["a@b", "b@c"]],
    ["redis://:only@pass@cache:6379", ["only", "pass@"]],
    ["mysql://user:pa:ss/wd@host/db", ["pa:ss", "ss/wd"]],
  ])("redacts the whole password of %s", (url, fragments) => {
    const out = scrubString(`could not connect to ${url} (timeout)`);
    for (const fragment of fragments) expect(out).not.toContain(fragment);
    expect(out).toContain("[redacted]@");
    expect(out).toContain("(timeout)");
  });

  it("keeps host, port and database of a URL readable", () => {
    expect(scrubString("postgres://u:p@ss@db.internal:5432/payments")).toBe("postgres://u:[redacted]@db.internal:5432/payments");
  });

  it("redacts tokens by value shape anywhere in text, and by key at any depth", () => {
    const secrets = [
      "xoxb-1234567890-abcdefghijkl",
      "xoxp-1-2-3-userusertoken",
      "xoxe.xoxp-1-refreshrefresh",
      "xapp-1-A0123-456-abcdefabcdef",
      "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
      "gho_abcdefghijklmnopqrstuv",
      "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
      "lin_api_abcdefghijklmnop0123",
      "lin_oauth_abcdefghijklmnop0123",
    ];
    const { logger, text } = capture();
    for (const secret of secrets) {
      logger.warn(`calling with ${secret}.`);
      logger.info({ nested: { list: [{ text: `value ${secret}` }] } }, "value");
    }
    logger.info({ headers: { Authorization: "Bearer abc.def.ghi-jkl_mno" } }, "by key");
    logger.info({ text: "sent Authorization: Bearer abc.def.ghi-jkl_mno to GitHub" }, "by shape");
    logger.info({ config: { SLACK_SIGNING_SECRET: "8f14e45fceea167a5a36dedd4bea2543", webhookSecret: { value: "nested-object-secret" } } });
    const out = text();
    for (const secret of secrets) expect(out).not.toContain(secret);
    expect(out).not.toContain("abc.def.ghi-jkl_mno");
    expect(out).toContain("Bearer [redacted]");
    expect(out).not.toContain("8f14e45fceea167a5a36dedd4bea2543");
    expect(out).not.toContain("nested-object-secret");
  });

  it("scrubs child-logger bindings and an error's cause", () => {
    const { logger, text } = capture();
    const child = logger.child({ connection: "postgres://svc:pw@with@at@db/x", token: "xoxb-9-9-childchild" });
    child.error({ err: new Error("outer", { cause: new Error("inner xapp-1-A-1-causecause") }) }, "failed");
    const out = text();
    expect(out).not.toContain("childchild");
    expect(out).not.toContain("pw@with");
    expect(out).not.toContain("causecause");
    expect(out).toContain("inner [redacted]");
  });
});
