import { graphOf, type ResourceGraph } from "../lib/graph";
import { describeNode, findingOn, judgeEach, sourceMappings } from "../lib/graph/index";
import { stackPolicy } from "../lib/policy";
import { asNumber, known } from "../lib/props";
import { mayShow, shown } from "../lib/secrets";
import { T } from "../lib/types";

const DEFAULT_VISIBILITY_SECONDS = 30;
const DEFAULT_TIMEOUT_SECONDS = 3;
const TIMEOUT_MULTIPLE = 6;

export const sqsVisibilityTimeout = stackPolicy<{}, ResourceGraph>(
    {
        name: "sqs-visibility-timeout",
        displayName: "Queue visibility timeout covers the function's retries",
        description:
            "When a queue's visibility timeout is shorter than the time its consumer function may need (including Lambda's " +
            "own retries on throttling and the batching window), messages reappear while still being processed and run " +
            "twice or more, and land in the DLQ without ever failing. AWS recommends 6 times the function timeout.",
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["sqs", "lambda", "reliability", "scaling"],
        remediationSteps:
            "Set `visibilityTimeoutSeconds` on the queue to at least 6 × the function's `timeout` + the mapping's " +
            "`maximumBatchingWindowInSeconds` (or lower the function timeout).",
        check(graph) {
            const links = sourceMappings(graph).filter((link) => link.source?.type === T.sqsQueue && link.fn);
            return judgeEach(links, ({ mapping, source, fn }) => {
                const queue = source!;
                const visibility = asNumber(known(queue.raw, "visibilityTimeoutSeconds")) ?? DEFAULT_VISIBILITY_SECONDS;
                const timeout = asNumber(known(fn!.raw, "timeout")) ?? DEFAULT_TIMEOUT_SECONDS;
                const window = asNumber(known(mapping.raw, "maximumBatchingWindowInSeconds")) ?? 0;
                const needed = TIMEOUT_MULTIPLE * timeout + window;
                if (visibility >= needed) return undefined;
                const timeoutText = shown(fn!.raw, "timeout", `${timeout} s`);
                const windowText = shown(mapping.raw, "maximumBatchingWindowInSeconds", `${window} s`);
                const neededText = mayShow(fn!.raw, "timeout") && mayShow(mapping.raw, "maximumBatchingWindowInSeconds") ? String(needed) : "6 × the timeout + the batching window";
                return findingOn(queue, `${describeNode(queue)} has \`visibilityTimeoutSeconds\` ${shown(queue.raw, "visibilityTimeoutSeconds", String(visibility))}, below ${neededText} (6 × the ${timeoutText} \`timeout\` of ${describeNode(fn!)} + the ${windowText} batching window of ${describeNode(mapping)}): messages become visible again while still being processed. Set \`visibilityTimeoutSeconds\` to at least ${neededText}.`);
            });
        },
    },
    graphOf,
);
