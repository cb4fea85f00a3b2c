/**
 * Stack selection and the config a program sees, as the Pulumi CLI builds it (pulumi/pulumi
 * sdk/go/common/workspace/config.go mergeConfig and project.go ValidateConfigValue):
 *
 * - the stack file Pulumi.<stack>.yaml (in `stackConfigDir`), with full YAML values: strings, numbers and booleans
 *   reach the program as strings, maps and lists as JSON (`config.getObject`);
 * - over Pulumi.yaml's `config:` defaults and values, with each declared `type` checked against the stack's value
 *   and a project key that has neither a default nor a stack value reported missing;
 * - then `--config key=value` overrides (a bare key is in the project's namespace, as `pulumi config set` has it).
 *
 * A `secure:` value cannot be decrypted offline: it becomes a placeholder string (for a key declared integer or
 * boolean, a value of that type), its key is secret for the program, and the placeholder is listed in the report.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import type { ProgramFolder } from "./load-program";

export interface ProjectConfigItems {
    type: string;
    items?: ProjectConfigItems;
}

/** One Pulumi.yaml `config:` entry (pulumi/pulumi workspace.ProjectConfigType). */
export interface ProjectConfigType {
    type?: string;
    description?: string;
    items?: ProjectConfigItems;
    default?: unknown;
    value?: unknown;
    secret?: boolean;
}

export interface ResolvedConfig {
    stack: string;
    /** The stack file that was read (absent when there is none). */
    file?: string;
    /** Every key the program sees, namespaced (`project:key`, `aws:region`), as the engine hands them over. */
    values: Record<string, string>;
    /** Keys whose value is secret. */
    secretKeys: string[];
    /** `secure:` values that stand in as placeholders: the key, with the path inside a map or list value. */
    placeholders: string[];
}

/** The stack's config is not what the CLI would accept. */
export class StackConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackConfigError";
    }
}

const STACK_FILE = /^Pulumi\.(.+)\.ya?ml$/;

/** The stacks that have a settings file in `dir`. */
export function stackFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs
        .readdirSync(dir)
        .map((f) => STACK_FILE.exec(f)?.[1])
        .filter((s): s is string => !!s)
        .sort();
}

/** The stack to check when none is named: the only stack file's, else `dev` (with or without a file). */
export function defaultStack(dir: string): string {
    const stacks = stackFiles(dir);
    return stacks.length === 1 ? stacks[0] : "dev";
}

function stackFileOf(dir: string, stack: string): string | undefined {
    // A fully qualified stack name (org/project/stack) keeps only its last part in the file name.
    const base = stack.split("/").pop() as string;
    return [".yaml", ".yml"].map((ext) => path.join(dir, `Pulumi.${base}${ext}`)).find((f) => fs.existsSync(f));
}

function namespaced(project: string, key: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

function isSecure(value: unknown): value is { secure: unknown } {
    return !!value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
}

/** A `secure:` value's stand-in: the declared type's zero value, else a string that names the key. */
function placeholderFor(key: string, declared?: ProjectConfigType): unknown {
    if (declared?.type === "integer") return 0;
    if (declared?.type === "boolean") return false;
    return `placeholder-for-secure-${key}`;
}

interface Decoded {
    value: unknown;
    secure: string[];
}

/** A stack value with every `secure:` leaf replaced by its placeholder, and the paths of those leaves. */
function decode(key: string, value: unknown, declared?: ProjectConfigType, at = ""): Decoded {
    if (isSecure(value)) return { value: placeholderFor(`${key}${at}`, at ? undefined : declared), secure: [`${key}${at}`] };
    if (Array.isArray(value)) {
        const items = value.map((item, i) => decode(key, item, undefined, `${at}[${i}]`));
        return { value: items.map((d) => d.value), secure: items.flatMap((d) => d.secure) };
    }
    if (value && typeof value === "object") {
        const entries = Object.entries(value).map(([k, v]) => [k, decode(key, v, undefined, `${at}.${k}`)] as const);
        return { value: Object.fromEntries(entries.map(([k, d]) => [k, d.value])), secure: entries.flatMap(([, d]) => d.secure) };
    }
    return { value, secure: [] };
}

/** As the engine passes a value to the program: primitives printed, maps and lists as JSON, nothing as "". */
function asConfigString(value: unknown): string {
    if (value === null || value === undefined) return "";
    if (typeof value === "object") return JSON.stringify(value);
    return String(value);
}

function typeName(type: string, items?: ProjectConfigItems): string {
    return items ? `array<${typeName(items.type, items.items)}>` : type;
}

/** Pulumi's ValidateConfigValue; a primitive stack value is a string by then. */
function fitsType(type: string, items: ProjectConfigItems | undefined, value: unknown): boolean {
    switch (type) {
        case "string":
            return typeof value === "string";
        case "integer":
            return (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && /^[+-]?\d+$/.test(value));
        case "boolean":
            return typeof value === "boolean" || value === "true" || value === "false";
        default:
            return Array.isArray(value) && !!items && value.every((item) => fitsType(items.type, items.items, item));
    }
}

function readStackFile(file: string): Record<string, unknown> {
    let doc: unknown;
    try {
        doc = yaml.load(fs.readFileSync(file, "utf8"), { filename: file });
    } catch (error) {
        throw new StackConfigError(`${file} is not valid YAML: ${(error as Error).message}`);
    }
    if (doc === null || doc === undefined) return {};
    if (typeof doc !== "object" || Array.isArray(doc)) throw new StackConfigError(`${file} must be a map with a \`config:\` section`);
    const config = (doc as Record<string, unknown>).config;
    if (config === null || config === undefined) return {};
    if (typeof config !== "object" || Array.isArray(config)) throw new StackConfigError(`${file}: \`config:\` must be a map of keys to values`);
    return config as Record<string, unknown>;
}

/**
 * The config the program sees for `stack`: Pulumi.yaml's defaults, the stack file (or `file`, as `--config-file`
 * replaces it), then `overrides`. Throws StackConfigError for what the CLI would refuse.
 */
export function configFor(folder: ProgramFolder, stack: string, options: { file?: string; overrides?: Record<string, string> } = {}): ResolvedConfig {
    const file = options.file ? path.resolve(options.file) : stackFileOf(folder.stackConfigDir, stack);
    if (options.file && !fs.existsSync(file as string)) throw new StackConfigError(`config file ${file} does not exist`);
    const project = folder.project;
    const declared = new Map(Object.entries(folder.projectConfig).map(([k, t]) => [namespaced(project, k), t]));
    const values: Record<string, string> = {};
    const secretKeys = new Set<string>();
    const placeholders: string[] = [];
    /** Values to check against their declared type, with where they came from. */
    const typed: [string, unknown, string][] = [];
    const where = file ? path.relative(process.cwd(), file) || file : `stack '${stack}'`;

    for (const [rawKey, raw] of Object.entries(file ? readStackFile(file) : {})) {
        const key = namespaced(project, rawKey);
        const type = declared.get(key);
        const { value, secure } = decode(key, raw, type);
        if (type?.secret && !isSecure(raw)) throw new StackConfigError(`${where}: configuration key '${rawKey}' must be encrypted as it's secret (\`pulumi config set --secret ${rawKey} ...\`)`);
        if (secure.length > 0) {
            secretKeys.add(key);
            placeholders.push(...secure);
        } else {
            typed.push([key, typeof value === "object" && value !== null ? value : asConfigString(value), where]);
        }
        values[key] = asConfigString(value);
    }
    for (const [rawKey, value] of Object.entries(options.overrides ?? {})) {
        const key = namespaced(project, rawKey);
        values[key] = value;
        secretKeys.delete(key);
        typed.push([key, value, "--config"]);
    }
    const missing: string[] = [];
    for (const [key, type] of declared) {
        const own = key.startsWith(`${project}:`);
        if (type.type && type.default !== undefined && !fitsType(type.type, type.items, type.default)) {
            throw new StackConfigError(`${folder.projectFile}: the default value of configuration key '${key}' is not of the expected type '${typeName(type.type, type.items)}'`);
        }
        if (key in values) continue;
        const fallback = type.default ?? type.value;
        if (fallback === undefined || fallback === null) {
            if (own) missing.push(key.slice(project.length + 1));
            continue;
        }
        values[key] = asConfigString(fallback);
    }
    if (missing.length > 0) {
        const keys = missing.map((k) => `'${k}'`).join(", ");
        throw new StackConfigError(
            `Stack '${stack}' is missing configuration value${missing.length > 1 ? "s" : ""} ${keys} (declared in ${folder.projectFile} without a default): ` +
                `set ${missing.length > 1 ? "them" : "it"} in Pulumi.${stack}.yaml or with --config ${missing[0]}=<value>`,
        );
    }
    for (const [key, value, from] of typed) {
        const type = declared.get(key);
        if (type?.type && !fitsType(type.type, type.items, value)) {
            throw new StackConfigError(`Stack '${stack}' with configuration key '${key}' must be of type '${typeName(type.type, type.items)}' (${from})`);
        }
    }
    return { stack, file, values, secretKeys: [...secretKeys].sort(), placeholders: placeholders.sort() };
}

/** `key=value` pairs of `--config` (repeatable) as a map; the last one of a key wins. */
export function parseConfigPairs(pairs: string[]): Record<string, string> {
    const result: Record<string, string> = {};
    for (const pair of pairs) {
        const at = pair.indexOf("=");
        if (at <= 0) throw new StackConfigError(`--config takes key=value, got ${JSON.stringify(pair)}`);
        result[pair.slice(0, at)] = pair.slice(at + 1);
    }
    return result;
}
