/** What the checker's parts hand each other: a captured program, and the pack's verdicts on it. */

/** One resource registered by a program run on mocks, as the engine would know it. */
export interface CapturedResource {
    urn: string;
    type: string;
    name: string;
    /** A custom resource (false for components and the stack). */
    custom: boolean;
    parent?: string;
    /** URNs this resource depends on (explicit dependsOn and every resource its inputs came from). */
    dependencies: string[];
    /** Top-level input property -> URNs of the resources its value came from. */
    propertyDependencies: Record<string, string[]>;
    /** URN of the explicit provider, if any. */
    provider?: string;
    /**
     * Inputs after the provider's Check (checker/engine-model.ts: auto-names, Terraform defaults, JSON documents
     * serialised, the bridge's `__defaults` keys); unknowns as the engine's sentinels.
     */
    inputs: Record<string, unknown>;
    /** State after the step: the planned state at a preview (computed attributes unknown), what AWS returns at an update. AnalyzeStack sees these. */
    outputs: Record<string, unknown>;
    /** The resource options the engine sends analyzers (the parent is `parent`). */
    options?: CapturedOptions;
    /** The provider package version the SDK asked for (the engine names the default provider after it). */
    packageVersion?: string;
    /** The default provider the engine registers for it when it names no provider (checker/default-providers.ts). */
    defaultProvider?: DefaultProviderRef;
    /** Paths ("a.b.0") of the inputs the program marked secret; `inputs` holds their values plainly. */
    secrets?: string[];
    /** Where the program registered it (see SourcePosition); absent when no stack frame had a position. */
    sourcePosition?: SourcePosition;
    /**
     * A multi-language component (`remote: true`, as @pulumi/awsx and @pulumi/aws-apigateway register theirs): its
     * provider plugin builds its children at a real preview, so on mocks it has none.
     */
    remote?: boolean;
}

/** A default provider resource, as the engine registers it: `pulumi:providers:<package>` named `default_<version>`. */
export interface DefaultProviderRef {
    urn: string;
    type: string;
    name: string;
    /** The package's config (`aws:region` -> `region`), `version`, and the engine's `__internal` key. */
    inputs: Record<string, unknown>;
}

/** Resource options as analyzers receive them (pulumi/pulumi AnalyzerResourceOptions); custom timeouts in seconds. */
export interface CapturedOptions {
    protect?: boolean;
    ignoreChanges?: string[];
    deleteBeforeReplace?: boolean;
    additionalSecretOutputs?: string[];
    aliases?: string[];
    customTimeouts?: { create?: number; update?: number; delete?: number };
}

/**
 * A place in the program's code: absolute file, 1-based line and column. The Node SDK sends one with every
 * registration (`sourcePosition`, @pulumi/pulumi resource.js: the first frame after the resource class
 * constructors); the capture keeps it, or, when that frame is inside node_modules (a subclass of a resource
 * class, a library helper), the first frame of the same registration's stack trace outside node_modules.
 */
export interface SourcePosition {
    file: string;
    line: number;
    column: number;
}

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

export interface Violation {
    policyPack: string;
    policyPackVersion: string;
    policy: string;
    enforcementLevel: EnforcementLevel;
    severity?: string;
    message: string;
    /** The policy's description, as the diagnostic carries it (the engine's `message` starts with it). */
    description?: string;
    /** The resource the violation is reported on; undefined for a stack-level finding. */
    urn?: string;
    /** Set on the engine's "can't run policy ... during preview" advisory: a value the policy needs is unknown. */
    unknownAtPreview?: boolean;
    /** Which pack (its index in `policyPacks`) reported it; set only when two analyzed packs share a name. */
    packIndex?: number;
}

export interface NotApplicable {
    policyPack: string;
    policy: string;
    reason: string;
    urn?: string;
    /** Which pack (its index in `policyPacks`) reported it; set only when two analyzed packs share a name. */
    packIndex?: number;
}

export interface Remediation {
    policyPack: string;
    policy: string;
    urn: string;
    diagnostic?: string;
    /** Which pack (its index in `policyPacks`) reported it; set only when two analyzed packs share a name. */
    packIndex?: number;
    /** What the remediation changed, leaf by leaf (`memorySize` 128 -> 1024). */
    changes?: PropertyChange[];
}

export interface PropertyChange {
    /** Dotted path of the property (`environment.variables.MODE`, `layers.0`). */
    path: string;
    /** Absent when the remediation added the property. */
    before?: unknown;
    /** Absent when the remediation removed the property. */
    after?: unknown;
}

/** A policy as its pack describes it (GetAnalyzerInfo), with the level the merged config gives it. */
export interface PolicyDetails {
    name: string;
    displayName?: string;
    description: string;
    /** The level after config: what the engine enforces; "disabled" policies do not run. */
    enforcementLevel: EnforcementLevel;
    type?: "resource" | "stack" | "unknown";
    severity?: string;
    remediationSteps?: string;
    url?: string;
    tags?: string[];
}

export interface PolicyPackSummary {
    name: string;
    version: string;
    /** Policies in the pack, disabled ones included. */
    policies: number;
    details?: PolicyDetails[];
}

export interface AnalysisResult {
    resources: CapturedResource[];
    violations: Violation[];
    /** Policies that declared themselves not applicable with a reason starting "waived:". */
    waivers: NotApplicable[];
    remediations: Remediation[];
    policyPacks: PolicyPackSummary[];
}
