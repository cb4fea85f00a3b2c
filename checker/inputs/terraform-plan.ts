/**
 * `check --terraform-plan FILE`: the JSON of `terraform show -json <planfile>` (format_version 1.x,
 * hashicorp/terraform website/docs/internals/json-format.mdx) as the resources a Pulumi preview of the same
 * infrastructure would hand the pack.
 *
 * - Each managed resource instance the plan keeps (`create`, `update`, `no-op`, replacements) becomes one
 *   resource named by its Terraform address; deletes, deposed objects and `forget` are skipped; data
 *   sources are reads and never reach an analyzer, as in Pulumi.
 * - Its type is the Pulumi token the AWS provider publishes for the Terraform type
 *   (terraform-types.generated.ts); other types, and other providers' resources, are listed as not judged.
 * - Its state (AnalyzeStack) is `change.after` under Pulumi's names, every `after_unknown` path the unknown
 *   sentinel: at plan time a new resource's computed attributes are unknown exactly as in a first preview's
 *   planned state. Its inputs (Analyze) are that state without what only the provider sets.
 * - `propertyDependencies` and `dependencies` come from the configuration's references
 *   (terraform-references.ts), so the graph joins hold while every ARN is unknown.
 * - A stack resource (the root module) and one `pulumi:providers:aws` per provider configuration stand
 *   where Pulumi has them.
 */
import * as fs from "fs";
import * as path from "path";
import { UNKNOWN_SENTINEL } from "../mocks";
import type { CapturedResource } from "../types";
import { InputError, isRecord, kindOf, readJsonFile } from "./input-error";
import { PlannedInstance, References, parseModuleAddress } from "./terraform-references";
import { SourceFinder } from "./terraform-source";
import { TERRAFORM_TYPES } from "./terraform-types.generated";
import { camelCase, inputsOf, propertyName, resourceValues } from "./terraform-values";

const EXPECTED = "the JSON of `terraform show -json <planfile>` (format_version 1.x, with resource_changes)";
export const STACK_TYPE = "pulumi:pulumi:Stack";
const URN_STACK = "terraform";

export interface NotJudged {
    address: string;
    type: string;
    reason: string;
}

export interface TerraformPlan {
    resources: CapturedResource[];
    /** Resources kept by the plan that the pack has no type for. */
    notJudged: NotJudged[];
    /** Changes left out: deletes (deposed objects and `forget` included) and data source reads. */
    skipped: { deleted: number; dataSources: number };
    formatVersion: string;
    terraformVersion?: string;
}

export interface PlanOptions {
    /** The root module's folder, where `.tf` files and `.terraform/modules` are looked up (default: the plan file's folder). */
    rootDir?: string;
    /** The stack's name in URNs and reports (default: the root folder's name). */
    name?: string;
}

/** Terraform's AWS provider, from any registry host (`registry.terraform.io/hashicorp/aws`, OpenTofu's). */
export function isAwsProvider(providerName: unknown): boolean {
    return typeof providerName === "string" && (providerName === "aws" || /(^|\/)hashicorp\/aws$/.test(providerName));
}

interface Change {
    address: string;
    module_address?: string;
    mode?: string;
    type: string;
    name: string;
    index?: string | number;
    provider_name?: string;
    deposed?: string;
    change?: { actions?: string[]; after?: unknown; after_unknown?: unknown };
}

function kept(change: Change): boolean {
    const actions = change.change?.actions ?? [];
    if (change.deposed) return false;
    if (actions.includes("forget") && !actions.includes("create")) return false;
    if (actions.includes("delete") && !actions.includes("create")) return false;
    return actions.length > 0;
}

function containsUnknown(value: unknown, depth = 0): boolean {
    if (value === UNKNOWN_SENTINEL) return true;
    if (depth > 40 || value === null || typeof value !== "object") return false;
    return Object.values(value as Record<string, unknown>).some((v) => containsUnknown(v, depth + 1));
}

function validate(document: unknown, file: string): Change[] {
    if (!isRecord(document) || !("format_version" in document)) {
        const kind = kindOf(document);
        const hint = kind === "pulumi-state" ? " (this is a Pulumi stack export: use --stack-state)" : "";
        throw new InputError(file, `is not a Terraform plan${hint}; expected ${EXPECTED}`);
    }
    const version = String(document.format_version);
    if (!/^1\.\d+$/.test(version)) {
        throw new InputError(file, `has format_version ${JSON.stringify(document.format_version)}; expected 1.x (\`terraform show -json\` of Terraform 1.0 or later)`);
    }
    if (!("resource_changes" in document) && "values" in document) {
        throw new InputError(file, `is Terraform state, not a plan; expected ${EXPECTED}: run \`terraform plan -out=tfplan\` then \`terraform show -json tfplan\``);
    }
    const changes = document.resource_changes ?? [];
    if (!Array.isArray(changes)) throw new InputError(file, `has resource_changes that is not a list; expected ${EXPECTED}`);
    const valid = changes.filter((c): c is Change => isRecord(c) && typeof c.address === "string" && typeof c.type === "string" && typeof c.name === "string");
    if (valid.length === 0) {
        throw new InputError(file, "is an empty plan (no resource_changes): expected a plan of a configuration with resources; nothing to check");
    }
    const managed = valid.filter((c) => (c.mode ?? "managed") === "managed");
    if (managed.length > 0 && !managed.some((c) => isAwsProvider(c.provider_name))) {
        const providers = [...new Set(managed.map((c) => c.provider_name ?? "unknown"))].join(", ");
        throw new InputError(file, `is a plan for ${providers}, not for the AWS provider (registry.terraform.io/hashicorp/aws): this pack judges AWS resources only`);
    }
    return valid;
}

function keyOf(index: unknown): string | number | undefined {
    return typeof index === "number" || typeof index === "string" ? index : undefined;
}

/** The resources of a parsed plan, as a Pulumi preview of the same infrastructure would send them. */
export function terraformPlanFrom(document: unknown, file = "plan", options: PlanOptions = {}): TerraformPlan {
    const changes = validate(document, file);
    const plan = document as Record<string, unknown>;
    const rootDir = path.resolve(options.rootDir ?? path.dirname(path.resolve(file)));
    const name = options.name ?? path.basename(rootDir);
    const project = name.replace(/::/g, "_");
    const urnOf = (type: string, resourceName: string) => `urn:pulumi:${URN_STACK}::${project}::${type}::${resourceName}`;

    const skipped = { deleted: 0, dataSources: 0 };
    const planned: { change: Change; instance: PlannedInstance }[] = [];
    for (const change of changes) {
        if ((change.mode ?? "managed") !== "managed") {
            skipped.dataSources++;
            continue;
        }
        if (!kept(change)) {
            skipped.deleted++;
            continue;
        }
        const modulePath = parseModuleAddress(change.module_address);
        const instance: PlannedInstance = { address: change.address, modulePath, local: `${change.type}.${change.name}` };
        const key = keyOf(change.index);
        if (key !== undefined) instance.key = key;
        planned.push({ change, instance });
    }
    if (planned.length === 0) {
        throw new InputError(file, `plans only deletes and reads (${skipped.deleted} deleted, ${skipped.dataSources} data sources): expected a plan that keeps resources; nothing to check`);
    }

    const tokenOf = (change: Change) => (isAwsProvider(change.provider_name) ? TERRAFORM_TYPES[change.type] : undefined);
    const urnByAddress = new Map<string, string>();
    for (const { change } of planned) urnByAddress.set(change.address, urnOf(tokenOf(change) ?? `terraform:index:${change.type}`, change.address));

    const references = new References(plan.configuration, planned.map((p) => p.instance));
    const sources = new SourceFinder(rootDir);
    const providerConfigs = isRecord(plan.configuration) && isRecord(plan.configuration.provider_config) ? plan.configuration.provider_config : {};
    const stack: CapturedResource = { urn: urnOf(STACK_TYPE, name), type: STACK_TYPE, name, custom: false, dependencies: [], propertyDependencies: {}, inputs: {}, outputs: {} };
    const rootPosition = sources.rootPosition();
    if (rootPosition) stack.sourcePosition = rootPosition;
    const providers = new Map<string, CapturedResource>();
    const providerFor = (key: string | undefined): string => {
        const configKey = key && isRecord(providerConfigs[key]) ? key : key?.includes(":") && isRecord(providerConfigs[key.split(":").pop()!]) ? key.split(":").pop()! : key ?? "aws";
        let provider = providers.get(configKey);
        if (!provider) {
            const config = isRecord(providerConfigs[configKey]) ? providerConfigs[configKey] : {};
            const inputs: Record<string, unknown> = {};
            for (const [attribute, expression] of Object.entries(isRecord(config.expressions) ? config.expressions : {})) {
                if (isRecord(expression) && "constant_value" in expression) inputs[camelCase(attribute)] = expression.constant_value;
            }
            provider = { urn: urnOf("pulumi:providers:aws", configKey), type: "pulumi:providers:aws", name: configKey, custom: true, parent: stack.urn, dependencies: [], propertyDependencies: {}, inputs, outputs: { ...inputs } };
            providers.set(configKey, provider);
        }
        return provider.urn;
    };

    const resources: CapturedResource[] = [];
    const notJudged: NotJudged[] = [];
    for (const { change, instance } of planned) {
        const token = tokenOf(change);
        if (!token) {
            const reason = isAwsProvider(change.provider_name) ? "an AWS type no policy of the pack judges" : `a resource of ${change.provider_name ?? "another provider"}`;
            notJudged.push({ address: change.address, type: change.type, reason });
            continue;
        }
        const urn = urnByAddress.get(change.address)!;
        const outputs = resourceValues(token, change.change?.after, change.change?.after_unknown);
        const refs = references.ofInstance(instance);
        const propertyDependencies: Record<string, string[]> = {};
        const dependencies = new Set<string>();
        for (const [attribute, addresses] of refs.attributes) {
            const property = propertyName(token, attribute);
            const unknown = containsUnknown(outputs[property]);
            const urns = [...addresses].flatMap((address) => {
                if (address.startsWith("?")) return unknown ? [urnOf("terraform:index:reference", address.slice(1))] : [];
                const target = urnByAddress.get(address);
                return target && target !== urn ? [target] : [];
            });
            if (urns.length === 0) continue;
            propertyDependencies[property] = [...new Set([...(propertyDependencies[property] ?? []), ...urns])];
            for (const u of urns) dependencies.add(u);
        }
        for (const address of refs.others) {
            const target = urnByAddress.get(address);
            if (target && target !== urn) dependencies.add(target);
        }
        const configured = new Set([...refs.configured].map((attribute) => propertyName(token, attribute)));
        const config = references.configOf(instance);
        const resource: CapturedResource = {
            urn,
            type: token,
            name: change.address,
            custom: true,
            parent: stack.urn,
            dependencies: [...dependencies],
            propertyDependencies,
            provider: providerFor(config?.provider_config_key),
            inputs: inputsOf(token, outputs, configured),
            outputs,
        };
        const position = sources.find(sources.moduleDir(instance.modulePath, references.moduleSources(instance.modulePath)), change.type, change.name);
        if (position) resource.sourcePosition = position;
        resources.push(resource);
    }
    return {
        resources: [stack, ...providers.values(), ...resources],
        notJudged,
        skipped,
        formatVersion: String(plan.format_version),
        terraformVersion: typeof plan.terraform_version === "string" ? plan.terraform_version : undefined,
    };
}

/** Reads a `terraform show -json` plan file. Throws InputError with what was expected when the file is not one. */
export function readTerraformPlan(file: string, options: PlanOptions = {}): TerraformPlan {
    return terraformPlanFrom(readJsonFile(file, EXPECTED, (f) => fs.readFileSync(f, "utf8")), file, options);
}
