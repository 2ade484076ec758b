// The import rules of DESIGN.md ("The shape of the code"), checked by
// `npm run lint`. A violation fails lint; test/lint/import-rules.test.ts
// shows that a deliberate one does.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "domain-imports-only-domain",
      comment: "domain/ is pure rules and types: no store, Slack, SDK, config or I/O of the project.",
      severity: "error",
      from: { path: "^src/domain/" },
      to: { path: "^src/", pathNot: "^src/domain/" },
    },
    {
      name: "workflows-never-import-integrations-slack-http",
      comment: "A workflow changes state and queues effects; it never calls an SDK, writes mrkdwn or knows HTTP.",
      severity: "error",
      from: { path: "^src/workflows/" },
      to: { path: "^src/(integrations|slack|http)/" },
    },
    {
      name: "store-and-integrations-never-import-workflows-effects-jobs",
      severity: "error",
      from: { path: "^src/(store|integrations)/" },
      to: { path: "^src/(workflows|effects|jobs)/" },
    },
    {
      name: "jobs-never-import-workflows-or-effects",
      comment: "jobs/ knows effects only through the registry app.ts hands it.",
      severity: "error",
      from: { path: "^src/jobs/" },
      to: { path: "^src/(workflows|effects)/" },
    },
    {
      name: "src-never-imports-packages",
      comment: "The emulators are dev-only workspaces; only the sandbox/demo command loads them, dynamically.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/sandbox/" },
      to: { path: "(^packages/|node_modules/@hotfix/)" },
    },
    {
      name: "sandbox-loads-packages-dynamically",
      severity: "error",
      from: { path: "^src/sandbox/" },
      to: { path: "(^packages/|node_modules/@hotfix/)", dependencyTypesNot: ["dynamic-import", "type-only", "type-import"] },
    },
    {
      name: "no-circular",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
  ],
  options: {
    // The app's rules; the emulator workspaces are checked as what src/ reaches, not cruised into.
    doNotFollow: { path: ["node_modules", "^packages/"] },
    exclude: { path: "^src/store/generated/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "types", "default"] },
  },
};
