/**
 * For tests/checker/transpile-cache.test.ts: in a process of its own (the cache hooks Node.js's module loader, which
 * Jest's registry bypasses), makes a ts-node service after the checker's transpile cache is on, and for each line
 * read on stdin compiles one file with it and prints a line of JSON: ts-node's output and what the cache answered
 * for that compile (null: the cache was not used). Usage: node transpile-cache-probe.js FILE transpile-only|type-check,
 * in FILE's folder
 */
const fs = require("fs");
const path = require("path");
const readline = require("readline");

const [file, mode] = process.argv.slice(2);
const checker = path.resolve(__dirname, "../../checker");
require("ts-node").register({ transpileOnly: true, skipProject: true, scope: true, scopeDir: checker, compilerOptions: { module: "commonjs" } });
const cache = require(path.join(checker, "transpile-cache.ts"));
cache.useTranspileCache(path.dirname(file));
const service = require("ts-node").create({
    transpileOnly: mode === "transpile-only",
    skipProject: true,
    // ES modules made CommonJS through moduleTypes: the type-checking service then calls the transpile-only one too.
    moduleTypes: { [path.basename(file)]: "cjs" },
    compilerOptions: { module: "es2022", target: "es2022", lib: ["es2022"], types: [], sourceMap: true },
});
// The cache's counts are for the process: each answer gives those of its own compile.
let before = { hits: 0, misses: 0 };
readline.createInterface({ input: process.stdin }).on("line", () => {
    const output = service.compile(fs.readFileSync(file, "utf8"), file);
    const now = cache.transpileCacheStats();
    const stats = now ? { hits: now.hits - before.hits, misses: now.misses - before.misses } : null;
    if (now) before = now;
    process.stdout.write(JSON.stringify({ output, stats }) + "\n");
});
