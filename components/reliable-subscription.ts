import * as pulumi from "@pulumi/pulumi";
import * as lambda from "@pulumi/aws/lambda";
import * as sns from "@pulumi/aws/sns";
import * as sqs from "@pulumi/aws/sqs";
import { ArgumentErrors } from "./lib/argument-errors";
import { arnService, isFifoArn, plainString } from "./lib/arns";
import { DeadLetterQueue, validateDeadLetterQueueArgs, type DeadLetterQueueArgs } from "./dead-letter-queue";

/** The arguments of a `ReliableSubscription`: `topicArn`, `protocol` and `endpoint` are required. */
export interface ReliableSubscriptionArgs {
    /** The SNS topic to subscribe to: its ARN (when known, an SNS ARN). Required. */
    topicArn: pulumi.Input<string>;
    /** `sqs`, `lambda`, `https`, `http`, `email`, `email-json`, `sms`, `firehose` or `application` (see `subscriptionProtocols`). Required. */
    protocol: string;
    /**
     * What receives the messages, as the protocol requires: an SQS queue ARN (`sqs`), a Lambda function ARN
     * (`lambda`), an `http://` or `https://` URL of that protocol, an e-mail address (`email`, `email-json`), a
     * phone number (`sms`), a Firehose stream ARN or a platform endpoint ARN. Required.
     */
    endpoint: pulumi.Input<string>;
    /** SNS filter policy, a JSON object as a string (e.g. `'{"type":["order"]}'`). Default: none (every message). */
    filterPolicy?: pulumi.Input<string>;
    /** What `filterPolicy` matches: `MessageAttributes` or `MessageBody`. Default: SNS's (`MessageAttributes`). */
    filterPolicyScope?: string;
    /** Deliver the message as published, without SNS's JSON envelope (`sqs`, `http`/`https`, `firehose`), `true` or `false`. Default: SNS's (off). */
    rawMessageDelivery?: boolean;
    /** Role SNS uses to write to a Firehose endpoint. Required for `firehose`; not used otherwise. */
    subscriptionRoleArn?: pulumi.Input<string>;
    /**
     * A FIFO topic: its dead-letter queue must be FIFO too. When `topicArn` is known, it must match it (`.fifo` or
     * not). Default: true when `topicArn` is known to end in `.fifo`.
     */
    fifo?: boolean;
    /**
     * `sqs` protocol: URL of the endpoint queue, to give it a queue policy that lets this topic deliver to it.
     * AWS keeps one policy per queue: give it only when this topic is the queue's only sender. Only with protocol
     * `sqs`. Default: no policy.
     */
    endpointQueueUrl?: pulumi.Input<string>;
    /** `lambda` protocol: add the invoke permission scoped to the topic, `true` or `false`. Default true. */
    grantLambdaInvoke?: boolean;
    /**
     * Settings of the dead-letter queue (alarm topic, e-mails, retention), without `fifo` (it follows the topic: set
     * `fifo` instead). Its `senders` are allowed besides this topic. Default: a `DeadLetterQueue`'s defaults.
     */
    deadLetterQueue?: DeadLetterQueueArgs;
}

/** The protocols a `ReliableSubscription` accepts. */
export const subscriptionProtocols = ["sqs", "lambda", "https", "http", "email", "email-json", "sms", "firehose", "application"] as const;

/**
 * An SNS subscription that keeps what it cannot deliver: a redrive policy to an alarmed `DeadLetterQueue` that
 * only this topic may send to. For a Lambda endpoint, also the invoke permission scoped to the topic.
 */
export class ReliableSubscription extends pulumi.ComponentResource {
    /** The SNS subscription, with its redrive policy to the dead-letter queue. */
    public readonly subscription: sns.TopicSubscription;
    /** The subscription's ARN. */
    public readonly subscriptionArn: pulumi.Output<string>;
    /** The dead-letter queue's ARN. */
    public readonly deadLetterQueueArn: pulumi.Output<string>;
    /** The dead-letter queue's URL, to read or redrive its messages. */
    public readonly deadLetterQueueUrl: pulumi.Output<string>;
    /** The topic the dead-letter queue's alarms notify. */
    public readonly alarmTopicArn: pulumi.Output<string>;
    /** `lambda` protocol only. */
    public readonly permission?: lambda.Permission;
    /** `sqs` protocol with `endpointQueueUrl` only. */
    public readonly endpointQueuePolicy?: sqs.QueuePolicy;

    constructor(name: string, args: ReliableSubscriptionArgs, opts?: pulumi.ComponentResourceOptions) {
        validateReliableSubscriptionArgs(name, args);
        super("serverless-guardrails:index:ReliableSubscription", name, {}, opts);
        const parent = { parent: this };
        const fifo = args.fifo ?? isFifoArn(plainString(args.topicArn));

        const dlq = new DeadLetterQueue(
            `${name}-dlq`,
            {
                ...args.deadLetterQueue,
                fifo,
                senders: [{ service: "sns.amazonaws.com", sourceArn: args.topicArn }, ...(args.deadLetterQueue?.senders ?? [])],
            },
            parent,
        );
        if (args.protocol === "lambda" && (args.grantLambdaInvoke ?? true)) {
            this.permission = new lambda.Permission(
                `${name}-permission`,
                { function: args.endpoint, action: "lambda:InvokeFunction", principal: "sns.amazonaws.com", sourceArn: args.topicArn },
                parent,
            );
        }
        if (args.protocol === "sqs" && args.endpointQueueUrl !== undefined) {
            this.endpointQueuePolicy = new sqs.QueuePolicy(
                `${name}-endpoint-policy`,
                {
                    queueUrl: args.endpointQueueUrl,
                    policy: pulumi.jsonStringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Effect: "Allow",
                                Principal: { Service: "sns.amazonaws.com" },
                                Action: "sqs:SendMessage",
                                Resource: args.endpoint,
                                Condition: { ArnEquals: { "aws:SourceArn": args.topicArn } },
                            },
                        ],
                    }),
                },
                parent,
            );
        }
        const dependsOn = [this.permission, this.endpointQueuePolicy].filter((r): r is NonNullable<typeof r> => r !== undefined);
        this.subscription = new sns.TopicSubscription(
            `${name}-subscription`,
            {
                topic: args.topicArn,
                protocol: args.protocol,
                endpoint: args.endpoint,
                filterPolicy: args.filterPolicy,
                filterPolicyScope: args.filterPolicyScope,
                rawMessageDelivery: args.rawMessageDelivery,
                subscriptionRoleArn: args.subscriptionRoleArn,
                redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: dlq.queueArn }),
            },
            { parent: this, dependsOn },
        );

        this.subscriptionArn = this.subscription.arn;
        this.deadLetterQueueArn = dlq.queueArn;
        this.deadLetterQueueUrl = dlq.queueUrl;
        this.alarmTopicArn = dlq.alarmTopicArn;
        this.registerOutputs({
            subscriptionArn: this.subscriptionArn,
            deadLetterQueueArn: this.deadLetterQueueArn,
            deadLetterQueueUrl: this.deadLetterQueueUrl,
            alarmTopicArn: this.alarmTopicArn,
        });
    }
}

function validateReliableSubscriptionArgs(name: string, args: ReliableSubscriptionArgs): void {
    const errors = new ArgumentErrors("ReliableSubscription", name);
    if (typeof args !== "object" || args === null) {
        errors.add("args", "is required (topicArn, protocol, endpoint)");
        errors.throwIfAny();
    }
    errors.required("topicArn", args.topicArn);
    const topic = plainString(args.topicArn);
    if (topic && arnService(topic) !== "sns") errors.add("topicArn", `must be an SNS topic ARN (got ${JSON.stringify(topic)})`);
    if (args.protocol === undefined) errors.required("protocol", args.protocol);
    else errors.oneOf("protocol", args.protocol, subscriptionProtocols);
    errors.required("endpoint", args.endpoint);
    const endpoint = plainString(args.endpoint);
    if (endpoint && args.protocol === "sqs" && arnService(endpoint) !== "sqs") errors.add("endpoint", `must be an SQS queue ARN for protocol sqs (got ${JSON.stringify(endpoint)})`);
    if (endpoint && args.protocol === "lambda" && arnService(endpoint) !== "lambda") errors.add("endpoint", `must be a Lambda function ARN for protocol lambda (got ${JSON.stringify(endpoint)})`);
    if (args.protocol === "email" || args.protocol === "email-json") errors.email("endpoint", args.endpoint);
    if (endpoint && (args.protocol === "http" || args.protocol === "https") && !endpoint.startsWith(`${args.protocol}://`)) {
        errors.add("endpoint", `must be a ${args.protocol}:// URL for protocol ${args.protocol} (got ${JSON.stringify(endpoint)})`);
    }
    errors.jsonObject("filterPolicy", args.filterPolicy);
    if (args.protocol === "firehose") errors.required("subscriptionRoleArn", args.subscriptionRoleArn);
    if (args.endpointQueueUrl !== undefined && args.protocol !== "sqs") errors.add("endpointQueueUrl", "is only for protocol sqs");
    errors.oneOf("filterPolicyScope", args.filterPolicyScope, ["MessageAttributes", "MessageBody"]);
    errors.boolean("rawMessageDelivery", args.rawMessageDelivery);
    errors.boolean("grantLambdaInvoke", args.grantLambdaInvoke);
    errors.boolean("fifo", args.fifo);
    if (topic && args.fifo !== undefined && args.fifo !== isFifoArn(topic)) {
        errors.add("fifo", `must match the topic: ${topic} is ${isFifoArn(topic) ? "" : "not "}a FIFO topic`);
    }
    if (args.deadLetterQueue !== undefined) {
        validateDeadLetterQueueArgs(errors, "deadLetterQueue", args.deadLetterQueue);
        if (args.deadLetterQueue.fifo !== undefined) errors.add("deadLetterQueue.fifo", "is set from the topic: use `fifo` instead");
    }
    errors.throwIfAny();
}
