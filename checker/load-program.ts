/**
 * Finding and loading a Pulumi TypeScript program from its folder, the way `pulumi` does: the
 * project file's `main` (or the folder's package.json `main`, or index), TypeScript through ts-node
 * in transpile-only mode, and `@pulumi/pulumi` resolved from the program's own folder.
 */
import * as fs from "fs";
import * as path from "path";

export class ProgramError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ProgramError";
    }
}

export interface ProgramFolder {
    dir: string;
    /** The project's name (Pulumi.yaml `name`). */
    project: string;
    /** The file that runs the program. */
    entry: string;
    /** Stack config from Pulumi.<stack>.yaml, as flat `key: value` strings, when the file exists. */
    stackConfig(stack: string): Record<string, string>;
}

function unquote(value: string): string {
    const v = value.trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) return v.slice(1, -1);
    return v;
}

/** The top-level scalar keys of a YAML file (enough for Pulumi.yaml's `name` and `main`). */
function topLevelScalars(text: string): Record<string, string> {
    const result: Record<string, string> = {};
    for (const line of text.split(/\r?\n/)) {
        const match = /^([A-Za-z_][\w-]*):\s*(.*?)\s*$/.exec(line);
        if (match && match[2] !== "" && !match[2].startsWith("#")) result[match[1]] = unquote(match[2].replace(/\s+#.*$/, ""));
    }
    return result;
}

/** The flat `config:` block of a stack file (`  aws:region: us-east-1`); nested values are skipped. */
function configBlock(text: string): Record<string, string> {
    const result: Record<string, string> = {};
    let inConfig = false;
    for (const line of text.split(/\r?\n/)) {
        if (/^config:\s*$/.test(line)) {
            inConfig = true;
            continue;
        }
        if (inConfig && /^\S/.test(line)) inConfig = false;
        if (!inConfig) continue;
        const match = /^ {2}([\w:.-]+):\s*(.+?)\s*$/.exec(line);
        if (match && !match[2].startsWith("#")) result[match[1]] = unquote(match[2]);
    }
    return result;
}

const ENTRY_CANDIDATES = ["index.ts", "index.js"];

function entryIn(dir: string): string | undefined {
    const pkgFile = path.join(dir, "package.json");
    if (fs.existsSync(pkgFile)) {
        try {
            const main = JSON.parse(fs.readFileSync(pkgFile, "utf8")).main;
            if (typeof main === "string") {
                const candidate = path.resolve(dir, main);
                for (const file of [candidate, `${candidate}.ts`, `${candidate}.js`, path.join(candidate, "index.ts"), path.join(candidate, "index.js")]) {
                    if (fs.existsSync(file) && fs.statSync(file).isFile()) return file;
                }
            }
        } catch {
            // an unreadable package.json: fall back to index
        }
    }
    for (const name of ENTRY_CANDIDATES) {
        const file = path.join(dir, name);
        if (fs.existsSync(file)) return file;
    }
    return undefined;
}

/** Reads a program folder's Pulumi.yaml and finds the file that runs it. */
export function programFolder(folder: string): ProgramFolder {
    const dir = path.resolve(folder);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
        throw new ProgramError(`program folder ${dir} does not exist`);
    }
    const projectFile = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
    if (!projectFile) throw new ProgramError(`${dir} has no Pulumi.yaml: not a Pulumi program folder`);
    const scalars = topLevelScalars(fs.readFileSync(projectFile, "utf8"));
    const project = scalars.name;
    if (!project) throw new ProgramError(`${projectFile} has no \`name\``);
    let entry: string | undefined;
    if (scalars.main) {
        const main = path.resolve(dir, scalars.main);
        if (!fs.existsSync(main)) throw new ProgramError(`${projectFile}: main ${scalars.main} does not exist`);
        entry = fs.statSync(main).isDirectory() ? entryIn(main) : main;
        if (!entry) throw new ProgramError(`${projectFile}: main ${scalars.main} has no index.ts, index.js or package.json main`);
    } else {
        entry = entryIn(dir);
        if (!entry) throw new ProgramError(`${dir} has no index.ts, index.js or package.json main to run`);
    }
    return {
        dir,
        project,
        entry,
        stackConfig(stack: string) {
            const file = path.join(dir, `Pulumi.${stack}.yaml`);
            return fs.existsSync(file) ? configBlock(fs.readFileSync(file, "utf8")) : {};
        },
    };
}

/** The root folder of the `@pulumi/pulumi` that code in `dir` would load. */
export function pulumiRootFor(dir: string): string {
    try {
        return path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [dir] }));
    } catch {
        throw new ProgramError(`${dir}: cannot resolve @pulumi/pulumi from the program's folder (run npm install there)`);
    }
}

let tsNodeRegistered = false;

function underJest(): boolean {
    return typeof jest !== "undefined" && typeof (jest as any).isolateModules === "function";
}

/** Lets `require` load TypeScript, once per process; Jest transforms TypeScript itself. */
function ensureTypeScript(dir: string) {
    if (tsNodeRegistered || underJest() || require.extensions[".ts"]) return;
    const tsNode = require(require.resolve("ts-node", { paths: [dir, __dirname] }));
    tsNode.register({
        transpileOnly: true,
        skipProject: true,
        cwd: dir,
        compilerOptions: { module: "commonjs", target: "es2020", esModuleInterop: true, experimentalDecorators: true, sourceMap: true },
    });
    tsNodeRegistered = true;
}

/**
 * Runs the program's entry file afresh (each capture runs it again) and returns what it exports,
 * the way `pulumi` does: an exported function is called and its result becomes the stack outputs.
 */
export function runEntry(program: ProgramFolder): unknown {
    ensureTypeScript(program.dir);
    let exported: any;
    if (underJest()) {
        (jest as any).isolateModules(() => {
            exported = require(program.entry);
        });
    } else {
        const inside = program.dir + path.sep;
        for (const file of Object.keys(require.cache)) {
            if (file.startsWith(inside) && !file.includes(`${path.sep}node_modules${path.sep}`)) delete require.cache[file];
        }
        exported = require(program.entry);
    }
    if (exported && typeof exported === "object" && exported.__esModule && typeof exported.default === "function") {
        return exported.default();
    }
    return typeof exported === "function" ? exported() : exported;
}
