/**
 * A Pulumi program folder read the way the Pulumi CLI reads it, and run the way its Node.js language host runs it.
 *
 * - Pulumi.yaml: `name` (a valid project name, not a template placeholder), `runtime` (nodejs only here),
 *   `main`, `runtime.options` (typescript, tsconfig, nodeargs), project `config:` and `stackConfigDir`.
 * - Working directory and entry point: the CLI's getPwdMain (pulumi/pulumi pkg/resource/deploy): `main` a folder
 *   runs there with entry ".", `main` a file runs in its folder; no `main`, the project folder with ".".
 * - The run itself is @pulumi/pulumi's own `cmd/run/run.js` (main resolution from package.json, ts-node with
 *   type-checking unless PULUMI_NODEJS_TRANSPILE_ONLY=true or compilerOptions.noCheck, ESM, default exports),
 *   called inside the capture's own stack resource. It changes the process (working directory, ts-node, handlers),
 *   so the checker calls it in a child process of its own (program-process.ts).
 */
import * as fs from "fs";
import Module = require("module");
import * as path from "path";
import * as yaml from "js-yaml";
import { configFor, defaultStack, ProjectConfigType, ResolvedConfig } from "./program-config";

export class ProgramError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ProgramError";
    }
}

export interface RuntimeOptions {
    /** ts-node for TypeScript (Pulumi.yaml runtime.options.typescript, default true). */
    typescript: boolean;
    /** runtime.options.tsconfig: the tsconfig file ts-node uses, relative to the working directory. */
    tsconfig?: string;
    /** runtime.options.nodeargs: extra arguments for node. */
    nodeargs?: string;
}

export interface ProgramFolder {
    /** The folder holding Pulumi.yaml. */
    dir: string;
    projectFile: string;
    /** The project's name (Pulumi.yaml `name`). */
    project: string;
    runtimeOptions: RuntimeOptions;
    /** Where the language host runs the program (`main`'s folder, or `dir`). */
    workDir: string;
    /** What the language host is asked to run, relative to workDir: "." (package.json `main`, else index) or a file. */
    entryPoint: string;
    /** Pulumi.yaml `config:` (shorthand values rewritten into `default`/`value`, as the CLI does). */
    projectConfig: Record<string, ProjectConfigType>;
    /** Where Pulumi.<stack>.yaml files live. */
    stackConfigDir: string;
    /** `--stack` when given, else the only stack file, else `dev`. */
    defaultStack(): string;
    /** The config the program sees for a stack: project defaults, the stack file (or `file`), then `overrides`. */
    configFor(stack: string, options?: { file?: string; overrides?: Record<string, string> }): ResolvedConfig;
}

/** Pulumi's rule for project names (sdk/go/common/tokens: alphanumerics, hyphens, underscores, periods; at most 100). */
const PROJECT_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

function readYaml(file: string): unknown {
    try {
        return yaml.load(fs.readFileSync(file, "utf8"), { filename: file });
    } catch (error) {
        throw new ProgramError(`${file} is not valid YAML: ${(error as Error).message}`);
    }
}

/** The project's name, or the error `pulumi` would stop with (with a plainer fix for a template's `${PROJECT}`). */
function projectName(projectFile: string, name: unknown): string {
    if (typeof name !== "string" || name === "") throw new ProgramError(`${projectFile} has no \`name\`: give the project a name`);
    if (/\$\{[^}]*\}/.test(name)) {
        throw new ProgramError(
            `${projectFile}: the project name is still the template placeholder ${JSON.stringify(name)}; ` +
                "replace it with the project's name (letters, digits, hyphens, underscores and periods), as `pulumi new` would",
        );
    }
    if (!PROJECT_NAME.test(name)) {
        throw new ProgramError(`${projectFile}: project name ${JSON.stringify(name)} is not valid: use at most 100 letters, digits, hyphens, underscores and periods`);
    }
    return name;
}

const OTHER_RUNTIMES = "python, go, dotnet, java and yaml";

function runtimeOf(projectFile: string, runtime: unknown): RuntimeOptions {
    const name = typeof runtime === "string" ? runtime : runtime && typeof runtime === "object" ? (runtime as Record<string, unknown>).name : undefined;
    if (typeof name !== "string" || name === "") throw new ProgramError(`${projectFile} has no \`runtime\`: a Node.js program says \`runtime: nodejs\``);
    if (name !== "nodejs") {
        throw new ProgramError(
            `${projectFile}: runtime ${JSON.stringify(name)} is not supported: serverless-guardrails check runs Node.js programs ` +
                `(TypeScript or JavaScript, \`runtime: nodejs\`) on mocks. Programs in ${OTHER_RUNTIMES} are checked by ` +
                "`pulumi preview --policy-pack <this package's policies folder>`, which runs the same policies",
        );
    }
    const options = (runtime && typeof runtime === "object" ? (runtime as Record<string, unknown>).options : undefined) ?? {};
    if (typeof options !== "object") throw new ProgramError(`${projectFile}: runtime.options must be a map`);
    const { typescript = true, tsconfig, nodeargs } = options as Record<string, unknown>;
    // The same checks as pulumi-language-nodejs parseOptions.
    if (typeof typescript !== "boolean") throw new ProgramError(`${projectFile}: runtime.options.typescript must be true or false`);
    if (tsconfig !== undefined && typeof tsconfig !== "string") throw new ProgramError(`${projectFile}: runtime.options.tsconfig must be a string`);
    if (nodeargs !== undefined && typeof nodeargs !== "string") throw new ProgramError(`${projectFile}: runtime.options.nodeargs must be a string`);
    return { typescript, tsconfig, nodeargs };
}

/** Working directory and entry point for `main`, as the CLI's getPwdMain computes them. */
function pwdMain(projectFile: string, dir: string, main: unknown): { workDir: string; entryPoint: string } {
    if (main === undefined || main === null || main === "") return { workDir: dir, entryPoint: "." };
    if (typeof main !== "string") throw new ProgramError(`${projectFile}: main must be a path`);
    if (path.isAbsolute(main)) throw new ProgramError(`${projectFile}: project 'main' must be a relative path, got ${main}`);
    const resolved = path.resolve(dir, main);
    if (resolved !== dir && !resolved.startsWith(dir + path.sep)) throw new ProgramError(`${projectFile}: project 'main' must be a subfolder, got ${main}`);
    if (!fs.existsSync(resolved)) throw new ProgramError(`${projectFile}: main ${main} does not exist`);
    return fs.statSync(resolved).isDirectory() ? { workDir: resolved, entryPoint: "." } : { workDir: path.dirname(resolved), entryPoint: path.basename(resolved) };
}

/**
 * Pulumi.yaml's `config:` as the CLI reads it (RewriteShorthandConfigValues): a plain value or list under a
 * project key is that key's `default`, under another namespace (`aws:region`) its `value`.
 */
function projectConfigOf(projectFile: string, project: string, config: unknown): Record<string, ProjectConfigType> {
    if (config === undefined || config === null || typeof config === "string") return {}; // a string is the old stackConfigDir
    if (typeof config !== "object" || Array.isArray(config)) throw new ProgramError(`${projectFile}: config must be a map of keys`);
    const result: Record<string, ProjectConfigType> = {};
    for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
        const ownKey = !key.includes(":") || key.startsWith(`${project}:`);
        const shorthand = value === null || typeof value !== "object" || Array.isArray(value);
        const declared = (shorthand ? (ownKey ? { default: value } : { value }) : value) as ProjectConfigType;
        if (declared.default !== undefined && declared.value !== undefined) {
            throw new ProgramError(`${projectFile}: project config '${key}' cannot have both a 'default' and 'value' attribute`);
        }
        if (!ownKey && (declared.type !== undefined || declared.default !== undefined)) {
            throw new ProgramError(`${projectFile}: configuration key '${key}' is not namespaced by the project: give it a 'value', not a type or default`);
        }
        result[key] = declared;
    }
    return result;
}

/** Reads a program folder's Pulumi.yaml (or Pulumi.yml), with the CLI's checks. */
export function programFolder(folder: string): ProgramFolder {
    const dir = path.resolve(folder);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new ProgramError(`program folder ${dir} does not exist`);
    const projectFile = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
    if (!projectFile) throw new ProgramError(`${dir} has no Pulumi.yaml: not a Pulumi program folder`);
    const doc = readYaml(projectFile);
    if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new ProgramError(`${projectFile} must be a map of settings (name, runtime, ...)`);
    const raw = doc as Record<string, unknown>;
    const project = projectName(projectFile, raw.name);
    const runtimeOptions = runtimeOf(projectFile, raw.runtime);
    const { workDir, entryPoint } = pwdMain(projectFile, dir, raw.main);
    const projectConfig = projectConfigOf(projectFile, project, raw.config);
    const configDir = typeof raw.stackConfigDir === "string" ? raw.stackConfigDir : typeof raw.config === "string" ? raw.config : ".";
    const folderInfo: ProgramFolder = {
        dir,
        projectFile,
        project,
        runtimeOptions,
        workDir,
        entryPoint,
        projectConfig,
        stackConfigDir: path.resolve(dir, configDir),
        defaultStack: () => defaultStack(folderInfo.stackConfigDir),
        configFor: (stack, options = {}) => configFor(folderInfo, stack, options),
    };
    return folderInfo;
}

/** The root folder of the `@pulumi/pulumi` that code in `dir` would load. */
export function pulumiRootFor(dir: string): string {
    try {
        return path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [dir] }));
    } catch {
        throw new ProgramError(`${dir}: cannot resolve @pulumi/pulumi from the program's folder (run npm install there)`);
    }
}

/** The exit code cmd/run uses after printing an actionable message itself (cmd/run/index.js). */
export const EXITED_AFTER_MESSAGE = 32;

/**
 * `cmd/run/run.js` requires `cmd/run/index.js`, which is the language host's entry script: loading it starts a
 * host (argument parsing, exit). The child process is that host here, so run.js gets a stand-in with the one
 * value it reads from it.
 */
function loadPulumiRun(root: string): { run: (argv: unknown, ...callbacks: ((err?: unknown) => unknown)[]) => Promise<unknown>; stack: any } {
    const index = path.join(root, "cmd", "run", "index.js");
    if (!require.cache[index]) {
        const standIn = new Module(index);
        standIn.filename = index;
        standIn.loaded = true;
        standIn.exports = { nodeJSProcessExitedAfterLoggingUserActionableMessage: EXITED_AFTER_MESSAGE };
        require.cache[index] = standIn;
    }
    // Stack traces through source maps, as the host's index.js sets up first.
    require(require.resolve("source-map-support/register", { paths: [root] }));
    return { run: require(path.join(root, "cmd", "run", "run.js")).run, stack: require(path.join(root, "runtime", "stack.js")) };
}

/**
 * @pulumi/pulumi stamps a stack trace on every promise behind a resource's outputs (runtime/debuggable.js
 * debuggablePromise: dozens per resource). Only PULUMI_DEBUG_PROMISE_LEAKS ever prints them, yet formatting them
 * through ts-node's source maps is most of a program's run time and a third of its memory. Unless that variable is
 * set, they are left empty here; what the program registers is the same.
 */
export function withoutPromiseStacks(root: string) {
    if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return;
    const debuggable = require(path.join(root, "runtime", "debuggable.js"));
    const stamped = debuggable.debuggablePromise;
    if (typeof stamped !== "function" || stamped.withoutStacks) return;
    const unstamped = (promise: Promise<unknown>, context: unknown) => {
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
            return stamped(promise, context);
        } finally {
            Error.stackTraceLimit = limit;
        }
    };
    debuggable.debuggablePromise = Object.assign(unstamped, { withoutStacks: true });
}

/**
 * Runs the program's entry point with @pulumi/pulumi's own `cmd/run` and returns what it exports (an exported
 * function is called, a default export used), for the capture's stack to turn into outputs. run.js would wrap the
 * program in a stack resource of its own: the capture has one already, so that call goes straight to the program.
 */
export async function runEntry(program: ProgramFolder): Promise<unknown> {
    const root = pulumiRootFor(program.workDir);
    const { run, stack } = loadPulumiRun(root);
    withoutPromiseStacks(root);
    // What pulumi-language-nodejs sets from the runtime options (execRuntime).
    if (program.runtimeOptions.typescript) process.env.PULUMI_NODEJS_TYPESCRIPT = "true";
    else delete process.env.PULUMI_NODEJS_TYPESCRIPT;
    if (program.runtimeOptions.tsconfig) process.env.PULUMI_NODEJS_TSCONFIG_PATH = program.runtimeOptions.tsconfig;
    const logged = new Set<unknown>();
    const runInPulumiStack = stack.runInPulumiStack;
    stack.runInPulumiStack = (init: () => Promise<unknown>) => init();
    try {
        return await run(
            { _: [program.entryPoint], pwd: program.workDir },
            () => undefined,
            (err) => logged.add(err),
            (err) => logged.has(err),
        );
    } finally {
        stack.runInPulumiStack = runInPulumiStack;
    }
}
