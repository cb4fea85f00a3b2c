import type { Node, ResourceGraph } from "../lib/graph";
import { memo } from "../lib/graph/findings";
import { describeNode, sourceMappings } from "../lib/graph/index";
import { type Grant, type RolePermissions, excludesSome, firstGrant, grantEverywhere, grantsOn, namedResources, namesByPattern, permissionsOf } from "../lib/iam";
import { UNKNOWN, asBoolean, isSet, peek } from "../lib/props";
import { T } from "../lib/types";

/**
 * The stack as a graph of event flow: "triggers" edges (a source invokes a function or feeds another
 * source) and "may write to" edges (a function's role allows it to put events into a source), each
 * write edge with the grant behind it and whether that grant names its target or is only a wildcard.
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
    /** For a write edge: the grant that allows it. */
    grant?: Grant;
}

/** A write edge whose grant names its target: evidence enough for a mandatory loop finding. */
export function isNamedWrite(e: FlowEdge): boolean {
    return e.write && e.grant?.evidence === "named";
}

export interface FlowGraph {
    vertices: Node[];
    edges: FlowEdge[];
    out: FlowEdge[][];
    /** Vertex of each node. */
    index: Map<Node, number>;
}

/**
 * The IAM actions that put an event into a resource of each kind (a message, an object, a stream
 * record, an invocation). IAM authorizes the batch and copy APIs with these too (SendMessageBatch by
 * sqs:SendMessage, PublishBatch by sns:Publish, CopyObject and multipart uploads by s3:PutObject,
 * TransactWriteItems by the item actions); tests check each is a Write action in AWS's data.
 */
export const writeActions: Record<string, string[]> = {
    [T.sqsQueue]: ["sqs:SendMessage"],
    [T.snsTopic]: ["sns:Publish"],
    [T.s3Bucket]: ["s3:PutObject"],
    [T.s3BucketV2]: ["s3:PutObject"],
    [T.dynamodbTable]: ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete"],
    [T.kinesisStream]: ["kinesis:PutRecord", "kinesis:PutRecords"],
    [T.eventBus]: ["events:PutEvents"],
    [T.lambdaFunction]: ["lambda:InvokeFunction", "lambda:InvokeAsync"],
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

/**
 * What AWS's Lambda recursive loop detection follows: Lambda, SQS, SNS (since July 2023) and S3 (since
 * July 2024); loops through any other service are not detected. Sources: AWS Lambda Developer Guide,
 * "Use Lambda recursive loop detection to prevent infinite loops"
 * (docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html), and the launch note of 2023-07-13
 * (aws.amazon.com/about-aws/whats-new/2023/07/aws-lambda-detects-recursive-loops-lambda-functions/).
 */
export const detectedTypes = new Set<string>([T.lambdaFunction, T.sqsQueue, T.snsTopic, T.s3Bucket, T.s3BucketV2]);

/** Resources that only carry a link the detection sees through (mappings, subscriptions, notifications, destinations). */
const linkTypes = new Set<string>([T.lambdaEventSourceMapping, T.snsTopicSubscription, T.s3BucketNotification, T.lambdaEventInvokeConfig]);

/** The resource of a loop that AWS's detection does not follow, if any. */
export function undetectedIn(nodes: readonly Node[]): Node | undefined {
    return nodes.find((n) => n.type !== HUB_TYPE && !detectedTypes.has(n.type) && !linkTypes.has(n.type));
}

export const DEFAULT_BUS_TYPE = "serverless-guardrails:virtual:DefaultEventBus";
const HUB_TYPE = "serverless-guardrails:virtual:AnyResource";

function virtualNode(type: string, name: string): Node {
    return { urn: `${type}::${name}`, type, name, props: {}, raw: { name }, resource: undefined as any };
}

/** A resource that emits events (a queue, topic, bucket, table, stream, bus or rule), not a function nor "any resource". */
export function isEventSource(node: Node): boolean {
    return node.type !== T.lambdaFunction && node.type !== HUB_TYPE;
}

/** An "any <kind>" vertex: where wildcard writes lead. */
export function isHub(node: Node): boolean {
    return node.type === HUB_TYPE;
}

export function describeVertex(node: Node): string {
    if (node.type === DEFAULT_BUS_TYPE) return "the default EventBridge bus";
    if (node.type === HUB_TYPE) return node.name;
    return describeNode(node);
}

class FlowBuilder {
    readonly flow: FlowGraph = { vertices: [], edges: [], out: [], index: new Map() };
    readonly defaultBus = virtualNode(DEFAULT_BUS_TYPE, "default");

    vertex(node: Node): number {
        let i = this.flow.index.get(node);
        if (i === undefined) {
            i = this.flow.vertices.length;
            this.flow.index.set(node, i);
            this.flow.vertices.push(node);
            this.flow.out.push([]);
        }
        return i;
    }

    has(node: Node): boolean {
        return this.flow.index.has(node);
    }

    edge(from: Node, to: Node, how: string, owner: Node | undefined, grant?: Grant): FlowEdge {
        const edge: FlowEdge = { from: this.vertex(from), to: this.vertex(to), owner, write: grant !== undefined, certain: grant?.permission !== "maybe", how, grant };
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

/** The kind a vertex is judged as: the default bus is an EventBridge bus. */
const kindOf = (node: Node) => (node.type === DEFAULT_BUS_TYPE ? T.eventBus : node.type);

function addWrites(graph: ResourceGraph, b: FlowBuilder) {
    // Any function may be invoked directly: each is a target, whether or not it triggers anything yet.
    for (const fn of graph.ofType(T.lambdaFunction)) b.vertex(fn);
    // Only resources that trigger something (and functions) can close a loop.
    const triggering = b.flow.vertices.filter((node, i) => b.flow.out[i].length > 0 || node.type === T.lambdaFunction);
    const byKind = new Map<string, Node[]>();
    for (const node of triggering) push(byKind, kindOf(node), node);
    const hubs = new Map<string, Node>();
    const hubFor = (kind: string) => {
        let hub = hubs.get(kind);
        if (!hub) {
            hub = virtualNode(HUB_TYPE, anyKind[kind]);
            hubs.set(kind, hub);
            for (const node of byKind.get(kind) ?? []) b.edge(hub, node, `which includes ${describeVertex(node)}`, undefined);
        }
        return hub;
    };
    for (const fn of graph.ofType(T.lambdaFunction)) {
        const permissions = permissionsOf(graph, fn);
        if (permissions.statements.length === 0 && permissions.unknownDocuments.length === 0) continue;
        const named = new Map<string, Node[]>();
        for (const node of namedResources(graph, permissions)) if (b.has(node)) push(named, kindOf(node), node);
        for (const [kind, nodes] of byKind) {
            const actions = writeActions[kind];
            if (!actions) continue;
            // A Deny or a NotResource may leave single resources out of a wildcard: judge each resource instead of "any".
            const perResource = excludesSome(permissions, actions);
            if (!perResource) {
                const grant = firstGrant(actions, (action) => grantEverywhere(permissions, action, kind));
                if (grant) b.edge(fn, hubFor(kind), `may write to ${anyKind[kind]} (${describeWrite(grant)})`, fn, grant);
            }
            // Resources named by dependency or ARN (and the default bus, named by its literal ARN only); every one
            // of the kind when a pattern may name some of them.
            const every = perResource || namesByPattern(permissions, actions, kind);
            const candidates = every ? nodes : [...(named.get(kind) ?? []), ...(kind === T.eventBus && nodes.includes(b.defaultBus) ? [b.defaultBus] : [])];
            for (const target of candidates) addWrite(b, permissions, fn, target, kind, actions, perResource);
        }
    }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
}

/** "`sqs:SendMessage`", or "`sqs:SendMessage` on `*`" when the grant is a wildcard. */
function describeWrite(grant: Grant): string {
    const on = grant.evidence === "wildcard" && grant.resourceEntry ? ` on \`${grant.resourceEntry}\`` : "";
    return `\`${grant.action}\`${on}`;
}

function addWrite(b: FlowBuilder, permissions: RolePermissions, fn: Node, target: Node, kind: string, actions: string[], perResource: boolean) {
    const grants = actions.map((action) => grantsOn(permissions, action, target, kind));
    const named = firstGrant(actions, (_, i) => grants[i].named);
    if (named) b.edge(fn, target, `may write to ${describeVertex(target)} (${describeWrite(named)})`, fn, named);
    // Without a Deny or NotResource, wildcards reach the target through the "any <kind>" vertex already.
    if (!perResource || named?.permission === "yes") return;
    const wildcard = firstGrant(actions, (_, i) => grants[i].wildcard);
    if (wildcard) b.edge(fn, target, `may write to ${describeVertex(target)} (${describeWrite(wildcard)})`, fn, wildcard);
}

/** The event flow of the stack: built once per graph, shared by the loop and least-privilege policies. */
export const flowOf = memo((graph: ResourceGraph): FlowGraph => {
    const builder = new FlowBuilder();
    addTriggers(graph, builder);
    addWrites(graph, builder);
    return builder.flow;
});

/** "queue `a` triggers function `f` through ...; function `f` may write to queue `a` (...)". */
export function describeCycle(flow: FlowGraph, cycle: readonly FlowEdge[]): string {
    return cycle.map((e) => `${describeVertex(flow.vertices[e.from])} ${e.how}`).join("; ");
}

/** Functions whose AWS recursive loop detection is turned off (`aws.lambda.FunctionRecursionConfig` with `Allow`). */
export function loopDetectionOff(graph: ResourceGraph, fn: Node): boolean {
    return graph.referrers(fn, "functionName", T.lambdaRecursionConfig).some((config) => peek(config.raw, "recursiveLoop") === "Allow");
}
