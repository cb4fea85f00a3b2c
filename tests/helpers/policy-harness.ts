/**
 * Runs one policy in-process the way @pulumi/policy's server does for the engine: props through the
 * unknown-checking proxy, the provider's Check defaults filled in, config with schema defaults merged
 * and validated, violations, "can't run during preview" advisories and not-applicable reasons told apart.
 */
import Ajv, { type ValidateFunction } from "ajv";
import {
    PolicyResource,
    ResourceValidationPolicy,
    StackValidationPolicy,
    UnknownValueError,
    unknownCheckingProxy,
} from "@pulumi/policy";
import { withProviderDefaults } from "../../checker/provider-defaults";
import type { CapturedResource } from "../../checker/types";
import { providerOf, withDefaultProviders } from "../../checker/default-providers";
import { analyzerProperties } from "../../checker/engine-model";
import { jsonCopy } from "./json-copy";

/** The engine's sentinel for an unknown value (a computed output during a first preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface Outcome {
    /** The policy's own messages, one per violation. */
    violations: string[];
    /** Set when the engine would print "can't run policy ... during preview". */
    cantRunAtPreview?: string;
    /** Set when the policy declared itself not applicable (waivers). */
    notApplicable?: string;
    /** For stack policies: the URN each violation was reported on. */
    urns: (string | undefined)[];
}

class NotApplicable extends Error {
    constructor(readonly reason?: string) {
        super(reason);
    }
}

const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: false });
const noProperties: Record<string, any> = {};
/** The compiled validator of each policy's config schema (compiling it per call was most of a small suite's time). */
const validators = new WeakMap<object, ValidateFunction>();

function validatorOf(properties: Record<string, any>): ValidateFunction {
    let validate = validators.get(properties);
    if (!validate) {
        validate = ajv.compile({ type: "object", properties });
        validators.set(properties, validate);
    }
    return validate;
}

/** Config as the engine hands it to the policy: schema defaults, then the given values; validated. */
export function engineConfig(policy: { name: string; configSchema?: { properties: Record<string, any> } }, config: Record<string, unknown> = {}) {
    const properties = policy.configSchema?.properties ?? noProperties;
    const merged: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(properties)) {
        if (schema.default !== undefined) merged[key] = structuredClone(schema.default);
    }
    Object.assign(merged, config);
    const validate = validatorOf(properties);
    if (!validate(merged)) {
        throw new Error(`config for ${policy.name} fails its schema: ${ajv.errorsText(validate.errors)}`);
    }
    return merged;
}

export function urnOf(type: string, name: string) {
    return `urn:pulumi:test::test::${type}::${name}`;
}

/**
 * The props as the engine's wire carries them (a JSON round trip), made in this realm: Jest's structuredClone
 * returns objects the unknown-checking proxy leaves unwrapped.
 */
const clone = jsonCopy;

export interface ResourceInput {
    type: string;
    props: Record<string, unknown>;
    name?: string;
    config?: Record<string, unknown>;
    /** Skip the provider's Check defaults (to test a host that does not fill them). */
    noProviderDefaults?: boolean;
}

function resourceArgs(policy: ResourceValidationPolicy, input: ResourceInput, props: Record<string, any>) {
    const name = input.name ?? "res";
    const config = engineConfig(policy, input.config);
    return {
        type: input.type,
        props,
        urn: urnOf(input.type, name),
        name,
        opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
        stackTags: new Map<string, string>(),
        isType: () => false,
        asType: () => undefined,
        getConfig: () => ({ ...config }) as any,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
}

function inputsOf(input: ResourceInput) {
    return input.noProviderDefaults ? clone(input.props) : withProviderDefaults(input.type, clone(input.props));
}

/** Analyze: every validation of the policy that applies to the resource's type. */
export async function analyze(policy: ResourceValidationPolicy, input: ResourceInput): Promise<Outcome> {
    const outcome: Outcome = { violations: [], urns: [] };
    // As the server does: a single function with a type token is skipped for other types; every function
    // of an array runs on every resource.
    if (!Array.isArray(policy.validateResource)) {
        const pulumiType = (policy.validateResource as any)?.__pulumiType;
        if (pulumiType && pulumiType !== input.type) return outcome;
    }
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : policy.validateResource ? [policy.validateResource] : [];
    for (const validation of validations) {
        const args = resourceArgs(policy, input, unknownCheckingProxy(inputsOf(input)));
        try {
            await validation(args as any, (message?: any, urn?: string) => {
                outcome.violations.push(String(message ?? ""));
                outcome.urns.push(urn);
            });
        } catch (e) {
            if (e instanceof UnknownValueError) outcome.cantRunAtPreview = (e as Error).message;
            else if (e instanceof NotApplicable) outcome.notApplicable = e.reason;
            else throw e;
        }
    }
    return outcome;
}

/** Remediate: the properties the policy's remediation returns (undefined when it changes nothing). */
export async function remediate(policy: ResourceValidationPolicy, input: ResourceInput): Promise<Record<string, unknown> | undefined> {
    if (!policy.remediateResource) throw new Error(`${policy.name} has no remediation`);
    const args = resourceArgs(policy, input, unknownCheckingProxy(inputsOf(input)));
    const result = await policy.remediateResource(args as any);
    if (!result) return undefined;
    // The server serializes the proxy's target, so unknowns a remediation leaves in place travel as sentinels.
    const target = (result as any).__isSpecialProxy === true ? (result as any).__getSpecialProxyTarget : result;
    return JSON.parse(JSON.stringify(target));
}

export interface StackResourceInput {
    type: string;
    name: string;
    props: Record<string, unknown>;
    /** Name of the parent resource. */
    parent?: string;
    /** Names of the resources this one depends on. */
    dependencies?: string[];
    /** Property name -> names of the resources that property's value came from. */
    propertyDependencies?: Record<string, string[]>;
}

/** A resource of a stack as the server receives it: references by URN. */
interface StackEntry {
    type: string;
    name: string;
    urn: string;
    props: Record<string, unknown>;
    parent?: string;
    provider?: string;
    dependencies?: readonly string[];
    propertyDependencies?: Record<string, readonly string[]>;
}

/**
 * AnalyzeStack as the server runs it: the resources as PolicyResources with parent, dependencies and property
 * dependencies resolved to resource objects (URNs outside the stack are dropped). Each call runs in its own
 * turn of the event loop, as each AnalyzeStack RPC does.
 */
async function runStackPolicy(policy: StackValidationPolicy, given: readonly StackEntry[], config: Record<string, unknown>, keepOrder = false): Promise<Outcome> {
    await new Promise((resolve) => setImmediate(resolve));
    // The engine sends AnalyzeStack's resources in no guaranteed order (a map range in step_generator.go): shuffle
    // them, seeded by the stack so a failure reproduces, and report the findings in registration order.
    const order = new Map(given.map((r, i) => [r.urn, i]));
    const entries = keepOrder ? [...given] : shuffled(given);
    const byUrn = new Map<string, PolicyResource>();
    const built = entries.map((r) => {
        const resource = {
            type: r.type,
            props: unknownCheckingProxy(clone(r.props)),
            urn: r.urn,
            name: r.name,
            opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
            dependencies: [] as PolicyResource[],
            propertyDependencies: {} as Record<string, PolicyResource[]>,
            isType: () => false,
            asType: () => undefined,
        } as unknown as PolicyResource;
        byUrn.set(r.urn, resource);
        return resource;
    });
    const resolve = (urns: readonly string[] | undefined) => (urns ?? []).flatMap((urn) => byUrn.get(urn) ?? []);
    entries.forEach((r, i) => {
        const resource = built[i] as any;
        const parent = r.parent ? byUrn.get(r.parent) : undefined;
        if (parent) resource.parent = parent;
        if (r.provider && byUrn.get(r.provider)) resource.provider = byUrn.get(r.provider);
        resource.dependencies = resolve(r.dependencies);
        for (const [property, urns] of Object.entries(r.propertyDependencies ?? {})) resource.propertyDependencies[property] = resolve(urns);
    });
    const merged = engineConfig(policy, config);
    const outcome: Outcome = { violations: [], urns: [] };
    try {
        await policy.validateStack(
            {
                resources: built,
                getConfig: () => ({ ...merged }) as any,
                stackTags: new Map(),
                notApplicable: (reason?: string): never => {
                    throw new NotApplicable(reason);
                },
            } as any,
            (message?: any, urn?: string) => {
                outcome.violations.push(String(message ?? ""));
                outcome.urns.push(urn);
            },
        );
    } catch (e) {
        if (e instanceof UnknownValueError) outcome.cantRunAtPreview = (e as Error).message;
        else if (e instanceof NotApplicable) outcome.notApplicable = e.reason;
        else throw e;
    }
    return inRegistrationOrder(outcome, order);
}

// Held once: under Jest every global lookup goes through the sandbox's global proxy, and the seed takes one per character.
const { floor, imul } = Math;

/** A copy of `entries` in an order drawn from their URNs (a stable seed per stack). */
function shuffled<E extends { urn: string }>(entries: readonly E[]): E[] {
    let seed = 0;
    for (const entry of entries) for (let i = 0; i < entry.urn.length; i++) seed = (imul(seed, 31) + entry.urn.charCodeAt(i)) >>> 0;
    const next = () => {
        seed = (seed + 0x6d2b79f5) >>> 0;
        let t = seed;
        t = imul(t ^ (t >>> 15), t | 1);
        t ^= t + imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const result = [...entries];
    for (let i = result.length - 1; i > 0; i--) {
        const j = floor(next() * (i + 1));
        [result[i], result[j]] = [result[j], result[i]];
    }
    return result;
}

/** The findings sorted by the registration order of the resource they are reported on (stack-level ones last), stable otherwise. */
function inRegistrationOrder(outcome: Outcome, order: ReadonlyMap<string, number>): Outcome {
    const rank = (urn: string | undefined) => (urn !== undefined && order.has(urn) ? order.get(urn)! : order.size);
    const pairs = outcome.violations.map((message, i) => ({ message, urn: outcome.urns[i], i }));
    pairs.sort((a, b) => rank(a.urn) - rank(b.urn) || a.i - b.i);
    return { ...outcome, violations: pairs.map((p) => p.message), urns: pairs.map((p) => p.urn) };
}

export interface StackOptions {
    /** The props are final (a mode of tests/helpers/graph-fixtures.ts applied them): no Check defaults added. */
    asIs?: boolean;
    /** Hand the resources over in the given order (unit tests of graph helpers that index `ofType`); shuffled otherwise. */
    keepOrder?: boolean;
}

/** AnalyzeStack over a hand-built graph: references by name, the provider's Check defaults filled in. */
export function analyzeStack(policy: StackValidationPolicy, resources: StackResourceInput[], config: Record<string, unknown> = {}, options: StackOptions = {}): Promise<Outcome> {
    const urnByName = new Map(resources.map((r) => [r.name, urnOf(r.type, r.name)]));
    const urns = (names: string[] | undefined) =>
        (names ?? []).map((name) => {
            const urn = urnByName.get(name);
            if (!urn) throw new Error(`test graph: no resource named ${name}`);
            return urn;
        });
    const entries = resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: urnOf(r.type, r.name),
        props: options.asIs ? r.props : withProviderDefaults(r.type, r.props),
        parent: r.parent ? urns([r.parent])[0] : undefined,
        dependencies: urns(r.dependencies),
        propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([property, names]) => [property, urns(names)])),
    }));
    return runStackPolicy(policy, entries, config, options.keepOrder);
}

/** AnalyzeStack over resources captured from a program (`checker/capture.ts`): each one's state (outputs) and references. */
export function analyzeCapturedStack(policy: StackValidationPolicy, captured: readonly CapturedResource[], config: Record<string, unknown> = {}): Promise<Outcome> {
    // As the engine sends them: the default providers included, each resource with its provider, no top-level `__` keys.
    const registered = withDefaultProviders(captured).map((r) => ({ ...r, provider: providerOf(r), props: analyzerProperties(r.outputs ?? {}) }));
    return runStackPolicy(policy, registered, config);
}
