/**
 * The Analyzer protocol's messages as plain objects: what a pack tells us (its info, diagnostics, remediations) and
 * what we send it (resources, config, the stack), and their conversion to and from the protobuf classes.
 */
import { createRequire } from "module";
import type * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import type { CapturedOptions, EnforcementLevel } from "./types";

/**
 * Loads a module as @pulumi/pulumi itself loads it: the stubs and their runtime must come from its copy, so that
 * message classes and `instanceof` checks inside grpc-js agree.
 */
export const pulumiRequire = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const pb: typeof analyzerPb = pulumiRequire("./proto/analyzer_pb");
const { Struct } = pulumiRequire("google-protobuf/google/protobuf/struct_pb");

/** A policy as its pack describes it in GetAnalyzerInfo. */
export interface PolicyInfo {
    /** The policy's name, e.g. `lambda-timeout`. */
    name: string;
    /** Its display name ("" when it has none). */
    displayName: string;
    /** Its description. */
    description: string;
    /** The level the pack gives it, before config. */
    enforcementLevel: EnforcementLevel;
    /** A resource policy, a stack policy, or a type this client does not know. */
    type: "resource" | "stack" | "unknown";
    /** `low`, `medium`, `high` or `critical`, when the policy declares one. */
    severity?: string;
    /** What to do about a violation, when the policy says. */
    remediationSteps?: string;
    /** A link to more about the policy, when it has one. */
    url?: string;
    /** Its tags (empty when none). */
    tags: string[];
    /** The JSON schema of its config, when it has settings. */
    configSchema?: {
        /** The settings, by name: each a JSON schema. */
        properties: Record<string, any>;
        /** The settings a config must give, when there are any. */
        required?: string[];
    };
}

/** One policy's config, as Configure sends it: its level and its settings. */
export interface PolicyConfigEntry {
    /** The level the policy runs at. */
    enforcementLevel: EnforcementLevel;
    /** Its settings (the config's keys besides `enforcementLevel`). */
    properties?: Record<string, unknown>;
}

/** What a pack says about itself (GetAnalyzerInfo). */
export interface AnalyzerInfo {
    /** The pack's name. */
    name: string;
    /** Its display name ("" when it has none). */
    displayName: string;
    /** Its version (the engine reports PulumiPolicy.yaml's `version` over it, when that has one). */
    version: string;
    /** Whether it accepts Configure. */
    supportsConfig: boolean;
    /** Its description. */
    description: string;
    /** Its tags. */
    tags: string[];
    /** Every policy of the pack. */
    policies: PolicyInfo[];
    /** The pack's own initial config (PolicyPack's `initialConfig`), per policy. */
    initialConfig: Record<string, Partial<PolicyConfigEntry>>;
}

/** A resource's provider, as Analyze, Remediate and AnalyzeStack receive it. */
export interface ProviderResource {
    /** `pulumi:providers:<package>`. */
    type: string;
    /** The provider's URN. */
    urn: string;
    /** Its name (`default_<version>` for a default provider). */
    name: string;
    /** Its inputs. */
    properties: Record<string, unknown>;
}

/** A resource's options, as the engine sends analyzers (AnalyzerResourceOptions): the captured ones and the parent. */
export interface ResourceOptions extends CapturedOptions {
    /** URN of its parent. */
    parent?: string;
}

/** What ConfigureStack tells a pack about the stack (AnalyzerStackConfigureRequest). */
export interface StackConfiguration {
    /** The stack's name. Default: the captured stack resource's. */
    stack: string;
    /** The project's name. Default: the captured stack resource's. */
    project: string;
    /** The organization. Default `organization` (a self-managed backend's). */
    organization: string;
    /** Stack tags (`pulumi:project`, `pulumi:runtime`, ...): policies read them as `args.stackTags`. */
    tags: Record<string, string>;
    /** True for a preview. */
    dryRun: boolean;
    /** The program's config, namespaced keys (`aws:region`), string values. */
    config: Record<string, string>;
    /** The `config` keys whose values are secret. */
    configSecretKeys: string[];
}

/** A resource as Analyze and Remediate receive it. */
export interface AnalyzeResource {
    /** The resource type token. */
    type: string;
    /** The resource's URN. */
    urn: string;
    /** Its name. */
    name: string;
    /** Its inputs (for Analyze and AnalyzeStack without top-level `__` keys; Remediate gets them whole). */
    properties: Record<string, unknown>;
    /** Its resource options. */
    options?: ResourceOptions;
    /** Its provider (explicit or default), with the provider's inputs. */
    provider?: ProviderResource;
}

/** A resource as AnalyzeStack receives it. */
export interface StackResource extends AnalyzeResource {
    /** URN of its parent. */
    parent?: string;
    /** URNs it depends on. */
    dependencies?: string[];
    /** Input property -> URNs of the resources its value came from. */
    propertyDependencies?: Record<string, string[]>;
}

/** A violation as a pack reports it (AnalyzeDiagnostic). */
export interface Diagnostic {
    /** The policy that reported it. */
    policyName: string;
    /** The policy's pack. */
    policyPackName: string;
    /** The pack's version. */
    policyPackVersion: string;
    /** The policy's description. */
    description: string;
    /** The message: the description, then what the policy reported. */
    message: string;
    /** The level it was reported at. */
    enforcementLevel: EnforcementLevel;
    /** The resource the pack named, if it named one. */
    urn?: string;
    /** `low`, `medium`, `high` or `critical`, when the policy declares one. */
    severity?: string;
}

/** A policy that declared itself not applicable, and why. */
export interface PolicyNotApplicable {
    /** The policy. */
    policyName: string;
    /** Its reason (a waiver's starts with "waived:"). */
    reason: string;
}

/** What Analyze (or AnalyzeStack) answers. */
export interface AnalyzeResult {
    /** The violations. */
    diagnostics: Diagnostic[];
    /** The policies that were not applicable. */
    notApplicable: PolicyNotApplicable[];
}

/** One policy's remediation of a resource (Remediation). */
export interface RemediationResult {
    /** The remediating policy. */
    policyName: string;
    /** Its pack. */
    policyPackName: string;
    /** The pack's version. */
    policyPackVersion: string;
    /** The policy's description. */
    description: string;
    /** The resource's full new properties, when the policy changed them. */
    properties?: Record<string, unknown>;
    /** Why the remediation could not run, when it could not. */
    diagnostic?: string;
}

/** What Remediate answers. */
export interface RemediateResult {
    /** The remediations. */
    remediations: RemediationResult[];
    /** The policies that were not applicable. */
    notApplicable: PolicyNotApplicable[];
}

const levelNames: Record<number, EnforcementLevel> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };
const levelNumbers: Record<EnforcementLevel, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };
const severityNames: Record<number, string | undefined> = { 0: undefined, 1: "low", 2: "medium", 3: "high", 4: "critical" };

export function levelName(level: number): EnforcementLevel {
    return levelNames[level] ?? "advisory";
}

/** Plain JSON for a protobuf Struct: drops `undefined`, turns non-finite numbers and other odd values into strings. */
function jsonSafe(value: unknown): unknown {
    if (value === null || typeof value === "string" || typeof value === "boolean") return value;
    if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
    if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : jsonSafe(v)));
    if (typeof value === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
            if (v !== undefined) out[k] = jsonSafe(v);
        }
        return out;
    }
    return value === undefined ? null : String(value);
}

export function toStruct(value: Record<string, unknown>): any {
    return Struct.fromJavaScript(jsonSafe(value ?? {}));
}

function optionsMessage(options: ResourceOptions = {}): analyzerPb.AnalyzerResourceOptions {
    const message = new pb.AnalyzerResourceOptions();
    message.setProtect(options.protect ?? false);
    message.setIgnorechangesList(options.ignoreChanges ?? []);
    if (options.deleteBeforeReplace !== undefined) {
        message.setDeletebeforereplace(options.deleteBeforeReplace);
        message.setDeletebeforereplacedefined(true);
    }
    message.setAdditionalsecretoutputsList(options.additionalSecretOutputs ?? []);
    message.setAliasesList(options.aliases ?? []);
    const timeouts = new pb.AnalyzerResourceOptions.CustomTimeouts();
    timeouts.setCreate(options.customTimeouts?.create ?? 0);
    timeouts.setUpdate(options.customTimeouts?.update ?? 0);
    timeouts.setDelete(options.customTimeouts?.delete ?? 0);
    message.setCustomtimeouts(timeouts);
    if (options.parent) message.setParent(options.parent);
    return message;
}

function providerMessage(provider: ProviderResource): analyzerPb.AnalyzerProviderResource {
    const message = new pb.AnalyzerProviderResource();
    message.setType(provider.type);
    message.setUrn(provider.urn);
    message.setName(provider.name);
    message.setProperties(toStruct(provider.properties));
    return message;
}

export function analyzeRequest(resource: AnalyzeResource): analyzerPb.AnalyzeRequest {
    const message = new pb.AnalyzeRequest();
    message.setType(resource.type);
    message.setUrn(resource.urn);
    message.setName(resource.name);
    message.setProperties(toStruct(resource.properties));
    message.setOptions(optionsMessage(resource.options));
    if (resource.provider) message.setProvider(providerMessage(resource.provider));
    return message;
}

export function stackResourceMessage(resource: StackResource): analyzerPb.AnalyzerResource {
    const message = new pb.AnalyzerResource();
    message.setType(resource.type);
    message.setUrn(resource.urn);
    message.setName(resource.name);
    message.setProperties(toStruct(resource.properties));
    message.setOptions(optionsMessage({ ...resource.options, parent: resource.parent ?? resource.options?.parent }));
    if (resource.provider) message.setProvider(providerMessage(resource.provider));
    if (resource.parent) message.setParent(resource.parent);
    message.setDependenciesList(resource.dependencies ?? []);
    const dependencies = message.getPropertydependenciesMap();
    for (const [property, urns] of Object.entries(resource.propertyDependencies ?? {})) {
        const entry = new pb.AnalyzerPropertyDependencies();
        entry.setUrnsList(urns);
        dependencies.set(property, entry);
    }
    return message;
}

function notApplicableOf(list: analyzerPb.PolicyNotApplicable[]): PolicyNotApplicable[] {
    return list.map((n) => ({ policyName: n.getPolicyName(), reason: n.getReason() }));
}

export function analyzeResultOf(response: analyzerPb.AnalyzeResponse): AnalyzeResult {
    return {
        diagnostics: response.getDiagnosticsList().map((d) => ({
            policyName: d.getPolicyname(),
            policyPackName: d.getPolicypackname(),
            policyPackVersion: d.getPolicypackversion(),
            description: d.getDescription(),
            message: d.getMessage(),
            enforcementLevel: levelName(d.getEnforcementlevel()),
            urn: d.getUrn() || undefined,
            severity: severityNames[d.getSeverity()],
        })),
        notApplicable: notApplicableOf(response.getNotApplicableList()),
    };
}

export function analyzerInfoOf(info: analyzerPb.AnalyzerInfo): AnalyzerInfo {
    const policyTypes: Record<number, PolicyInfo["type"]> = { 1: "resource", 2: "stack" };
    const initialConfig: AnalyzerInfo["initialConfig"] = {};
    info.getInitialconfigMap().forEach((config: analyzerPb.PolicyConfig, policy: string) => {
        const entry: Partial<PolicyConfigEntry> = {};
        // A PolicyConfig without an explicit level carries ADVISORY (0); the pack sets a level only when it has one.
        entry.enforcementLevel = levelName(config.getEnforcementlevel());
        const properties = config.getProperties()?.toJavaScript();
        if (properties) entry.properties = properties as Record<string, unknown>;
        initialConfig[policy] = entry;
    });
    return {
        name: info.getName(),
        displayName: info.getDisplayname(),
        version: info.getVersion(),
        supportsConfig: info.getSupportsconfig(),
        description: info.getDescription(),
        tags: info.getTagsList(),
        initialConfig,
        policies: info.getPoliciesList().map((p) => {
            const schema = p.getConfigschema();
            return {
                name: p.getName(),
                displayName: p.getDisplayname(),
                description: p.getDescription(),
                enforcementLevel: levelName(p.getEnforcementlevel()),
                type: policyTypes[p.getPolicyType()] ?? "unknown",
                severity: severityNames[p.getSeverity()],
                remediationSteps: p.getRemediationSteps() || undefined,
                url: p.getUrl() || undefined,
                tags: p.getTagsList(),
                configSchema: schema
                    ? {
                          properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, any>,
                          required: schema.getRequiredList().length ? schema.getRequiredList() : undefined,
                      }
                    : undefined,
            };
        }),
    };
}

/** Configure's request: one entry per policy (as the engine sends it: level plus the policy's properties). */
export function configureRequest(config: Record<string, PolicyConfigEntry>): analyzerPb.ConfigureAnalyzerRequest {
    const request = new pb.ConfigureAnalyzerRequest();
    const map = request.getPolicyconfigMap();
    for (const [policy, entry] of Object.entries(config)) {
        const message = new pb.PolicyConfig();
        message.setEnforcementlevel(levelNumbers[entry.enforcementLevel]);
        message.setProperties(toStruct(entry.properties ?? {}));
        map.set(policy, message);
    }
    return request;
}

export function configureStackRequest(stack: StackConfiguration): analyzerPb.AnalyzerStackConfigureRequest {
    const request = new pb.AnalyzerStackConfigureRequest();
    request.setStack(stack.stack);
    request.setProject(stack.project);
    request.setOrganization(stack.organization);
    request.setDryRun(stack.dryRun);
    const tags = request.getTagsMap();
    for (const [key, value] of Object.entries(stack.tags)) tags.set(key, value);
    const config = request.getConfigMap();
    for (const [key, value] of Object.entries(stack.config)) config.set(key, value);
    request.setConfigSecretKeysList(stack.configSecretKeys);
    return request;
}

export function analyzeStackRequest(resources: StackResource[]): analyzerPb.AnalyzeStackRequest {
    const request = new pb.AnalyzeStackRequest();
    request.setResourcesList(resources.map(stackResourceMessage));
    return request;
}

export function remediateResultOf(response: analyzerPb.RemediateResponse): RemediateResult {
    return {
        remediations: response.getRemediationsList().map((r) => ({
            policyName: r.getPolicyname(),
            policyPackName: r.getPolicypackname(),
            policyPackVersion: r.getPolicypackversion(),
            description: r.getDescription(),
            properties: (r.getProperties()?.toJavaScript() as Record<string, unknown> | undefined) ?? undefined,
            diagnostic: r.getDiagnostic() || undefined,
        })),
        notApplicable: notApplicableOf(response.getNotApplicableList()),
    };
}
