/**
 * Writes the stack-export fixtures the `--stack-state` tests read: the reference application (the root
 * program) and the anti-pattern gallery, each captured in update mode (ARNs, names and ids known, as after
 * `pulumi up`) and laid out as `pulumi stack export` lays out deployment version 3
 * (pulumi/pulumi sdk/go/common/apitype/core.go: DeploymentV3, ResourceV3).
 *
 *     node -r ts-node/register/transpile-only scripts/export-stack-fixtures.ts
 *
 * Like the engine, the export holds the default provider resource `pulumi:providers:aws` that every AWS
 * resource refers to (`<provider URN>::<provider id>`), and the checked inputs beside the outputs.
 */
import * as fs from "fs";
import * as path from "path";
import { capture } from "../checker/capture";
import type { CapturedResource } from "../checker/types";

const ROOT = path.resolve(__dirname, "..");
export const STACK_EXPORTS = path.join(ROOT, "tests", "fixtures", "stack-exports");
export const PROGRAMS = { "reference-app": ROOT, "anti-patterns": path.join(ROOT, "examples", "anti-patterns") } as const;

/** A fixed time and provider id, so that two runs write the same files. */
const TIME = "2026-01-01T00:00:00.000Z";
const PROVIDER_ID = "00000000-0000-4000-8000-000000000001";

function awsVersion(): string {
    return JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", "@pulumi", "aws", "package.json"), "utf8")).version;
}

function stackPrefix(urn: string): string {
    return urn.split("::").slice(0, 2).join("::");
}

/** The deployment `pulumi stack export` would print after an update of these resources. */
export function deploymentOf(resources: CapturedResource[], programDir: string): unknown {
    const stack = resources.find((r) => r.type === "pulumi:pulumi:Stack");
    const prefix = stackPrefix((stack ?? resources[0]).urn);
    const version = awsVersion();
    const registered = resources.find((r) => r.type === "pulumi:providers:aws" && !r.parent);
    // The default provider the capture says the engine registers (its config, e.g. region), else one named after the package.
    const captured = resources.map((r) => (r as { defaultProvider?: { urn: string; inputs: Record<string, unknown> } }).defaultProvider).find((p) => p?.urn.includes("::pulumi:providers:aws::"));
    const providerUrn = registered?.urn ?? captured?.urn ?? `${prefix}::pulumi:providers:aws::default_${version.replace(/\./g, "_")}`;
    const providerInputs = captured?.inputs ?? { __internal: {}, version };
    const { __internal: _internal, ...providerOutputs } = providerInputs;
    const defaultProvider = registered
        ? []
        : [{ urn: providerUrn, custom: true, id: PROVIDER_ID, type: "pulumi:providers:aws", inputs: providerInputs, outputs: providerOutputs }];
    const entries = resources.map((r) => {
        const entry: Record<string, unknown> = { urn: r.urn, custom: r.custom };
        if (r.custom) entry.id = typeof r.outputs.id === "string" ? r.outputs.id : "";
        entry.type = r.type;
        entry.inputs = r.inputs;
        entry.outputs = r.outputs;
        if (r.parent) entry.parent = r.parent;
        if (r.dependencies.length > 0) entry.dependencies = r.dependencies;
        const provider = r.provider ?? (r.custom && r.type.startsWith("aws:") ? providerUrn : undefined);
        if (provider) entry.provider = `${provider}::${provider === providerUrn ? PROVIDER_ID : "00000000-0000-4000-8000-000000000002"}`;
        if (Object.keys(r.propertyDependencies).length > 0) entry.propertyDependencies = r.propertyDependencies;
        // The engine keeps the registration's place relative to the project: project:///index.ts#12,5.
        const relative = r.sourcePosition && path.relative(programDir, r.sourcePosition.file).split(path.sep).join("/");
        if (r.sourcePosition && relative && !relative.startsWith("../") && r.type !== "pulumi:pulumi:Stack") {
            entry.sourcePosition = `project:///${relative}#${r.sourcePosition.line},${r.sourcePosition.column}`;
        }
        entry.created = TIME;
        entry.modified = TIME;
        return entry;
    });
    // The engine writes a resource after its parent and its provider: the default provider goes right after the stack.
    const at = stack ? entries.findIndex((e) => e.urn === stack.urn) + 1 : 0;
    entries.splice(at, 0, ...defaultProvider);
    return {
        version: 3,
        deployment: {
            manifest: { time: TIME, magic: "", version: "v3.248.0" },
            secrets_providers: { type: "passphrase", state: { salt: "v1:fixture" } },
            resources: entries,
        },
    };
}

async function main() {
    fs.mkdirSync(STACK_EXPORTS, { recursive: true });
    for (const [name, dir] of Object.entries(PROGRAMS)) {
        const resources = await capture(dir, { preview: false });
        const file = path.join(STACK_EXPORTS, `${name}.json`);
        fs.writeFileSync(file, JSON.stringify(deploymentOf(resources, dir), null, 2) + "\n");
        process.stderr.write(`wrote ${path.relative(ROOT, file)} (${resources.length} resources)\n`);
    }
}

if (require.main === module) {
    main().then(
        () => process.exit(0),
        (e) => {
            process.stderr.write(`export failed: ${(e as Error)?.stack ?? e}\n`);
            process.exit(2);
        },
    );
}
