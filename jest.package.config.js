/** `npm run test:package`: the packed tarball installed into a fresh project (tests/package), apart from `npm test`. */
const base = require("./jest.config.js");
module.exports = { ...base, roots: ["<rootDir>/tests/package"], testPathIgnorePatterns: [], maxWorkers: 1, testTimeout: 600000 };
