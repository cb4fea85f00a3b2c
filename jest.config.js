/** Jest with ts-jest in transpile-only mode (isolatedModules in tsconfig.json); `npm test` type-checks once with tsc. */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/tests", "<rootDir>/components"],
    testMatch: ["**/*.test.ts"],
    // tests/package packs and installs the tarball: `npm run test:package` runs it on its own.
    testPathIgnorePatterns: ["/node_modules/", "<rootDir>/tests/package/"],
    transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
    modulePathIgnorePatterns: ["<rootDir>/dist/", "<rootDir>/policies/bin/"],
    reporters: ["default", "<rootDir>/tests/summary-reporter.js"],
    // The suite waits on pack processes more than it computes: two workers finish it in two-thirds of the time on 2 cores.
    maxWorkers: 2,
    testTimeout: 60000,
};
