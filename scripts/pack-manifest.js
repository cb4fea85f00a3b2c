#!/usr/bin/env node
/**
 * `npm pack`/`npm publish` ship package.json as it is on disk. The root's `prepare` (build after `npm ci` in a
 * clone) would then be an install script for every consumer, and npm 11 flags it. `prepack` writes the
 * manifest consumers get (no scripts, no dev-only fields); `postpack` puts the developers' one back.
 */
const fs = require("fs");
const path = require("path");

const manifest = path.join(__dirname, "..", "package.json");
const backup = path.join(__dirname, "..", ".package.json.before-pack");

function strip() {
    if (fs.existsSync(backup)) throw new Error(`${backup} exists: a previous pack did not finish; restore it with \`node scripts/pack-manifest.js restore\``);
    const text = fs.readFileSync(manifest, "utf8");
    fs.writeFileSync(backup, text);
    const pkg = JSON.parse(text);
    delete pkg.scripts;
    delete pkg.devDependencies;
    delete pkg.allowScripts;
    fs.writeFileSync(manifest, JSON.stringify(pkg, null, 2) + "\n");
}

function restore() {
    if (!fs.existsSync(backup)) return;
    fs.writeFileSync(manifest, fs.readFileSync(backup, "utf8"));
    fs.unlinkSync(backup);
}

const command = process.argv[2];
if (command === "strip") strip();
else if (command === "restore") restore();
else {
    process.stderr.write("usage: node scripts/pack-manifest.js strip|restore\n");
    process.exit(2);
}
