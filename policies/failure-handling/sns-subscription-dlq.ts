import { resourcePolicy } from "../lib/policy";
import { UNKNOWN, asJson, isSet, peek } from "../lib/props";
import { T } from "../lib/types";

export const snsSubscriptionDlq = resourcePolicy({
    name: "sns-subscription-dlq",
    displayName: "SNS subscription has a dead-letter queue",
    description:
        "When SNS cannot deliver to a subscriber (the function is throttled, the queue policy denies it, the endpoint is " +
        "down) it retries and then drops the message: without a redrive policy the message is gone.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["sns", "failure-handling", "reliability"],
    remediationSteps:
        "Set `redrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn })` on the subscription (with `pulumi.jsonStringify` " +
        "for an output), allow SNS to send to that queue, and alarm on it.",
    resourceTypes: [T.snsTopicSubscription],
    check({ raw }) {
        if (!isSet(raw, "redrivePolicy")) {
            return "`redrivePolicy` is not set, so messages SNS cannot deliver are dropped: set `redrivePolicy` to `{\"deadLetterTargetArn\": <queue ARN>}`.";
        }
        const policy = asJson(peek(raw, "redrivePolicy"));
        if (policy === UNKNOWN || peek(policy, "deadLetterTargetArn") === UNKNOWN) return undefined;
        if (!isSet(policy, "deadLetterTargetArn")) {
            return "`redrivePolicy` has no `deadLetterTargetArn`, so messages SNS cannot deliver are dropped: set it to `{\"deadLetterTargetArn\": <queue ARN>}`.";
        }
        return undefined;
    },
});
