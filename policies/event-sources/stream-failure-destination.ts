import { arnService } from "../lib/arns";
import { eventSourceKind } from "../lib/event-sources";
import { resourcePolicy } from "../lib/policy";
import { UNKNOWN, isSet, peek } from "../lib/props";
import { shown } from "../lib/secrets";
import { T } from "../lib/types";

interface Config {
    allowedDestinations: string[];
}

export const streamFailureDestination = resourcePolicy<Config>({
    name: "stream-failure-destination",
    displayName: "Stream event source has an on-failure destination",
    description:
        "When a Kinesis, DynamoDB or Kafka batch keeps failing, Lambda drops its records once retries or record age run " +
        "out; without an on-failure destination they are lost without a trace.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["event-sources", "streams", "reliability"],
    remediationSteps:
        "Set `destinationConfig: { onFailure: { destinationArn: queue.arn } }` on the event source mapping " +
        "(an SQS queue, SNS topic or S3 bucket), and alarm on that destination.",
    config: {
        allowedDestinations: {
            type: "array",
            items: { type: "string", minLength: 1 },
            default: ["sqs", "sns", "s3"],
            description: "ARN services accepted as on-failure destinations",
        },
    },
    resourceTypes: [T.lambdaEventSourceMapping],
    check({ raw }, config) {
        if (eventSourceKind(raw) !== "stream") return undefined;
        if (!isSet(raw, "destinationConfig.onFailure.destinationArn")) {
            return "`destinationConfig.onFailure.destinationArn` is not set, so records that keep failing are dropped: send them to an SQS queue, SNS topic or S3 bucket.";
        }
        const destination = peek(raw, "destinationConfig.onFailure.destinationArn");
        if (destination === UNKNOWN) return undefined;
        const service = arnService(destination);
        const allowed = Array.isArray(config.allowedDestinations) ? config.allowedDestinations : [];
        if (service === undefined || !allowed.includes(service)) {
            return `\`destinationConfig.onFailure.destinationArn\` is ${shown(raw, "destinationConfig.onFailure.destinationArn", service ? `a ${service} ARN` : "not an ARN")}, not one of the allowed destinations (${allowed.join(", ")}): point it at one of those.`;
        }
        return undefined;
    },
});
