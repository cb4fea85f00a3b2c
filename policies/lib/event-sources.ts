import { arnService, isDynamoDbStreamArn } from "./arns";
import { isSet, peek } from "./props";

/**
 * What feeds an event source mapping.
 * - "stream": Kinesis, DynamoDB streams, Kafka (MSK or self-managed with a starting position)
 * - "sqs": an SQS queue
 * - "other": Amazon MQ, DocumentDB, self-managed Kafka without a starting position
 */
export type EventSourceKind = "stream" | "sqs" | "other";

export function eventSourceKind(mapping: unknown): EventSourceKind {
    if (isSet(mapping, "startingPosition")) return "stream";
    const arn = peek(mapping, "eventSourceArn");
    const service = arnService(arn);
    if (service === "kinesis" || service === "kafka" || isDynamoDbStreamArn(arn)) return "stream";
    if (service === "sqs") return "sqs";
    if (service === "mq" || service === "rds") return "other";
    if (isSet(mapping, "queues") || isSet(mapping, "selfManagedEventSource") || isSet(mapping, "documentDbEventSourceConfig")) {
        return "other";
    }
    return "sqs";
}
