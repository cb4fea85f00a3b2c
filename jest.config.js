/** Jest with ts-jest in transpile-only mode (isolatedModules in tsconfig.json); `npm test` type-checks once with tsc. */
// Programs the tests run in folders (checkProgram, the CLI) skip ts-node's type-check, as Pulumi does with this
// variable: tsc has checked them already, and it costs seconds per run. tests/checker/program-run.test.ts turns it
// back on where the type-check itself is tested.
process.env.PULUMI_NODEJS_TRANSPILE_ONLY ??= "true";

module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/tests", "<rootDir>/components"],
    testMatch: ["**/*.test.ts"],
    // tests/package packs and installs the tarball: `npm run test:package` runs it on its own.
    testPathIgnorePatterns: ["/node_modules/", "<rootDir>/tests/package/"],
    transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
    // Loaded on first use instead of with @pulumi/pulumi, in every suite (tests/setup/lazy-modules/lazy-module.js).
    moduleNameMapper: {
        "^typescript$": "<rootDir>/tests/setup/lazy-modules/typescript.js",
        "^@npmcli/arborist$": "<rootDir>/tests/setup/lazy-modules/npmcli-arborist.js",
    },
    modulePathIgnorePatterns: ["<rootDir>/dist/", "<rootDir>/policies/bin/"],
    // Pulumi's closure serialization leaves the Debugger on in the worker: every later suite would run with it.
    setupFilesAfterEnv: ["<rootDir>/tests/setup/close-closure-inspector.ts"],
    testSequencer: "<rootDir>/tests/setup/sequencer.js",
    // Jest's runtime with a V8 code cache for the modules each suite compiles again (tests/setup/cached-runtime.js).
    runtime: "<rootDir>/tests/setup/cached-runtime.js",
    reporters: ["default", "<rootDir>/tests/summary-reporter.js"],
    // Running packs of policies/ and the two common fixture packs, one per worker, which suites and the CLI
    // processes they spawn use instead of starting their own (checker/pack-lease.ts).
    globalSetup: "<rootDir>/tests/setup/start-packs.ts",
    globalTeardown: "<rootDir>/tests/setup/stop-packs.ts",
    // The suite waits on pack processes more than it computes: two workers finish it in two-thirds of the time on 2 cores.
    maxWorkers: 2,
    testTimeout: 60000,
};
