import type { Node, ResourceGraph } from "../graph";
import { UNKNOWN, asJson, asRecord, peek } from "../props";
import { T } from "../types";
import { memo } from "./findings";

/** A queue's redrive: where its failed messages go after `maxReceiveCount` receives. */
export interface Redrive {
    queue: Node;
    /** The dead-letter queue, when it is in the stack. */
    dlq?: Node;
    /** The resource that declares it: the queue itself, or an `aws.sqs.RedrivePolicy`. */
    declaredBy: Node;
    /** The parsed redrive document: UNKNOWN at a preview that has not created the DLQ yet. */
    document: Record<string, unknown> | typeof UNKNOWN | undefined;
}

interface RedriveIndex {
    byQueue: Map<Node, Redrive>;
    byDlq: Map<Node, Redrive[]>;
}

function documentOf(node: Node): Redrive["document"] {
    const parsed = asJson(peek(node.raw, "redrivePolicy"));
    return parsed === UNKNOWN ? UNKNOWN : asRecord(parsed);
}

const index = memo((graph: ResourceGraph): RedriveIndex => {
    const result: RedriveIndex = { byQueue: new Map(), byDlq: new Map() };
    const record = (redrive: Redrive) => {
        const existing = result.byQueue.get(redrive.queue);
        if (existing?.dlq) return;
        result.byQueue.set(redrive.queue, redrive);
        if (redrive.dlq) {
            const list = result.byDlq.get(redrive.dlq);
            if (list) list.push(redrive);
            else result.byDlq.set(redrive.dlq, [redrive]);
        }
    };
    for (const queue of graph.ofType(T.sqsQueue)) {
        // Optional+Computed: in a first preview's planned state a queue without one has it unknown.
        if (!graph.isSet(queue, "redrivePolicy")) continue;
        const dlq = graph.targets(queue, "redrivePolicy", T.sqsQueue)[0];
        record({ queue, dlq, declaredBy: queue, document: documentOf(queue) });
    }
    for (const policy of graph.ofType(T.sqsRedrivePolicy)) {
        if (!graph.isSet(policy, "redrivePolicy")) continue;
        const queue = graph.targets(policy, "queueUrl", T.sqsQueue)[0];
        if (!queue) continue;
        const dlq = graph.targets(policy, "redrivePolicy", T.sqsQueue).find((n) => n !== queue);
        record({ queue, dlq, declaredBy: policy, document: documentOf(policy) });
    }
    return result;
});

/** The redrive of `queue`, declared on the queue or by an `aws.sqs.RedrivePolicy`; undefined when it has none. */
export function redriveOf(graph: ResourceGraph, queue: Node): Redrive | undefined {
    return index(graph).byQueue.get(queue);
}

/** The redrives whose dead-letter queue is `dlq` (its source queues). */
export function redrivesInto(graph: ResourceGraph, dlq: Node): readonly Redrive[] {
    return index(graph).byDlq.get(dlq) ?? [];
}

/** The DLQ of `queue`, when it has one in the stack. */
export function dlqOf(graph: ResourceGraph, queue: Node): Node | undefined {
    return redriveOf(graph, queue)?.dlq;
}
