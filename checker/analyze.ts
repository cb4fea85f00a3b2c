/**
 * Hands captured resources to policy packs in the order and shape the Pulumi engine uses
 * (pkg/resource/deploy/step_generator.go): per resource in registration order, a Remediate pass over
 * every pack (each remediation's properties become the inputs from then on), then an Analyze pass over
 * every pack on the result; after the last resource, one AnalyzeStack per pack with every resource's
 * state, parent, dependencies and property dependencies. The engine runs analyzers for every
 * registered resource, components included (a local component's inputs are empty), so we do too.
 */
import * as fs from "fs";
import * as path from "path";
import { formatProblem, loadUserConfig, reconcileConfig, unknownSettings, userConfigFrom, UserConfig } from "./config";
import { propertyChanges } from "./changes";
import { redactChange, withSecrets } from "./secrets";
import { PackClient, StartOptions } from "./pack-client";
import type { AnalyzeResource, AnalyzeResult, Diagnostic, StackConfiguration, StackResource } from "./pack-messages";
import { providerOf, withDefaultProviders } from "./default-providers";
import { UNKNOWN_SENTINEL, analyzerProperties, stateOfInputs } from "./engine-model";
import type { AnalysisResult, CapturedResource, NotApplicable, PolicyDetails, PolicyPackSummary, Remediation, Violation } from "./types";

/** A policy pack to run, and its config. */
export interface PackSpec {
    /** The pack folder (with PulumiPolicy.yaml). */
    dir: string;
    /** A `--policy-pack-config` file, or its content: `{ "all": "advisory", "<policy>": { "enforcementLevel": ..., ...settings } }`. */
    config?: string | UserConfig;
}

/** How to run the packs: which ones, their time limits, and what the caller is told as they run. */
export interface AnalyzeOptions extends StartOptions {
    /** The packs, in the order their findings are reported. */
    packs: PackSpec[];
    /** Called with a short progress line now and then (the CLI prints these on stderr). */
    onProgress?: (message: string) => void;
    /** Called with each config warning (a setting the policy does not have); default: printed on stderr. */
    onWarning?: (message: string) => void;
    /** Resources between two progress lines. Default 500. */
    progressEvery?: number;
    /**
     * What ConfigureStack tells the packs (stack tags, config, dry run); by default the stack and project of the
     * captured stack resource, the tags `pulumi:project` and `pulumi:runtime`, dry run when the capture is a preview.
     */
    stack?: Partial<StackConfiguration>;
    /** Send AnalyzeStack's resources in an order drawn from this seed, as the engine guarantees no order (tests). */
    shuffleStack?: number;
    /**
     * false: report remediations without applying them, as `pulumi policy analyze` does on a stack's state
     * (pulumi/pulumi pkg/resource/deploy/analyze_snapshot.go); the file inputs (checker/inputs) use it. Default true.
     */
    applyRemediations?: boolean;
}

const WAIVER_PREFIX = "waived:";
const CANT_RUN_AT_PREVIEW = /^can't run (policy|remediation) '.*' during preview/;

type ByUrn = ReadonlyMap<string, CapturedResource>;

/**
 * A resource as the engine sends it (step_generator.go): its options, and its provider (explicit or default)
 * with the provider's inputs. Remediate gets the properties whole; Analyze and AnalyzeStack, like the provider's
 * inputs, without top-level `__` keys (analyzer_plugin.go marshals them with SkipInternalKeys).
 */
function resourceOf(resource: CapturedResource, properties: Record<string, unknown>, byUrn: ByUrn, forRemediate = false): AnalyzeResource {
    const analyzed: AnalyzeResource = {
        type: resource.type,
        urn: resource.urn,
        name: resource.name,
        // The capture reads secrets plainly; the engine sends them marked (see secrets.ts).
        properties: withSecrets(forRemediate ? properties : analyzerProperties(properties), resource.secrets),
        options: { ...resource.options, parent: resource.parent },
    };
    const providerUrn = providerOf(resource);
    const provider = providerUrn ? byUrn.get(providerUrn) : undefined;
    if (provider) analyzed.provider = { type: provider.type, urn: provider.urn, name: provider.name, properties: analyzerProperties(provider.inputs) };
    return analyzed;
}

function stackResourceOf(resource: CapturedResource, outputs: Record<string, unknown>, byUrn: ByUrn): StackResource {
    const propertyDependencies: Record<string, string[]> = {};
    for (const [property, urns] of Object.entries(resource.propertyDependencies ?? {})) {
        if (urns.length > 0) propertyDependencies[property] = urns;
    }
    return {
        ...resourceOf(resource, outputs, byUrn),
        parent: resource.parent,
        dependencies: resource.dependencies ?? [],
        propertyDependencies,
    };
}

/** The state after the step: outputs with the remediated inputs applied (keys a remediation dropped go too). */
function outputsAfterRemediation(resource: CapturedResource, inputs: Record<string, unknown>): Record<string, unknown> {
    if (inputs === resource.inputs) return resource.outputs;
    const outputs = { ...resource.outputs };
    for (const key of Object.keys(resource.inputs)) if (!(key in inputs)) delete outputs[key];
    // The provider's state holds no `__defaults` bookkeeping.
    return Object.assign(outputs, resource.custom ? stateOfInputs(analyzerProperties(inputs)) : inputs);
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/** ConfigureStack's request for these resources (see AnalyzeOptions.stack). */
function stackConfiguration(resources: readonly CapturedResource[], given: Partial<StackConfiguration> = {}): StackConfiguration {
    const urn = resources.find((r) => r.type === STACK_TYPE)?.urn ?? resources[0]?.urn ?? "";
    const [, stack = "", project = ""] = /^urn:pulumi:([^:]*)::([^:]*)::/.exec(urn) ?? [];
    const preview = resources.some((r) => r.custom && r.outputs?.id === UNKNOWN_SENTINEL);
    return {
        stack,
        project,
        // The organization of a self-managed (diy) backend.
        organization: "organization",
        tags: { "pulumi:project": given.project ?? project, "pulumi:runtime": "nodejs" },
        dryRun: preview,
        config: {},
        configSecretKeys: [],
        ...given,
    };
}

/** A copy in an order drawn from `seed` (mulberry32). */
function shuffledBy<T>(items: readonly T[], seed: number): T[] {
    let a = seed >>> 0;
    const next = () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const result = [...items];
    for (let i = result.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [result[i], result[j]] = [result[j], result[i]];
    }
    return result;
}

function violationOf(d: Diagnostic, urn: string | undefined): Violation {
    const violation: Violation = {
        policyPack: d.policyPackName,
        policyPackVersion: d.policyPackVersion,
        policy: d.policyName,
        enforcementLevel: d.enforcementLevel === "remediate" ? "mandatory" : d.enforcementLevel,
        severity: d.severity,
        message: d.message,
        urn,
    };
    if (d.description) violation.description = d.description;
    if (CANT_RUN_AT_PREVIEW.test(d.message)) violation.unknownAtPreview = true;
    return violation;
}

/** The engine reports the `version` of PulumiPolicy.yaml, when it has one, over the pack's own. */
function projectVersion(dir: string): string | undefined {
    try {
        const match = /^version:\s*["']?([^"'\s#]+)/m.exec(fs.readFileSync(path.join(dir, "PulumiPolicy.yaml"), "utf8"));
        return match?.[1];
    } catch {
        return undefined;
    }
}

interface RunningPack {
    /** Set only when another pack has the same name: its place in the list, so its findings stay its own. */
    index?: number;
    client: PackClient;
    name: string;
    version: string;
    policies: number;
    details: PolicyDetails[];
}

async function startPacks(options: AnalyzeOptions): Promise<RunningPack[]> {
    // Read the config files first: a bad file fails before any process starts.
    const userConfigs = options.packs.map((spec) =>
        typeof spec.config === "string"
            ? { config: loadUserConfig(spec.config), source: spec.config }
            : { config: userConfigFrom(spec.config ?? {}), source: undefined },
    );
    const started = await Promise.allSettled(options.packs.map((spec) => PackClient.start(spec.dir, options)));
    const clients = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const failure = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failure) {
        await Promise.all(clients.map((c) => c.close()));
        throw failure.reason;
    }
    try {
        const packs: RunningPack[] = [];
        for (const [index, client] of clients.entries()) {
            const info = await client.getAnalyzerInfo();
            const config = reconcileConfig(info, userConfigs[index].config, userConfigs[index].source);
            const warn = options.onWarning ?? ((message: string) => process.stderr.write(`warning: ${message}\n`));
            for (const warning of unknownSettings(info, userConfigs[index].config, userConfigs[index].source)) warn(formatProblem(warning));
            await client.configure(config);
            const version = projectVersion(client.packDir);
            const details = info.policies.map((p) => {
                const detail: PolicyDetails = { name: p.name, description: p.description, enforcementLevel: config[p.name]?.enforcementLevel ?? p.enforcementLevel, type: p.type };
                if (p.displayName) detail.displayName = p.displayName;
                if (p.severity) detail.severity = p.severity;
                if (p.remediationSteps) detail.remediationSteps = p.remediationSteps;
                if (p.url) detail.url = p.url;
                if (p.tags.length > 0) detail.tags = p.tags;
                return detail;
            });
            packs.push({ index: undefined, client, name: info.name, version: version ?? info.version, policies: info.policies.length, details });
        }
        for (const pack of packs) if (packs.filter((p) => p.name === pack.name).length > 1) pack.index = packs.indexOf(pack);
        return packs;
    } catch (e) {
        await Promise.all(clients.map((c) => c.close()));
        throw e;
    }
}

function tagged<T extends { packIndex?: number }>(item: T, pack: RunningPack): T {
    if (pack.index !== undefined) item.packIndex = pack.index;
    return item;
}

function collect(result: AnalyzeResult, pack: RunningPack, urn: string | undefined, into: AnalysisResult) {
    for (const d of result.diagnostics) into.violations.push(tagged(violationOf({ ...d, policyPackVersion: pack.version }, urn ?? d.urn), pack));
    for (const n of result.notApplicable) {
        if (!n.reason.startsWith(WAIVER_PREFIX)) continue;
        const waiver = tagged<NotApplicable>({ policyPack: pack.name, policy: n.policyName, reason: n.reason }, pack);
        if (urn) waiver.urn = urn;
        into.waivers.push(waiver);
    }
}

/** Which part of a run to make; by default all of it, as the engine does. */
export interface AnalysisScope {
    /** Remediate and Analyze only these resources (URNs); AnalyzeStack, when it runs, still sees every resource. */
    analyze?: ReadonlySet<string>;
    /** Run AnalyzeStack (default true). */
    stack?: boolean;
}

/** Started, configured packs that can analyze several captures of a program (a preview, then an update). */
export interface AnalysisSession {
    /** The packs that were started, with their policies. */
    readonly policyPacks: PolicyPackSummary[];
    /** Sends the resources through the packs as the engine would (ConfigureStack, Remediate, Analyze, AnalyzeStack). */
    run(resources: CapturedResource[], scope?: AnalysisScope): Promise<AnalysisResult>;
    /** Stops the packs. */
    close(): Promise<void>;
}

/** Starts and configures the packs. Throws ConfigError for a bad config and PackError for a pack that fails. */
export async function openAnalysis(options: AnalyzeOptions): Promise<AnalysisSession> {
    const progress = options.onProgress ?? (() => {});
    progress(`starting ${options.packs.length} policy pack${options.packs.length === 1 ? "" : "s"}`);
    const packs = await startPacks(options);
    const policyPacks = packs.map((p) => ({ name: p.name, version: p.version, policies: p.policies, details: p.details }));
    return {
        policyPacks,
        run: (resources, scope = {}) => runPacks(packs, policyPacks, resources, scope, options),
        close: async () => {
            await Promise.all(packs.map((p) => p.client.close()));
        },
    };
}

async function runPacks(
    packs: RunningPack[],
    policyPacks: PolicyPackSummary[],
    resources: CapturedResource[],
    scope: AnalysisScope,
    options: AnalyzeOptions,
): Promise<AnalysisResult> {
    const progress = options.onProgress ?? (() => {});
    const every = options.progressEvery ?? 500;
    const stack = scope.stack ?? true;
    const result: AnalysisResult = { resources, violations: [], waivers: [], remediations: [], policyPacks };
    // The engine sends ConfigureStack once, when it starts the pack (analyzer_plugin.go NewAnalyzer); a session's packs
    // start before the program has run and may judge a preview and then an update, so each run sends its own.
    for (const pack of packs) await pack.client.configureStack(stackConfiguration(resources, options.stack));
    // The engine registers, analyzes and passes to AnalyzeStack the default providers too.
    const registered = withDefaultProviders(resources);
    const byUrn: ByUrn = new Map(registered.map((r) => [r.urn, r]));
    const states: StackResource[] = [];
    const started = Date.now();
    for (const [index, resource] of registered.entries()) {
        const analyzed = !scope.analyze || scope.analyze.has(resource.urn);
        let inputs = resource.inputs;
        // AnalyzeStack sees the remediated state, so every resource is remediated when the stack is analyzed.
        if (analyzed || stack) {
            for (const pack of packs) {
                const remediated = await pack.client.remediate(resourceOf(resource, inputs, byUrn, true));
                for (const r of remediated.remediations) {
                    const remediation = tagged<Remediation>({ policyPack: r.policyPackName, policy: r.policyName, urn: resource.urn }, pack);
                    if (r.diagnostic) {
                        // The engine shows a remediation that could not run as an advisory violation.
                        remediation.diagnostic = r.diagnostic;
                        result.violations.push(
                            tagged(violationOf({ ...r, policyPackVersion: pack.version, message: r.diagnostic, enforcementLevel: "advisory" }, resource.urn), pack),
                        );
                    } else if (r.properties) {
                        const changes = propertyChanges(withSecrets(inputs, resource.secrets), r.properties).map(redactChange);
                        if (changes.length > 0) remediation.changes = changes;
                        if (options.applyRemediations !== false) inputs = r.properties;
                    }
                    result.remediations.push(remediation);
                }
            }
        }
        if (analyzed) {
            for (const pack of packs) {
                collect(await pack.client.analyze(resourceOf(resource, inputs, byUrn)), pack, resource.urn, result);
            }
        }
        if (stack) states.push(stackResourceOf(resource, outputsAfterRemediation(resource, inputs), byUrn));
        if ((index + 1) % every === 0) progress(`analyzed ${index + 1} of ${resources.length} resources (${Math.round((index + 1) / Math.max((Date.now() - started) / 1000, 0.001))} resources/s)`);
    }
    if (stack) {
        progress(`analyzing the stack (${resources.length} resources)`);
        const sent = options.shuffleStack === undefined ? states : shuffledBy(states, options.shuffleStack);
        for (const pack of packs) collect(await pack.client.analyzeStack(sent), pack, undefined, result);
    }
    return result;
}

/**
 * Runs the packs over the resources as the engine would during `pulumi preview --policy-pack ...`.
 * Throws ConfigError for a bad config and PackError for a pack that fails; every pack is closed on return.
 */
export async function analyzeResources(resources: CapturedResource[], options: AnalyzeOptions): Promise<AnalysisResult> {
    const session = await openAnalysis(options);
    try {
        return await session.run(resources);
    } finally {
        await session.close();
    }
}
