import { isFifoArn } from "../lib/arns";
import { resourcePolicy } from "../lib/policy";
import { isSet, peek } from "../lib/props";
import { T } from "../lib/types";

export const asyncInvokeFailureDestination = resourcePolicy({
    name: "async-invoke-failure-destination",
    displayName: "Asynchronous invocations have an on-failure destination",
    description:
        "An event that still fails after Lambda's asynchronous retries (or expires in its queue) is discarded: " +
        "without an on-failure destination it is lost with no record of what it was.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["lambda", "failure-handling", "reliability"],
    remediationSteps:
        "Set `destinationConfig: { onFailure: { destination: queue.arn } }` on the FunctionEventInvokeConfig, pointing " +
        "at a standard (not FIFO) SQS queue or SNS topic, an EventBridge bus or a function, and alarm on it.",
    resourceTypes: [T.lambdaEventInvokeConfig],
    check({ raw }) {
        if (!isSet(raw, "destinationConfig.onFailure.destination")) {
            return "`destinationConfig.onFailure.destination` is not set, so events that fail every retry are discarded: send them to an SQS queue, SNS topic, event bus or function.";
        }
        if (isFifoArn(peek(raw, "destinationConfig.onFailure.destination"))) {
            return "`destinationConfig.onFailure.destination` is a FIFO queue or topic, which Lambda cannot deliver to: use a standard SQS queue or SNS topic.";
        }
        return undefined;
    },
});
