import { graphOf, type Node, type ResourceGraph } from "../lib/graph";
import { describeNode, failureStores, findingOn, judgeEach, redrivesInto, storeRole } from "../lib/graph/index";
import type { StackFinding } from "../lib/policy";
import { stackPolicy } from "../lib/policy";
import { asBoolean, asNumber, known, peek } from "../lib/props";
import { SECRET_PLACEHOLDER, mayShow, shown } from "../lib/secrets";
import { T } from "../lib/types";

interface Config {
    minimumSeconds: number;
}

const DEFAULT_RETENTION_SECONDS = 345600;
const MAXIMUM_RETENTION_SECONDS = 1209600;

function retentionOf(queue: Node): number {
    return asNumber(known(queue.raw, "messageRetentionSeconds")) ?? DEFAULT_RETENTION_SECONDS;
}

function isFifo(queue: Node): boolean {
    return asBoolean(known(queue.raw, "fifoQueue")) === true;
}

function* judge(graph: ResourceGraph, store: Node, config: Config): Generator<StackFinding> {
    const retention = retentionOf(store);
    const kept = shown(store.raw, "messageRetentionSeconds", `${retention} s`);
    for (const { queue } of redrivesInto(graph, store)) {
        if (isFifo(queue)) continue;
        const source = retentionOf(queue);
        if (retention <= source) {
            const visible = mayShow(queue.raw, "messageRetentionSeconds");
            yield findingOn(store, `${describeNode(store)} keeps messages ${kept}, no longer than its source ${describeNode(queue)} (${visible ? `${source} s` : SECRET_PLACEHOLDER}): SQS counts a message's age from its first enqueue, so messages that reach the DLQ late expire at once. Set \`messageRetentionSeconds\` on the DLQ above ${visible ? source : "the source's retention"} (the maximum is ${MAXIMUM_RETENTION_SECONDS}).`);
        }
    }
    if (retention < config.minimumSeconds) {
        const role = failureStores(graph).get(store)!.map(storeRole).join(", ");
        yield findingOn(store, `${describeNode(store)} is ${role} but keeps messages only ${kept}: failures expire before anyone can inspect or redrive them. Set \`messageRetentionSeconds\` to at least ${config.minimumSeconds}.`);
    }
}

export const dlqRetention = stackPolicy<Config, ResourceGraph>(
    {
        name: "dlq-retention",
        displayName: "Dead-letter queues keep messages long enough",
        description:
            "A dead-letter queue exists to keep failures until someone can look at them and redrive them. SQS counts a " +
            "message's age from its first enqueue in the source queue, so a DLQ that keeps messages no longer than its " +
            "source deletes them as they arrive; a short retention loses them over a weekend.",
        enforcementLevel: "advisory",
        severity: "medium",
        tags: ["sqs", "reliability", "failure-handling"],
        remediationSteps: "Set `messageRetentionSeconds: 1209600` (14 days, the maximum) on dead-letter queues and failure-store queues.",
        config: {
            minimumSeconds: { type: "integer", minimum: 60, maximum: MAXIMUM_RETENTION_SECONDS, default: MAXIMUM_RETENTION_SECONDS, description: "shortest retention allowed for a failure-store queue, in seconds" },
        },
        check(graph, config) {
            const queues = [...failureStores(graph).keys()].filter((store) => store.type === T.sqsQueue);
            return judgeEach(queues, (store) => judge(graph, store, config));
        },
    },
    graphOf,
);
