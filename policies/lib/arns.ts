import { asString } from "./props";

/** The service part of a known ARN ("sqs", "sns", "s3", "lambda", "events", "kinesis", "dynamodb", ...). */
export function arnService(arn: unknown): string | undefined {
    const value = asString(arn);
    if (!value) return undefined;
    const parts = value.split(":");
    return parts.length >= 6 && parts[0] === "arn" ? parts[2] : undefined;
}

/** The resource part of a known ARN (after account id). */
export function arnResource(arn: unknown): string | undefined {
    const value = asString(arn);
    if (!value) return undefined;
    const parts = value.split(":");
    return parts.length >= 6 && parts[0] === "arn" ? parts.slice(5).join(":") : undefined;
}

export function isFifoArn(arn: unknown): boolean {
    const service = arnService(arn);
    return (service === "sqs" || service === "sns") && (arnResource(arn) ?? "").endsWith(".fifo");
}

export function isDynamoDbStreamArn(arn: unknown): boolean {
    return arnService(arn) === "dynamodb" && /\/stream\//.test(arnResource(arn) ?? "");
}
