import { UnknownValueError } from "@pulumi/policy";
import type { StackFinding } from "../policy";
import type { Node } from "../graph";
import { T } from "../types";

const kindNames: Record<string, string> = {
    [T.lambdaFunction]: "function",
    [T.lambdaPermission]: "Lambda permission",
    [T.lambdaEventInvokeConfig]: "event invoke config",
    [T.lambdaEventSourceMapping]: "event source mapping",
    [T.lambdaAlias]: "Lambda alias",
    [T.lambdaCapacityProvider]: "capacity provider",
    [T.sqsQueue]: "queue",
    [T.sqsRedrivePolicy]: "redrive policy",
    [T.snsTopic]: "SNS topic",
    [T.snsTopicSubscription]: "SNS subscription",
    [T.s3Bucket]: "S3 bucket",
    [T.s3BucketV2]: "S3 bucket",
    [T.s3BucketNotification]: "S3 bucket notification",
    [T.eventRule]: "EventBridge rule",
    [T.eventTarget]: "EventBridge target",
    [T.eventBus]: "EventBridge bus",
    [T.schedulerSchedule]: "EventBridge Scheduler schedule",
    [T.pipe]: "EventBridge pipe",
    [T.metricAlarm]: "alarm",
    [T.logSubscriptionFilter]: "log subscription filter",
    [T.iotTopicRule]: "IoT topic rule",
    [T.sesReceiptRule]: "SES receipt rule",
    [T.kinesisStream]: "Kinesis stream",
    [T.dynamodbTable]: "DynamoDB table",
};

/** "queue `orders`": what a resource is and its name, for messages. */
export function describeNode(node: Node): string {
    return `${kindNames[node.type] ?? node.type} \`${node.name}\``;
}

/** "queue `a`, function `b`" */
export function describeNodes(nodes: readonly Node[]): string {
    return nodes.map(describeNode).join(", ");
}

export function findingOn(node: Node, message: string): StackFinding {
    return { urn: node.urn, name: node.name, message };
}

/**
 * Judges each item in turn. When a value needed for one item is unknown (a preview), the others are
 * still judged and their findings reported; the first UnknownValueError is thrown at the end, so the
 * engine adds its "can't run during preview" advisory without losing the verdicts that could be given.
 */
export function* judgeEach<I>(items: Iterable<I>, judge: (item: I) => Iterable<StackFinding> | StackFinding | undefined): Generator<StackFinding> {
    let unknown: UnknownValueError | undefined;
    for (const item of items) {
        let result: Iterable<StackFinding> | StackFinding | undefined;
        try {
            result = judge(item);
            if (result && Symbol.iterator in Object(result)) result = [...(result as Iterable<StackFinding>)];
        } catch (e) {
            if (e instanceof UnknownValueError) {
                unknown ??= e;
                continue;
            }
            throw e;
        }
        if (!result) continue;
        if (Array.isArray(result)) yield* result;
        else yield result as StackFinding;
    }
    if (unknown) throw unknown;
}

/**
 * The first of several alternatives that holds. Alternatives whose values are unknown are skipped;
 * when none holds and one was unknown, its UnknownValueError is thrown (no verdict at preview).
 */
export function anyHolds<I>(items: Iterable<I>, holds: (item: I) => boolean): I | undefined {
    let unknown: UnknownValueError | undefined;
    for (const item of items) {
        try {
            if (holds(item)) return item;
        } catch (e) {
            if (e instanceof UnknownValueError) unknown ??= e;
            else throw e;
        }
    }
    if (unknown) throw unknown;
    return undefined;
}

/** Derived views of a graph, computed once per graph (one AnalyzeStack). */
export function memo<G extends object, V>(build: (graph: G) => V): (graph: G) => V {
    const cache = new WeakMap<G, V>();
    return (graph) => {
        let value = cache.get(graph);
        if (value === undefined) {
            value = build(graph);
            cache.set(graph, value);
        }
        return value;
    };
}
