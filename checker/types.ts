/** What the checker's parts hand each other: a captured program, and the pack's verdicts on it. */

/** One resource registered by a program run on mocks, as the engine would know it. */
export interface CapturedResource {
    /** The resource's URN, as the engine builds it (`urn:pulumi:<stack>::<project>::<parent types$><type>::<name>`). */
    urn: string;
    /** The resource type token, e.g. `aws:lambda/function:Function` (`pulumi:pulumi:Stack` for the stack). */
    type: string;
    /** The name the program gave it. */
    name: string;
    /** A custom resource (false for components and the stack). */
    custom: boolean;
    /** URN of its parent (the stack for a top-level resource); absent for the stack itself. */
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
    /** The provider's URN. */
    urn: string;
    /** `pulumi:providers:<package>`, e.g. `pulumi:providers:aws`. */
    type: string;
    /** `default_<version>` with the version's dots as underscores, e.g. `default_7_48_0` (`default` without a version). */
    name: string;
    /** The package's config (`aws:region` -> `region`), `version`, and the engine's `__internal` key. */
    inputs: Record<string, unknown>;
}

/** Resource options as analyzers receive them (pulumi/pulumi AnalyzerResourceOptions); custom timeouts in seconds. */
export interface CapturedOptions {
    /** `protect: true` was set; absent otherwise. */
    protect?: boolean;
    /** The properties `ignoreChanges` names; absent when none. */
    ignoreChanges?: string[];
    /** `deleteBeforeReplace`, when the program set it. */
    deleteBeforeReplace?: boolean;
    /** The outputs `additionalSecretOutputs` names; absent when none. */
    additionalSecretOutputs?: string[];
    /** URNs of the resource's aliases (alias specs resolved to URNs); absent when none. */
    aliases?: string[];
    /** `customTimeouts`, in seconds; only the operations the program gave a timeout. */
    customTimeouts?: {
        /** Seconds the create may take. */
        create?: number;
        /** Seconds an update may take. */
        update?: number;
        /** Seconds the delete may take. */
        delete?: number;
    };
}

/**
 * A place in the program's code: absolute file, 1-based line and column. The Node SDK sends one with every
 * registration (`sourcePosition`, @pulumi/pulumi resource.js: the first frame after the resource class
 * constructors); the capture keeps it, or, when that frame is inside node_modules (a subclass of a resource
 * class, a library helper), the first frame of the same registration's stack trace outside node_modules.
 */
export interface SourcePosition {
    /** Absolute path of the file. */
    file: string;
    /** 1-based line. */
    line: number;
    /** 1-based column. */
    column: number;
}

/** A policy's enforcement level, as CrossGuard names them. */
export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

/** A policy's finding on a resource (or on the stack), as the engine reports it. */
export interface Violation {
    /** Name of the policy pack that reported it. */
    policyPack: string;
    /** That pack's version. */
    policyPackVersion: string;
    /** Name of the policy. */
    policy: string;
    /** `advisory` or `mandatory` (a `remediate` policy's finding counts as mandatory, as in the engine). */
    enforcementLevel: EnforcementLevel;
    /** The policy's severity (e.g. `low`, `medium`, `high`, `critical`), when it declares one. */
    severity?: string;
    /** The engine's message: the policy's description, then what the policy reported. */
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

/** A policy that declared itself not applicable to a resource (or to the stack), with its reason. */
export interface NotApplicable {
    /** Name of the policy pack. */
    policyPack: string;
    /** Name of the policy. */
    policy: string;
    /** The reason the policy gave (a waiver's starts with "waived:"). */
    reason: string;
    /** The resource; undefined for a stack policy. */
    urn?: string;
    /** Which pack (its index in `policyPacks`) reported it; set only when two analyzed packs share a name. */
    packIndex?: number;
}

/** A remediation a policy made (or failed to make) to a resource's inputs. */
export interface Remediation {
    /** Name of the policy pack. */
    policyPack: string;
    /** Name of the remediating policy. */
    policy: string;
    /** The resource it remediated. */
    urn: string;
    /** Why the remediation could not run; set instead of `changes` (the engine also reports it as an advisory violation). */
    diagnostic?: string;
    /** Which pack (its index in `policyPacks`) reported it; set only when two analyzed packs share a name. */
    packIndex?: number;
    /** What the remediation changed, leaf by leaf (`memorySize` 128 -> 1024). */
    changes?: PropertyChange[];
}

/** One leaf a remediation changed. */
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
    /** The policy's name, e.g. `lambda-timeout`. */
    name: string;
    /** Its display name, when it has one. */
    displayName?: string;
    /** Its description. */
    description: string;
    /** The level after config: what the engine enforces; "disabled" policies do not run. */
    enforcementLevel: EnforcementLevel;
    /** A resource policy (Analyze) or a stack policy (AnalyzeStack). */
    type?: "resource" | "stack" | "unknown";
    /** Its severity, when it declares one. */
    severity?: string;
    /** What to do about a violation, when the policy says. */
    remediationSteps?: string;
    /** A link to more about the policy, when it has one. */
    url?: string;
    /** Its tags, when it has any. */
    tags?: string[];
}

/** A policy pack that took part in an analysis. */
export interface PolicyPackSummary {
    /** The pack's name. */
    name: string;
    /** Its version (PulumiPolicy.yaml's `version` over the pack's own, as the engine reports it). */
    version: string;
    /** Policies in the pack, disabled ones included. */
    policies: number;
    /** Each policy, with the level the merged config gives it. */
    details?: PolicyDetails[];
}

/** What an analysis found: the resources it saw and the packs' verdicts on them. */
export interface AnalysisResult {
    /** The captured resources, in registration order. */
    resources: CapturedResource[];
    /** Every violation, can't-run-at-preview notices (`unknownAtPreview`) included, in the order the packs reported them. */
    violations: Violation[];
    /** Policies that declared themselves not applicable with a reason starting "waived:". */
    waivers: NotApplicable[];
    /** Every remediation the packs made or failed to make. */
    remediations: Remediation[];
    /** The packs that ran. */
    policyPacks: PolicyPackSummary[];
}
