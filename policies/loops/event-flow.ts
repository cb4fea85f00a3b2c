import type { Node, ResourceGraph } from "../lib/graph";
import { describeNode, sourceMappings } from "../lib/graph/index";
import { type RolePermissions, firstPermitted, hasResourcePatterns, mayDo, mayDoAnywhere, namedResources, permissionsOf } from "../lib/iam";
import { UNKNOWN, asBoolean, asString, isSet, peek } from "../lib/props";
import { T } from "../lib/types";

/**
 * The stack as a graph of event flow: "triggers" edges (a source invokes a function or feeds another
 * source) and "may write to" edges (a function's role allows it to put events into a source).
 */

export interface FlowEdge {
    from: number;
    to: number;
    /** The resource that declares the edge: a mapping, subscription, notification, rule, target, pipe, or the writing function. */
    owner?: Node;
    write: boolean;
    /** False when the edge exists only if an unknown value (at preview) turns out to allow it. */
    certain: boolean;
    /** How `from` reaches `to`, completing "<from> ... <to>". */
    how: string;
}

export interface FlowGraph {
    vertices: Node[];
    edges: FlowEdge[];
    out: FlowEdge[][];
    /** The unknown property behind uncertain edges, for the engine's can't-run advisory. */
    unknownPaths: Map<FlowEdge, string[]>;
}

const writeActions: Record<string, string[]> = {
    [T.sqsQueue]: ["sqs:SendMessage"],
    [T.snsTopic]: ["sns:Publish"],
    [T.s3Bucket]: ["s3:PutObject"],
    [T.s3BucketV2]: ["s3:PutObject"],
    [T.dynamodbTable]: ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem", "dynamodb:TransactWriteItems", "dynamodb:DeleteItem"],
    [T.kinesisStream]: ["kinesis:PutRecord", "kinesis:PutRecords"],
    [T.eventBus]: ["events:PutEvents"],
    [T.lambdaFunction]: ["lambda:InvokeFunction"],
};

const anyKind: Record<string, string> = {
    [T.sqsQueue]: "any SQS queue",
    [T.snsTopic]: "any SNS topic",
    [T.s3Bucket]: "any S3 bucket",
    [T.s3BucketV2]: "any S3 bucket",
    [T.dynamodbTable]: "any DynamoDB table",
    [T.kinesisStream]: "any Kinesis stream",
    [T.eventBus]: "any EventBridge bus",
    [T.lambdaFunction]: "any function",
};

/** Services whose loops AWS's recursive loop detection does not see. */
export const undetectedTypes = new Set<string>([T.dynamodbTable, T.kinesisStream, T.eventBus, T.eventRule, T.eventTarget, T.pipe]);

export const DEFAULT_BUS_TYPE = "serverless-guardrails:virtual:DefaultEventBus";
const HUB_TYPE = "serverless-guardrails:virtual:AnyResource";

function virtualNode(type: string, name: string): Node {
    return { urn: `${type}::${name}`, type, name, props: {}, raw: { name }, resource: undefined as any };
}

/** A resource that emits events (a queue, topic, bucket, table, stream, bus or rule), not a function nor "any resource". */
export function isEventSource(node: Node): boolean {
    return node.type !== T.lambdaFunction && node.type !== HUB_TYPE;
}

export function describeVertex(node: Node): string {
    if (node.type === DEFAULT_BUS_TYPE) return "the default EventBridge bus";
    if (node.type === HUB_TYPE) return node.name;
    return describeNode(node);
}

class FlowBuilder {
    readonly flow: FlowGraph = { vertices: [], edges: [], out: [], unknownPaths: new Map() };
    private readonly index = new Map<Node, number>();
    readonly defaultBus = virtualNode(DEFAULT_BUS_TYPE, "default");

    vertex(node: Node): number {
        let i = this.index.get(node);
        if (i === undefined) {
            i = this.flow.vertices.length;
            this.index.set(node, i);
            this.flow.vertices.push(node);
            this.flow.out.push([]);
        }
        return i;
    }

    has(node: Node): boolean {
        return this.index.has(node);
    }

    edge(from: Node, to: Node, how: string, owner: Node | undefined, write = false, certain = true): FlowEdge {
        const edge: FlowEdge = { from: this.vertex(from), to: this.vertex(to), owner, write, certain, how };
        this.flow.edges.push(edge);
        this.flow.out[edge.from].push(edge);
        return edge;
    }
}

const triggerable = [T.lambdaFunction, T.sqsQueue, T.snsTopic, T.kinesisStream, T.eventBus, T.s3Bucket, T.s3BucketV2, T.dynamodbTable];

function addTriggers(graph: ResourceGraph, b: FlowBuilder) {
    for (const { mapping, source, fn } of sourceMappings(graph)) {
        if (source && fn) b.edge(source, fn, `triggers ${describeNode(fn)} through event source mapping \`${mapping.name}\``, mapping);
    }
    for (const subscription of graph.ofType(T.snsTopicSubscription)) {
        const protocol = peek(subscription.raw, "protocol");
        if (protocol !== UNKNOWN && protocol !== "lambda" && protocol !== "sqs") continue;
        const topic = graph.targets(subscription, "topic", T.snsTopic)[0];
        for (const endpoint of graph.targets(subscription, "endpoint", T.lambdaFunction, T.sqsQueue)) {
            if (topic) b.edge(topic, endpoint, `delivers to ${describeNode(endpoint)} through subscription \`${subscription.name}\``, subscription);
        }
    }
    for (const notification of graph.ofType(T.s3BucketNotification)) {
        const bucket = graph.targets(notification, "bucket", T.s3Bucket, T.s3BucketV2)[0];
        if (!bucket) continue;
        const targets = [
            ...graph.targets(notification, "lambdaFunctions", T.lambdaFunction),
            ...graph.targets(notification, "queues", T.sqsQueue),
            ...graph.targets(notification, "topics", T.snsTopic),
        ];
        for (const target of targets) b.edge(bucket, target, `notifies ${describeNode(target)} through bucket notification \`${notification.name}\``, notification);
        if (asBoolean(peek(notification.raw, "eventbridge")) === true) {
            b.edge(bucket, b.defaultBus, `sends its events to the default EventBridge bus (bucket notification \`${notification.name}\`)`, notification);
        }
    }
    for (const rule of graph.ofType(T.eventRule)) {
        const bus = busOf(graph, b, rule);
        if (bus) b.edge(bus, rule, `matches ${describeNode(rule)}`, rule);
    }
    for (const target of graph.ofType(T.eventTarget)) {
        const rule = graph.targets(target, "rule", T.eventRule)[0];
        if (!rule) continue;
        for (const to of graph.targets(target, "arn", ...triggerable)) {
            b.edge(rule, to, `targets ${describeVertex(to)} through EventBridge target \`${target.name}\``, target);
        }
    }
    for (const pipe of graph.ofType(T.pipe)) {
        const source = graph.targets(pipe, "source", T.sqsQueue, T.kinesisStream, T.dynamodbTable)[0];
        if (!source) continue;
        for (const to of graph.targets(pipe, "target", ...triggerable)) {
            b.edge(source, to, `feeds ${describeVertex(to)} through EventBridge pipe \`${pipe.name}\``, pipe);
        }
    }
    for (const config of graph.ofType(T.lambdaEventInvokeConfig)) {
        const fn = graph.targets(config, "functionName", T.lambdaFunction)[0];
        if (!fn) continue;
        for (const to of graph.targets(config, "destinationConfig", ...triggerable)) {
            b.edge(fn, to, `sends its results to ${describeNode(to)} (destination in \`${config.name}\`)`, config);
        }
    }
}

/** The bus a rule listens on: `eventBusName` from a bus of the stack, else the default bus when unset or "default". */
function busOf(graph: ResourceGraph, b: FlowBuilder, rule: Node): Node | undefined {
    const bus = graph.targets(rule, "eventBusName", T.eventBus)[0];
    if (bus) return bus;
    const name = peek(rule.raw, "eventBusName");
    if (!isSet(rule.raw, "eventBusName") || name === "default") return b.defaultBus;
    return undefined;
}

function addWrites(graph: ResourceGraph, b: FlowBuilder) {
    // Any function may be invoked directly: each is a target, whether or not it triggers anything yet.
    for (const fn of graph.ofType(T.lambdaFunction)) b.vertex(fn);
    const triggering = b.flow.vertices.filter((node, i) => b.flow.out[i].length > 0 || node.type === T.lambdaFunction);
    const byType = new Map<string, Node[]>();
    for (const node of triggering) {
        const list = byType.get(node.type);
        if (list) list.push(node);
        else byType.set(node.type, [node]);
    }
    const hubs = new Map<string, Node>();
    const hubFor = (type: string) => {
        let hub = hubs.get(type);
        if (!hub) {
            hub = virtualNode(HUB_TYPE, anyKind[type]);
            hubs.set(type, hub);
            for (const node of byType.get(type) ?? []) b.edge(hub, node, `which includes ${describeVertex(node)}`, undefined);
        }
        return hub;
    };
    for (const fn of graph.ofType(T.lambdaFunction)) {
        const permissions = permissionsOf(graph, fn);
        if (permissions.statements.length === 0 && permissions.unknownDocuments.length === 0) continue;
        // A Deny may exclude single resources from a `*` grant: judge each resource instead of "any".
        const perResource = permissions.statements.some((st) => st.effect === "Deny");
        for (const type of perResource ? [] : byType.keys()) {
            const actions = writeActions[type];
            if (!actions) continue;
            const anywhere = firstPermitted(actions, (action) => mayDoAnywhere(permissions, action));
            if (anywhere) {
                const edge = b.edge(fn, hubFor(type), `may write to ${anyKind[type]} (\`${anywhere.action}\` on \`*\`)`, fn, true, anywhere.permission === "yes");
                if (!edge.certain) b.flow.unknownPaths.set(edge, unknownPathOf(permissions));
            }
        }
        const candidates = new Set(namedResources(graph, permissions).filter((n) => b.has(n)));
        if (perResource || hasResourcePatterns(permissions)) for (const node of triggering) candidates.add(node);
        if (b.has(b.defaultBus)) candidates.add(b.defaultBus);
        for (const target of candidates) addWrite(b, permissions, fn, target);
    }
}

function addWrite(b: FlowBuilder, permissions: RolePermissions, fn: Node, target: Node) {
    const actions = writeActions[target.type === DEFAULT_BUS_TYPE ? T.eventBus : target.type];
    if (!actions) return;
    const allowed = firstPermitted(actions, (action) => mayDo(permissions, action, target));
    if (!allowed) return;
    const edge = b.edge(fn, target, `may write to ${describeVertex(target)} (\`${allowed.action}\`)`, fn, true, allowed.permission === "yes");
    if (!edge.certain) b.flow.unknownPaths.set(edge, unknownPathOf(permissions));
}

function unknownPathOf(permissions: RolePermissions): string[] {
    const document = permissions.unknownDocuments[0];
    if (document) return [document.carrier.name, ...document.path];
    const statement = permissions.statements.find((s) => [...(s.actions ?? []), ...(s.resources ?? [])].some((v) => asString(v) === undefined));
    return statement?.carrier ? [statement.carrier.name, "policy"] : ["policy"];
}

/** The event flow of the stack: built once per graph. */
export function flowOf(graph: ResourceGraph): FlowGraph {
    const builder = new FlowBuilder();
    addTriggers(graph, builder);
    addWrites(graph, builder);
    return builder.flow;
}

/** Functions whose AWS recursive loop detection is turned off (`aws.lambda.FunctionRecursionConfig` with `Allow`). */
export function loopDetectionOff(graph: ResourceGraph, fn: Node): boolean {
    return graph.referrers(fn, "functionName", T.lambdaRecursionConfig).some((config) => peek(config.raw, "recursiveLoop") === "Allow");
}
