import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as iam from "@pulumi/aws/iam";
import * as lambda from "@pulumi/aws/lambda";
import * as s3 from "@pulumi/aws/s3";
import * as sns from "@pulumi/aws/sns";
import { DeadLetterQueue, validateDeadLetterQueueArgs, type DeadLetterQueueArgs } from "./dead-letter-queue";
import { ArgumentErrors } from "./lib/argument-errors";
import { arnService, destinationStatements, plainString } from "./lib/arns";
import { withDefaults } from "./lib/defaults";
import { createFunction, validateFunctionArgs, type FunctionArgs } from "./lib/function";
import type { PolicyStatementArgs } from "./lib/iam";

/** The arguments of a `StreamWorker`: `streamArn` and `function.code` are required. */
export interface StreamWorkerArgs {
    /**
     * The DynamoDB stream (`table.streamArn`) or Kinesis stream ARN the function reads; when known, it must be one of
     * those two. Required.
     */
    streamArn: pulumi.Input<string>;
    /** The function that handles each batch; it must answer with `batchItemFailures`. Required. */
    function: FunctionArgs;
    /** Where reading starts: `TRIM_HORIZON` (the default: nothing written before the mapping exists is skipped) or `LATEST`. */
    startingPosition?: string;
    /** Records per batch, a whole number from 1 to 10000. Default 100. */
    batchSize?: number;
    /** Seconds to gather a batch, a whole number from 0 to 300. Default 1. */
    maximumBatchingWindowInSeconds?: number;
    /** Retries of a failing batch before its records go to the failure destination, a whole number from 0 to 10000. Default 3. */
    maximumRetryAttempts?: number;
    /** Records older than this many seconds go to the failure destination, a whole number from 60 to 604800. Default 3600. */
    maximumRecordAgeInSeconds?: number;
    /** Split a failing batch to isolate the bad record, `true` or `false`. Default true. */
    bisectBatchOnFunctionError?: boolean;
    /** Concurrent batches per shard, a whole number from 1 to 10 (order is kept per partition key). Default 1. */
    parallelizationFactor?: number;
    /**
     * Event filter patterns, at most 10, each a JSON object as a string (e.g. `'{"eventName":["INSERT"]}'`); records
     * that match none are not sent to the function. Default: none (every record).
     */
    filterPatterns?: string[];
    /**
     * The failure store the component creates for records it gives up on: `s3` (default: keeps the whole
     * record, which the stream drops after 24 hours) or `sqs` (a DeadLetterQueue; SQS keeps only the metadata).
     * Not with `failureDestinationArn`.
     */
    failureDestination?: string;
    /**
     * An existing SQS queue, SNS topic or S3 bucket to use instead, by ARN; not a FIFO queue or topic (Lambda cannot
     * send a stream's failed records to one), and not with `failureDestination`, `failureQueue` or
     * `failureRetentionDays`. You alarm on it. Default: the store the component creates.
     */
    failureDestinationArn?: pulumi.Input<string>;
    /** Days the created failure bucket keeps records, a whole number from 1 to 36500. Default 90. */
    failureRetentionDays?: number;
    /**
     * Settings of the created failure queue; only with `failureDestination: "sqs"`, and not `fifo: true`. Its alarms
     * notify `alarmTopicArn` unless it names its own. Default: a `DeadLetterQueue`'s defaults.
     */
    failureQueue?: DeadLetterQueueArgs;
    /** The iterator-age alarm fires when the newest batch is older than this many seconds, a whole number from 1 to 604800. Default 300. */
    iteratorAgeAlarmSeconds?: number;
    /** SNS topic the alarms notify (when known, an SNS ARN). Default: a new topic (subscribe to `alarmTopicArn`). */
    alarmTopicArn?: pulumi.Input<string>;
}

/** The defaults a `StreamWorker` applies. */
export const streamWorkerDefaults = {
    startingPosition: "TRIM_HORIZON",
    batchSize: 100,
    maximumBatchingWindowInSeconds: 1,
    maximumRetryAttempts: 3,
    maximumRecordAgeInSeconds: 3600,
    bisectBatchOnFunctionError: true,
    parallelizationFactor: 1,
    failureDestination: "s3",
    failureRetentionDays: 90,
    iteratorAgeAlarmSeconds: 300,
} as const;

/** The S3 request-metrics filter whose PutRequests count the records written to the failure bucket. */
const FAILURE_WRITES_FILTER = "failure-writes";

export function isDynamoDbStreamArn(arn: string): boolean {
    return arnService(arn) === "dynamodb" && arn.includes("/stream/");
}

/** What a function needs to read a stream: DynamoDB stream or Kinesis actions, on that stream (or its table's streams) only. */
export function streamReadStatement(streamArn: pulumi.Input<string>): pulumi.Output<PolicyStatementArgs> {
    return pulumi.output(streamArn).apply((arn): PolicyStatementArgs => {
        if (isDynamoDbStreamArn(arn)) {
            return {
                actions: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"],
                resources: [arn, `${arn.slice(0, arn.indexOf("/stream/"))}/stream/*`],
            };
        }
        if (arnService(arn) === "kinesis") {
            return {
                actions: ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:SubscribeToShard"],
                resources: [arn],
            };
        }
        throw new Error(`${arn} is neither a DynamoDB stream nor a Kinesis stream ARN`);
    });
}

/** Records every invalid StreamWorker argument (nested under `argument` when not empty). */
export function validateStreamWorkerArgs(
    errors: ArgumentErrors,
    argument: string,
    args: Omit<Partial<StreamWorkerArgs>, "function"> & { function?: Partial<FunctionArgs> },
    options: { streamArnRequired: boolean; codeRequired: boolean }) {
    const at = (field: string) => (argument ? `${argument}.${field}` : field);
    if (options.streamArnRequired) errors.required(at("streamArn"), args.streamArn);
    const stream = plainString(args.streamArn);
    if (stream !== undefined && stream !== "" && !isDynamoDbStreamArn(stream) && arnService(stream) !== "kinesis") {
        errors.add(at("streamArn"), `must be a DynamoDB stream ARN (table.streamArn) or a Kinesis stream ARN (got ${JSON.stringify(stream)})`);
    }
    if (options.codeRequired) validateFunctionArgs(errors, at("function"), args.function as FunctionArgs);
    else validateFunctionArgs(errors, at("function"), { code: "provided", ...(args.function ?? {}) } as unknown as FunctionArgs);
    errors.oneOf(at("startingPosition"), args.startingPosition, ["TRIM_HORIZON", "LATEST"]);
    errors.integerInRange(at("batchSize"), args.batchSize, 1, 10000);
    errors.integerInRange(at("maximumBatchingWindowInSeconds"), args.maximumBatchingWindowInSeconds, 0, 300);
    errors.integerInRange(at("maximumRetryAttempts"), args.maximumRetryAttempts, 0, 10000);
    errors.integerInRange(at("maximumRecordAgeInSeconds"), args.maximumRecordAgeInSeconds, 60, 604800);
    errors.integerInRange(at("parallelizationFactor"), args.parallelizationFactor, 1, 10);
    errors.integerInRange(at("failureRetentionDays"), args.failureRetentionDays, 1, 36500);
    errors.integerInRange(at("iteratorAgeAlarmSeconds"), args.iteratorAgeAlarmSeconds, 1, 604800);
    errors.oneOf(at("failureDestination"), args.failureDestination, ["s3", "sqs"]);
    errors.boolean(at("bisectBatchOnFunctionError"), args.bisectBatchOnFunctionError);
    if (args.filterPatterns !== undefined) {
        if (!Array.isArray(args.filterPatterns) || args.filterPatterns.length > 10) errors.add(at("filterPatterns"), "must be a list of at most 10 JSON patterns");
        else
            args.filterPatterns.forEach((pattern, index) => {
                if (!isJsonObject(pattern)) errors.add(at(`filterPatterns[${index}]`), "must be a JSON object pattern, e.g. {\"eventName\":[\"INSERT\"]}");
            });
    }
    const destination = plainString(args.failureDestinationArn);
    if (destination !== undefined) {
        const service = arnService(destination);
        if (service !== "sqs" && service !== "sns" && service !== "s3") {
            errors.add(at("failureDestinationArn"), `must be an SQS queue, SNS topic or S3 bucket ARN (got ${JSON.stringify(destination)})`);
        } else if (destination.endsWith(".fifo")) {
            errors.add(at("failureDestinationArn"), "is a FIFO queue or topic: Lambda cannot send a stream's failed records to one; use a standard queue or topic");
        }
    }
    if (args.failureDestinationArn !== undefined && (args.failureDestination !== undefined || args.failureQueue !== undefined || args.failureRetentionDays !== undefined)) {
        errors.add(at("failureDestinationArn"), "replaces the failure store the component creates: drop failureDestination, failureQueue and failureRetentionDays");
    }
    if (args.failureQueue !== undefined) {
        if ((args.failureDestination ?? streamWorkerDefaults.failureDestination) !== "sqs") errors.add(at("failureQueue"), "applies only with failureDestination \"sqs\"");
        validateDeadLetterQueueArgs(errors, at("failureQueue"), args.failureQueue);
        if (args.failureQueue?.fifo === true) errors.add(at("failureQueue.fifo"), "must not be true: Lambda cannot send a stream's failed records to a FIFO queue");
    }
    const topic = plainString(args.alarmTopicArn);
    if (topic !== undefined && arnService(topic) !== "sns") errors.add(at("alarmTopicArn"), `must be an SNS topic ARN (got ${JSON.stringify(topic)})`);
}

function isJsonObject(text: unknown): boolean {
    if (typeof text !== "string") return false;
    try {
        const value = JSON.parse(text);
        return typeof value === "object" && value !== null && !Array.isArray(value);
    } catch {
        return false;
    }
}

/**
 * A function reading a DynamoDB or Kinesis stream with the settings that keep one bad record from blocking a shard:
 * bisect on error, bounded retries and record age, partial batch responses, and an on-failure destination that
 * keeps what is given up on (an S3 bucket by default, or a DeadLetterQueue), alarmed; plus an iterator-age alarm.
 */
export class StreamWorker extends pulumi.ComponentResource {
    /** The Lambda function that reads the stream. */
    public readonly function: lambda.Function;
    /** The function's execution role. */
    public readonly role: iam.Role;
    /** The function's log group. */
    public readonly logGroup: cloudwatch.LogGroup;
    /** The event source mapping from the stream to the function. */
    public readonly mapping: lambda.EventSourceMapping;
    /** Where records the function gives up on go. */
    public readonly failureDestinationArn: pulumi.Output<string>;
    /** The created failure bucket (`failureDestination: "s3"`, the default, without `failureDestinationArn`). */
    public readonly failureBucket?: s3.Bucket;
    /** The created failure queue's URL (`failureDestination: "sqs"`), for redriving. */
    public readonly failureQueueUrl?: pulumi.Output<string>;
    /** The topic the alarms notify: `alarmTopicArn`, or the topic created for them. */
    public readonly alarmTopicArn: pulumi.Output<string>;
    /** Fires when the function falls behind: the iterator age stays above `iteratorAgeAlarmSeconds` for 5 minutes. */
    public readonly iteratorAgeAlarm: cloudwatch.MetricAlarm;

    constructor(name: string, args: StreamWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
        const errors = new ArgumentErrors("StreamWorker", name);
        validateStreamWorkerArgs(errors, "", args ?? {}, { streamArnRequired: true, codeRequired: true });
        errors.throwIfAny();
        super("serverless-guardrails:index:StreamWorker", name, {}, opts);
        const settings = withDefaults(streamWorkerDefaults, args);
        const parent = { parent: this };

        this.alarmTopicArn = settings.alarmTopicArn !== undefined ? pulumi.output(settings.alarmTopicArn) : new sns.Topic(`${name}-alarms`, {}, parent).arn;

        let failureArn: pulumi.Output<string>;
        if (settings.failureDestinationArn !== undefined) {
            failureArn = pulumi.output(settings.failureDestinationArn);
        } else if (settings.failureDestination === "sqs") {
            // Kept out of the fields: a component-typed field cannot be served through a component provider.
            const failureQueue = new DeadLetterQueue(`${name}-failures`, { alarmTopicArn: this.alarmTopicArn, ...(settings.failureQueue ?? {}) }, parent);
            this.failureQueueUrl = failureQueue.queueUrl;
            failureArn = failureQueue.queueArn;
        } else {
            this.failureBucket = this.createFailureBucket(name, settings.failureRetentionDays);
            failureArn = this.failureBucket.arn;
        }
        this.failureDestinationArn = failureArn;

        const parts = createFunction(name, settings.function, [streamReadStatement(settings.streamArn), destinationStatements(failureArn)], this);
        this.function = parts.function;
        this.role = parts.role;
        this.logGroup = parts.logGroup;

        this.mapping = new lambda.EventSourceMapping(
            `${name}-mapping`,
            {
                eventSourceArn: settings.streamArn,
                functionName: this.function.arn,
                startingPosition: settings.startingPosition,
                batchSize: settings.batchSize,
                maximumBatchingWindowInSeconds: settings.maximumBatchingWindowInSeconds,
                maximumRetryAttempts: settings.maximumRetryAttempts,
                maximumRecordAgeInSeconds: settings.maximumRecordAgeInSeconds,
                bisectBatchOnFunctionError: settings.bisectBatchOnFunctionError,
                parallelizationFactor: settings.parallelizationFactor,
                functionResponseTypes: ["ReportBatchItemFailures"],
                destinationConfig: { onFailure: { destinationArn: failureArn } },
                filterCriteria: settings.filterPatterns ? { filters: settings.filterPatterns.map((pattern) => ({ pattern })) } : undefined,
            },
            { parent: this, dependsOn: [parts.rolePolicy] },
        );

        this.iteratorAgeAlarm = new cloudwatch.MetricAlarm(
            `${name}-iterator-age`,
            {
                namespace: "AWS/Lambda",
                metricName: "IteratorAge",
                dimensions: { FunctionName: this.function.name },
                statistic: "Maximum",
                period: 60,
                evaluationPeriods: 5,
                threshold: settings.iteratorAgeAlarmSeconds * 1000,
                comparisonOperator: "GreaterThanThreshold",
                treatMissingData: "notBreaching",
                alarmDescription: `The stream worker is falling behind: records wait more than ${settings.iteratorAgeAlarmSeconds} s before they are processed.`,
                alarmActions: [this.alarmTopicArn],
                okActions: [this.alarmTopicArn],
            },
            parent,
        );

        this.registerOutputs({
            function: this.function,
            role: this.role,
            logGroup: this.logGroup,
            mapping: this.mapping,
            failureDestinationArn: this.failureDestinationArn,
            failureBucket: this.failureBucket,
            failureQueueUrl: this.failureQueueUrl,
            alarmTopicArn: this.alarmTopicArn,
            iteratorAgeAlarm: this.iteratorAgeAlarm,
        });
    }

    /** A private bucket with expiry; new objects are announced (EventBridge) and alarmed on through S3 request metrics. */
    private createFailureBucket(name: string, retentionDays: number): s3.Bucket {
        const parent = { parent: this };
        const bucket = new s3.Bucket(`${name}-failures`, { forceDestroy: false }, parent);
        new s3.BucketPublicAccessBlock(
            `${name}-failures-private`,
            { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            parent,
        );
        new s3.BucketLifecycleConfiguration(
            `${name}-failures-expiry`,
            { bucket: bucket.id, rules: [{ id: "expire-failed-records", status: "Enabled", filter: {}, expiration: { days: retentionDays } }] },
            parent,
        );
        new s3.BucketNotification(`${name}-failures-notification`, { bucket: bucket.id, eventbridge: true }, parent);
        const metric = new s3.BucketMetric(`${name}-failures-metric`, { bucket: bucket.id, name: FAILURE_WRITES_FILTER }, parent);
        new cloudwatch.MetricAlarm(
            `${name}-failures-alarm`,
            {
                namespace: "AWS/S3",
                metricName: "PutRequests",
                dimensions: { BucketName: bucket.id, FilterId: metric.name },
                statistic: "Sum",
                period: 60,
                evaluationPeriods: 1,
                threshold: 1,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                treatMissingData: "notBreaching",
                alarmDescription: "A stream record was given up on and written to the failure bucket: look at it, fix the cause, replay it.",
                alarmActions: [this.alarmTopicArn],
            },
            parent,
        );
        return bucket;
    }
}
