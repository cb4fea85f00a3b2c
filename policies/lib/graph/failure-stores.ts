import type { Node, ResourceGraph } from "../graph";
import { isSet } from "../props";
import { T } from "../types";
import { memo } from "./findings";
import { mappingsFrom } from "./mappings";
import { redrivesInto } from "./queues";
import { refAt } from "./refs";

/** How a resource came to hold failed events or messages. */
export type FailureStoreKind =
    | "queue-redrive"
    | "lambda-dead-letter"
    | "async-on-failure"
    | "stream-on-failure"
    | "eventbridge-target-dead-letter"
    | "scheduler-dead-letter"
    | "pipe-dead-letter"
    | "sns-subscription-redrive";

/** One reason a resource is a failure store: `owner` sends its failures there. */
export interface FailureStoreRef {
    store: Node;
    owner: Node;
    kind: FailureStoreKind;
}

const STORE_TYPES = [T.sqsQueue, T.snsTopic, T.s3Bucket, T.s3BucketV2];
const QUEUE_TYPES = [T.sqsQueue];

const kindText: Record<FailureStoreKind, string> = {
    "queue-redrive": "the dead-letter queue of",
    "lambda-dead-letter": "the dead-letter target of",
    "async-on-failure": "the on-failure destination of",
    "stream-on-failure": "the on-failure destination of",
    "eventbridge-target-dead-letter": "the dead-letter queue of",
    "scheduler-dead-letter": "the dead-letter queue of",
    "pipe-dead-letter": "the dead-letter queue of",
    "sns-subscription-redrive": "the dead-letter queue of",
};

/** "the dead-letter queue of" / "the on-failure destination of": how to name a store's role in a message. */
export function storeRoleText(kind: FailureStoreKind): string {
    return kindText[kind];
}

/**
 * A queue read by an event source mapping is a work queue, not a dead-letter queue: used to tell
 * apart two unknown queue references in one property (a schedule's target and its dead-letter queue).
 */
function withoutWorkQueues(graph: ResourceGraph, nodes: Node[]): Node[] {
    const idle = nodes.filter((n) => n.type !== T.sqsQueue || mappingsFrom(graph, n).length === 0);
    return idle;
}

function refs(graph: ResourceGraph, owner: Node, path: string, types: readonly string[], siblings: readonly string[] = []): Node[] {
    const ref = refAt(graph, owner, path, types, siblings);
    return ref.ambiguous ? withoutWorkQueues(graph, ref.nodes) : ref.nodes;
}

const index = memo((graph: ResourceGraph): Map<Node, FailureStoreRef[]> => {
    const stores = new Map<Node, FailureStoreRef[]>();
    const add = (owner: Node, kind: FailureStoreKind, nodes: readonly Node[]) => {
        for (const store of nodes) {
            if (store === owner) continue;
            const ref = { store, owner, kind };
            const list = stores.get(store);
            if (list?.some((r) => r.owner === owner && r.kind === kind)) continue;
            if (list) list.push(ref);
            else stores.set(store, [ref]);
        }
    };
    for (const queue of graph.ofType(T.sqsQueue)) {
        for (const redrive of redrivesInto(graph, queue)) add(redrive.queue, "queue-redrive", [queue]);
    }
    for (const fn of graph.ofType(T.lambdaFunction)) {
        add(fn, "lambda-dead-letter", refs(graph, fn, "deadLetterConfig.targetArn", STORE_TYPES));
    }
    for (const config of graph.ofType(T.lambdaEventInvokeConfig)) {
        add(config, "async-on-failure", refs(graph, config, "destinationConfig.onFailure.destination", STORE_TYPES, ["destinationConfig.onSuccess.destination"]));
    }
    for (const mapping of graph.ofType(T.lambdaEventSourceMapping)) {
        add(mapping, "stream-on-failure", refs(graph, mapping, "destinationConfig.onFailure.destinationArn", STORE_TYPES));
    }
    for (const target of graph.ofType(T.eventTarget)) {
        add(target, "eventbridge-target-dead-letter", refs(graph, target, "deadLetterConfig.arn", QUEUE_TYPES));
    }
    for (const schedule of graph.ofType(T.schedulerSchedule)) {
        add(schedule, "scheduler-dead-letter", refs(graph, schedule, "target.deadLetterConfig.arn", QUEUE_TYPES, ["target.arn"]));
    }
    for (const pipe of graph.ofType(T.pipe)) {
        for (const source of ["kinesisStreamParameters", "dynamodbStreamParameters"]) {
            add(pipe, "pipe-dead-letter", refs(graph, pipe, `sourceParameters.${source}.deadLetterConfig.arn`, QUEUE_TYPES));
        }
    }
    for (const subscription of graph.ofType(T.snsTopicSubscription)) {
        if (isSet(subscription.raw, "redrivePolicy")) add(subscription, "sns-subscription-redrive", graph.targets(subscription, "redrivePolicy", ...QUEUE_TYPES));
    }
    return stores;
});

/** Every failure store of the stack, each with the resources that send their failures to it. */
export function failureStores(graph: ResourceGraph): ReadonlyMap<Node, readonly FailureStoreRef[]> {
    return index(graph);
}

/** Why `node` is a failure store; empty when it is not one. */
export function failureStoreRefs(graph: ResourceGraph, node: Node): readonly FailureStoreRef[] {
    return index(graph).get(node) ?? [];
}

export function isFailureStore(graph: ResourceGraph, node: Node): boolean {
    return index(graph).has(node);
}
