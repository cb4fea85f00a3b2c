/**
 * The program's and the pack's processes load the TypeScript compiler from V8's code cache
 * (checker/typescript-code-cache.ts): the first load stores its code, the next is compiled from it with the same
 * stack positions and the same behaviour, a damaged entry is dropped, a file that calls import() is never stored
 * (a cached function could not run it), and SERVERLESS_GUARDRAILS_COMPILE_CACHE=0 turns it off.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { compiledTwin } from "../../checker/compiled-twin";
import { callsDynamicImport, COMPILE_CACHE_ENV } from "../../checker/typescript-code-cache";
import { removeCopies, ROOT, tempDir } from "./helpers";

jest.setTimeout(60_000);
afterAll(removeCopies);

const PROBE = path.join(__dirname, "typescript-code-cache-probe.js");
// Its package.json: jest.config.js maps "typescript" itself to a stand-in.
const TYPESCRIPT = path.join(path.dirname(require.resolve("typescript/package.json")), "lib", "typescript.js");

interface ProbeAnswer {
    loadedBefore: boolean;
    outcome: string | null;
    version: string;
    frame?: string;
    transpiled?: string;
    sep?: string;
}

function probe(cache: string, typescriptFile = TYPESCRIPT): ProbeAnswer {
    // The compiled module: run from its TypeScript source, ts-node would load the compiler before the cache is on.
    const compiled = compiledTwin(path.join(ROOT, "checker", "typescript-code-cache.ts"), ROOT, path.join(ROOT, "dist"));
    if (!compiled) throw new Error("dist/ is not built from the sources as they are: run `npx tsc -b tsconfig.build.json`");
    const out = execFileSync(process.execPath, [PROBE, compiled, typescriptFile], { env: { ...process.env, [COMPILE_CACHE_ENV]: cache }, encoding: "utf8" });
    return JSON.parse(out);
}

const entries = (dir: string) => fs.readdirSync(dir).sort();

/** A typescript.js of its own: the real compiler's API (the cache parses the file with it) and `extra`. */
function fakeCompiler(extra: string): string {
    const file = path.join(tempDir("sg-ts-fake-"), "node_modules", "typescript", "lib", "typescript.js");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `module.exports = { ...require(${JSON.stringify(TYPESCRIPT)}), ${extra} };\n`);
    return file;
}

// One cache for the tests below, in order: the real compiler is parsed (about 2 CPU-s) once, then answered from it.
describe("the TypeScript compiler from the code cache", () => {
    let cache: string;
    beforeAll(() => {
        cache = tempDir("sg-ts-cache-");
    });

    test("the first load stores V8's code; the next is compiled from it, with the same stack positions and output", () => {
        const first = probe(cache);
        expect(first).toMatchObject({ loadedBefore: false, outcome: "stored", version: ts.version });
        expect(entries(cache)).toHaveLength(1);
        // A hit marks the entry used (the folder is pruned least recently used first, past 32 MB).
        const entry = path.join(cache, entries(cache)[0]);
        fs.utimesSync(entry, new Date(2020, 0, 1), new Date(2020, 0, 1));
        const second = probe(cache);
        expect(second.outcome).toBe("hit");
        expect(fs.statSync(entry).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
        expect(second.frame).toMatch(/typescript\.js:\d+:\d+\)?$/);
        expect({ frame: second.frame, transpiled: second.transpiled }).toEqual({ frame: first.frame, transpiled: first.transpiled });
        expect(second.transpiled).toContain("exports.default = x;");
    });

    test("a damaged entry is dropped, the file loads as Node loads it, and the entry is stored again", () => {
        const fake = fakeCompiler("fake: true");
        const before = entries(cache);
        expect(probe(cache, fake).outcome).toBe("stored");
        const added = entries(cache).filter((file) => !before.includes(file));
        expect(added).toHaveLength(1);
        fs.writeFileSync(path.join(cache, added[0]), "not V8's code");
        const answer = probe(cache, fake);
        expect(answer.outcome).toBe("stored");
        expect(answer.transpiled).toContain("exports.default = x;");
        expect(probe(cache, fake).outcome).toBe("hit");
    });

    test("a typescript.js that calls import() is loaded as Node loads it and never stored; its import() works", () => {
        const fake = fakeCompiler('importSep: async () => (await import("node:path")).sep');
        const before = entries(cache);
        expect(probe(cache, fake)).toMatchObject({ outcome: "not stored: the file calls import()", sep: path.sep });
        // Marked, so not parsed again: the next load is Node's, and import() still works.
        expect(probe(cache, fake).sep).toBe(path.sep);
        expect(entries(cache).filter((file) => !before.includes(file))).toEqual([expect.stringMatching(/\.not-cached$/)]);
    });

    test("a typescript.js that is not the TypeScript API is loaded as Node loads it, marked, and not parsed again", () => {
        const fake = path.join(tempDir("sg-ts-fake-"), "node_modules", "typescript", "lib", "typescript.js");
        fs.mkdirSync(path.dirname(fake), { recursive: true });
        fs.writeFileSync(fake, 'module.exports = { version: "0.0.0-fake" };\n');
        const before = entries(cache);
        expect(probe(cache, fake)).toMatchObject({ outcome: "not stored: the file could not be parsed", version: "0.0.0-fake" });
        expect(probe(cache, fake)).toMatchObject({ outcome: null, version: "0.0.0-fake" });
        expect(entries(cache).filter((file) => !before.includes(file))).toEqual([expect.stringMatching(/\.not-cached$/)]);
    });

    test("SERVERLESS_GUARDRAILS_COMPILE_CACHE=0 turns it off: the compiler loads as Node loads it", () => {
        expect(probe("0")).toMatchObject({ loadedBefore: false, outcome: null, version: ts.version });
    });

    test("import() is found as a call, not in strings, comments or static imports", () => {
        const calls = (source: string) => callsDynamicImport(ts, "file.js", source);
        expect(calls('const m = await import("x");')).toBe(true);
        expect(calls('function f() { return import("x").then((m) => m); }')).toBe(true);
        expect(calls('const text = "import(x)"; // import("y")\n/* import("z") */ const t = `import(${1})`;')).toBe(false);
        expect(calls('import x from "x"; const u = import.meta.url;')).toBe(false);
    });
});
