import { eventSourceKind } from "../lib/event-sources";
import { resourcePolicy } from "../lib/policy";
import { isSet } from "../lib/props";
import { T } from "../lib/types";

export const sqsEventSourceMaxConcurrency = resourcePolicy({
    name: "sqs-event-source-max-concurrency",
    displayName: "SQS event source caps its concurrency",
    description:
        "An SQS event source scales its pollers up to 1,250 concurrent invocations: a backlog floods the function " +
        "and its downstream, and when reserved concurrency is lower, throttled messages bounce back to the queue and " +
        "end up in the dead-letter queue without ever failing.",
    enforcementLevel: "advisory",
    severity: "medium",
    tags: ["event-sources", "sqs", "reliability"],
    remediationSteps:
        "Set `scalingConfig: { maximumConcurrency: N }` on the event source mapping (2 to 1000), " +
        "below the function's reserved concurrency.",
    resourceTypes: [T.lambdaEventSourceMapping],
    check({ raw }) {
        if (eventSourceKind(raw) !== "sqs") return undefined;
        if (isSet(raw, "scalingConfig.maximumConcurrency")) return undefined;
        return "`scalingConfig.maximumConcurrency` is not set, so the queue can drive the function up to its full concurrency: set `scalingConfig: { maximumConcurrency: N }` below the function's reserved concurrency.";
    },
});
