import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

/** Where the handlers that components ship to Lambda live, as source and (in the built package) as JavaScript. */
export const HANDLERS_DIR = path.join(__dirname, "..", "handlers");

/**
 * The JavaScript of a handler in `components/handlers/`: the compiled file when the package was built
 * (`dist/components/handlers/<name>.js`), else the TypeScript source transpiled on the spot (running from
 * source: ts-node, Jest). The handler must be a single self-contained file whose only imports are Node
 * built-ins and the AWS SDK v3, which the Lambda Node.js runtime provides.
 */
export function handlerJavaScript(name: string, dir: string = HANDLERS_DIR): string {
    const compiled = path.join(dir, `${name}.js`);
    // The source map stays behind: Lambda gets the one file.
    if (fs.existsSync(compiled)) return fs.readFileSync(compiled, "utf8").replace(/\n\/\/# sourceMappingURL=.*\s*$/, "\n");
    const source = path.join(dir, `${name}.ts`);
    if (!fs.existsSync(source)) throw new Error(`handler "${name}" not found: neither ${compiled} nor ${source} exists`);
    const stat = fs.statSync(source);
    const stamp = `${stat.size}:${stat.mtimeMs}`;
    const known = transpiled.get(source);
    if (known?.stamp === stamp) return known.javaScript;
    // TypeScript is present whenever the .ts source runs (ts-node, ts-jest); the built package needs none.
    const ts: typeof import("typescript") = require("typescript");
    const output = ts.transpileModule(fs.readFileSync(source, "utf8"), {
        fileName: source,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    transpiled.set(source, { stamp, javaScript: output.outputText });
    return output.outputText;
}

/** Each handler source transpiled once per process (every component instance ships the same file), until it changes. */
const transpiled = new Map<string, { stamp: string; javaScript: string }>();

/** A Lambda code archive holding the handler as `index.js` (so its Lambda handler is `index.handler`). */
export function handlerArchive(name: string, dir?: string): pulumi.asset.AssetArchive {
    return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(handlerJavaScript(name, dir)) });
}
