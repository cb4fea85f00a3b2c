/** `npm run test:quick`: the policy unit tests alone. They run the policies in-process, so no running packs. */
const base = require("./jest.config.js");
module.exports = { ...base, roots: ["<rootDir>/tests/policies"], globalSetup: undefined, globalTeardown: undefined };
