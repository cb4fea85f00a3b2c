/**
 * A cache, on disk, of what ts-node's transpile-only compile makes of each TypeScript file: a check runs the same
 * unchanged files again and again (twice a check in `--mode both`), and transpiling them is a third of a program
 * run's CPU time. It serves only a transpile-only ts-node (PULUMI_NODEJS_TRANSPILE_ONLY=true, `noCheck`, or a run
 * after an unchanged type-checked one); a type-checking ts-node never reads or writes it.
 *
 * ts-node 10 (TypeScript >= 4.7) transpiles with its own `createTsTranspileModule(ts, options)` (ts-transpile-module.js,
 * called from createTranspileOnlyGetOutputFunction in dist/index.js), not `ts.transpileModule`. Each function it
 * makes is wrapped here, once ts-node's `register`/`create` has said the service is transpile-only. An entry is keyed
 * by everything its output depends on: the TypeScript module (version, file, size, time) and ts-node's
 * ts-transpile-module.js, the compiler options, the file name, module name, renamed dependencies, the package.json
 * `type` it is emitted for, and the source text. A transpile with diagnostics or custom transformers is not kept.
 *
 * Entries live in the program's nearest node_modules/.cache/serverless-guardrails/transpile (as babel's and eslint's
 * do), else in a folder of this user's own under the system's temporary folder; SERVERLESS_GUARDRAILS_TRANSPILE_CACHE
 * names another folder, or turns the cache off with `0`. Any error reading or writing the cache is a miss: the file
 * is transpiled as it would have been.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import Module = require("module");
import * as os from "os";
import * as path from "path";

export const TRANSPILE_CACHE_ENV = "SERVERLESS_GUARDRAILS_TRANSPILE_CACHE";
/** Changes when the entries' format or key does. */
const FORMAT = 1;
/** Beyond this many bytes of entries, the least recently used go, down to PRUNED_BYTES. */
const MAX_BYTES = 64 * 2 ** 20;
const PRUNED_BYTES = 48 * 2 ** 20;

interface TranspileOutput {
    outputText: string;
    sourceMapText?: string;
    diagnostics?: unknown[];
}
type TranspileOptions = { fileName?: string; moduleName?: string; renamedDependencies?: unknown };
type Transpile = (input: string, options: TranspileOptions, packageJsonType?: string) => TranspileOutput;
type CreateTranspile = (ts: unknown, options: { compilerOptions?: unknown; reportDiagnostics?: boolean; transformers?: unknown }) => Transpile;

/** How many files the cache answered, and how many it did not, in this process. */
export interface TranspileCacheStats {
    /** Files whose output came from the cache. */
    hits: number;
    /** Files transpiled afresh (and then stored, unless they had diagnostics). */
    misses: number;
}

let folder: (() => string | undefined) | undefined;
let stats: TranspileCacheStats | undefined;
let pruned = false;

/** Stats of this process's cache, once a transpile-only ts-node has used it. */
export function transpileCacheStats(): TranspileCacheStats | undefined {
    return stats && { ...stats };
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** JSON with object keys sorted, so that the same options give the same key. */
function stableJson(value: unknown): string {
    return JSON.stringify(value, (_, v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));
}

function fileStamp(file: string): string {
    const stat = fs.statSync(file);
    return `${file}:${stat.size}:${stat.mtimeMs}`;
}

/** A folder this user alone can write, under the system's temporary folder (another user's entries would be run). */
function ownTemporaryFolder(name: string): string | undefined {
    const base = path.join(os.tmpdir(), `serverless-guardrails-${os.userInfo().uid}`);
    fs.mkdirSync(base, { recursive: true, mode: 0o700 });
    const stat = fs.lstatSync(base);
    if (!stat.isDirectory() || (process.getuid && stat.uid !== process.getuid()) || (stat.mode & 0o022) !== 0) return undefined;
    return path.join(base, name);
}

/**
 * Where the checker's cache `name` lives for files under `from`, created: the folder the variable `env` names, else
 * `.cache/serverless-guardrails/<name>` in the nearest node_modules (as babel's and eslint's caches are kept), else
 * a folder of this user's own under the temporary folder; undefined when none can be written.
 */
export function cacheFolder(from: string, name: string, env: string): string | undefined {
    const chosen = process.env[env];
    const candidates: (() => string | undefined)[] = [];
    if (chosen) candidates.push(() => path.resolve(chosen));
    else {
        for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
            const modules = path.join(dir, "node_modules");
            if (fs.statSync(modules, { throwIfNoEntry: false })?.isDirectory()) {
                candidates.push(() => path.join(modules, ".cache", "serverless-guardrails", name));
                break;
            }
            if (path.dirname(dir) === dir) break;
        }
        candidates.push(() => ownTemporaryFolder(name));
    }
    for (const candidate of candidates) {
        try {
            const dir = candidate();
            if (!dir) continue;
            fs.mkdirSync(dir, { recursive: true });
            fs.accessSync(dir, fs.constants.W_OK);
            return dir;
        } catch {
            // not writable here: the next candidate
        }
    }
    return undefined;
}

/** Where the cache of a program in `programDir` lives, created (undefined when no folder can be written). */
export function transpileCacheFolder(programDir: string): string | undefined {
    return cacheFolder(programDir, "transpile", TRANSPILE_CACHE_ENV);
}

const entrySum = (output: { outputText: string; sourceMapText?: string | null }) => sha256(`${output.outputText}\0${output.sourceMapText ?? ""}`);

function readEntry(file: string, key: string): TranspileOutput | undefined {
    try {
        const entry = JSON.parse(fs.readFileSync(file, "utf8"));
        if (entry?.key !== key || typeof entry.outputText !== "string" || !(typeof entry.sourceMapText === "string" || entry.sourceMapText === null)) return undefined;
        if (entry.sum !== entrySum(entry)) return undefined;
        const now = new Date();
        fs.utimesSync(file, now, now);
        return { outputText: entry.outputText, sourceMapText: entry.sourceMapText ?? undefined, diagnostics: [] };
    } catch {
        return undefined;
    }
}

function writeEntry(dir: string, file: string, key: string, output: TranspileOutput) {
    const entry = { key, outputText: output.outputText, sourceMapText: output.sourceMapText ?? null };
    const temporary = `${file}.${process.pid}.tmp`;
    try {
        fs.writeFileSync(temporary, JSON.stringify({ ...entry, sum: entrySum(entry) }));
        fs.renameSync(temporary, file);
    } catch {
        fs.rmSync(temporary, { force: true });
    }
    if (!pruned) prune(dir);
}

/** Removes the least recently used entries once the folder holds more than MAX_BYTES. */
export function prune(dir: string, maxBytes = MAX_BYTES, prunedBytes = PRUNED_BYTES) {
    pruned = true;
    try {
        const entries = fs.readdirSync(dir).flatMap((name) => {
            const stat = fs.statSync(path.join(dir, name), { throwIfNoEntry: false });
            return stat?.isFile() ? [{ file: path.join(dir, name), size: stat.size, used: stat.mtimeMs }] : [];
        });
        let total = entries.reduce((sum, e) => sum + e.size, 0);
        if (total <= maxBytes) return;
        for (const entry of entries.sort((a, b) => a.used - b.used)) {
            if (total <= prunedBytes) break;
            fs.rmSync(entry.file, { force: true });
            total -= entry.size;
        }
    } catch {
        // another process pruned at the same time: nothing to do
    }
}

/** The module whose exports `value` is, from require.cache. */
function loadedFile(value: unknown): string | undefined {
    return Object.values(require.cache).find((m) => m?.exports === value)?.filename;
}

/** A transpile function that answers from the cache, for the given `createTsTranspileModule` call. */
function cachedTranspile(transpile: Transpile, ts: { version?: string }, options: Parameters<CreateTranspile>[1], transpilerFile: string): Transpile {
    const typescript = loadedFile(ts);
    if (!typescript || options.transformers) return transpile;
    let context: string;
    try {
        context = stableJson([FORMAT, ts.version, fileStamp(typescript), fileStamp(transpilerFile), options.compilerOptions, options.reportDiagnostics === true]);
    } catch {
        return transpile;
    }
    return (input, transpileOptions, packageJsonType) => {
        const dir = folder?.();
        if (!dir) return transpile(input, transpileOptions, packageJsonType);
        const { fileName, moduleName, renamedDependencies } = transpileOptions;
        const key = sha256(`${context}\0${stableJson([fileName, moduleName, renamedDependencies, packageJsonType])}\0${input}`);
        const file = path.join(dir, `${key}.json`);
        const cached = readEntry(file, key);
        stats ??= { hits: 0, misses: 0 };
        if (cached) {
            stats.hits++;
            return cached;
        }
        stats.misses++;
        const output = transpile(input, transpileOptions, packageJsonType);
        if (typeof output?.outputText === "string" && (output.diagnostics ?? []).length === 0) writeEntry(dir, file, key, output);
        return output;
    };
}

const PATCHED = Symbol("serverless-guardrails transpile cache");

/** Wraps ts-node's createTsTranspileModule and register/create (ts-node's dist/index.js, loaded as `tsNode`). */
function patchTsNode(tsNode: Record<string | symbol, unknown>, indexFile: string) {
    if (tsNode[PATCHED]) return;
    tsNode[PATCHED] = true;
    const transpilerFile = path.join(path.dirname(indexFile), "ts-transpile-module.js");
    const transpiler = require.cache[transpilerFile]?.exports as Record<string, unknown> | undefined;
    const create = transpiler?.createTsTranspileModule as CreateTranspile | undefined;
    if (typeof create !== "function" || typeof tsNode.register !== "function" || typeof tsNode.create !== "function") return;
    // The functions made while a service is created, to turn on once it says it is transpile-only.
    let making: { use: boolean }[] | undefined;
    transpiler!.createTsTranspileModule = ((ts, options) => {
        const plain = create(ts, options);
        if (!making) return plain;
        const switched = { use: false };
        making.push(switched);
        const cached = cachedTranspile(plain, ts as { version?: string }, options, transpilerFile);
        return (input, transpileOptions, packageJsonType) => (switched.use ? cached : plain)(input, transpileOptions, packageJsonType);
    }) as CreateTranspile;
    for (const name of ["register", "create"]) {
        const original = tsNode[name] as (...args: unknown[]) => { transpileOnly?: boolean } | undefined;
        tsNode[name] = function (this: unknown, ...args: unknown[]) {
            const outer = making;
            const made: { use: boolean }[] = (making = []);
            try {
                const service = original.apply(this, args);
                if (service?.transpileOnly === true) made.forEach((m) => (m.use = true));
                return service;
            } finally {
                making = outer;
            }
        };
    }
}

type Load = (request: string, parent: NodeModule | undefined, isMain: boolean) => unknown;
type Resolve = (request: string, parent: NodeModule | undefined, isMain: boolean) => string;
const moduleInternals = Module as unknown as { _load: Load; _resolveFilename: Resolve };

/**
 * From now on, a ts-node loaded in this process keeps what it transpiles (transpile-only) in the cache folder of
 * the program in `programDir`. Nothing is done when SERVERLESS_GUARDRAILS_TRANSPILE_CACHE is `0`.
 */
export function useTranspileCache(programDir: string): void {
    if (folder || ["0", "false", "off"].includes((process.env[TRANSPILE_CACHE_ENV] ?? "").toLowerCase())) return;
    let chosen: { dir?: string } | undefined;
    folder = () => (chosen ??= { dir: transpileCacheFolder(programDir) }).dir;
    const load = moduleInternals._load;
    moduleInternals._load = function (this: unknown, request, parent, isMain) {
        const loaded = load.apply(this, [request, parent, isMain]);
        if (request.includes("ts-node") && loaded && typeof loaded === "object") {
            try {
                const file = moduleInternals._resolveFilename(request, parent, isMain);
                if (/[\\/]ts-node[\\/]dist[\\/]index\.js$/.test(file)) patchTsNode(loaded as Record<string | symbol, unknown>, file);
            } catch {
                // not ts-node's entry
            }
        }
        return loaded;
    };
}
