/**
 * Hand-built stack graphs for stack-policy tests, and the three ways AnalyzeStack sees them:
 * - update (`atUpdate`): what AWS returns after the create: the props, the provider's Check, and every
 *   attribute the provider computes that the graph leaves out at AWS's value or the empty one of its kind;
 * - the checker's preview (`atFirstPreview`): every ARN, id, name and URL unknown, and every value built
 *   from one (an interpolated string, a JSON document) unknown too;
 * - the planned state (`atPlannedState`), what the engine sends at a first preview: the provider's Check
 *   (auto-names known), every computed attribute unknown, Optional+Computed ones the graph leaves out
 *   included, and every value built from an unknown one unknown.
 * Joins must still work through `propertyDependencies`, which every mode keeps.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { ResourceGraph, graphOf } from "../../policies/lib/graph";
import { tableOf } from "../../checker/aws-tables";
import { checkResource, plannedState } from "../../checker/engine-model";
import { defaultEnvironment, resourceState } from "../../checker/mocks";
import type { Outcome, StackResourceInput } from "./policy-harness";
import { UNKNOWN, analyzeStack, urnOf } from "./policy-harness";
import { createRandom, randomGraph, type RandomResource } from "./fuzz";

const REGION = "us-east-1";
const ACCOUNT = "123456789012";

/** Known identities of a resource of `type` named `name`, as its outputs carry them after creation. */
export function identityOf(type: string, name: string): Record<string, string> {
    const arn = (service: string, resource: string, sep = ":") => `arn:aws:${service}:${REGION}:${ACCOUNT}${sep}${resource}`;
    switch (type) {
        case "aws:sqs/queue:Queue": {
            const url = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`;
            return { arn: arn("sqs", name), name, url, id: url };
        }
        case "aws:sns/topic:Topic":
            return { arn: arn("sns", name), name, id: arn("sns", name) };
        case "aws:lambda/capacityProvider:CapacityProvider":
            return { arn: arn("lambda", `capacity-provider:${name}`), name, id: name };
        case "aws:lambda/alias:Alias":
            // An alias ARN is its function's ARN and the alias name; tests that need the function's set `arn` themselves.
            return { arn: arn("lambda", `function:${name}-function:${name}`), name, id: arn("lambda", `function:${name}-function:${name}`) };
        case "aws:lambda/function:Function":
            return { arn: arn("lambda", `function:${name}`), name, id: name, invokeArn: `arn:aws:apigateway:${REGION}:lambda:path/functions/${arn("lambda", `function:${name}`)}/invocations` };
        case "aws:s3/bucket:Bucket":
        case "aws:s3/bucketV2:BucketV2":
            return { arn: `arn:aws:s3:::${name}`, bucket: name, id: name };
        case "aws:kinesis/stream:Stream":
            return { arn: arn("kinesis", `stream/${name}`), name, id: arn("kinesis", `stream/${name}`) };
        case "aws:dynamodb/table:Table":
            return { arn: arn("dynamodb", `table/${name}`), name, id: name, streamArn: arn("dynamodb", `table/${name}/stream/2026-01-01T00:00:00.000`) };
        case "aws:cloudwatch/eventBus:EventBus":
            return { arn: arn("events", `event-bus/${name}`), name, id: name };
        case "aws:cloudwatch/eventRule:EventRule":
            return { arn: arn("events", `rule/${name}`), name, id: name };
        case "aws:iam/role:Role":
            return { arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, name, id: name };
        case "aws:iam/policy:Policy":
            return { arn: `arn:aws:iam::${ACCOUNT}:policy/${name}`, name, id: `arn:aws:iam::${ACCOUNT}:policy/${name}` };
        default:
            return { id: `${name}-id` };
    }
}

/** A resource with its known identities (arn, name, url, id...) over `props`. */
export function resource(
    type: string,
    name: string,
    props: Record<string, unknown> = {},
    propertyDependencies?: Record<string, string[]>,
    parent?: string,
): StackResourceInput {
    const deps = propertyDependencies ? { propertyDependencies, dependencies: [...new Set(Object.values(propertyDependencies).flat())] } : {};
    return { type, name, props: { ...identityOf(type, name), ...props }, ...deps, ...(parent ? { parent } : {}) };
}

/** The value of an identity of a resource in the graph (for writing references). */
export function ref(graph: readonly StackResourceInput[], name: string, key = "arn"): string {
    const found = graph.find((r) => r.name === name);
    const value = found?.props[key];
    if (typeof value !== "string") throw new Error(`test graph: ${name} has no ${key}`);
    return value;
}

const IDENTITY_KEYS = new Set(["arn", "id", "name", "url", "bucket", "streamArn", "invokeArn", "functionName", "executionArn", "apiEndpoint"]);

function identitiesIn(graph: readonly StackResourceInput[]): { exact: Set<string>; embedded: string[] } {
    const exact = new Set<string>();
    const embedded: string[] = [];
    for (const r of graph) {
        for (const [key, value] of Object.entries(r.props)) {
            if (!IDENTITY_KEYS.has(key) || typeof value !== "string" || value.length === 0) continue;
            exact.add(value);
            if (value.startsWith("arn:") || value.startsWith("https://")) embedded.push(value);
        }
    }
    return { exact, embedded };
}

function rewrite(value: unknown, ids: { exact: Set<string>; embedded: string[] }): unknown {
    if (typeof value === "string") {
        if (ids.exact.has(value) || ids.embedded.some((id) => value.includes(id))) return UNKNOWN;
        return value;
    }
    if (Array.isArray(value)) return value.map((item) => rewrite(item, ids));
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, ids)]));
    }
    return value;
}

/**
 * The same graph as a first preview sees it: identity outputs unknown, and every string that is or
 * contains one (a reference, an interpolation, a JSON document) unknown. Property dependencies,
 * parents and every other literal are kept.
 */
export function atFirstPreview(graph: readonly StackResourceInput[]): StackResourceInput[] {
    const ids = identitiesIn(graph);
    return graph.map((r) => {
        const props: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(r.props)) {
            props[key] = IDENTITY_KEYS.has(key) && typeof value === "string" ? UNKNOWN : rewrite(value, ids);
        }
        return { ...r, props };
    });
}

const ODD_VALUES: unknown[] = [null, undefined, "", "x", "{not json", "[]", 0, -1, 1e308, NaN, true, [], [null], {}, { a: [1] }, [{}], UNKNOWN, ["04da6b54-80e4-46f7-96ec-b56ff0331ba9"]];

/**
 * Variants of `graph` with props replaced by odd values (missing blocks, wrong types, unknowns,
 * empty lists), `count` of them from `seed`. Property dependencies are kept, so joins still form
 * and the policies must read the odd values.
 */
export function malformedVariants(graph: readonly StackResourceInput[], seed = 1, count = 40): StackResourceInput[][] {
    const random = createRandom(seed).next;
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
    const corrupt = (value: unknown, depth: number): unknown => {
        if (random() < 0.35) return pick(ODD_VALUES);
        if (depth < 4 && Array.isArray(value)) return value.map((item) => corrupt(item, depth + 1));
        if (depth < 4 && value !== null && typeof value === "object") {
            return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, corrupt(v, depth + 1)]));
        }
        return value;
    };
    const variants: StackResourceInput[][] = [];
    for (let i = 0; i < count; i++) {
        variants.push(
            graph.map((r) => {
                if (random() < 0.2) return { ...r, props: {} };
                const props = corrupt(r.props, 0);
                return { ...r, props: props !== null && typeof props === "object" && !Array.isArray(props) ? (props as Record<string, unknown>) : {} };
            }),
        );
    }
    return variants;
}

/** The graph as AnalyzeStack sees it after an update: Check applied, computed attributes the graph leaves out at what AWS returns. */
export function atUpdate(graph: readonly StackResourceInput[]): StackResourceInput[] {
    return graph.map((r) => {
        const urn = urnOf(r.type, r.name);
        const { state } = resourceState(r.type, r.name, r.props, false, defaultEnvironment, urn, checkResource(r.type, urn, r.props));
        return { ...r, props: state };
    });
}

/**
 * The graph as the engine's planned state of a first preview: the identities the provider computes (ARNs,
 * URLs, ids) unknown, names that Check fills in known, every value built from an unknown one unknown, then
 * every other computed attribute the graph leaves out unknown too (checker/engine-model.ts plannedState).
 */
export function atPlannedState(graph: readonly StackResourceInput[]): StackResourceInput[] {
    const unknownKeys = new Map<StackResourceInput, Set<string>>();
    const unknownValues = new Set<string>();
    const knownValues = new Set<string>();
    for (const r of graph) {
        const table = tableOf(r.type);
        const identity = identityOf(r.type, r.name);
        const keys = new Set<string>();
        for (const [key, value] of Object.entries(r.props)) {
            if (!(key in identity) || typeof value !== "string" || value === "") continue;
            const computed = table ? key in table.computed || key === "id" : IDENTITY_KEYS.has(key);
            if (computed && table?.autoName?.property !== key) {
                keys.add(key);
                unknownValues.add(value);
            } else knownValues.add(value);
        }
        unknownKeys.set(r, keys);
    }
    for (const value of knownValues) unknownValues.delete(value);
    const ids = { exact: unknownValues, embedded: [...unknownValues].filter((v) => v.startsWith("arn:") || v.startsWith("https://")) };
    return graph.map((r) => {
        const props: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(r.props)) props[key] = unknownKeys.get(r)!.has(key) ? UNKNOWN : rewrite(value, ids);
        const urn = urnOf(r.type, r.name);
        return { ...r, props: plannedState(r.type, checkResource(r.type, urn, props), defaultEnvironment.region) };
    });
}

function verdicts(outcome: Outcome): string[] {
    return outcome.violations.map((message, i) => `${outcome.urns[i] ?? "(stack)"}: ${message}`);
}

/**
 * The policy's outcome on `graph` three ways: after an update (`known`), at the checker's preview
 * (`preview`) and in the engine's planned state (`planned`). Where both previews give verdicts, they must
 * give the same ones: a difference means the policy reads an attribute the provider computes (unknown in
 * the planned state) as set, or joins by a name the planned state knows but the checker's preview does not.
 */
export async function nowAndAtFirstPreview(policy: StackValidationPolicy, graph: readonly StackResourceInput[], config: Record<string, unknown> = {}) {
    const known = await analyzeStack(policy, atUpdate(graph), config, { asIs: true });
    const preview = await analyzeStack(policy, atFirstPreview(graph), config);
    const planned = await analyzeStack(policy, atPlannedState(graph), config, { asIs: true });
    if (!preview.cantRunAtPreview && !planned.cantRunAtPreview && verdicts(preview).join("\n") !== verdicts(planned).join("\n")) {
        throw new Error(`${policy.name}: the planned state gives other verdicts than the checker's preview:\n  preview: ${JSON.stringify(verdicts(preview))}\n  planned: ${JSON.stringify(verdicts(planned))}`);
    }
    return { known, preview, planned };
}

/**
 * Runs the policy on `count` malformed variants of `graph`, then on as many random malformed graphs
 * (tests/helpers/fuzz.ts); resolves with the number of variants when none throws (only the engine's
 * unknown advisory is allowed).
 */
export async function survivesMalformed(policy: StackValidationPolicy, graph: readonly StackResourceInput[], seed = 7, count = 40): Promise<number> {
    let runs = 0;
    const randomGraphs = randomGraphsOf(seed, count);
    for (const [i, variant] of [...randomGraphs, ...malformedVariants(graph, seed, count)].entries()) {
        try {
            await analyzeStack(policy, variant);
            // The variants of the given graph once more as a first preview's planned state (unknowns everywhere the provider computes).
            if (i >= count) await analyzeStack(policy, atPlannedState(variant), {}, { asIs: true });
        } catch (e) {
            const which = i < count ? `random graph ${i}` : `variant ${i - count} of the given graph`;
            throw new Error(`${policy.name} threw on ${which} (seed ${seed}): ${(e as Error).stack}`);
        }
        runs++;
    }
    return runs - randomGraphs.length;
}

/**
 * The random graphs of `seed`, made once per suite: the stack policies' tests of a folder ask for the same ones.
 * analyzeStack reads them without changing them (it copies the props).
 */
const randomGraphsBySeed = new Map<string, readonly RandomResource[][]>();

function randomGraphsOf(seed: number, count: number): readonly RandomResource[][] {
    const key = `${seed}:${count}`;
    let graphs = randomGraphsBySeed.get(key);
    if (!graphs) {
        const random = createRandom(seed);
        graphs = Array.from({ length: count }, () => randomGraph(random, 30));
        randomGraphsBySeed.set(key, graphs);
    }
    return graphs;
}

/** The shared graph built from `resources` exactly as AnalyzeStack hands them to a policy (for unit tests of graph helpers). */
export async function graphFrom(resources: StackResourceInput[]): Promise<ResourceGraph> {
    let graph: ResourceGraph | undefined;
    const probe = { name: "graph-probe", description: "", enforcementLevel: "advisory", validateStack: (args: any) => void (graph = graphOf(args)) } as unknown as StackValidationPolicy;
    await analyzeStack(probe, resources, {}, { keepOrder: true });
    return graph!;
}
