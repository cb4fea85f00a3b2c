/**
 * Policy pack configuration, merged and validated the way the Pulumi engine does it
 * (pkg/resource/analyzer/config.go: ReconcilePolicyPackConfig): every policy starts from its
 * declared level and its schema `default`s, then the pack's initial config is applied, then the
 * user's file; "all" sets the level of every policy before the per-policy entries apply; each
 * policy's properties are then validated against its `configSchema`. Unlike the engine, a policy
 * name the pack does not have is reported as an error, a setting the policy does not have is warned
 * about with the closest one it has (the engine ignores both silently, so a typo keeps the default),
 * and settings a schema declares in order (`x-notBelow`, see policies/lib/config-rules.ts) that are
 * out of order are reported as errors.
 */
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import * as fs from "fs";
import { NOT_BELOW_KEYWORD } from "../policies/lib/config-rules";
import type { AnalyzerInfo, PolicyConfigEntry } from "./pack-messages";
import type { EnforcementLevel } from "./types";

export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** One problem with a configuration, said plainly. */
export interface ConfigProblem {
    /** The file the problem is in (when it came from a file). */
    source?: string;
    /** The policy the entry is for ("all" for the entry that applies to every policy). */
    policy?: string;
    /** The property path inside the policy's config, e.g. "waivers/0/reason". */
    property?: string;
    /** What is wrong, and what to do. */
    message: string;
}

export function formatProblem(problem: ConfigProblem): string {
    const where = [problem.source, problem.policy, problem.property].filter((part) => part).join(": ");
    return where ? `${where}: ${problem.message}` : problem.message;
}

/** The configuration could not be read or does not fit the pack's schemas; `problems` lists every error. */
export class ConfigError extends Error {
    constructor(
        /** Every problem found, not only the first. */
        readonly problems: ConfigProblem[],
    ) {
        super(`policy pack configuration is invalid:\n${problems.map((p) => `  - ${formatProblem(p)}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

/** One policy's entry in a `--policy-pack-config` file: a level, or an object of a level and settings. */
export type PolicySettings =
    | EnforcementLevel
    | ({
          /** The level the policy runs at. Default: the `all` entry's level, else the pack's. */
          enforcementLevel?: EnforcementLevel;
      } & Record<string, unknown>);

/** The `--policy-pack-config` format: `{ "all": "mandatory", "<policy>": "advisory" | { "enforcementLevel": ..., ...settings } }`. */
export type UserConfig = Record<string, PolicySettings>;

/** A user's config as the engine holds it after reading the file: per policy, a level and/or properties. */
export type ParsedConfig = Record<string, Partial<PolicyConfigEntry>>;

function isLevel(value: unknown): value is EnforcementLevel {
    return typeof value === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(value);
}

function describe(value: unknown): string {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Reads the `--policy-pack-config` format: `{"all": "mandatory"}`, `{"all": {"enforcementLevel": ...}}`,
 * `{"<policy>": "advisory"}` or `{"<policy>": {"enforcementLevel": ..., ...properties}}`.
 */
export function parseUserConfig(
    document: unknown,
    source?: string,
): {
    /** What could be read, per policy. */
    config: ParsedConfig;
    /** What could not (empty when the document is fine). */
    problems: ConfigProblem[];
} {
    const config: ParsedConfig = {};
    const problems: ConfigProblem[] = [];
    if (document === null || document === undefined) return { config, problems };
    if (typeof document !== "object" || Array.isArray(document)) {
        problems.push({ source, message: `must be a JSON object mapping policy names to a level or settings, got ${describe(document)}` });
        return { config, problems };
    }
    for (const [policy, value] of Object.entries(document as Record<string, unknown>)) {
        if (typeof value === "string") {
            if (isLevel(value)) config[policy] = { enforcementLevel: value };
            else problems.push({ source, policy, message: `${describe(value)} is not an enforcement level (use one of ${ENFORCEMENT_LEVELS.join(", ")})` });
            continue;
        }
        if (value === null || typeof value !== "object" || Array.isArray(value)) {
            problems.push({ source, policy, message: `must be an enforcement level or an object of settings, got ${describe(value)}` });
            continue;
        }
        const { enforcementLevel, ...properties } = value as Record<string, unknown>;
        const entry: Partial<PolicyConfigEntry> = {};
        if (enforcementLevel !== undefined) {
            if (isLevel(enforcementLevel)) entry.enforcementLevel = enforcementLevel;
            else problems.push({ source, policy, property: "enforcementLevel", message: `${describe(enforcementLevel)} is not an enforcement level (use one of ${ENFORCEMENT_LEVELS.join(", ")})` });
        }
        if (Object.keys(properties).length > 0) entry.properties = properties;
        if (entry.enforcementLevel || entry.properties) config[policy] = entry;
    }
    return { config, problems };
}

/** A config in the `--policy-pack-config` format, parsed; throws ConfigError listing every problem. */
export function userConfigFrom(document: unknown, source?: string): ParsedConfig {
    const { config, problems } = parseUserConfig(document, source);
    if (problems.length > 0) throw new ConfigError(problems);
    return config;
}

/** Reads and parses a `--policy-pack-config` file; throws ConfigError listing every problem. */
export function loadUserConfig(file: string): ParsedConfig {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new ConfigError([{ source: file, message: `cannot read the file: ${(e as Error).message}` }]);
    }
    if (text.trim() === "") return {};
    let document: unknown;
    try {
        document = JSON.parse(text);
    } catch (e) {
        throw new ConfigError([{ source: file, message: `is not valid JSON: ${(e as Error).message}` }]);
    }
    return userConfigFrom(document, file);
}

function applyConfig(result: Record<string, PolicyConfigEntry>, apply: ParsedConfig) {
    const all = apply.all;
    if (all?.enforcementLevel) {
        for (const entry of Object.values(result)) entry.enforcementLevel = all.enforcementLevel;
    }
    for (const [policy, given] of Object.entries(apply)) {
        const entry = result[policy];
        if (!entry) continue;
        if (given.enforcementLevel) entry.enforcementLevel = given.enforcementLevel;
        if (given.properties) entry.properties = { ...(entry.properties ?? {}), ...structuredClone(given.properties) };
    }
}

const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: false });

/**
 * Compiled validators by schema text. Each reconcile builds its schema objects anew from the pack's answer, and ajv
 * caches by object: without this, every check in a process compiled every policy's schema again (about 0.1 CPU-s
 * a check) and ajv kept each copy.
 */
const validators = new Map<string, ValidateFunction>();

function validatorFor(schema: Record<string, unknown>): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = validators.get(key);
    if (!validate) {
        validate = ajv.compile(schema);
        validators.set(key, validate);
    }
    return validate;
}

function propertyOf(error: ErrorObject): string | undefined {
    const path = error.instancePath.replace(/^\//, "");
    if (error.keyword === "required") return [path, error.params.missingProperty].filter((p) => p).join("/");
    if (error.keyword === "additionalProperties") return [path, error.params.additionalProperty].filter((p) => p).join("/");
    return path || undefined;
}

function messageOf(error: ErrorObject, value: unknown): string {
    switch (error.keyword) {
        case "required":
            return "is required";
        case "additionalProperties":
            return "is not a setting of this policy";
        case "enum":
            return `must be one of ${(error.params.allowedValues as unknown[]).map(describe).join(", ")}, got ${describe(value)}`;
        default:
            return `${error.message ?? "is invalid"}, got ${describe(value)}`;
    }
}

function valueAt(document: unknown, instancePath: string): unknown {
    let value = document;
    for (const key of instancePath.split("/").slice(1)) {
        const unescaped = key.replace(/~1/g, "/").replace(/~0/g, "~");
        value = value !== null && typeof value === "object" ? (value as any)[unescaped] : undefined;
    }
    return value;
}

/** The edit distance between two strings (insertions, deletions, substitutions), case-insensitive. */
function distance(a: string, b: string): number {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
    for (let i = 1; i <= x.length; i++) {
        const current = [i];
        for (let j = 1; j <= y.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[y.length];
}

/** The candidate closest to `key`, when it is close enough to be what was meant. */
export function closestKey(key: string, candidates: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const candidate of candidates) {
        const d = distance(key, candidate);
        if (d < bestDistance) {
            best = candidate;
            bestDistance = d;
        }
    }
    return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/**
 * Settings in the user's config that the policy does not have (`minimumMB`, `enforcementlevel`), each named
 * with the closest valid one. The engine accepts and ignores them, so they are warnings, not errors.
 */
export function unknownSettings(info: AnalyzerInfo, user: ParsedConfig = {}, source?: string): ConfigProblem[] {
    const warnings: ConfigProblem[] = [];
    for (const policy of info.policies) {
        const given = user[policy.name]?.properties;
        if (!given) continue;
        const valid = ["enforcementLevel", ...Object.keys(policy.configSchema?.properties ?? {})];
        for (const key of Object.keys(given)) {
            if (valid.includes(key)) continue;
            const closest = closestKey(key, valid);
            const hint = closest ? `did you mean ${JSON.stringify(closest)}?` : `its settings are ${valid.map((v) => JSON.stringify(v)).join(", ")}`;
            warnings.push({ source, policy: policy.name, property: key, message: `is not a setting of this policy, so it is ignored (as the engine ignores it): ${hint}` });
        }
    }
    return warnings;
}

/** Settings a schema declares in order (`x-notBelow`: this one may not be below those) that are out of order. */
function orderProblems(policy: AnalyzerInfo["policies"][number], properties: Record<string, unknown>, source?: string): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    for (const [upper, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
        const lowers = schema && typeof schema === "object" ? (schema as Record<string, unknown>)[NOT_BELOW_KEYWORD] : undefined;
        if (!Array.isArray(lowers)) continue;
        for (const lower of lowers) {
            const high = properties[upper];
            const low = typeof lower === "string" ? properties[lower] : undefined;
            if (typeof high !== "number" || typeof low !== "number" || low <= high) continue;
            problems.push({
                source,
                policy: policy.name,
                property: upper,
                message: `is ${high}, below ${lower} (${low}), so no resource can comply: raise ${upper} or lower ${lower}`,
            });
        }
    }
    return problems;
}

/**
 * The config to send with Configure: one entry for every policy of the pack. Throws ConfigError with
 * every problem (unknown policy names, values that fail a policy's `configSchema`).
 */
export function reconcileConfig(info: AnalyzerInfo, user: ParsedConfig = {}, source?: string): Record<string, PolicyConfigEntry> {
    const result: Record<string, PolicyConfigEntry> = {};
    for (const policy of info.policies) {
        const properties: Record<string, unknown> = {};
        for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
            if (schema && typeof schema === "object" && "default" in schema) properties[key] = structuredClone(schema.default);
        }
        result[policy.name] = { enforcementLevel: policy.enforcementLevel, properties };
    }
    applyConfig(result, info.initialConfig);

    const problems: ConfigProblem[] = [];
    const known = new Set(info.policies.map((p) => p.name));
    for (const policy of Object.keys(user)) {
        if (policy !== "all" && !known.has(policy)) {
            problems.push({ source, policy, message: `policy pack ${info.name} has no policy of that name (its policies: ${[...known].join(", ") || "none"})` });
        }
    }
    if (user.all?.properties) {
        problems.push({ source, policy: "all", message: `only an enforcement level can be set for all policies; move ${Object.keys(user.all.properties).join(", ")} to a policy's entry` });
    }
    applyConfig(result, user);

    for (const policy of info.policies) {
        if (!policy.configSchema) continue;
        const schema: Record<string, unknown> = { type: "object", properties: policy.configSchema.properties ?? {} };
        if (policy.configSchema.required?.length) schema.required = policy.configSchema.required;
        let validate;
        try {
            validate = validatorFor(schema);
        } catch (e) {
            problems.push({ policy: policy.name, message: `the pack's config schema for this policy is not valid JSON schema: ${(e as Error).message}` });
            continue;
        }
        const properties = result[policy.name].properties ?? {};
        if (!validate(properties)) {
            for (const error of validate.errors ?? []) {
                problems.push({ source, policy: policy.name, property: propertyOf(error), message: messageOf(error, valueAt(properties, error.instancePath)) });
            }
        } else {
            problems.push(...orderProblems(policy, properties, source));
        }
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return result;
}
