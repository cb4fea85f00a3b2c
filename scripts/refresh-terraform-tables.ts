/**
 * Regenerates the two tables `check --terraform-plan` reads, for the type tokens the pack judges
 * (policies/lib/types.ts):
 *
 * - checker/inputs/terraform-types.generated.ts: Terraform resource type -> Pulumi type token, from the
 *   mapping the Pulumi AWS provider publishes (`renames.resources` of its bridge-metadata.json);
 * - checker/inputs/aws-shapes.generated.ts: each token's properties and their shapes, from the installed
 *   @pulumi/aws declarations (scripts/aws-shapes.ts).
 *
 *     node -r ts-node/register/transpile-only scripts/refresh-terraform-tables.ts [--bridge-metadata FILE]
 *
 * FILE defaults to scripts/data/pulumi-aws-bridge-metadata.excerpt.json; give the whole
 * provider/cmd/pulumi-resource-aws/bridge-metadata.json of the pulumi-aws release you use to pick up new types.
 * tests/inputs/terraform-tables.test.ts fails when the committed tables drift from these sources.
 */
import * as fs from "fs";
import * as path from "path";
import { camelCase } from "../checker/inputs/terraform-values";
import { T } from "../policies/lib/types";
import { shapesOf } from "./aws-shapes";

const ROOT = path.resolve(__dirname, "..");
export const DEFAULT_METADATA = path.join(ROOT, "scripts", "data", "pulumi-aws-bridge-metadata.excerpt.json");
export const AWS_ROOT = path.join(ROOT, "node_modules", "@pulumi", "aws");
export const TYPES_FILE = path.join(ROOT, "checker", "inputs", "terraform-types.generated.ts");
export const SHAPES_FILE = path.join(ROOT, "checker", "inputs", "aws-shapes.generated.ts");

/**
 * Changes @pulumi/aws 7 made after the metadata excerpt's 6.x release:
 * - `aws.s3.Bucket` manages `aws_s3_bucket` again and `aws.s3.BucketV2` is its deprecated twin
 *   (node_modules/@pulumi/aws/s3/bucketV2.d.ts: "s3.BucketV2 has been deprecated in favor of s3.Bucket";
 *   pulumi.com/registry/packages/aws/how-to-guides/bucketv2-migration);
 * - `aws.lambda.FunctionRecursionConfig` (added after that release) is Terraform's
 *   `aws_lambda_function_recursion_config` (its Python SDK takes `function_name` and `recursive_loop`).
 * A whole bridge-metadata.json of a 7.x release given with --bridge-metadata takes precedence.
 */
const V7_OVERRIDES: Record<string, string> = {
    "aws:s3/bucket:Bucket": "aws_s3_bucket",
    "aws:lambda/functionRecursionConfig:FunctionRecursionConfig": "aws_lambda_function_recursion_config",
};

/**
 * A resource the provider does not name itself gets its token from the Terraform type by the rule
 * `prov.MustComputeTokens(tks.MappedModules("aws_", "", moduleMap, ...))` (pulumi/pulumi-aws provider/resources.go):
 * the longest `moduleMap` key after `aws_` is the module, the rest the resource in camel case
 * (`aws_lambda_capacity_provider` -> `aws:lambda/capacityProvider:CapacityProvider`). These are the `moduleMap` keys of
 * the modules the pack judges (token module -> Terraform prefix), as resources.go lists them; a judged token the
 * metadata lacks is mapped back by this rule when @pulumi/aws declares it.
 */
const MODULE_PREFIXES: Record<string, string> = {
    alb: "alb", apigateway: "api_gateway", apigatewayv2: "apigatewayv2", appsync: "appsync", budgets: "budgets",
    cloudfront: "cloudfront", cloudwatch: "cloudwatch", dynamodb: "dynamodb", iam: "iam", iot: "iot", kinesis: "kinesis",
    lambda: "lambda", lb: "lb", pipes: "pipes", s3: "s3", scheduler: "scheduler", ses: "ses", sfn: "sfn", sns: "sns",
    sqs: "sqs", wafv2: "wafv2",
};

/** The Terraform type the token rule gives `token`, when its module is known and @pulumi/aws declares it. */
export function byTokenRule(token: string): string | undefined {
    const match = /^aws:([^/]+)\/([^:]+):(.+)$/.exec(token);
    const prefix = match && MODULE_PREFIXES[match[1]];
    if (!match || !prefix || !fs.existsSync(path.join(AWS_ROOT, match[1], `${match[2]}.d.ts`))) return undefined;
    return `aws_${prefix}_${match[2].replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
}

export function judgedTokens(): string[] {
    return [...new Set(Object.values(T) as string[])].filter((t) => t.startsWith("aws:")).sort();
}

function awsMajor(): number {
    return Number(JSON.parse(fs.readFileSync(path.join(AWS_ROOT, "package.json"), "utf8")).version.split(".")[0]);
}

/** A class the declarations mark `@deprecated` loses a Terraform type it shares with another token. */
function isDeprecated(token: string): boolean {
    const match = /^aws:([^/]+)\/([^:]+):(.+)$/.exec(token);
    if (!match) return false;
    const file = path.join(AWS_ROOT, match[1], `${match[2]}.d.ts`);
    if (!fs.existsSync(file)) return false;
    const text = fs.readFileSync(file, "utf8");
    const classAt = text.indexOf(`export declare class ${match[3]} `);
    const doc = text.slice(0, classAt < 0 ? 0 : classAt);
    return /@deprecated[^\n]*\n[^]*?\*\/\s*$/.test(doc.slice(doc.lastIndexOf("/**")));
}

export interface TypeTable {
    source: string;
    /** The @pulumi/aws 7 changes applied over an excerpt of a 6.x release. */
    overrides: string[];
    /** Terraform type -> token. */
    types: Record<string, string>;
    /** Judged tokens without a Terraform type in the metadata or by the token rule. */
    unmapped: string[];
    /** Judged tokens the metadata lacks, mapped by the provider's token rule (byTokenRule). */
    byRule: string[];
    /** Deprecated judged tokens whose Terraform type another token judges (`aws:s3/bucketV2:BucketV2` -> `aws:s3/bucket:Bucket`). */
    aliases: Record<string, string>;
    /** Per token, the Terraform attributes the provider renames beyond the bridge's rules (Terraform name -> Pulumi name). */
    exceptions: Record<string, Record<string, string>>;
    /** Judged tokens whose renamedProperties the metadata holds (the others follow the rules alone). */
    renamesRead: string[];
}

/** Whether the bridge's rules alone give `pulumi` for `tf`: camelCase, or its plural (`metric_query` -> `metricQueries`). */
function byRules(tf: string, pulumi: string): boolean {
    const camel = camelCase(tf);
    return pulumi === camel || pulumi === `${camel}s` || pulumi === `${camel}es` || (camel.endsWith("y") && pulumi === `${camel.slice(0, -1)}ies`);
}

export function typeTable(metadataFile = DEFAULT_METADATA): TypeTable {
    const metadata = JSON.parse(fs.readFileSync(metadataFile, "utf8"));
    const renames: Record<string, string> = { ...(metadata?.renames?.resources ?? {}) };
    const whole = !("_source" in metadata);
    const overrides = !whole && awsMajor() >= 7 ? Object.keys(V7_OVERRIDES) : [];
    for (const token of overrides) renames[token] = V7_OVERRIDES[token];
    const types: Record<string, string> = {};
    const unmapped: string[] = [];
    const byRule: string[] = [];
    for (const token of judgedTokens()) {
        if (!renames[token] && byTokenRule(token)) {
            renames[token] = byTokenRule(token)!;
            byRule.push(token);
        }
        const tfType = renames[token];
        if (!tfType) {
            unmapped.push(token);
            continue;
        }
        const other = types[tfType];
        if (!other || (isDeprecated(other) && !isDeprecated(token))) types[tfType] = token;
    }
    const aliases: Record<string, string> = {};
    for (const token of judgedTokens()) {
        const tfType = renames[token];
        if (tfType && types[tfType] !== token) aliases[token] = types[tfType];
    }
    const sortedTypes = Object.fromEntries(Object.entries(types).sort(([a], [b]) => (a < b ? -1 : 1)));
    const source = whole ? path.basename(metadataFile) : String(metadata._source).split(" (")[0];
    const properties: Record<string, Record<string, string>> = metadata?.renames?.renamedProperties ?? {};
    const exceptions: Record<string, Record<string, string>> = {};
    const renamesRead = judgedTokens().filter((t) => properties[t] !== undefined);
    for (const token of renamesRead) {
        for (const [pulumi, tf] of Object.entries(properties[token]).sort(([a], [b]) => (a < b ? -1 : 1))) {
            if (!byRules(tf, pulumi)) (exceptions[token] ??= {})[tf] = pulumi;
        }
    }
    return { source, overrides, types: sortedTypes, unmapped, byRule, aliases, exceptions, renamesRead };
}

export function typesModule(table: TypeTable): string {
    return `/**
 * GENERATED by scripts/refresh-terraform-tables.ts: do not edit. Terraform resource type -> Pulumi type token for
 * the types serverless-guardrails judges, from the Pulumi AWS provider's bridge metadata (${table.source})${
        table.overrides.length ? `,\n * with the @pulumi/aws 7 changes for ${table.overrides.join(", ")}` : ""
    }.
 */
export const TERRAFORM_TYPES: Readonly<Record<string, string>> = ${JSON.stringify(table.types, null, 4)};

/** Judged tokens the metadata gives no Terraform type for: a plan cannot hold them. */
export const UNMAPPED_TOKENS: readonly string[] = ${JSON.stringify(table.unmapped, null, 4)};

/** Judged tokens newer than the metadata, mapped by the provider's token rule (aws_<module>_<snake name>). */
export const BY_TOKEN_RULE: readonly string[] = ${JSON.stringify(table.byRule, null, 4)};

/** Deprecated judged tokens that share their Terraform type with the token above that judges it. */
export const TOKEN_ALIASES: Readonly<Record<string, string>> = ${JSON.stringify(table.aliases, null, 4)};

/**
 * Top-level Terraform attributes the provider renames beyond the bridge's rules (camelCase, plural lists), from the
 * metadata's renamedProperties: Terraform name -> Pulumi name.
 */
export const NAME_EXCEPTIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = ${JSON.stringify(table.exceptions, null, 4)};

/** The judged tokens whose renamedProperties were read; the others are named by the rules alone. */
export const RENAMES_READ: readonly string[] = ${JSON.stringify(table.renamesRead, null, 4)};
`;
}

export function shapesModule(): string {
    const version = JSON.parse(fs.readFileSync(path.join(AWS_ROOT, "package.json"), "utf8")).version;
    const shapes = shapesOf(judgedTokens(), AWS_ROOT);
    return `/**
 * GENERATED by scripts/refresh-terraform-tables.ts: do not edit. The properties of each judged type and their shapes
 * (scalar, object, list, map), read from @pulumi/aws ${version}'s declarations (scripts/aws-shapes.ts).
 */
import type { ResourceShape } from "./terraform-values";

export const AWS_VERSION = ${JSON.stringify(version)};

export const AWS_SHAPES: Readonly<Record<string, ResourceShape>> = ${JSON.stringify(shapes)};
`;
}

function main() {
    const at = process.argv.indexOf("--bridge-metadata");
    const metadata = at > 0 ? path.resolve(process.argv[at + 1]) : DEFAULT_METADATA;
    const table = typeTable(metadata);
    fs.writeFileSync(TYPES_FILE, typesModule(table));
    fs.writeFileSync(SHAPES_FILE, shapesModule());
    process.stderr.write(
        `wrote ${path.relative(ROOT, TYPES_FILE)} (${Object.keys(table.types).length} types; no Terraform type for ${table.unmapped.join(", ") || "none"}) and ${path.relative(ROOT, SHAPES_FILE)}\n`,
    );
}

if (require.main === module) main();
