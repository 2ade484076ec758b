// The demo repository, acme/payments: a main line with GA releases, a release
// candidate, a maintenance branch, non-semver tags, CI results, the
// hotfix-release workflow of runbook 004, and protection on main. Commit
// dates are fixed, so its SHAs are the same on every run.
import type { GitHubEmulator } from "./emulator.js";
import type { EmulatedRepo } from "./repo.js";
import { makeActor } from "./users.js";

export const ACME_PAYMENTS = "acme/payments";

const LEDGER_V1 = `// Ledger posting.
export interface Entry {
  account: string;
  amountCents: number;
}

export function post(entries: Entry[]): number {
  let total = 0;
  for (const entry of entries) total += entry.amountCents;
  return total;
}

export function fee(amountCents: number): number {
  return Math.round(amountCents * 0.029);
}

export function describe(entry: Entry): string {
  return \`\${entry.account}: \${entry.amountCents}\`;
}
`;

const LEDGER_BATCH = LEDGER_V1.replace(
  "export function post(entries: Entry[]): number {",
  "export function post(entries: Entry[], batchSize = 100): number {",
);

const LEDGER_HALF_EVEN = LEDGER_BATCH.replace("Math.round(amountCents * 0.029)", "roundHalfEven(amountCents * 0.029)").replace(
  "// Ledger posting.\n",
  '// Ledger posting.\nimport { roundHalfEven } from "./money.js";\n',
);

const MONEY = `export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  if (value - floor !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}
`;

/** Builds acme/payments in `emulator`; returns it. */
export function seedAcmePayments(emulator: GitHubEmulator): EmulatedRepo {
  const sam = emulator.people.add(makeActor("sam-sre", { name: "Sam Rivera", email: "sam@acme.example", id: 5_010_002 }));
  const repo = emulator.createRepo(ACME_PAYMENTS, { description: "Ledger posting and reconciliation service" });

  repo.commit({
    message: "Initial commit",
    date: "2025-01-06T09:00:00Z",
    files: {
      "README.md": "# payments\n\nLedger posting and reconciliation service.\n",
      "package.json": '{\n  "name": "payments",\n  "version": "1.1.0"\n}\n',
      "src/ledger.ts": LEDGER_V1,
      "CHANGELOG.md": "# Changelog\n",
    },
  });
  repo.commit({
    message: "feat: post ledger entries in batches",
    date: "2025-01-08T10:30:00Z",
    files: { "src/ledger.ts": LEDGER_BATCH },
  });
  const v120 = repo.commit({
    message: "chore: release v1.2.0",
    date: "2025-01-10T15:00:00Z",
    files: {
      "package.json": '{\n  "name": "payments",\n  "version": "1.2.0"\n}\n',
      "CHANGELOG.md": "# Changelog\n\n## v1.2.0\n- Batch ledger posting\n",
    },
  });
  repo.tag("v1.2.0", v120, { annotated: true, message: "Release v1.2.0", date: "2025-01-10T15:05:00Z" });
  repo.release({ tag: "v1.2.0", name: "v1.2.0", body: "Batch ledger posting." });

  repo.commit({
    message: "fix: round half-even when posting fees",
    author: "sam-sre",
    date: "2025-01-14T08:45:00Z",
    files: { "src/ledger.ts": LEDGER_HALF_EVEN, "src/money.ts": MONEY },
  });
  const v123 = repo.commit({
    message: "chore: release v1.2.3",
    date: "2025-01-16T11:00:00Z",
    files: {
      "package.json": '{\n  "name": "payments",\n  "version": "1.2.3"\n}\n',
      "CHANGELOG.md": "# Changelog\n\n## v1.2.3\n- Round fees half-even\n\n## v1.2.0\n- Batch ledger posting\n",
    },
  });
  repo.tag("v1.2.3", v123, { annotated: true, message: "Release v1.2.3", date: "2025-01-16T11:05:00Z" });
  repo.tag("hotfix-prod-20250116", v123); // runbook 000's production marker: not a version
  repo.release({ tag: "v1.2.3", name: "v1.2.3", body: "Round fees half-even." });
  repo.createBranch("release/1.2", v123);
  repo.addCheckRun(v123, { name: "build", conclusion: "success" });
  repo.addCheckRun(v123, { name: "test", conclusion: "success" });
  repo.addStatus(v123, { context: "ci/circleci", state: "success", targetUrl: "https://circleci.com/gh/acme/payments/812" });

  const reconcile = repo.commit({
    message: "feat: nightly reconciliation job",
    date: "2025-01-20T09:15:00Z",
    files: { "src/reconcile.ts": "export function reconcile(ledger: number, bank: number): number {\n  return bank - ledger;\n}\n" },
  });
  repo.tag("milestone/q1-freeze", reconcile);
  const rc = repo.commit({
    message: "chore: release v1.3.0-rc.1",
    date: "2025-01-22T16:00:00Z",
    files: { "package.json": '{\n  "name": "payments",\n  "version": "1.3.0-rc.1"\n}\n' },
  });
  repo.tag("v1.3.0-rc.1", rc, { annotated: true, message: "Release candidate v1.3.0-rc.1", date: "2025-01-22T16:05:00Z" });
  repo.release({ tag: "v1.3.0-rc.1", name: "v1.3.0-rc.1", prerelease: true, body: "Nightly reconciliation (release candidate)." });

  const head = repo.commit({
    message: "feat: export the reconciliation report",
    author: sam.login,
    date: "2025-01-27T13:20:00Z",
    files: { "src/report.ts": "export function report(diff: number): string {\n  return diff === 0 ? 'balanced' : 'off by ' + diff;\n}\n" },
  });
  repo.addCheckRun(head, { name: "build", conclusion: "success" });
  repo.addCheckRun(head, { name: "test", conclusion: "success" });
  repo.addStatus(head, { context: "ci/circleci", state: "success", targetUrl: "https://circleci.com/gh/acme/payments/845" });

  repo.protectBranch("main", {
    requiredStatusChecks: { strict: true, contexts: ["build", "test"], checks: [{ context: "build" }, { context: "test" }] },
    requiredPullRequestReviews: { required_approving_review_count: 1, dismiss_stale_reviews: true },
  });

  // Runbook 004's release workflow and a plain deploy workflow.
  repo.addWorkflow("hotfix-release.yml", {
    name: "Hotfix Release",
    inputs: {
      version: { required: true, type: "string" },
      commit_sha: { required: true, type: "string" },
      parent_tag: { required: true, type: "string" },
      justification: { required: true, type: "string" },
      ticket_url: { required: true, type: "string" },
      risk_level: { required: true, type: "choice", options: ["low", "medium", "high"] },
      waiver_ids: { required: false, type: "string" },
    },
  });
  repo.addWorkflow("deploy.yml", {
    name: "Deploy",
    inputs: {
      environment: { required: true, type: "choice", options: ["staging", "production"] },
      ref: { required: false, type: "string" },
    },
  });
  return repo;
}
