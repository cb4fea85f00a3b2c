/** Jest with ts-jest in transpile-only mode; `npm test` type-checks once with tsc. */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/tests", "<rootDir>/components"],
    testMatch: ["**/*.test.ts"],
    transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
    modulePathIgnorePatterns: ["<rootDir>/dist/", "<rootDir>/policies/bin/"],
    testTimeout: 60000,
};
