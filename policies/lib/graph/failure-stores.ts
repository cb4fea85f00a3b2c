import type { Node, ResourceGraph } from "../graph";
import { UNKNOWN, asJson, asRecord, peek } from "../props";
import { T } from "../types";
import { describeNode, memo } from "./findings";
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
    | "sns-subscription-redrive"
    | "redrive-allow";

/** One reason a resource is a failure store: `owner` sends its failures there. */
export interface FailureStoreRef {
    store: Node;
    owner: Node;
    kind: FailureStoreKind;
    /**
     * False when, in a preview, the reference could not be told apart from another unknown reference
     * in the same property (an on-success destination, a schedule's target): `store` may be either.
     */
    certain: boolean;
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
    "redrive-allow": "declared a dead-letter queue by",
};

/** "the dead-letter queue of" / "the on-failure destination of": how to name a store's role in a message. */
export function storeRoleText(kind: FailureStoreKind): string {
    return kindText[kind];
}

/** "the dead-letter queue of function `a`": a store's role in a message, with the resource that gives it. */
export function storeRole(ref: FailureStoreRef): string {
    if (ref.owner === ref.store) return "declared a dead-letter queue by its `redriveAllowPolicy`";
    return `${kindText[ref.kind]} ${describeNode(ref.owner)}`;
}

/**
 * Whether a redrive allow policy lets source queues move messages in: `allowAll`, or `byQueue` (which names
 * them); `denyAll` and odd documents do not. "maybe" when the document is unknown (built from the sources'
 * ARNs in a preview). Source: the SQS RedriveAllowPolicy attribute (SetQueueAttributes).
 */
function admitsSources(graph: ResourceGraph, node: Node): "yes" | "maybe" | "no" {
    const presence = graph.presence(node, "redriveAllowPolicy");
    if (presence === "unset") return "no";
    if (presence === "unknown") return "maybe";
    const document = asJson(peek(node.raw, "redriveAllowPolicy"));
    if (document === UNKNOWN) return "maybe";
    const permission = asRecord(document)?.redrivePermission;
    return permission === "allowAll" || permission === "byQueue" ? "yes" : "no";
}

/**
 * Which of several unknown references in one property is the failure store. A queue read by an event
 * source mapping is a work queue, not a dead-letter queue; and when the property's other dependencies
 * (a function, a bus) account for the other reference, a single remaining candidate is the store.
 */
function refs(graph: ResourceGraph, owner: Node, path: string, types: readonly string[], siblings: readonly string[] = []): { nodes: Node[]; certain: boolean } {
    const ref = refAt(graph, owner, path, types, siblings);
    if (!ref.ambiguous) return { nodes: ref.nodes, certain: true };
    const idle = ref.nodes.filter((n) => n.type !== T.sqsQueue || mappingsFrom(graph, n).length === 0);
    const property = path.split(".")[0];
    const othersExplained = graph.targets(owner, property).some((n) => !ref.nodes.includes(n) && n.type !== T.iamRole);
    return { nodes: idle, certain: idle.length === 1 && (idle.length < ref.nodes.length || othersExplained) };
}

const index = memo((graph: ResourceGraph): Map<Node, FailureStoreRef[]> => {
    const stores = new Map<Node, FailureStoreRef[]>();
    const add = (owner: Node, kind: FailureStoreKind, found: { nodes: readonly Node[]; certain: boolean }) => {
        for (const store of found.nodes) {
            if (store === owner && kind !== "redrive-allow") continue;
            const ref = { store, owner, kind, certain: found.certain };
            const list = stores.get(store);
            if (list?.some((r) => r.owner === owner && r.kind === kind)) continue;
            if (list) list.push(ref);
            else stores.set(store, [ref]);
        }
    };
    for (const queue of graph.ofType(T.sqsQueue)) {
        for (const redrive of redrivesInto(graph, queue)) add(redrive.queue, "queue-redrive", { nodes: [queue], certain: true });
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
        if (graph.isSet(subscription, "redrivePolicy")) add(subscription, "sns-subscription-redrive", { nodes: graph.targets(subscription, "redrivePolicy", ...QUEUE_TYPES), certain: true });
    }
    // A queue declared a dead-letter queue (its redrive allow policy admits sources) holds failures even when
    // its sources are in another stack or come later.
    for (const queue of graph.ofType(T.sqsQueue)) {
        const admits = admitsSources(graph, queue);
        if (admits !== "no") add(queue, "redrive-allow", { nodes: [queue], certain: admits === "yes" });
    }
    for (const policy of graph.ofType(T.sqsRedriveAllowPolicy)) {
        const admits = admitsSources(graph, policy);
        if (admits !== "no") add(policy, "redrive-allow", { nodes: graph.targets(policy, "queueUrl", T.sqsQueue), certain: admits === "yes" });
    }
    return stores;
});

const certainIndex = memo((graph: ResourceGraph): Map<Node, FailureStoreRef[]> => {
    const certain = new Map<Node, FailureStoreRef[]>();
    for (const [store, refs] of index(graph)) {
        const sure = refs.filter((ref) => ref.certain);
        if (sure.length > 0) certain.set(store, sure);
    }
    return certain;
});

/** Every failure store of the stack, each with the resources that certainly send their failures to it. */
export function failureStores(graph: ResourceGraph): ReadonlyMap<Node, readonly FailureStoreRef[]> {
    return certainIndex(graph);
}

/** Why `node` is a failure store; empty when it is not one (for certain). */
export function failureStoreRefs(graph: ResourceGraph, node: Node): readonly FailureStoreRef[] {
    return certainIndex(graph).get(node) ?? [];
}

/** True when `node` is a failure store for certain. */
export function isFailureStore(graph: ResourceGraph, node: Node): boolean {
    return certainIndex(graph).has(node);
}

/** True when `node` is, or in a preview may be, a failure store (use it to exempt, never to require). */
export function mayBeFailureStore(graph: ResourceGraph, node: Node): boolean {
    return index(graph).has(node);
}
