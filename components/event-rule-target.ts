import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as iam from "@pulumi/aws/iam";
import * as lambda from "@pulumi/aws/lambda";
import * as sqs from "@pulumi/aws/sqs";
import { ArgumentErrors } from "./lib/argument-errors";
import { arnService, plainString } from "./lib/arns";
import { policyDocument } from "./lib/iam";
import { DeadLetterQueue, validateDeadLetterQueueArgs, type DeadLetterQueueArgs } from "./dead-letter-queue";

/** The arguments of an `EventRuleTarget`: the rule, and exactly one of `functionArn` or `targetArn`. */
export interface EventRuleTargetArgs {
    /** Name of the EventBridge rule. Required. */
    rule: pulumi.Input<string>;
    /**
     * ARN of the rule: the dead-letter queue and the Lambda permission accept events from this rule only. Required;
     * when known, an EventBridge (`arn:aws:events:...`) ARN.
     */
    ruleArn: pulumi.Input<string>;
    /** Bus of the rule. Default: the account's default bus. */
    eventBusName?: pulumi.Input<string>;
    /** A Lambda function target: its ARN (when known, a Lambda ARN). Give this or `targetArn`, not both. */
    functionArn?: pulumi.Input<string>;
    /**
     * Any other target (SQS queue, SNS topic, Step Functions state machine, event bus, ...): its ARN, not a Lambda
     * function's (give that as `functionArn`). Give this or `functionArn`, not both.
     */
    targetArn?: pulumi.Input<string>;
    /**
     * SQS target: URL of the target queue, to give it a queue policy that lets this rule send to it. AWS keeps one
     * policy per queue: give it only when this rule is the queue's only sender. Only with an SQS `targetArn`.
     * Default: no policy.
     */
    targetQueueUrl?: pulumi.Input<string>;
    /** Role EventBridge assumes to reach the target (Kinesis, Step Functions, ECS, another bus, ...). Default: none. */
    roleArn?: pulumi.Input<string>;
    /** Constant JSON sent instead of the event. Default: the event itself. */
    input?: pulumi.Input<string>;
    /** JSONPath of the part of the event to send (e.g. `$.detail`). Default: the whole event. */
    inputPath?: pulumi.Input<string>;
    /** Delivery retries before the event goes to the dead-letter queue, a whole number from 0 to 185. Default 8. */
    maximumRetryAttempts?: number;
    /** Seconds EventBridge keeps retrying, a whole number from 60 to 86400. Default 3600. */
    maximumEventAgeInSeconds?: number;
    /**
     * Settings of the dead-letter queue (alarm topic, e-mails, retention). Must stay standard (not `fifo: true`):
     * EventBridge cannot use a FIFO one. Its `senders` are allowed besides this rule. Default: a `DeadLetterQueue`'s defaults.
     */
    deadLetterQueue?: DeadLetterQueueArgs;
    /**
     * Lambda target: also give the function an on-failure destination (this dead-letter queue) for its asynchronous
     * invocations, `true` or `false`. Default true; false when it has one already (e.g. an `AsyncFunction`).
     */
    functionFailureDestination?: boolean;
    /** Lambda target: name of the function's role, which is allowed to send its failures to the dead-letter queue. Required when `functionFailureDestination` is true. */
    functionRoleName?: pulumi.Input<string>;
    /** Lambda target: asynchronous retries, a whole number from 0 to 2. Default 2. */
    functionMaximumRetryAttempts?: number;
    /** Lambda target: seconds an event may wait for the function, a whole number from 60 to 21600. Default 3600. */
    functionMaximumEventAgeInSeconds?: number;
}

/** The defaults an `EventRuleTarget` applies (the `function*` ones to a Lambda target only). */
export const eventRuleTargetDefaults = {
    maximumRetryAttempts: 8,
    maximumEventAgeInSeconds: 3600,
    functionFailureDestination: true,
    functionMaximumRetryAttempts: 2,
    functionMaximumEventAgeInSeconds: 3600,
} as const;

/**
 * An EventBridge rule target whose undeliverable events land in an alarmed `DeadLetterQueue` after a bounded
 * retry policy. For a Lambda target, also the invoke permission scoped to the rule and the function's
 * asynchronous on-failure destination, since EventBridge hands the event over and forgets it.
 */
export class EventRuleTarget extends pulumi.ComponentResource {
    /** The EventBridge target, with its retry policy and dead-letter queue. */
    public readonly target: cloudwatch.EventTarget;
    /** The dead-letter queue's ARN. */
    public readonly deadLetterQueueArn: pulumi.Output<string>;
    /** The dead-letter queue's URL, to read or redrive its events. */
    public readonly deadLetterQueueUrl: pulumi.Output<string>;
    /** The topic the dead-letter queue's alarms notify. */
    public readonly alarmTopicArn: pulumi.Output<string>;
    /** Lambda target only. */
    public readonly permission?: lambda.Permission;
    /** Lambda target with `functionFailureDestination` only. */
    public readonly eventInvokeConfig?: lambda.FunctionEventInvokeConfig;
    /** SQS target with `targetQueueUrl` only. */
    public readonly targetQueuePolicy?: sqs.QueuePolicy;

    constructor(name: string, args: EventRuleTargetArgs, opts?: pulumi.ComponentResourceOptions) {
        validateEventRuleTargetArgs(name, args);
        super("serverless-guardrails:index:EventRuleTarget", name, {}, opts);
        const parent = { parent: this };
        const d = eventRuleTargetDefaults;

        const dlq = new DeadLetterQueue(
            `${name}-dlq`,
            {
                ...args.deadLetterQueue,
                senders: [{ service: "events.amazonaws.com", sourceArn: args.ruleArn }, ...(args.deadLetterQueue?.senders ?? [])],
            },
            parent,
        );

        if (args.functionArn !== undefined) {
            this.permission = new lambda.Permission(
                `${name}-permission`,
                { function: args.functionArn, action: "lambda:InvokeFunction", principal: "events.amazonaws.com", sourceArn: args.ruleArn },
                parent,
            );
            if (args.functionFailureDestination ?? d.functionFailureDestination) {
                const send = new iam.RolePolicy(
                    `${name}-failure-policy`,
                    { role: args.functionRoleName!, policy: policyDocument([{ actions: ["sqs:SendMessage"], resources: [dlq.queueArn] }]) },
                    parent,
                );
                this.eventInvokeConfig = new lambda.FunctionEventInvokeConfig(
                    `${name}-invoke-config`,
                    {
                        functionName: args.functionArn,
                        maximumRetryAttempts: args.functionMaximumRetryAttempts ?? d.functionMaximumRetryAttempts,
                        maximumEventAgeInSeconds: args.functionMaximumEventAgeInSeconds ?? d.functionMaximumEventAgeInSeconds,
                        destinationConfig: { onFailure: { destination: dlq.queueArn } },
                    },
                    { parent: this, dependsOn: [send] },
                );
            }
        }

        if (args.targetQueueUrl !== undefined) {
            this.targetQueuePolicy = new sqs.QueuePolicy(
                `${name}-target-policy`,
                {
                    queueUrl: args.targetQueueUrl,
                    policy: pulumi.jsonStringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Effect: "Allow",
                                Principal: { Service: "events.amazonaws.com" },
                                Action: "sqs:SendMessage",
                                Resource: args.targetArn,
                                Condition: { ArnEquals: { "aws:SourceArn": args.ruleArn } },
                            },
                        ],
                    }),
                },
                parent,
            );
        }
        const dependsOn = [this.permission, this.targetQueuePolicy].filter((r): r is NonNullable<typeof r> => r !== undefined);
        this.target = new cloudwatch.EventTarget(
            `${name}-target`,
            {
                rule: args.rule,
                eventBusName: args.eventBusName,
                arn: (args.functionArn ?? args.targetArn)!,
                roleArn: args.roleArn,
                input: args.input,
                inputPath: args.inputPath,
                retryPolicy: {
                    maximumRetryAttempts: args.maximumRetryAttempts ?? d.maximumRetryAttempts,
                    maximumEventAgeInSeconds: args.maximumEventAgeInSeconds ?? d.maximumEventAgeInSeconds,
                },
                deadLetterConfig: { arn: dlq.queueArn },
            },
            { parent: this, dependsOn },
        );

        this.deadLetterQueueArn = dlq.queueArn;
        this.deadLetterQueueUrl = dlq.queueUrl;
        this.alarmTopicArn = dlq.alarmTopicArn;
        this.registerOutputs({
            deadLetterQueueArn: this.deadLetterQueueArn,
            deadLetterQueueUrl: this.deadLetterQueueUrl,
            alarmTopicArn: this.alarmTopicArn,
        });
    }
}

function validateEventRuleTargetArgs(name: string, args: EventRuleTargetArgs): void {
    const errors = new ArgumentErrors("EventRuleTarget", name);
    if (typeof args !== "object" || args === null) {
        errors.add("args", "is required (rule, ruleArn and functionArn or targetArn)");
        errors.throwIfAny();
    }
    errors.required("rule", args.rule);
    errors.required("ruleArn", args.ruleArn);
    const ruleArn = plainString(args.ruleArn);
    if (ruleArn && arnService(ruleArn) !== "events") errors.add("ruleArn", `must be an EventBridge rule ARN (got ${JSON.stringify(ruleArn)})`);
    if ((args.functionArn === undefined) === (args.targetArn === undefined)) {
        errors.add("functionArn", "give exactly one of functionArn (a Lambda target) or targetArn (any other target)");
    }
    const target = plainString(args.targetArn);
    if (target && arnService(target) === "lambda") errors.add("targetArn", "is a Lambda function: give it as functionArn, which adds its permission and failure destination");
    const fn = plainString(args.functionArn);
    if (fn && arnService(fn) !== "lambda") errors.add("functionArn", `must be a Lambda function ARN (got ${JSON.stringify(fn)})`);
    if (args.targetQueueUrl !== undefined) {
        const isQueue = target === undefined ? args.targetArn !== undefined : arnService(target) === "sqs";
        if (!isQueue) errors.add("targetQueueUrl", "is only for an SQS queue given as targetArn");
    }
    errors.integerInRange("maximumRetryAttempts", args.maximumRetryAttempts, 0, 185);
    errors.integerInRange("maximumEventAgeInSeconds", args.maximumEventAgeInSeconds, 60, 86400);
    errors.integerInRange("functionMaximumRetryAttempts", args.functionMaximumRetryAttempts, 0, 2);
    errors.integerInRange("functionMaximumEventAgeInSeconds", args.functionMaximumEventAgeInSeconds, 60, 21600);
    errors.boolean("functionFailureDestination", args.functionFailureDestination);
    if (args.functionArn !== undefined && (args.functionFailureDestination ?? eventRuleTargetDefaults.functionFailureDestination) === true) {
        errors.required("functionRoleName", args.functionRoleName);
    }
    if (args.deadLetterQueue !== undefined) {
        validateDeadLetterQueueArgs(errors, "deadLetterQueue", args.deadLetterQueue);
        if (args.deadLetterQueue.fifo === true) errors.add("deadLetterQueue.fifo", "must be false: EventBridge cannot send to a FIFO dead-letter queue");
    }
    errors.throwIfAny();
}
