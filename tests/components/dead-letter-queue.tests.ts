import * as pulumi from "@pulumi/pulumi";
import { DeadLetterQueue } from "../../components/dead-letter-queue";
import { ComponentArgumentError } from "../../components/lib/argument-errors";
import { argumentError, byType, one, recordResources, settle, valueOf, type Registered } from "../helpers/component-recorder";

let registered: Registered[];

describe("DeadLetterQueue", () => {
    beforeEach(() => {
        registered = recordResources();
    });

    test("defaults: 14-day encrypted queue, alarms on the first message and on age, to a new topic", async () => {
        const dlq = new DeadLetterQueue("failed");
        await valueOf(dlq.queueArn);
        await settle();
        expect(one(registered, "serverless-guardrails:index:DeadLetterQueue").name).toBe("failed");
        const queue = one(registered, "aws:sqs/queue:Queue");
        expect(queue.name).toBe("failed-queue");
        expect(queue.inputs.messageRetentionSeconds).toBe(1209600);
        expect(queue.inputs.sqsManagedSseEnabled).toBe(true);
        expect(queue.inputs.fifoQueue).toBeUndefined();
        const topic = one(registered, "aws:sns/topic:Topic");
        expect(topic.name).toBe("failed-alarms");
        const topicArn = await valueOf(dlq.alarmTopicArn);
        const alarms = byType(registered, "aws:cloudwatch/metricAlarm:MetricAlarm");
        expect(alarms.map((a) => a.name).sort()).toEqual(["failed-age-alarm", "failed-messages-alarm"]);
        const messages = alarms.find((a) => a.name === "failed-messages-alarm")!.inputs;
        expect(messages).toMatchObject({
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            threshold: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            evaluationPeriods: 1,
            alarmActions: [topicArn],
            dimensions: { QueueName: await valueOf(dlq.queueName) },
        });
        const age = alarms.find((a) => a.name === "failed-age-alarm")!.inputs;
        expect(age).toMatchObject({ metricName: "ApproximateAgeOfOldestMessage", threshold: 604800, alarmActions: [topicArn] });
        expect(byType(registered, "aws:sns/topicSubscription:TopicSubscription")).toHaveLength(0);
        expect(byType(registered, "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy")).toHaveLength(0);
    });

    test("overrides: retention, FIFO, KMS key, a given topic, age threshold", async () => {
        const topicArn = "arn:aws:sns:us-east-1:123456789012:ops";
        const dlq = new DeadLetterQueue("failed", {
            messageRetentionSeconds: 604800,
            fifo: true,
            kmsMasterKeyId: "alias/dlq",
            alarmTopicArn: topicArn,
            maximumMessageAgeSeconds: 3600,
        });
        await valueOf(dlq.queueArn);
        await settle();
        const queue = one(registered, "aws:sqs/queue:Queue").inputs;
        expect(queue).toMatchObject({ messageRetentionSeconds: 604800, fifoQueue: true, kmsMasterKeyId: "alias/dlq" });
        expect(queue.sqsManagedSseEnabled).toBeUndefined();
        expect(byType(registered, "aws:sns/topic:Topic")).toHaveLength(0);
        expect(await valueOf(dlq.alarmTopicArn)).toBe(topicArn);
        const age = byType(registered, "aws:cloudwatch/metricAlarm:MetricAlarm").find((a) => a.name === "failed-age-alarm")!;
        expect(age.inputs.threshold).toBe(3600);
    });

    test("e-mail subscriptions redrive undeliverable alarms to an alarmed queue of their own", async () => {
        const dlq = new DeadLetterQueue("failed", { alarmEmails: ["ops@example.com", "dev@example.com"] });
        await valueOf(dlq.queueArn);
        await settle();
        const subscriptions = byType(registered, "aws:sns/topicSubscription:TopicSubscription");
        expect(subscriptions.map((s) => s.inputs.endpoint)).toEqual(["ops@example.com", "dev@example.com"]);
        const undelivered = registered.find((r) => r.name === "failed-undelivered-alarms-queue")!;
        expect(undelivered).toBeDefined();
        const queueArns = byType(registered, "aws:sqs/queue:Queue").length;
        expect(queueArns).toBe(2);
        for (const subscription of subscriptions) {
            expect(subscription.inputs.protocol).toBe("email");
            expect(JSON.parse(subscription.inputs.redrivePolicy).deadLetterTargetArn).toContain("failed-undelivered-alarms-queue");
        }
        const policy = JSON.parse(one(registered, "aws:sqs/queuePolicy:QueuePolicy").inputs.policy);
        expect(policy.Statement[0]).toMatchObject({ Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage" });
        expect(policy.Statement[0].Condition.ArnEquals["aws:SourceArn"]).toBe(await valueOf(dlq.alarmTopicArn));
        expect(byType(registered, "aws:cloudwatch/metricAlarm:MetricAlarm")).toHaveLength(4);
        expect(byType(registered, "aws:sns/topic:Topic")).toHaveLength(1);
    });

    test("redrive-allow policy limited to its sources, and a queue policy for service senders", async () => {
        const source = "arn:aws:sqs:us-east-1:123456789012:orders";
        const rule = "arn:aws:events:us-east-1:123456789012:rule/nightly";
        const dlq = new DeadLetterQueue("failed", { sourceQueueArns: [source], senders: [{ service: "events.amazonaws.com", sourceArn: rule }] });
        await valueOf(dlq.queueArn);
        await settle();
        const allow = one(registered, "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy");
        expect(allow.name).toBe("failed-redrive-allow");
        expect(JSON.parse(allow.inputs.redriveAllowPolicy)).toEqual({ redrivePermission: "byQueue", sourceQueueArns: [source] });
        const policy = JSON.parse(one(registered, "aws:sqs/queuePolicy:QueuePolicy").inputs.policy);
        expect(policy.Statement).toEqual([
            {
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sqs:SendMessage",
                Resource: await valueOf(dlq.queueArn),
                Condition: { ArnEquals: { "aws:SourceArn": rule } },
            },
        ]);
    });

    test("allowRedriveFrom names sources known only after the queue exists", async () => {
        const dlq = new DeadLetterQueue("failed");
        dlq.allowRedriveFrom([pulumi.output("arn:aws:sqs:us-east-1:123456789012:later")]);
        await settle();
        await valueOf(dlq.queueArn);
        await settle();
        const allow = one(registered, "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy");
        expect(JSON.parse(allow.inputs.redriveAllowPolicy).sourceQueueArns).toEqual(["arn:aws:sqs:us-east-1:123456789012:later"]);
    });

    test("invalid arguments throw one error naming each, before any child resource", async () => {
        const error = await argumentError(registered, () =>
            new DeadLetterQueue("failed", {
                messageRetentionSeconds: 2000000,
                maximumMessageAgeSeconds: 10,
                alarmTopicArn: "arn:aws:sqs:us-east-1:123456789012:not-a-topic",
                alarmEmails: ["nobody"],
                senders: [{ service: "events", sourceArn: "" }],
            }),
        );
        expect(error).toBeInstanceOf(ComponentArgumentError);
        expect((error as ComponentArgumentError).arguments).toEqual([
            "messageRetentionSeconds",
            "maximumMessageAgeSeconds",
            "alarmTopicArn",
            "alarmEmails[0]",
            "senders[0].service",
            "senders[0].sourceArn",
        ]);
        expect(registered).toHaveLength(0);
    });
});
