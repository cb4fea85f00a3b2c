import { arnService } from "../lib/arns";
import { resourcePolicy } from "../lib/policy";
import { isSet, peek } from "../lib/props";
import { T } from "../lib/types";

/** The pipe's stream source block, when its source is Kinesis or DynamoDB; undefined for other sources. */
function pipeStreamParameters(raw: unknown): string | undefined {
    for (const block of ["kinesisStreamParameters", "dynamodbStreamParameters"]) {
        if (isSet(raw, `sourceParameters.${block}`)) return `sourceParameters.${block}`;
    }
    const service = arnService(peek(raw, "source"));
    if (service === "kinesis") return "sourceParameters.kinesisStreamParameters";
    if (service === "dynamodb") return "sourceParameters.dynamodbStreamParameters";
    return undefined;
}

/** The dead-letter ARN property the resource must set, or undefined when the policy does not apply. */
function deadLetterPath(type: string, raw: unknown): string | undefined {
    if (type === T.eventTarget) return "deadLetterConfig.arn";
    if (type === T.schedulerSchedule) return "target.deadLetterConfig.arn";
    const block = pipeStreamParameters(raw);
    return block ? `${block}.deadLetterConfig.arn` : undefined;
}

export const eventbridgeTargetDlq = resourcePolicy({
    name: "eventbridge-target-dlq",
    displayName: "EventBridge target, schedule and stream pipe have a dead-letter queue",
    description:
        "EventBridge rules, Scheduler schedules and stream pipes retry a failed delivery and then drop the event: " +
        "without a dead-letter queue it is lost and nobody knows it happened.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["eventbridge", "failure-handling", "reliability"],
    remediationSteps:
        "Set the dead-letter queue: `deadLetterConfig: { arn: dlq.arn }` on an EventTarget, `target.deadLetterConfig` on a " +
        "Schedule, `sourceParameters.kinesisStreamParameters.deadLetterConfig` (or `dynamodbStreamParameters`) on a Pipe; " +
        "allow the service to send to the queue, and alarm on it.",
    resourceTypes: [T.eventTarget, T.schedulerSchedule, T.pipe],
    check({ type, raw }) {
        const path = deadLetterPath(type, raw);
        if (path === undefined || isSet(raw, path)) return undefined;
        return `\`${path}\` is not set, so events that cannot be delivered are dropped: set it to a dead-letter SQS queue's ARN.`;
    },
});
