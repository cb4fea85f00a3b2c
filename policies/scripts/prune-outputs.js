#!/usr/bin/env node
/**
 * `node prune-outputs.js <outDir>`, run from the folder whose tsconfig.json builds into <outDir> with
 * `rootDir: "."`: deletes the compiled files in <outDir> whose TypeScript source (the same path under that folder)
 * no longer exists. The builds are incremental (tsc --incremental, the build info kept in <outDir>, so deleting
 * <outDir> forces a full build), and tsc never deletes what it emitted for a source that was deleted or renamed: a
 * stale dist/checker/report.js once shadowed the checker/report/ folder that replaced it. It lives in policies/ so
 * that the pack builds on its own; the root build uses it for dist/.
 */
const fs = require("fs");
const path = require("path");

const root = process.cwd();
const outDir = path.resolve(root, process.argv[2] ?? "dist");
const compiled = /(\.d\.ts|\.js\.map|\.js)$/;

function prune(dir) {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            prune(file);
            if (fs.readdirSync(file).length === 0) fs.rmdirSync(file);
            continue;
        }
        const suffix = compiled.exec(entry.name)?.[1];
        if (!suffix) continue;
        const source = path.join(root, path.relative(outDir, file)).slice(0, -suffix.length);
        if (![".ts", ".tsx"].some((ext) => fs.existsSync(source + ext))) fs.rmSync(file);
    }
}

if (fs.existsSync(outDir)) prune(outDir);
