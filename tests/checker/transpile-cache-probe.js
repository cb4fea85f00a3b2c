/**
 * For tests/checker/transpile-cache.test.ts: in a process of its own (the cache hooks Node.js's module loader, which
 * Jest's registry bypasses), compiles one file with a ts-node service made after the checker's transpile cache is on,
 * and prints ts-node's output and the cache's stats as JSON. Usage: node transpile-cache-probe.js FILE transpile-only|type-check,
 * in FILE's folder
 */
const fs = require("fs");
const path = require("path");

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
const output = service.compile(fs.readFileSync(file, "utf8"), file);
process.stdout.write(JSON.stringify({ output, stats: cache.transpileCacheStats() ?? null }));
