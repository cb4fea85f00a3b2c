import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { UNKNOWN, asString, isUnknown, peek, unwrap } from "./props";

/**
 * The stack as a graph, built once per AnalyzeStack and shared by every stack policy.
 *
 * Edges come from `propertyDependencies` (property -> the resources its value came from) and from
 * `parent`. Names and ARNs are unknown in a first preview, so they are never the primary join;
 * a known literal (an ARN, name, id or URL written into a property) that equals a known identity
 * of a resource in the stack is matched as a fallback.
 */

export interface Node {
    urn: string;
    type: string;
    name: string;
    /** The engine's unknown-checking proxy. */
    props: Record<string, any>;
    /** The plain properties (read with peek/isSet from props.ts). */
    raw: Record<string, unknown>;
    parent?: Node;
    resource: PolicyResource;
}

/**
 * How a resource stands on one property in AnalyzeStack:
 * - "unset": absent, null or "", or unknown with no `propertyDependencies` entry for its top-level
 *   property. At a first preview the provider's planned state marks every attribute it computes
 *   unknown, Optional+Computed ones the program did not set included (SQS `redrivePolicy`, Lambda
 *   `tracingConfig`): an unknown that no resource produced is a value the program did not set.
 * - "unknown": set from another resource's output that is not known yet.
 * - "known": set to a known value.
 * Source: pulumi/pulumi pkg/resource/deploy/step_generator.go (AnalyzeStack gets the planned state)
 * and pulumi-terraform-bridge (planned state of a create).
 */
export type Presence = "unset" | "unknown" | "known";

/** `from.props[property]` refers to `to`. */
export interface Edge {
    from: Node;
    to: Node;
    property: string;
    via: "dependency" | "literal";
}

/** Output properties that identify a resource when their value is known, the stronger claim first. */
const identityProperties = ["arn", "id", "name", "url", "streamArn", "bucket", "functionName", "executionArn", "invokeArn", "apiEndpoint"];

/** Types whose `arn` is the resource they deliver to (an input), not their own identity. */
const arnIsTarget = new Set(["aws:cloudwatch/eventTarget:EventTarget"]);

const ARN_IN_TEXT = /arn:aws[a-z-]*:[a-z0-9-]+:[^"'\s,\]}]*/g;

export class ResourceGraph {
    readonly nodes: Node[] = [];
    private readonly byType = new Map<string, Node[]>();
    private readonly byUrn = new Map<string, Node>();
    private readonly outgoing = new Map<Node, Edge[]>();
    private readonly incoming = new Map<Node, Edge[]>();
    private readonly childrenOf = new Map<Node, Node[]>();
    private readonly byIdentity = new Map<string, Node>();

    constructor(resources: readonly PolicyResource[]) {
        const nodeOf = new Map<PolicyResource, Node>();
        // AnalyzeStack's order is not guaranteed: when two resources claim one identity (a function's name and an
        // alias's `functionName`), the stronger claim wins, then the smaller URN, whatever the order.
        const claims = new Map<string, { node: Node; rank: number }>();
        const claim = (value: string, node: Node, rank: number) => {
            const current = claims.get(value);
            if (!current || rank < current.rank || (rank === current.rank && node.urn < current.node.urn)) claims.set(value, { node, rank });
        };
        for (const resource of resources) {
            const raw = unwrap(resource.props);
            const node: Node = {
                urn: resource.urn,
                type: resource.type,
                name: resource.name,
                props: resource.props,
                raw: raw !== null && typeof raw === "object" ? (raw as Record<string, unknown>) : {},
                resource,
            };
            nodeOf.set(resource, node);
            this.nodes.push(node);
            this.byUrn.set(node.urn, node);
            push(this.byType, node.type, node);
            // Only an AWS resource identifies itself: a component's or the stack's outputs echo their children's
            // names and ARNs, and would otherwise take the literal joins of stack state without property dependencies.
            if (node.type.startsWith("aws:")) identityProperties.forEach((key, rank) => {
                if (key === "arn" && arnIsTarget.has(node.type)) return;
                const value = asString(node.raw[key]);
                if (value) claim(value, node, rank);
            });
        }
        for (const [value, { node }] of claims) this.byIdentity.set(value, node);
        for (const node of this.nodes) {
            const parent = node.resource.parent && nodeOf.get(node.resource.parent);
            if (parent) {
                node.parent = parent;
                push(this.childrenOf, parent, node);
            }
            const seen = new Set<string>();
            for (const [property, sources] of Object.entries(node.resource.propertyDependencies ?? {})) {
                for (const source of sources ?? []) {
                    const to = nodeOf.get(source);
                    if (to && to !== node) this.addEdge({ from: node, to, property, via: "dependency" }, seen);
                }
            }
            for (const [property, value] of Object.entries(node.raw)) {
                forEachString(value, (text) => {
                    for (const literal of literalsIn(text)) {
                        const to = this.byIdentity.get(literal);
                        if (to && to !== node) this.addEdge({ from: node, to, property, via: "literal" }, seen);
                    }
                });
            }
        }
    }

    private addEdge(edge: Edge, seen: Set<string>) {
        const key = `${edge.property}\u0000${edge.to.urn}`;
        if (seen.has(key)) return;
        seen.add(key);
        push(this.outgoing, edge.from, edge);
        push(this.incoming, edge.to, edge);
    }

    /** Every resource of these types, in stack order. */
    ofType(...types: string[]): Node[] {
        if (types.length === 1) return this.byType.get(types[0]) ?? [];
        return types.flatMap((type) => this.byType.get(type) ?? []);
    }

    node(urn: string): Node | undefined {
        return this.byUrn.get(urn);
    }

    children(node: Node): Node[] {
        return this.childrenOf.get(node) ?? [];
    }

    /** The resources that `node.props[property]` came from (all properties when omitted). */
    targets(node: Node, property?: string, ...types: string[]): Node[] {
        return select(this.outgoing.get(node), property, types, (e) => e.to);
    }

    /** The resources that refer to `node` through `property` (any property when omitted). */
    referrers(node: Node, property?: string, ...types: string[]): Node[] {
        return select(this.incoming.get(node), property, types, (e) => e.from);
    }

    /** Edges out of `node`. */
    edgesFrom(node: Node): readonly Edge[] {
        return this.outgoing.get(node) ?? [];
    }

    /** Edges into `node`. */
    edgesTo(node: Node): readonly Edge[] {
        return this.incoming.get(node) ?? [];
    }

    /** Whether `node` sets `path` ("redrivePolicy", "deadLetterConfig.targetArn"): see Presence. */
    presence(node: Node, path: string): Presence {
        const value = peek(node.raw, path);
        if (value === UNKNOWN) {
            const property = path.split(".")[0];
            return (node.resource.propertyDependencies?.[property]?.length ?? 0) > 0 ? "unknown" : "unset";
        }
        return value === undefined || value === null || value === "" ? "unset" : "known";
    }

    /** True when the program set `path` on `node`, known or not (presence other than "unset"). */
    isSet(node: Node, path: string): boolean {
        return this.presence(node, path) !== "unset";
    }

    /** The resource a known literal (ARN, name, id, URL) identifies, if it is in the stack. */
    byLiteral(value: unknown): Node | undefined {
        const text = asString(value);
        return text ? this.byIdentity.get(text) : undefined;
    }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
}

function select(edges: Edge[] | undefined, property: string | undefined, types: string[], pick: (e: Edge) => Node): Node[] {
    if (!edges) return [];
    const result: Node[] = [];
    for (const edge of edges) {
        if (property !== undefined && edge.property !== property) continue;
        const node = pick(edge);
        if (types.length > 0 && !types.includes(node.type)) continue;
        if (!result.includes(node)) result.push(node);
    }
    return result;
}

function forEachString(value: unknown, visit: (text: string) => void, depth = 0) {
    if (depth > 20) return;
    if (typeof value === "string") {
        if (!isUnknown(value)) visit(value);
    } else if (value !== null && typeof value === "object") {
        if (Array.isArray(value)) for (const item of value) forEachString(item, visit, depth + 1);
        else for (const item of Object.values(value)) forEachString(item, visit, depth + 1);
    }
}

/** The string itself, and the ARNs inside it when it is a document (an IAM or redrive policy). */
function literalsIn(text: string): string[] {
    if (text.length < 2 || text.length > 100_000) return [];
    const arns = text.length > 20 && text.includes("arn:") ? text.match(ARN_IN_TEXT) ?? [] : [];
    return arns.length > 0 ? [text, ...arns] : [text];
}

/** The fingerprint is taken when a second stack is asked for in the same turn: most turns ask for one. */
let cached: { resources: readonly PolicyResource[]; fingerprint?: string; graph: ResourceGraph } | undefined;

const FINGERPRINT_SAMPLES = 32;
const FINGERPRINT_PROPS_LENGTH = 2000;

/**
 * Tells one stack's resources from another's without walking them all: the count and the URNs and
 * props of evenly spaced samples. Two analyses of the same stack in one turn (a preview and an
 * update, run side by side by the checker or by tests) differ in their props.
 */
function fingerprintOf(resources: readonly PolicyResource[]): string {
    const count = resources.length;
    const parts: string[] = [String(count)];
    const step = Math.max(1, Math.floor(count / FINGERPRINT_SAMPLES));
    const sample = (resource: PolicyResource | undefined) => {
        if (!resource) return;
        let props: string;
        try {
            props = JSON.stringify(unwrap(resource.props))?.slice(0, FINGERPRINT_PROPS_LENGTH) ?? "";
        } catch {
            props = "?";
        }
        parts.push(resource.urn, props);
    };
    for (let i = 0; i < count; i += step) sample(resources[i]);
    sample(resources[count - 1]);
    return parts.join("\u0000");
}

/**
 * The graph of the stack being analyzed. @pulumi/policy hands each stack policy its own copy of the
 * resources but runs all of them within one turn of the event loop, so the graph is kept for that
 * turn only and reused when the same stack (same URNs and props) is asked for again.
 */
export function graphOf(args: Pick<StackValidationArgs, "resources">): ResourceGraph {
    const resources = args.resources ?? [];
    if (cached?.resources === resources) return cached.graph;
    let fingerprint: string | undefined;
    if (cached) {
        fingerprint = fingerprintOf(resources);
        cached.fingerprint ??= fingerprintOf(cached.resources);
        if (cached.fingerprint === fingerprint) return cached.graph;
    }
    const graph = new ResourceGraph(resources);
    cached = { resources, fingerprint, graph };
    setImmediate(() => {
        if (cached?.graph === graph) cached = undefined;
    });
    return graph;
}
