/**
 * The compiled twin (under dist/) of a TypeScript source entry, when it is provably built from the sources as they
 * are now: the checker run from its sources (the tests) then starts a program's child process from the compiled
 * checker, instead of having ts-node compile the checker afresh in every child (about 0.5-1 CPU-s a run).
 *
 * The proof covers every file the compiled entry loads (its relative requires, followed): a compiled file's source
 * map holds the text it was compiled from (`inlineSources`, tsconfig.build.json), which must be the source file's
 * text now; a JSON file must hold the same value; and each relative require must resolve, from the sources, to
 * the file whose twin it resolves to in dist (a leftover dist/checker/report.js beside a new report/ folder would
 * not). The build compiles with isolatedModules, so each file compiles alone as ts-node transpiles it.
 */
import * as fs from "fs";
import * as path from "path";

const isFile = (file: string) => fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;

/** The file `spec` names from `dir`, as Node.js resolves it with these extensions (ts-node appends `.ts`). */
function resolveFile(dir: string, spec: string, extensions: string[]): string | undefined {
    const base = path.resolve(dir, spec);
    return [base, ...extensions.map((e) => base + e), ...extensions.map((e) => path.join(base, `index${e}`))].find(isFile);
}

function sameJson(a: string, b: string): boolean {
    return JSON.stringify(JSON.parse(fs.readFileSync(a, "utf8"))) === JSON.stringify(JSON.parse(fs.readFileSync(b, "utf8")));
}

/** Whether `compiled` was compiled from `source` as it is now. */
function builtFrom(compiled: string, source: string): boolean {
    if (source.endsWith(".json")) return compiled.endsWith(".json") && sameJson(compiled, source);
    const map = JSON.parse(fs.readFileSync(`${compiled}.map`, "utf8")) as { sourceRoot?: string; sources?: string[]; sourcesContent?: (string | null)[] };
    const mapped = map.sources?.length === 1 ? path.resolve(path.dirname(compiled), map.sourceRoot ?? "", map.sources[0]) : undefined;
    return mapped === source && map.sourcesContent?.[0] === fs.readFileSync(source, "utf8");
}

/**
 * `sourceEntry`'s twin under `compiledRoot` (where the build compiles `sourceRoot`: dist/ for the repository), or
 * undefined unless all it loads is built from the sources as they are now.
 */
export function compiledTwin(sourceEntry: string, sourceRoot: string, compiledRoot: string): string | undefined {
    const twinOf = (source: string) => {
        const relative = path.relative(sourceRoot, source);
        if (relative.startsWith("..") || path.isAbsolute(relative)) return undefined;
        return path.join(compiledRoot, relative.replace(/\.ts$/, ".js"));
    };
    try {
        const entry = twinOf(sourceEntry);
        if (!entry) return undefined;
        const pending: [string, string][] = [[entry, sourceEntry]];
        const proven = new Set<string>();
        while (pending.length > 0) {
            const [compiled, source] = pending.pop()!;
            if (proven.has(compiled)) continue;
            if (!isFile(compiled) || !isFile(source) || !builtFrom(compiled, source)) return undefined;
            proven.add(compiled);
            if (!compiled.endsWith(".js")) continue;
            for (const [, spec] of fs.readFileSync(compiled, "utf8").matchAll(/\brequire\("(\.\.?\/[^"]*)"\)/g)) {
                const fromSource = resolveFile(path.dirname(source), spec, [".js", ".json", ".node", ".ts"]);
                const fromCompiled = resolveFile(path.dirname(compiled), spec, [".js", ".json", ".node"]);
                if (!fromSource || !fromCompiled || twinOf(fromSource) !== fromCompiled) return undefined;
                pending.push([fromCompiled, fromSource]);
            }
        }
        return entry;
    } catch {
        // an unreadable or malformed file: not proven
        return undefined;
    }
}

/**
 * The compiled file of the checker module `name` (e.g. "program-child") beside `dir`, the folder of the module
 * asking: when that module runs compiled, the .js file next to it; when it runs from the sources, the .js twin under
 * dist/ if it is built from them as they are now; else undefined.
 */
export function compiledCheckerFile(dir: string, runningCompiled: boolean, name: string): string | undefined {
    const root = path.dirname(dir);
    const compiled = runningCompiled ? path.join(dir, `${name}.js`) : compiledTwin(path.join(dir, `${name}.ts`), root, path.join(root, "dist"));
    return compiled && isFile(compiled) ? compiled : undefined;
}
