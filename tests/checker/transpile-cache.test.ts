/**
 * The program's process keeps what a transpile-only ts-node makes of each file (checker/transpile-cache.ts) and
 * loads @pulumi/pulumi's TypeScript and @npmcli/arborist on first use (checker/lazy-sdk-modules.ts): a second run
 * of an unchanged program is answered from the cache, a changed file is transpiled again, an answer is the same
 * text as a transpile, a damaged entry is not used, the type-checking path and SERVERLESS_GUARDRAILS_TRANSPILE_CACHE=0
 * never touch it, and a magic function's code is still serialized.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as readline from "readline";
import { runProgram } from "../../checker/program-process";
import { prune, TRANSPILE_CACHE_ENV, transpileCacheFolder } from "../../checker/transpile-cache";
import type { CapturedResource } from "../../checker/types";
import { programDir, removeCopies, ROOT, tempDir } from "./helpers";

jest.setTimeout(120_000);
afterAll(removeCopies);

const PROBE = path.join(__dirname, "transpile-cache-probe.js");

type ProbeAnswer = { output: string; stats: { hits: number; misses: number } | null };

/**
 * A probe process for `file` (transpile-cache-probe.js): each compile() is one compile of the file as it is on disk
 * then, with what the cache answered for it. One process serves the compiles of a test: the cache keeps nothing
 * in memory, each answer is read from its folder.
 */
function probe(file: string, mode: "transpile-only" | "type-check", cache: string) {
    const child = spawn(process.execPath, [PROBE, file, mode], { cwd: path.dirname(file), env: { ...process.env, [TRANSPILE_CACHE_ENV]: cache }, stdio: ["pipe", "pipe", "inherit"] });
    const waiting: ((answer: ProbeAnswer) => void)[] = [];
    readline.createInterface({ input: child.stdout! }).on("line", (line) => waiting.shift()!(JSON.parse(line)));
    const ended = new Promise<number | null>((resolve) => child.on("close", resolve));
    return {
        compile: () =>
            new Promise<ProbeAnswer>((resolve, reject) => {
                waiting.push(resolve);
                ended.then((code) => reject(new Error(`the probe ended (exit code ${code}) before it answered`)));
                child.stdin!.write("compile\n");
            }),
        close: async () => {
            child.stdin!.end();
            expect(await ended).toBe(0);
        },
    };
}

/** One compile in a probe process of its own. */
async function probeOnce(file: string, mode: "transpile-only" | "type-check", cache: string): Promise<ProbeAnswer> {
    const once = probe(file, mode, cache);
    try {
        return await once.compile();
    } finally {
        await once.close();
    }
}

async function withCache<T>(cache: string, body: () => Promise<T>): Promise<T> {
    const saved = process.env[TRANSPILE_CACHE_ENV];
    process.env[TRANSPILE_CACHE_ENV] = cache;
    try {
        return await body();
    } finally {
        if (saved === undefined) delete process.env[TRANSPILE_CACHE_ENV];
        else process.env[TRANSPILE_CACHE_ENV] = saved;
    }
}

const entries = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")) : []);
const handlerCode = (resources: CapturedResource[]) => {
    const code = resources.find((r) => r.type === "aws:lambda/function:Function")!.inputs.code as { assets: Record<string, { text: string }> };
    return code.assets["__index.js"].text;
};

describe("a program's runs", () => {
    // bucket-loop's CallbackFunction: its handler is serialized, which uses the TypeScript and arborist loaded late.
    const program = tempDir("sg-transpile-cache-");
    for (const file of ["Pulumi.yaml", "package.json", "index.ts"]) fs.copyFileSync(path.join(programDir("bucket-loop"), file), path.join(program, file));
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(program, "node_modules"), "dir");
    const cache = tempDir("sg-transpile-entries-");
    const run = () => withCache(cache, () => runProgram(program, { preview: false, onOutput: () => undefined }));

    test("the second run of an unchanged program is answered from the cache, with the same resources and the function's code", async () => {
        const first = await run();
        expect(first.transpileCache).toEqual({ hits: 0, misses: 1 });
        expect(entries(cache)).toHaveLength(1);
        expect(handlerCode(first.resources)).toContain("return async () => ({ statusCode: 200 });");
        const second = await run();
        expect(second.transpileCache).toEqual({ hits: 1, misses: 0 });
        expect(second.resources).toEqual(first.resources);

        const entry = path.join(program, "index.ts");
        fs.appendFileSync(entry, "export const changed = true;\n");
        const changed = await run();
        expect(changed.transpileCache).toEqual({ hits: 0, misses: 1 });
        expect(changed.resources[0].outputs).toMatchObject({ changed: true });
        expect(entries(cache)).toHaveLength(2);
    });
});

describe("ts-node's compile through the cache", () => {
    const dir = tempDir("sg-transpile-probe-");
    const file = path.join(dir, "retention.ts");
    fs.writeFileSync(file, "const retention: number = 14 * 86400;\nexport const days = (n: number): number => n * 86400;\nexport default retention;\n");
    const cache = path.join(dir, "cache");
    let uncached: string;

    let cached: ReturnType<typeof probe>;
    afterAll(() => cached?.close());

    test("SERVERLESS_GUARDRAILS_TRANSPILE_CACHE=0 turns it off: nothing read or written", async () => {
        const off = await probeOnce(file, "transpile-only", "0");
        expect(off.stats).toBeNull();
        expect(off.output).toContain("exports.days = days;");
        uncached = off.output;
    });

    test("an answer from the cache is byte for byte what the transpile gave", async () => {
        cached = probe(file, "transpile-only", cache);
        const miss = await cached.compile();
        expect(miss.stats).toEqual({ hits: 0, misses: 1 });
        const hit = await cached.compile();
        expect(hit.stats).toEqual({ hits: 1, misses: 0 });
        expect(miss.output).toBe(uncached);
        expect(hit.output).toBe(uncached);
    });

    test("a damaged entry is a miss, and is written again", async () => {
        const [entry] = entries(cache);
        const stored = JSON.parse(fs.readFileSync(path.join(cache, entry), "utf8"));
        fs.writeFileSync(path.join(cache, entry), JSON.stringify({ ...stored, outputText: stored.outputText.replace("86400", "86401") }));
        const tampered = await cached.compile();
        expect(tampered.stats).toEqual({ hits: 0, misses: 1 });
        expect(tampered.output).toBe(uncached);
        fs.writeFileSync(path.join(cache, entry), fs.readFileSync(path.join(cache, entry), "utf8").slice(0, 40));
        expect(await cached.compile()).toEqual({ output: uncached, stats: { hits: 0, misses: 1 } });
        expect((await cached.compile()).stats).toEqual({ hits: 1, misses: 0 });
    });

    test("a type-checking ts-node never uses it, though it holds the file", async () => {
        const before = fs.readdirSync(cache).map((f) => [f, fs.statSync(path.join(cache, f)).mtimeMs]);
        const checked = await probeOnce(file, "type-check", cache);
        expect(checked.stats).toBeNull();
        expect(checked.output).toContain("exports.days = days;");
        expect(fs.readdirSync(cache).map((f) => [f, fs.statSync(path.join(cache, f)).mtimeMs])).toEqual(before);
    });
});

describe("where entries live", () => {
    const saved = process.env[TRANSPILE_CACHE_ENV];
    beforeEach(() => delete process.env[TRANSPILE_CACHE_ENV]);
    afterAll(() => (saved === undefined ? delete process.env[TRANSPILE_CACHE_ENV] : (process.env[TRANSPILE_CACHE_ENV] = saved)));

    test("under the program's nearest node_modules/.cache, as babel's and eslint's", () => {
        const project = tempDir("sg-cache-home-");
        fs.mkdirSync(path.join(project, "node_modules"));
        fs.mkdirSync(path.join(project, "infra", "src"), { recursive: true });
        expect(transpileCacheFolder(path.join(project, "infra", "src"))).toBe(path.join(project, "node_modules", ".cache", "serverless-guardrails", "transpile"));
        expect(fs.statSync(path.join(project, "node_modules", ".cache", "serverless-guardrails", "transpile")).isDirectory()).toBe(true);
    });

    test("in a folder of this user's own under the temporary folder when node_modules/.cache cannot be written", () => {
        const project = tempDir("sg-cache-blocked-");
        fs.mkdirSync(path.join(project, "node_modules"));
        fs.writeFileSync(path.join(project, "node_modules", ".cache"), "not a folder");
        const fallback = transpileCacheFolder(project)!;
        expect(fallback).toBe(path.join(os.tmpdir(), `serverless-guardrails-${os.userInfo().uid}`, "transpile"));
        expect(fs.statSync(path.dirname(fallback)).mode & 0o077).toBe(0);
    });

    test("in the folder SERVERLESS_GUARDRAILS_TRANSPILE_CACHE names", () => {
        const chosen = path.join(tempDir("sg-cache-chosen-"), "entries");
        process.env[TRANSPILE_CACHE_ENV] = chosen;
        expect(transpileCacheFolder(programDir("clean"))).toBe(chosen);
    });

    test("bounded: past the limit the least recently used entries go", () => {
        const dir = tempDir("sg-cache-prune-");
        for (let i = 0; i < 6; i++) {
            fs.writeFileSync(path.join(dir, `${i}.json`), "x".repeat(100));
            fs.utimesSync(path.join(dir, `${i}.json`), new Date(), new Date(Date.now() - (6 - i) * 60_000));
        }
        prune(dir, 1000, 800);
        expect(fs.readdirSync(dir)).toHaveLength(6);
        prune(dir, 500, 300);
        expect(fs.readdirSync(dir).sort()).toEqual(["3.json", "4.json", "5.json"]);
    });
});
