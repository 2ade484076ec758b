// The one escaping helper every user-written text goes through before it is
// put into mrkdwn.
import { describe, expect, it } from "vitest";
import { escapeMrkdwn, link, plainText, safeUrl } from "../../src/slack/blocks/escape.js";

describe("escapeMrkdwn", () => {
  it("turns Slack's control sequences into text: broadcasts, mentions, links", () => {
    expect(escapeMrkdwn("<!channel> ping")).toBe("&lt;!channel&gt; ping");
    expect(escapeMrkdwn("hi <@U0BOB>")).toBe("hi &lt;@U0BOB&gt;");
    expect(escapeMrkdwn("<https://evil.example|your bank>")).toBe("&lt;https://evil.example|your bank&gt;");
    expect(escapeMrkdwn("a & b")).toBe("a &amp; b");
  });

  it("defuses plain-text @channel, @here and @everyone", () => {
    expect(escapeMrkdwn("@channel look")).toBe("@\u2060channel look");
    expect(escapeMrkdwn("@HERE")).toBe("@\u2060HERE");
    expect(escapeMrkdwn("mail@everyone.example")).toBe("mail@\u2060everyone.example");
  });

  it("removes NUL, other control characters and bidi overrides, keeping tabs and newlines", () => {
    expect(escapeMrkdwn("a\u0000b\u0007c\td\ne")).toBe("abc\td\ne");
    expect(escapeMrkdwn("invoice\u202Egnp.exe")).toBe("invoicegnp.exe");
    expect(escapeMrkdwn("\u2066x\u2069")).toBe("x");
  });

  it("cuts long text with an ellipsis, before escaping so an entity is never split", () => {
    const long = "<".repeat(5000);
    const out = escapeMrkdwn(long, 10);
    expect(out).toBe(`${"&lt;".repeat(9)}…`);
    expect(escapeMrkdwn("x".repeat(5000))).toHaveLength(3000);
  });

  it("gives an empty string for nothing", () => {
    expect(escapeMrkdwn(null)).toBe("");
    expect(escapeMrkdwn(undefined)).toBe("");
  });
});

describe("plainText", () => {
  it("keeps entities as typed (plain_text is not parsed) but drops controls and bidi overrides", () => {
    expect(plainText("a <b> & c\u0000\u202E")).toBe("a <b> & c");
  });
});

describe("links", () => {
  it("accept http(s) only, with |, < and > percent-encoded", () => {
    expect(safeUrl("https://x.example/a|b<c>")).toBe("https://x.example/a%7Cb%3Cc%3E");
    expect(safeUrl("javascript:alert(1)")).toBeUndefined();
    expect(safeUrl("not a url")).toBeUndefined();
  });

  it("escape the label, and fall back to the label alone for an unusable URL", () => {
    expect(link("https://x.example/t", "<!here>")).toBe("<https://x.example/t|&lt;!here&gt;>");
    expect(link("ftp://x.example", "Ticket")).toBe("Ticket");
  });
});
