import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_POLICY, loadConfig } from "../../src/config.js";

function policyFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "policy-")), "policy.yml");
  writeFileSync(file, text);
  return file;
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("configuration", () => {
  it("uses the runbooks' defaults when no policy file is given", () => {
    const config = loadConfig({});
    expect(config.policy).toEqual(DEFAULT_POLICY);
    expect(config.policy.severity.P0.announce).toEqual(["#incidents", "#eng-prod", "#stakeholders"]);
    expect(config.policy.github.branch).toBe("release/hotfix-{ticket}");
    expect(config.env.PORT).toBe(3000);
    expect(config.env.SLACK_API_URL).toBe("https://slack.com/api/");
  });

  it("merges a policy file over the defaults, key by key", () => {
    const file = policyFile("uat:\n  deadline: 4h\nstability:\n  window: 48h\ngithub:\n  branch: release/hotfix-{yyyymmdd}\n");
    const config = loadConfig({ HOTFIX_POLICY: file });
    expect(config.policy.uat.deadline).toEqual({ text: "4h", ms: 4 * 3_600_000 });
    expect(config.policy.uat.checklist).toEqual(DEFAULT_POLICY.uat.checklist);
    expect(config.policy.stability.window).toEqual({ text: "48h", ms: 48 * 3_600_000 });
    expect(config.policy.github.branch).toBe("release/hotfix-{yyyymmdd}");
    expect(config.policy.github.versioning).toBe("patch");
  });

  it("lists every problem at once, naming each key and variable", () => {
    const file = policyFile(
      "uat:\n  deadline: soon\nseverity:\n  P0:\n    sla: 4 hours\nwarRoom:\n  nmae: x\ngithub:\n  versioning: major\n",
    );
    const found = problems(() => loadConfig({ HOTFIX_POLICY: file, PORT: "eighty", GITHUB_REPOSITORY: "not a repo" }));
    const text = found.join("\n");
    expect(text).toMatch(/PORT/);
    expect(text).toMatch(/GITHUB_REPOSITORY: expected owner\/repo/);
    expect(text).toMatch(/uat\.deadline: expected a duration/);
    expect(text).toMatch(/severity\.P0\.sla: expected a duration/);
    expect(text).toMatch(/warRoom\.nmae: unknown key/);
    expect(text).toMatch(/github\.versioning/);
    expect(found.length).toBeGreaterThanOrEqual(6);
  });

  it("refuses to start without Slack credentials, and says which", () => {
    const found = problems(() => loadConfig({}, "start"));
    expect(found).toContain("SLACK_BOT_TOKEN: required to start the bot");
    expect(found.join("\n")).toMatch(/SLACK_SIGNING_SECRET: required in HTTP mode/);
    expect(() => loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" }, "start")).not.toThrow();
    expect(() => loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" }, "start")).not.toThrow();
  });

  it("reports an unreadable or malformed policy file clearly", () => {
    expect(problems(() => loadConfig({ HOTFIX_POLICY: "/nonexistent/policy.yml" }))[0]).toMatch(
      /HOTFIX_POLICY: cannot read \/nonexistent\/policy.yml \(ENOENT\)/,
    );
    expect(problems(() => loadConfig({ HOTFIX_POLICY: policyFile("uat: [unclosed") }))[0]).toMatch(/not valid YAML/);
  });
});
