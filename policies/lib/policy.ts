import type {
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { annotateOrder, configContradictions, type ConfigOrder } from "./config-rules";
import { unwrap } from "./props";
import { applyRemediation, remediatedProperties, remediationInput } from "./remediation";
import { findWaiver, waiversSchema, type Waiver } from "./waivers";

export { findWaiver, waiversSchema, type Waiver } from "./waivers";

/** Where each policy's documentation lives: its section of the README. */
export const README_URL = "https://github.com/serverless-guardrails/serverless-guardrails/blob/main/README.md";

export interface CommonConfig {
    waivers?: Waiver[];
}

/** What every policy of the pack declares, beyond its check. */
export interface PolicyMetadata {
    name: string;
    displayName: string;
    /** Why the policy exists: the failure it prevents. */
    description: string;
    enforcementLevel: EnforcementLevel;
    severity: Severity;
    remediationSteps: string;
    tags: string[];
    /** JSON-schema properties of the policy's own settings, each with its default. */
    config?: Record<string, PolicyConfigJSONSchema>;
    /** Pairs of settings `[lower, upper]` where `lower` may not be above `upper` (see config-rules.ts). */
    configOrder?: readonly ConfigOrder[];
}

/**
 * The resource a check looks at. `props` is the engine's unknown-checking proxy; `raw` the plain object, with
 * secrets read as their values in Analyze and Remediate alike (show a value in a message through `shown`).
 */
export interface CheckedResource {
    type: string;
    name: string;
    urn: string;
    props: Record<string, any>;
    raw: unknown;
}

/** A check returns nothing when the resource complies, else one message per violation. */
export type CheckResult = string | string[] | undefined | void;

export interface ResourcePolicyDefinition<C> extends PolicyMetadata {
    resourceTypes: readonly string[];
    check(resource: CheckedResource, config: C & CommonConfig): CheckResult;
    /**
     * The top-level properties to set, read from `resource.raw`; undefined when there is nothing to change. A property
     * that was secret (or held a secret) stays secret with its new value.
     */
    remediate?(resource: CheckedResource, config: C & CommonConfig): Record<string, unknown> | undefined;
}

function configSchema(def: PolicyMetadata) {
    return { properties: { ...annotateOrder(def.config ?? {}, def.configOrder), waivers: waiversSchema } };
}

const schemaDefaults = new WeakMap<PolicyMetadata, Record<string, unknown>>();

/**
 * The policy's configuration: what the engine configured, over the schema defaults (the engine
 * merges them too; merging again keeps the policy right under a host that does not).
 */
export function configOf<C>(def: PolicyMetadata, configured: object): C & CommonConfig {
    let defaults = schemaDefaults.get(def);
    if (!defaults) {
        defaults = {};
        for (const [key, schema] of Object.entries(def.config ?? {})) {
            if (schema.default !== undefined) defaults[key] = schema.default;
        }
        schemaDefaults.set(def, defaults);
    }
    return { ...defaults, ...configured } as C & CommonConfig;
}

function metadataOf(def: PolicyMetadata) {
    return {
        name: def.name,
        displayName: def.displayName,
        description: def.description,
        enforcementLevel: def.enforcementLevel,
        severity: def.severity,
        remediationSteps: def.remediationSteps,
        tags: def.tags,
        url: `${README_URL}#${def.name}`,
        configSchema: configSchema(def),
    };
}

function messagesOf(result: CheckResult): string[] {
    if (!result) return [];
    return Array.isArray(result) ? result : [result];
}

/** Attaches the type token so that the engine skips other resource types without calling us. */
function ofType<F extends object>(type: string, fn: F): F {
    (fn as any).__pulumiType = type;
    return fn;
}

function checkedResource(args: ResourceValidationArgs, raw: unknown = unwrap(args.props)): CheckedResource {
    return { type: args.type, name: args.name, urn: args.urn, props: args.props, raw };
}

/** The violation a policy reports, instead of judging, when its own settings contradict each other. */
export function contradictionMessage(def: PolicyMetadata, problems: string[]): string {
    return (
        `The configuration of policy ${def.name} is contradictory: ${problems.join("; ")}, so nothing can comply. ` +
        "Fix the policy's settings in the policy pack config; the resource was not judged."
    );
}

/** A policy that judges one resource at a time. */
export function resourcePolicy<C = {}>(def: ResourcePolicyDefinition<C>): ResourceValidationPolicy {
    const validate = (args: ResourceValidationArgs, report: ReportViolation) => {
        const config = configOf<C>(def, args.getConfig());
        const waiver = findWaiver(config.waivers, args.name, args.urn);
        if (waiver) args.notApplicable(`waived: ${waiver.reason}`);
        const contradictions = configContradictions(def.configOrder, config as Record<string, unknown>);
        if (contradictions.length > 0) return report(contradictionMessage(def, contradictions));
        for (const message of messagesOf(def.check(checkedResource(args), config))) report(message);
    };
    // The server skips a resource without deserializing it only when `validateResource` is a single function
    // carrying the type token; an array, or a function without a token, runs on every resource.
    const [onlyType] = def.resourceTypes;
    const single = def.resourceTypes.length === 1;
    const policy: ResourceValidationPolicy = {
        ...metadataOf(def),
        validateResource: single
            ? ofType(onlyType, validate)
            : (args: ResourceValidationArgs, report: ReportViolation) => {
                  if (def.resourceTypes.includes(args.type)) validate(args, report);
              },
    };
    if (def.remediate) {
        const remediate = def.remediate;
        const remediateResource = (args: ResourceValidationArgs) => {
            if (!def.resourceTypes.includes(args.type)) return undefined;
            const config = configOf<C>(def, args.getConfig());
            if (findWaiver(config.waivers, args.name, args.urn)) return undefined;
            if (configContradictions(def.configOrder, config as Record<string, unknown>).length > 0) return undefined;
            const input = remediationInput(args.props);
            const changes = remediate(checkedResource(args, input.raw), config);
            if (!changes || Object.keys(changes).length === 0) return undefined;
            return remediatedProperties(applyRemediation(input.target, changes));
        };
        policy.remediateResource = single ? ofType(onlyType, remediateResource) : remediateResource;
    }
    return policy;
}

/** A violation found by a stack policy, reported on the resource that must change. */
export interface StackFinding {
    urn: string;
    name: string;
    message: string;
}

export interface StackPolicyDefinition<C, G> extends PolicyMetadata {
    check(graph: G, config: C & CommonConfig): Iterable<StackFinding>;
}

/**
 * A policy that judges relations between resources. `buildGraph` is called once per AnalyzeStack
 * and shared by every stack policy of the pack (see graph.ts). Waived findings are dropped and
 * their reasons reported once through notApplicable, after the violations.
 */
export function stackPolicy<C, G>(
    def: StackPolicyDefinition<C, G>,
    graphOf: (args: StackValidationArgs) => G,
): StackValidationPolicy {
    return {
        ...metadataOf(def),
        validateStack: (args: StackValidationArgs, report: ReportViolation) => {
            const config = configOf<C>(def, args.getConfig());
            const contradictions = configContradictions(def.configOrder, config as Record<string, unknown>);
            if (contradictions.length > 0) return report(contradictionMessage(def, contradictions));
            const waived: string[] = [];
            for (const finding of def.check(graphOf(args), config)) {
                const waiver = findWaiver(config.waivers, finding.name, finding.urn);
                if (waiver) waived.push(`${finding.name}: ${waiver.reason}`);
                else report(finding.message, finding.urn);
            }
            if (waived.length > 0) args.notApplicable(`waived: ${waived.join("; ")}`);
        },
    };
}
