/**
 * Jest's runtime with a V8 code cache for the modules it compiles (jest.config.js `runtime`). Jest compiles every
 * module again in every suite's context, without a cache, so each suite parses @pulumi/pulumi, @pulumi/aws, grpc and
 * protobuf anew. Here the compile of a module is given the code V8 produced for the same source the first time,
 * from node_modules/.cache. A file is keyed by a hash of the source, its name and the wrapper's parameters (V8 checks
 * only the source's length), in a folder per Node version and architecture. Any error, or a Jest whose internals
 * differ from what this expects, falls back to Jest's own compile.
 */
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const vm = require("vm");
const Runtime = require("jest-runtime").default;

const CACHE = path.join(__dirname, "..", "..", "node_modules", ".cache", "serverless-guardrails", `jest-v8-${process.version}-${process.arch}`);

class CachedRuntime extends Runtime {
    constructor(...args) {
        super(...args);
        // `--no-cache`, and coverage (V8's, or instrumented sources), are left to Jest as they are.
        const [config, , , , , coverageOptions] = args;
        if (config?.cache === false || coverageOptions?.collectCoverage) return;
        // Jest 30's ModuleExecutor: compile(source, filename) returns the module's wrapper function.
        const executor = this.executor;
        if (typeof executor?.compile !== "function" || !Array.isArray(executor.injectedModuleParameters)) return;
        const compile = executor.compile.bind(executor);
        executor.compile = (source, filename) => compileCached(executor, source, filename) ?? compile(source, filename);
    }
}

function compileCached(executor, source, filename) {
    try {
        const context = executor.environment.getVmContext();
        // A function from the cache has lost the import() callback (Node keeps it in the host-defined options, which
        // the cache holds from the run that made it: nodejs/node#43663), so a module that may call import() is left to Jest.
        if (context == null || executor.resolution.isCoreModule(filename) || /\bimport\s*\(/.test(source)) return undefined;
        const params = executor.injectedModuleParameters;
        const key = crypto.createHash("sha1").update(`${filename}\0${params.join(",")}\0`).update(source).digest("hex");
        const file = path.join(CACHE, key);
        const cachedData = read(file);
        const fn = vm.compileFunction(source, params, {
            filename,
            parsingContext: context,
            cachedData,
            produceCachedData: cachedData === undefined,
        });
        if (cachedData !== undefined && fn.cachedDataRejected) fs.rmSync(file, { force: true });
        if (fn.cachedDataProduced && fn.cachedData) write(file, fn.cachedData);
        return fn;
    } catch {
        return undefined;
    }
}

function read(file) {
    try {
        return fs.readFileSync(file);
    } catch {
        return undefined;
    }
}

let pruned = false;

/** Written whole or not at all: the other worker may read the file at the same time. */
function write(file, data) {
    try {
        fs.mkdirSync(CACHE, { recursive: true });
        const partial = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(partial, data);
        fs.renameSync(partial, file);
    } catch {
        // A cache that cannot be written only costs the next run the compile.
    }
    if (!pruned) {
        pruned = true;
        pruneOldest();
    }
}

/** Each edit of a file adds an entry: past 128 MB the oldest go, with the checker's transpile-cache pruning (built). */
function pruneOldest() {
    try {
        require(path.join(__dirname, "..", "..", "dist", "checker", "transpile-cache.js")).prune(CACHE, 128 * 2 ** 20, 96 * 2 ** 20);
    } catch {
        // dist/ not built: pruned on a later run
    }
}

module.exports = CachedRuntime;
