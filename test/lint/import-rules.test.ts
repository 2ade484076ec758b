// `npm run lint` runs dependency-cruiser with DESIGN.md's import rules
// (.dependency-cruiser.cjs). These tests show the rules bite: a small tree
// that breaks them fails the check, naming each rule, and the real src/ passes.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const depcruise = join(root, "node_modules/dependency-cruiser/bin/dependency-cruiser.mjs");
const config = join(root, ".dependency-cruiser.cjs");

async function cruise(cwd: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [depcruise, "src", "--config", config], { cwd });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
  }
}

const tree = mkdtempSync(join(tmpdir(), "import-rules-"));
afterAll(() => rmSync(tree, { recursive: true, force: true }));

function write(path: string, text: string): void {
  const file = join(tree, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

describe("import rules", () => {
  it("fail on a tree that breaks them, naming each broken rule", async () => {
    write(
      "tsconfig.json",
      JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true }, include: ["src"] }),
    );
    write("src/store/incidents.ts", 'import { declare } from "../workflows/declare.js";\nexport const find = () => declare;\n');
    write("src/domain/rules.ts", 'import { find } from "../store/incidents.js";\nexport const rule = () => find;\n');
    write("src/workflows/declare.ts", 'import { post } from "../slack/post.js";\nexport const declare = () => post;\n');
    write("src/slack/post.ts", "export const post = () => 1;\n");
    write("src/jobs/runner.ts", 'import { steps } from "../effects/steps.js";\nexport const runner = () => steps;\n');
    write("src/effects/steps.ts", 'import { runner } from "../jobs/runner.js";\nexport const steps = () => runner;\n');
    const { code, output } = await cruise(tree);
    expect(code).not.toBe(0);
    for (const rule of [
      "domain-imports-only-domain",
      "workflows-never-import-integrations-slack-http",
      "store-and-integrations-never-import-workflows-effects-jobs",
      "jobs-never-import-workflows-or-effects",
      "no-circular",
    ]) {
      expect(output).toContain(rule);
    }
  });

  it("pass on the real src/", async () => {
    const { code, output } = await cruise(root);
    expect(output).toContain("no dependency violations found");
    expect(code).toBe(0);
  });
});
