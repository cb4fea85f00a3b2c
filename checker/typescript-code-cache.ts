/**
 * V8's compiled code for the TypeScript compiler, kept on disk. ts-node loads typescript.js (9 MB of JavaScript) in
 * every program's process, as Pulumi's Node.js host registers it for every TypeScript program, and Pulumi's policy
 * pack host does the same in every pack's process; V8 spends about 0.1 of the 0.15 CPU-s that load takes parsing it.
 *
 * On Node.js 20 (Node 22.1 and later have `module.enableCompileCache` for all modules, used instead), the first load
 * is Node's own; then, if the file has no `import()` call (looked for with the TypeScript just loaded: a function
 * made from a code cache has no import() callback, nodejs/node#43663), V8's code for it is stored. The next loads
 * compile it from that code with `vm.compileFunction` and Node's wrapper parameters, so every line and column is the
 * same. Entries are keyed by the file's name and text and this process's Node flags (V8 rejects code made under
 * other flags), in node_modules/.cache/serverless-guardrails/v8-<node version>-<arch> of the node_modules nearest this
 * package, else in a folder of this user's own under the temporary folder, as the transpile cache keeps its entries
 * (transpile-cache.ts cacheFolder). SERVERLESS_GUARDRAILS_COMPILE_CACHE names another folder, or turns the cache off
 * with `0`. Any error is a miss.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import Module = require("module");
import * as path from "path";
import * as vm from "vm";
import type * as ts from "typescript";
import { cacheFolder, prune } from "./transpile-cache";

export const COMPILE_CACHE_ENV = "SERVERLESS_GUARDRAILS_COMPILE_CACHE";
const WRAPPER_PARAMETERS = ["exports", "require", "module", "__filename", "__dirname"];
const TYPESCRIPT_COMPILER = /[\\/]typescript[\\/]lib[\\/]typescript\.js$/;
/** An entry is about 2.3 MB, one per TypeScript version and set of Node flags: past this, the least recently used go. */
const MAX_BYTES = 32 * 2 ** 20;
const PRUNED_BYTES = 24 * 2 ** 20;

/** What the cache did in this process: `hit` (compiled from the cache), `stored`, or `not stored` (and why). */
export const typeScriptCodeCache: { outcome?: string } = {};

/** The cache folder, created; undefined when it is turned off or cannot be written. */
export function codeCacheFolder(from = __dirname): string | undefined {
    if (["0", "false", "off"].includes((process.env[COMPILE_CACHE_ENV] ?? "").toLowerCase())) return undefined;
    return cacheFolder(from, `v8-${process.version}-${process.arch}`, COMPILE_CACHE_ENV);
}

/** Whether `source` calls `import()`, as the TypeScript API `typescript` parses it. */
export function callsDynamicImport(typescript: typeof ts, filename: string, source: string): boolean {
    const file = typescript.createSourceFile(filename, source, typescript.ScriptTarget.Latest, false, typescript.ScriptKind.JS);
    const visit = (node: ts.Node): boolean =>
        (typescript.isCallExpression(node) && node.expression.kind === typescript.SyntaxKind.ImportKeyword) || !!typescript.forEachChild(node, visit);
    return visit(file);
}

type Compile = (this: NodeModule, content: string, filename: string, ...rest: unknown[]) => unknown;
const moduleInternals = Module as unknown as {
    prototype: { _compile: Compile };
    _extensions: object;
    _cache: object;
    _resolveFilename: (request: string, parent: NodeModule, isMain: boolean, options?: unknown) => string;
    _resolveLookupPaths: (request: string, parent: NodeModule) => string[] | null;
    enableCompileCache?: (dir?: string) => unknown;
};

/** The `require` Node gives a module (lib/internal/modules/helpers.js makeRequireFunction). */
function requireFor(module: NodeModule): NodeJS.Require {
    const require = ((id: string) => module.require(id)) as NodeJS.Require;
    const resolve = ((request: string, options?: unknown) => moduleInternals._resolveFilename(request, module, false, options)) as NodeJS.RequireResolve;
    resolve.paths = (request: string) => moduleInternals._resolveLookupPaths(request, module);
    require.resolve = resolve;
    require.main = process.mainModule;
    require.extensions = moduleInternals._extensions as NodeJS.RequireExtensions;
    require.cache = moduleInternals._cache as NodeJS.Dict<NodeModule>;
    return require;
}

function read(file: string): Buffer | undefined {
    try {
        return fs.readFileSync(file);
    } catch {
        return undefined;
    }
}

/** Marks an entry as used now, for pruning (least recently used first). */
function touch(file: string) {
    try {
        const now = new Date();
        fs.utimesSync(file, now, now);
    } catch {
        // pruned meanwhile: it is stored again next time
    }
}

/** Creates the marker of a file that is not cached; a folder that cannot be written keeps none. */
function touchMarker(file: string) {
    try {
        fs.writeFileSync(file, "");
    } catch {
        // parsed again next time
    }
}

/** V8's code for `source`, written whole or not at all (another process may read the file at the same time). */
function store(file: string, source: string, filename: string) {
    const partial = `${file}.${process.pid}.tmp`;
    try {
        const made = vm.compileFunction(source, WRAPPER_PARAMETERS, { filename, produceCachedData: true }) as Function & { cachedData?: Buffer };
        if (!made.cachedData) return;
        fs.writeFileSync(partial, made.cachedData);
        fs.renameSync(partial, file);
        typeScriptCodeCache.outcome = "stored";
        prune(path.dirname(file), MAX_BYTES, PRUNED_BYTES);
    } catch {
        fs.rmSync(partial, { force: true });
    }
}

/** The module's wrapper compiled from the cache entry, or undefined (no entry, or V8 rejected it: then it is removed). */
function fromCache(entry: string, source: string, filename: string): Function | undefined {
    const cachedData = read(entry);
    if (!cachedData) return undefined;
    try {
        const wrapper = vm.compileFunction(source, WRAPPER_PARAMETERS, { filename, cachedData }) as Function & { cachedDataRejected?: boolean };
        if (!wrapper.cachedDataRejected) return wrapper;
    } catch {
        // compiled as Node compiles it
    }
    fs.rmSync(entry, { force: true });
    return undefined;
}

let installed = false;

/** From now on, this process loads typescript.js from the code cache where it can (see the top of this file). */
export function useTypeScriptCodeCache(): void {
    if (installed) return;
    installed = true;
    const folder = codeCacheFolder();
    if (!folder) return;
    if (typeof moduleInternals.enableCompileCache === "function") {
        try {
            moduleInternals.enableCompileCache(folder);
        } catch {
            // Node compiles as it always has
        }
        return;
    }
    if ((process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled) return;
    const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ");
    const compile = moduleInternals.prototype._compile;
    moduleInternals.prototype._compile = function (this: NodeModule, content: string, filename: string, ...rest: unknown[]) {
        if (!TYPESCRIPT_COMPILER.test(filename) || this.id === "." || (rest[0] !== undefined && rest[0] !== "commonjs")) return compile.call(this, content, filename, ...rest);
        const entry = path.join(folder, createHash("sha256").update(`${flags}\0${filename}\0`).update(content).digest("hex"));
        const wrapper = fromCache(entry, content, filename);
        if (wrapper) {
            typeScriptCodeCache.outcome = "hit";
            touch(entry);
            return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename));
        }
        const result = compile.call(this, content, filename, ...rest);
        // A file that cannot be cached is marked, so that later processes do not parse it again to find out.
        const marker = `${entry}.not-cached`;
        if (fs.existsSync(marker)) return result;
        let calls: boolean | undefined;
        try {
            calls = callsDynamicImport(this.exports as typeof ts, filename, content);
        } catch {
            // not the TypeScript API, or a file it cannot parse
        }
        if (calls === false) store(entry, content, filename);
        else {
            typeScriptCodeCache.outcome = calls ? "not stored: the file calls import()" : "not stored: the file could not be parsed";
            touchMarker(marker);
        }
        return result;
    };
}
