import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as iam from "@pulumi/aws/iam";
import * as lambda from "@pulumi/aws/lambda";
import * as sqs from "@pulumi/aws/sqs";
import { ArgumentErrors } from "./lib/argument-errors";
import { createFunction, functionDefaults, validateFunctionArgs, type FunctionArgs } from "./lib/function";
import { DeadLetterQueue, deadLetterQueueDefaults, validateDeadLetterQueueArgs, type DeadLetterQueueArgs } from "./dead-letter-queue";

/** The arguments of a `QueueWorker`; only `function.code` is required. */
export interface QueueWorkerArgs {
    /**
     * The function that processes the queue's messages; it reports the messages it failed as `batchItemFailures`
     * (partial batch responses are on). Required. Unless `maximumConcurrency` is given, its
     * `reservedConcurrentExecutions` must be at least 2; 6 x its `timeout` + the batching window must be at most
     * 43200 s (the SQS visibility timeout limit).
     */
    function: FunctionArgs;
    /** Messages per invocation, a whole number from 1 to 10000 (1 to 10 for FIFO). Default 10. */
    batchSize?: number;
    /** Seconds to gather a batch, a whole number from 0 to 300 (at least 1 when `batchSize` > 10; 0 for FIFO). Default 0. */
    maximumBatchingWindowInSeconds?: number;
    /**
     * Concurrent invocations the mapping may drive, a whole number from 2 to 1000 and at most the function's
     * `reservedConcurrentExecutions` (or the function is throttled and messages are dead-lettered unprocessed).
     * Default: that reserved concurrency, capped at 1000 (10 on Managed Instances, which reserve none).
     */
    maximumConcurrency?: number;
    /** Receives before a message moves to the dead-letter queue, a whole number from 1 to 1000. Default 5 (fewer turns throttling into data loss). */
    maxReceiveCount?: number;
    /**
     * The source queue's visibility timeout in seconds: a whole number of at least 6 x `function.timeout` +
     * `maximumBatchingWindowInSeconds` (or messages are redelivered while still being processed) and at most 43200.
     * Default exactly that minimum.
     */
    visibilityTimeoutSeconds?: number;
    /**
     * Seconds the source queue keeps a message, a whole number from 60 to 1209600 and shorter than
     * `deadLetterQueue.messageRetentionSeconds` (SQS keeps a message's first enqueue time, so a dead-lettered message
     * would expire at once). Default 345600 (4 days).
     */
    messageRetentionSeconds?: number;
    /** A FIFO source queue (and FIFO dead-letter queue), `true` or `false`. Default false. */
    fifo?: boolean;
    /**
     * FIFO queue only (`true` needs `fifo: true`: SQS allows content-based deduplication on FIFO queues only): SQS
     * deduplicates messages by a SHA-256 hash of their body instead of a `MessageDeduplicationId`, `true` or `false`.
     * Default: off (SQS's default).
     */
    contentBasedDeduplication?: boolean;
    /** KMS key for the source queue. Default: SQS-managed encryption. Grant the function `kms:Decrypt` through `function.policyStatements`. */
    kmsMasterKeyId?: pulumi.Input<string>;
    /**
     * Event filter patterns for the mapping, each a JSON object as a string (e.g. `'{"body":{"type":["order"]}}'`);
     * messages that match none are deleted, not delivered. Default: none (every message).
     */
    filterPatterns?: string[];
    /**
     * Settings of the dead-letter queue (alarm topic, e-mails, retention). Its `fifo`, if given, must match `fifo`;
     * its `sourceQueueArns` are allowed besides this worker's queue. Default: a `DeadLetterQueue`'s defaults.
     */
    deadLetterQueue?: DeadLetterQueueArgs;
}

/** The defaults a `QueueWorker` applies (`maximumConcurrency` and `visibilityTimeoutSeconds` are derived from the function). */
export const queueWorkerDefaults = {
    batchSize: 10,
    maximumBatchingWindowInSeconds: 0,
    maxReceiveCount: 5,
    messageRetentionSeconds: 345600,
    fifo: false,
} as const;

const MAXIMUM_VISIBILITY_TIMEOUT = 43200;

/** The visibility timeout AWS recommends for a Lambda SQS source: 6 x the function timeout plus the batching window. */
export function minimumVisibilityTimeout(functionTimeout: number, batchingWindow: number): number {
    return 6 * functionTimeout + batchingWindow;
}

/**
 * An SQS queue worked by a Lambda function: the queue redrives to a `DeadLetterQueue` after `maxReceiveCount`
 * receives, its visibility timeout outlasts the function's retries, and the mapping reports partial batch
 * failures and caps its concurrency below the function's reserved concurrency (no throttling, no lost messages).
 */
export class QueueWorker extends pulumi.ComponentResource {
    /** The source queue (`<name>-queue`): send the work here. */
    public readonly queue: sqs.Queue;
    /** The Lambda function that works the queue. */
    public readonly function: lambda.Function;
    /** The function's execution role. */
    public readonly role: iam.Role;
    /** The function's log group. */
    public readonly logGroup: cloudwatch.LogGroup;
    /** The SQS event source mapping from the queue to the function. */
    public readonly eventSourceMapping: lambda.EventSourceMapping;
    /** The source queue's ARN. */
    public readonly queueArn: pulumi.Output<string>;
    /** The source queue's URL, for senders. */
    public readonly queueUrl: pulumi.Output<string>;
    /** The function's ARN. */
    public readonly functionArn: pulumi.Output<string>;
    /** The function's name. */
    public readonly functionName: pulumi.Output<string>;
    /** The dead-letter queue's ARN. */
    public readonly deadLetterQueueArn: pulumi.Output<string>;
    /** The dead-letter queue's URL, to read or redrive its messages. */
    public readonly deadLetterQueueUrl: pulumi.Output<string>;
    /** The topic the dead-letter queue's alarms notify. */
    public readonly alarmTopicArn: pulumi.Output<string>;

    constructor(name: string, args: QueueWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
        const settings = validateQueueWorkerArgs(name, args);
        super("serverless-guardrails:index:QueueWorker", name, {}, opts);
        const parent = { parent: this };

        const dlq = new DeadLetterQueue(
            `${name}-dlq`,
            { ...args.deadLetterQueue, fifo: settings.fifo, sourceQueueArns: undefined },
            parent,
        );
        this.queue = new sqs.Queue(
            `${name}-queue`,
            {
                fifoQueue: settings.fifo || undefined,
                contentBasedDeduplication: args.contentBasedDeduplication,
                visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
                messageRetentionSeconds: settings.messageRetentionSeconds,
                redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: dlq.queueArn, maxReceiveCount: settings.maxReceiveCount }),
                ...(args.kmsMasterKeyId !== undefined ? { kmsMasterKeyId: args.kmsMasterKeyId } : { sqsManagedSseEnabled: true }),
            },
            parent,
        );
        dlq.allowRedriveFrom([this.queue.arn, ...(args.deadLetterQueue?.sourceQueueArns ?? [])]);

        const fn = createFunction(
            name,
            args.function,
            [
                {
                    actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"],
                    resources: [this.queue.arn],
                },
            ],
            this,
        );
        this.eventSourceMapping = new lambda.EventSourceMapping(
            `${name}-mapping`,
            {
                eventSourceArn: this.queue.arn,
                functionName: fn.function.arn,
                batchSize: settings.batchSize,
                maximumBatchingWindowInSeconds: settings.maximumBatchingWindowInSeconds || undefined,
                functionResponseTypes: ["ReportBatchItemFailures"],
                scalingConfig: { maximumConcurrency: settings.maximumConcurrency },
                filterCriteria: args.filterPatterns?.length ? { filters: args.filterPatterns.map((pattern) => ({ pattern })) } : undefined,
            },
            // Lambda checks the role's SQS permissions when the mapping is created.
            { parent: this, dependsOn: [fn.rolePolicy] },
        );

        this.function = fn.function;
        this.role = fn.role;
        this.logGroup = fn.logGroup;
        this.queueArn = this.queue.arn;
        this.queueUrl = this.queue.url;
        this.functionArn = fn.function.arn;
        this.functionName = fn.function.name;
        this.deadLetterQueueArn = dlq.queueArn;
        this.deadLetterQueueUrl = dlq.queueUrl;
        this.alarmTopicArn = dlq.alarmTopicArn;
        this.registerOutputs({
            queueArn: this.queueArn,
            queueUrl: this.queueUrl,
            functionArn: this.functionArn,
            functionName: this.functionName,
            deadLetterQueueArn: this.deadLetterQueueArn,
            deadLetterQueueUrl: this.deadLetterQueueUrl,
            alarmTopicArn: this.alarmTopicArn,
        });
    }
}

interface QueueWorkerSettings {
    batchSize: number;
    maximumBatchingWindowInSeconds: number;
    maximumConcurrency: number;
    maxReceiveCount: number;
    visibilityTimeoutSeconds: number;
    messageRetentionSeconds: number;
    fifo: boolean;
}

/** Checks every argument (throwing one error naming each bad one) and returns the settings with defaults applied. */
function validateQueueWorkerArgs(name: string, args: QueueWorkerArgs): QueueWorkerSettings {
    const errors = new ArgumentErrors("QueueWorker", name);
    if (typeof args !== "object" || args === null) {
        errors.add("args", "is required (at least `function.code`)");
        errors.throwIfAny();
    }
    validateFunctionArgs(errors, "function", args.function);
    validateDeadLetterQueueArgs(errors, "deadLetterQueue", args.deadLetterQueue ?? {});
    const fifo = args.fifo ?? queueWorkerDefaults.fifo;
    const batchSize = args.batchSize ?? queueWorkerDefaults.batchSize;
    const window = args.maximumBatchingWindowInSeconds ?? queueWorkerDefaults.maximumBatchingWindowInSeconds;
    errors.integerInRange("batchSize", args.batchSize, 1, fifo ? 10 : 10000);
    errors.integerInRange("maximumBatchingWindowInSeconds", args.maximumBatchingWindowInSeconds, 0, fifo ? 0 : 300);
    if (!fifo && typeof batchSize === "number" && batchSize > 10 && window === 0) {
        errors.add("maximumBatchingWindowInSeconds", "must be at least 1 when batchSize is above 10 (AWS rejects the mapping otherwise)");
    }
    errors.integerInRange("maxReceiveCount", args.maxReceiveCount, 1, 1000);
    errors.stringList("filterPatterns", args.filterPatterns);
    if (Array.isArray(args.filterPatterns)) args.filterPatterns.forEach((pattern, index) => errors.jsonObject(`filterPatterns[${index}]`, pattern));
    errors.boolean("fifo", args.fifo);
    errors.boolean("contentBasedDeduplication", args.contentBasedDeduplication);
    if (args.contentBasedDeduplication === true && fifo !== true) {
        errors.add("contentBasedDeduplication", "applies to a FIFO queue only: set fifo: true as well, or drop contentBasedDeduplication (SQS rejects it on a standard queue)");
    }
    errors.integerInRange("messageRetentionSeconds", args.messageRetentionSeconds, 60, 1209600);

    const fn = args.function ?? ({} as FunctionArgs);
    // A Managed Instances function reserves no concurrency (its capacity provider bounds it): the mapping keeps the usual cap.
    const managed = typeof fn === "object" && fn !== null && fn.capacityProvider !== undefined;
    const reserved = managed ? undefined : fn.reservedConcurrentExecutions ?? functionDefaults.reservedConcurrentExecutions;
    const timeout = fn.timeout ?? functionDefaults.timeout;
    const maximumConcurrency = args.maximumConcurrency ?? Math.min(reserved ?? functionDefaults.reservedConcurrentExecutions, 1000);
    if (args.maximumConcurrency !== undefined) {
        errors.integerInRange("maximumConcurrency", args.maximumConcurrency, 2, 1000);
        if (reserved !== undefined && typeof args.maximumConcurrency === "number" && args.maximumConcurrency > reserved) {
            errors.add("maximumConcurrency", `must not exceed function.reservedConcurrentExecutions (${reserved}), or the function is throttled and messages go to the dead-letter queue unprocessed`);
        }
    } else if (typeof reserved === "number" && reserved < 2) {
        errors.add("function.reservedConcurrentExecutions", "must be at least 2 for an SQS source (its maximumConcurrency is at least 2)");
    }

    const minimumVisibility = minimumVisibilityTimeout(Number(timeout), Number(window));
    const visibility = args.visibilityTimeoutSeconds ?? minimumVisibility;
    if (args.visibilityTimeoutSeconds !== undefined) {
        errors.integerInRange("visibilityTimeoutSeconds", args.visibilityTimeoutSeconds, 0, MAXIMUM_VISIBILITY_TIMEOUT);
        if (typeof args.visibilityTimeoutSeconds === "number" && args.visibilityTimeoutSeconds < minimumVisibility) {
            errors.add("visibilityTimeoutSeconds", `must be at least 6 x function.timeout + maximumBatchingWindowInSeconds = ${minimumVisibility}, or messages are redelivered while still being processed`);
        }
    } else if (minimumVisibility > MAXIMUM_VISIBILITY_TIMEOUT) {
        errors.add("function.timeout", `6 x timeout + batching window is ${minimumVisibility} s, above the 43200 s SQS visibility timeout limit`);
    }

    const retention = args.messageRetentionSeconds ?? queueWorkerDefaults.messageRetentionSeconds;
    const dlqRetention = args.deadLetterQueue?.messageRetentionSeconds ?? deadLetterQueueDefaults.messageRetentionSeconds;
    if (typeof retention === "number" && typeof dlqRetention === "number" && retention >= dlqRetention) {
        errors.add("messageRetentionSeconds", `must be shorter than deadLetterQueue.messageRetentionSeconds (${dlqRetention}): SQS keeps a message's first enqueue time, so a dead-lettered message would expire at once`);
    }
    if (args.deadLetterQueue?.fifo !== undefined && args.deadLetterQueue.fifo !== fifo) {
        errors.add("deadLetterQueue.fifo", "must match fifo: the dead-letter queue of a FIFO queue is FIFO, of a standard queue standard");
    }
    errors.throwIfAny();
    return {
        batchSize,
        maximumBatchingWindowInSeconds: window,
        maximumConcurrency,
        maxReceiveCount: args.maxReceiveCount ?? queueWorkerDefaults.maxReceiveCount,
        visibilityTimeoutSeconds: visibility,
        messageRetentionSeconds: retention,
        fifo,
    };
}
