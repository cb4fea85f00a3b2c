/** `npm run test:package`: the packed tarball installed into a fresh project (tests/package), apart from `npm test`. */
const base = require("./jest.config.js");
// No running packs: the test starts the packs it installs, and nothing else of the tree.
module.exports = { ...base, globalSetup: undefined, globalTeardown: undefined, roots: ["<rootDir>/tests/package"], testPathIgnorePatterns: [], maxWorkers: 1, testTimeout: 600000 };
