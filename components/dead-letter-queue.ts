import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as sns from "@pulumi/aws/sns";
import * as sqs from "@pulumi/aws/sqs";
import { ArgumentErrors } from "./lib/argument-errors";
import { arnService, plainString } from "./lib/arns";
import { nameOf, rememberName } from "./lib/names";

/** An AWS service allowed to send to the queue, only on behalf of one source (e.g. an SNS topic or an EventBridge rule). */
export interface QueueSenderArgs {
    /** Service principal, e.g. `sns.amazonaws.com` or `events.amazonaws.com`: it must end in `.amazonaws.com`. Required. */
    service: string;
    /** ARN of the resource the service sends for; the queue policy requires it as `aws:SourceArn`. Required. */
    sourceArn: pulumi.Input<string>;
}

/** The settings of a `DeadLetterQueue`; every one is optional. */
export interface DeadLetterQueueArgs {
    /**
     * Seconds a message is kept, a whole number from 60 to 1209600. Default 1209600 (14 days, the maximum: longer
     * than any source queue).
     */
    messageRetentionSeconds?: number;
    /**
     * A FIFO queue (the dead-letter queue of a FIFO queue or topic must be FIFO), `true` or `false`. Default false.
     * Lambda, EventBridge and stream failure destinations cannot be FIFO: the components that use them reject `true`.
     */
    fifo?: boolean;
    /** KMS key (id, ARN or alias) for server-side encryption. Default: SQS-managed encryption (SSE-SQS). */
    kmsMasterKeyId?: pulumi.Input<string>;
    /** SNS topic the alarms notify; when known at construction it must be an SNS topic ARN. Default: a new topic. */
    alarmTopicArn?: pulumi.Input<string>;
    /**
     * E-mail addresses subscribed to the alarm topic (each must look like `name@example.com`, a dot in the domain);
     * alarm e-mails SNS cannot deliver go to a second, alarmed queue (`<name>-undelivered-alarms`). Default: none.
     */
    alarmEmails?: string[];
    /**
     * The age alarm fires when the oldest message is this many seconds old: a whole number from 60 to
     * `messageRetentionSeconds`. Default: half the retention (rounded down).
     */
    maximumMessageAgeSeconds?: number;
    /**
     * ARNs of the queues allowed to use this one as their dead-letter queue (a redrive-allow policy), a list. Or call
     * `allowRedriveFrom` later. Default: no redrive-allow policy.
     */
    sourceQueueArns?: pulumi.Input<string>[];
    /**
     * Services allowed to send failed events here (a queue policy), each only for its `sourceArn`. Or call
     * `allowSendFrom` later. Default: no queue policy.
     */
    senders?: QueueSenderArgs[];
}

/** The defaults a `DeadLetterQueue` applies; `alarmPeriodSeconds` is the alarms' period (not an argument). */
export const deadLetterQueueDefaults = {
    messageRetentionSeconds: 1209600,
    fifo: false,
    alarmPeriodSeconds: 60,
} as const;

/**
 * An SQS dead-letter queue that someone hears about: 14-day retention, encryption, an alarm on the first visible
 * message and one on message age, both notifying an SNS topic (given, or a new one with optional e-mail
 * subscriptions), and a redrive-allow policy limited to its source queues.
 */
export class DeadLetterQueue extends pulumi.ComponentResource {
    /** The SQS queue (`<name>-queue`). */
    public readonly queue: sqs.Queue;
    /** The queue's ARN: give it as a source's dead-letter target. */
    public readonly queueArn: pulumi.Output<string>;
    /** The queue's URL, to read or redrive its messages. */
    public readonly queueUrl: pulumi.Output<string>;
    /** The queue's name. */
    public readonly queueName: pulumi.Output<string>;
    /** The topic the alarms notify: `alarmTopicArn`, or the topic created for them. */
    public readonly alarmTopicArn: pulumi.Output<string>;
    /** Fires when a message is visible in the queue (at least 1 within a minute). */
    public readonly messagesAlarm: cloudwatch.MetricAlarm;
    /** Fires when the oldest message is `maximumMessageAgeSeconds` old, before its retention deletes it. */
    public readonly ageAlarm: cloudwatch.MetricAlarm;

    constructor(name: string, args: DeadLetterQueueArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        const errors = new ArgumentErrors("DeadLetterQueue", name);
        validateDeadLetterQueueArgs(errors, "", args ?? {});
        errors.throwIfAny();
        super("serverless-guardrails:index:DeadLetterQueue", name, {}, opts);
        rememberName(this, name);
        args = args ?? {};
        const retention = args.messageRetentionSeconds ?? deadLetterQueueDefaults.messageRetentionSeconds;
        const fifo = args.fifo ?? deadLetterQueueDefaults.fifo;
        const parent = { parent: this };

        this.queue = new sqs.Queue(
            `${name}-queue`,
            {
                messageRetentionSeconds: retention,
                fifoQueue: fifo || undefined,
                ...(args.kmsMasterKeyId !== undefined ? { kmsMasterKeyId: args.kmsMasterKeyId } : { sqsManagedSseEnabled: true }),
            },
            parent,
        );

        let topicArn: pulumi.Output<string>;
        if (args.alarmTopicArn !== undefined) {
            topicArn = pulumi.output(args.alarmTopicArn);
        } else {
            topicArn = new sns.Topic(`${name}-alarms`, {}, parent).arn;
        }
        const emails = args.alarmEmails ?? [];
        if (emails.length > 0) {
            // Undeliverable alarm e-mails go to a queue of their own (alarmed, without e-mails, so this nests once).
            const undelivered = new DeadLetterQueue(
                `${name}-undelivered-alarms`,
                { alarmTopicArn: topicArn, senders: [{ service: "sns.amazonaws.com", sourceArn: topicArn }] },
                parent,
            );
            emails.forEach((email, index) => {
                new sns.TopicSubscription(
                    `${name}-alarm-email-${index}`,
                    {
                        topic: topicArn,
                        protocol: "email",
                        endpoint: email,
                        redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: undelivered.queueArn }),
                    },
                    parent,
                );
            });
        }

        const alarm = (role: string, metricName: string, statistic: string, threshold: number, description: string) =>
            new cloudwatch.MetricAlarm(
                `${name}-${role}`,
                {
                    namespace: "AWS/SQS",
                    metricName,
                    dimensions: { QueueName: this.queue.name },
                    statistic,
                    period: deadLetterQueueDefaults.alarmPeriodSeconds,
                    evaluationPeriods: 1,
                    threshold,
                    comparisonOperator: "GreaterThanOrEqualToThreshold",
                    treatMissingData: "notBreaching",
                    alarmDescription: description,
                    alarmActions: [topicArn],
                    okActions: [topicArn],
                },
                parent,
            );
        this.messagesAlarm = alarm(
            "messages-alarm",
            "ApproximateNumberOfMessagesVisible",
            "Maximum",
            1,
            "A message reached the dead-letter queue: a failure needs a look, then a redrive.",
        );
        this.ageAlarm = alarm(
            "age-alarm",
            "ApproximateAgeOfOldestMessage",
            "Maximum",
            args.maximumMessageAgeSeconds ?? Math.floor(retention / 2),
            "The oldest dead-lettered message is getting close to its retention limit and will be deleted.",
        );

        if (args.sourceQueueArns !== undefined) this.allowRedriveFrom(args.sourceQueueArns);
        if (args.senders !== undefined) this.allowSendFrom(args.senders);

        this.queueArn = this.queue.arn;
        this.queueUrl = this.queue.url;
        this.queueName = this.queue.name;
        this.alarmTopicArn = topicArn;
        this.registerOutputs({
            queueArn: this.queueArn,
            queueUrl: this.queueUrl,
            queueName: this.queueName,
            alarmTopicArn: this.alarmTopicArn,
        });
    }

    /** Limits which queues may use this one as their dead-letter queue. Call once (AWS keeps one such policy). */
    allowRedriveFrom(sourceQueueArns: pulumi.Input<string>[]): sqs.RedriveAllowPolicy {
        return new sqs.RedriveAllowPolicy(
            `${nameOf(this)}-redrive-allow`,
            {
                queueUrl: this.queue.url,
                redriveAllowPolicy: pulumi.jsonStringify({ redrivePermission: "byQueue", sourceQueueArns }),
            },
            { parent: this },
        );
    }

    /** Lets AWS services send to this queue on behalf of the given sources only. Call once (AWS keeps one queue policy). */
    allowSendFrom(senders: QueueSenderArgs[]): sqs.QueuePolicy {
        return new sqs.QueuePolicy(
            `${nameOf(this)}-policy`,
            {
                queueUrl: this.queue.url,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: senders.map((sender) => ({
                        Effect: "Allow",
                        Principal: { Service: sender.service },
                        Action: "sqs:SendMessage",
                        Resource: this.queue.arn,
                        Condition: { ArnEquals: { "aws:SourceArn": sender.sourceArn } },
                    })),
                }),
            },
            { parent: this },
        );
    }

}

/** Records every invalid DeadLetterQueue argument, prefixed with `argument` (e.g. `deadLetterQueue`) when nested. */
export function validateDeadLetterQueueArgs(errors: ArgumentErrors, argument: string, args: DeadLetterQueueArgs): void {
    const at = (field: string) => (argument ? `${argument}.${field}` : field);
    if (typeof args !== "object" || args === null) {
        errors.add(argument || "args", "must be an object");
        return;
    }
    errors.boolean(at("fifo"), args.fifo);
    errors.integerInRange(at("messageRetentionSeconds"), args.messageRetentionSeconds, 60, 1209600);
    const retention = args.messageRetentionSeconds ?? deadLetterQueueDefaults.messageRetentionSeconds;
    errors.integerInRange(at("maximumMessageAgeSeconds"), args.maximumMessageAgeSeconds, 60, typeof retention === "number" ? retention : 1209600);
    const topic = plainString(args.alarmTopicArn);
    if (topic !== undefined && arnService(topic) !== "sns") errors.add(at("alarmTopicArn"), `must be an SNS topic ARN (got ${JSON.stringify(topic)})`);
    errors.emailList(at("alarmEmails"), args.alarmEmails);
    if (args.sourceQueueArns !== undefined && !Array.isArray(args.sourceQueueArns)) errors.add(at("sourceQueueArns"), "must be a list of queue ARNs");
    if (args.senders !== undefined) {
        if (!Array.isArray(args.senders)) errors.add(at("senders"), "must be a list of { service, sourceArn }");
        else
            args.senders.forEach((sender, index) => {
                if (typeof sender?.service !== "string" || !sender.service.endsWith(".amazonaws.com")) {
                    errors.add(at(`senders[${index}].service`), "must be a service principal such as sns.amazonaws.com");
                }
                errors.required(at(`senders[${index}].sourceArn`), sender?.sourceArn);
            });
    }
}
