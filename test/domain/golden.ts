// Golden files: `UPDATE_GOLDEN=1 npx vitest run test/domain` writes them;
// otherwise the output must equal the file byte for byte. A missing golden
// file fails (it is never created silently), so a test cannot pass by
// comparing with nothing.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";

const DIR = path.join(import.meta.dirname, "golden");

export function expectGolden(name: string, actual: string): void {
  const file = path.join(DIR, name);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file))
    throw new Error(`golden file ${path.relative(process.cwd(), file)} is missing; run with UPDATE_GOLDEN=1 to write it, then review it`);
  expect(actual).toBe(readFileSync(file, "utf8"));
}
