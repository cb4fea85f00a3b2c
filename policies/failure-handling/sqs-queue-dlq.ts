import { graphOf, type ResourceGraph } from "../lib/graph";
import { describeNode, findingOn, judgeEach, mayBeFailureStore, redriveOf } from "../lib/graph/index";
import { stackPolicy } from "../lib/policy";
import { UNKNOWN, asNumber, asRecord } from "../lib/props";
import { shown } from "../lib/secrets";
import { T } from "../lib/types";

interface Config {
    minimumMaxReceiveCount: number;
}

export const sqsQueueDlq = stackPolicy<Config, ResourceGraph>(
    {
        name: "sqs-queue-dlq",
        displayName: "SQS queues have a dead-letter queue",
        description:
            "A queue without a redrive policy redelivers a message that always fails (a poison message) until its " +
            "retention ends, burning consumer time and blocking FIFO groups, and then deletes it without a trace. " +
            "A maxReceiveCount that is too low sends messages to the DLQ on transient errors and throttling.",
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["sqs", "reliability", "failure-handling"],
        remediationSteps:
            "Create a dead-letter queue and set `redrivePolicy` on the queue (or add an `aws.sqs.RedrivePolicy`) with " +
            "`deadLetterTargetArn` set to its ARN and `maxReceiveCount` of at least 5.",
        config: {
            minimumMaxReceiveCount: { type: "integer", minimum: 1, maximum: 1000, default: 5, description: "smallest maxReceiveCount allowed" },
        },
        check(graph, config) {
            const queues = graph.ofType(T.sqsQueue).filter((queue) => !mayBeFailureStore(graph, queue));
            return judgeEach(queues, (queue) => {
                const redrive = redriveOf(graph, queue);
                if (!redrive) {
                    return findingOn(queue, `${describeNode(queue)} has no redrive policy: a message that keeps failing is redelivered until its retention ends, then lost. Set \`redrivePolicy\` (or add an aws.sqs.RedrivePolicy) with a dead-letter queue and \`maxReceiveCount\` ≥ ${config.minimumMaxReceiveCount}.`);
                }
                // A redrive document built from the DLQ's ARN is unknown until that queue exists: the queue has a
                // redrive, and its maxReceiveCount is judged once known (at the update).
                if (redrive.document === UNKNOWN) return undefined;
                const document = redrive.document;
                const count = asNumber(asRecord(document)?.maxReceiveCount);
                if (count === undefined) {
                    return findingOn(queue, `${describeNode(queue)} has a redrive policy without a numeric \`maxReceiveCount\`: set \`maxReceiveCount\` ≥ ${config.minimumMaxReceiveCount} in it.`);
                }
                if (count < config.minimumMaxReceiveCount) {
                    const dlq = redrive.dlq ? ` to ${describeNode(redrive.dlq)}` : "";
                    return findingOn(queue, `${describeNode(queue)} moves messages${dlq} after ${shown(redrive.declaredBy.raw, "redrivePolicy", String(count))} receive(s): transient errors and throttling then fill the DLQ. Set \`maxReceiveCount\` in its redrive policy to at least ${config.minimumMaxReceiveCount}.`);
                }
                return undefined;
            });
        },
    },
    graphOf,
);
