#!/usr/bin/env node
"use strict";
// The package's command: the compiled checker CLI (built into dist/ by `npm run build` and on install).
const path = require("path");
const fs = require("fs");
const cli = path.join(__dirname, "..", "dist", "checker", "cli.js");
if (!fs.existsSync(cli)) {
    process.stderr.write(`error: ${cli} is missing; run \`npm run build\` in ${path.dirname(__dirname)}\n`);
    process.exit(2);
}
require(cli).main(process.argv.slice(2));
