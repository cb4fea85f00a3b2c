/**
 * The compiled twin of a source entry (checker/compiled-twin.ts) stands in for it only when everything it loads is
 * provably built from the sources as they are now: a stale dist/ is never used.
 */
import * as fs from "fs";
import * as path from "path";
import { compiledTwin } from "../../checker/compiled-twin";
import { removeCopies, tempDir } from "./helpers";

afterAll(removeCopies);

/** A source tree (root/src) and its build (root/dist/src) as tsc writes it: a source map holding each source's text. */
function project(sources: Record<string, string>) {
    const root = tempDir("sg-twin-");
    const write = (file: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), text);
    };
    const build = (file: string, text = sources[file]) => {
        if (file.endsWith(".json")) return write(path.join("dist", file), JSON.stringify(JSON.parse(text), null, 4));
        const compiled = path.join("dist", file.replace(/\.ts$/, ".js"));
        write(compiled, text.replace(/import "(.+)";/g, 'require("$1");'));
        const map = { version: 3, file: path.basename(compiled), sourceRoot: "", sources: [path.relative(path.join(root, path.dirname(compiled)), path.join(root, file))], sourcesContent: [text] };
        write(`${compiled}.map`, JSON.stringify(map));
    };
    for (const [file, text] of Object.entries(sources)) {
        write(file, text);
        build(file);
    }
    const twin = () => compiledTwin(path.join(root, "src", "entry.ts"), root, path.join(root, "dist"));
    return { root, write, build, twin };
}

const sources = { "src/entry.ts": 'import "./lib";\nimport "./data.json";\n', "src/lib.ts": "export const a = 1;\n", "src/data.json": '{"a": 1}', "src/unused.ts": "export {};\n" };

test("built from the sources as they are: the compiled entry, whatever JSON formatting the build chose", () => {
    const { root, twin } = project(sources);
    expect(twin()).toBe(path.join(root, "dist", "src", "entry.js"));
});

test("a file the entry loads changed since the build (a dependency, a JSON value), or missing from the build: none", () => {
    const edited = project(sources);
    edited.write("src/lib.ts", "export const a = 2;\n");
    expect(edited.twin()).toBeUndefined();
    const json = project(sources);
    json.write("src/data.json", '{"a": 2}');
    expect(json.twin()).toBeUndefined();
    const unbuilt = project(sources);
    fs.rmSync(path.join(unbuilt.root, "dist", "src", "lib.js.map"));
    expect(unbuilt.twin()).toBeUndefined();
});

test("a file the entry does not load may differ", () => {
    const { write, twin } = project(sources);
    write("src/unused.ts", "export const changed = true;\n");
    expect(twin()).toBeDefined();
});

test("a leftover compiled file that resolves where the sources resolve elsewhere (lib.js beside a new lib/ folder): none", () => {
    const { root, write, build, twin } = project(sources);
    fs.rmSync(path.join(root, "src", "lib.ts"));
    write("src/lib/index.ts", "export const a = 1;\n");
    build("src/lib/index.ts", "export const a = 1;\n");
    expect(twin()).toBeUndefined();
});

test("from the repository's sources, the entry is dist's or none, never another file", () => {
    const root = path.resolve(__dirname, "../..");
    expect([undefined, path.join(root, "dist", "checker", "program-child.js")]).toContain(compiledTwin(path.join(root, "checker", "program-child.ts"), root, path.join(root, "dist")));
});
