/**
 * Source positions: the capture keeps where the program registered each resource (the SDK's
 * `sourcePosition`, in the program's own code), as file, line and column of the TypeScript source.
 */
import * as fs from "fs";
import * as path from "path";
import { capture } from "../../checker/capture";
import { programDir, removeCopies, ROOT, tempDir } from "./helpers";

const dir = programDir("positions");

describe("source positions", () => {
    it("records the file, line and column of each registration in the program's code", async () => {
        const resources = await capture(dir);
        const at = (name: string) => {
            const p = resources.find((r) => r.name === name)?.sourcePosition;
            return p && `${path.relative(dir, p.file)}:${p.line}:${p.column}`;
        };
        expect(at("source")).toBe("index.ts:3:16");
        expect(at("outer")).toBe("index.ts:4:1");
        expect(at("outer-member")).toBe("things.ts:13:9");
        // Through a helper: the line that constructs the resource (the frame the SDK picks).
        expect(at("helped")).toBe("things.ts:19:12");
        expect(at("team")).toBe("index.ts:6:1");
        expect(at("team-group")).toBe("things.ts:25:9");
    });
});

describe("source positions through library code", () => {
    afterAll(removeCopies);

    it("skips frames inside node_modules (a subclass of a resource class) for the program's own line", async () => {
        const program = tempDir("sg-positions-");
        fs.writeFileSync(path.join(program, "Pulumi.yaml"), "name: positions-lib\nruntime: nodejs\n");
        const lib = path.join(program, "node_modules", "thing-lib");
        fs.mkdirSync(lib, { recursive: true });
        fs.symlinkSync(path.join(ROOT, "node_modules", "@pulumi"), path.join(program, "node_modules", "@pulumi"), "dir");
        fs.writeFileSync(
            path.join(lib, "index.js"),
            [
                'const pulumi = require("@pulumi/pulumi");',
                'class Thing extends pulumi.CustomResource { constructor(name, props) { super("test:index:Thing", name, props); } }',
                "class SpecialThing extends Thing { constructor(name) { super(name, { note: 'special' }); } }",
                "module.exports = { SpecialThing };",
            ].join("\n"),
        );
        fs.writeFileSync(path.join(program, "index.js"), 'const { SpecialThing } = require("thing-lib");\n\n  new SpecialThing("special");\n');
        const resources = await capture(program);
        const p = resources.find((r) => r.name === "special")?.sourcePosition;
        expect(p && `${path.relative(program, p.file)}:${p.line}:${p.column}`).toBe("index.js:3:3");
    });
});
