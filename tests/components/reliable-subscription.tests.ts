import { ReliableSubscription } from "../../components/reliable-subscription";
import { ComponentArgumentError } from "../../components/lib/argument-errors";
import { argumentError, byType, one, recordResources, settle, valueOf, type Registered } from "../helpers/component-recorder";

const topicArn = "arn:aws:sns:us-east-1:123456789012:orders";
const queueArn = "arn:aws:sqs:us-east-1:123456789012:billing";
const functionArn = "arn:aws:lambda:us-east-1:123456789012:function:notify";

let registered: Registered[];

async function build(args: Partial<ConstructorParameters<typeof ReliableSubscription>[1]>) {
    const subscription = new ReliableSubscription("billing", { topicArn, protocol: "sqs", endpoint: queueArn, ...args });
    await valueOf(subscription.subscription.id);
    await settle();
    return subscription;
}

describe("ReliableSubscription", () => {
    beforeEach(() => {
        registered = recordResources();
    });

    test("defaults: redrive to an alarmed DLQ that only the topic may send to", async () => {
        const subscription = await build({});
        const sub = one(registered, "aws:sns/topicSubscription:TopicSubscription");
        expect(sub.name).toBe("billing-subscription");
        expect(sub.inputs).toMatchObject({ topic: topicArn, protocol: "sqs", endpoint: queueArn });
        expect(JSON.parse(sub.inputs.redrivePolicy)).toEqual({ deadLetterTargetArn: await valueOf(subscription.deadLetterQueueArn) });
        const policy = JSON.parse(one(registered, "aws:sqs/queuePolicy:QueuePolicy").inputs.policy);
        expect(policy.Statement).toEqual([
            {
                Effect: "Allow",
                Principal: { Service: "sns.amazonaws.com" },
                Action: "sqs:SendMessage",
                Resource: await valueOf(subscription.deadLetterQueueArn),
                Condition: { ArnEquals: { "aws:SourceArn": topicArn } },
            },
        ]);
        expect(registered.find((r) => r.name === "billing-dlq-queue")!.inputs.fifoQueue).toBeUndefined();
        expect(byType(registered, "aws:cloudwatch/metricAlarm:MetricAlarm")).toHaveLength(2);
        expect(byType(registered, "aws:lambda/permission:Permission")).toHaveLength(0);
    });

    test("an SQS endpoint given by URL gets a queue policy that lets only the topic deliver", async () => {
        const endpointQueueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/billing";
        await build({ endpointQueueUrl });
        const policies = byType(registered, "aws:sqs/queuePolicy:QueuePolicy");
        const endpoint = policies.find((p) => p.name === "billing-endpoint-policy")!;
        expect(endpoint.inputs.queueUrl).toBe(endpointQueueUrl);
        expect(JSON.parse(endpoint.inputs.policy).Statement).toEqual([
            {
                Effect: "Allow",
                Principal: { Service: "sns.amazonaws.com" },
                Action: "sqs:SendMessage",
                Resource: queueArn,
                Condition: { ArnEquals: { "aws:SourceArn": topicArn } },
            },
        ]);
    });

    test("a Lambda endpoint gets an invoke permission scoped to the topic", async () => {
        await build({ protocol: "lambda", endpoint: functionArn });
        expect(one(registered, "aws:lambda/permission:Permission").inputs).toMatchObject({
            function: functionArn,
            principal: "sns.amazonaws.com",
            sourceArn: topicArn,
        });
    });

    test("overrides: filter policy, raw delivery, DLQ settings; a FIFO topic gets a FIFO DLQ", async () => {
        await build({
            topicArn: "arn:aws:sns:us-east-1:123456789012:orders.fifo",
            endpoint: "arn:aws:sqs:us-east-1:123456789012:billing.fifo",
            filterPolicy: '{"type":["invoice"]}',
            filterPolicyScope: "MessageBody",
            rawMessageDelivery: true,
            deadLetterQueue: { alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:ops" },
        });
        expect(one(registered, "aws:sns/topicSubscription:TopicSubscription").inputs).toMatchObject({
            filterPolicy: '{"type":["invoice"]}',
            filterPolicyScope: "MessageBody",
            rawMessageDelivery: true,
        });
        expect(registered.find((r) => r.name === "billing-dlq-queue")!.inputs.fifoQueue).toBe(true);
        expect(byType(registered, "aws:sns/topic:Topic")).toHaveLength(0);
    });

    test("invalid arguments throw one error naming each, before any child resource", async () => {
        const error = await argumentError(registered, () =>
            new ReliableSubscription("billing", {
                topicArn: "arn:aws:sqs:us-east-1:123456789012:q",
                protocol: "pigeon",
                endpoint: "",
                filterPolicyScope: "Body",
                deadLetterQueue: { fifo: true, messageRetentionSeconds: 1 },
            }),
        );
        expect(error).toBeInstanceOf(ComponentArgumentError);
        expect((error as ComponentArgumentError).arguments).toEqual([
            "topicArn",
            "protocol",
            "endpoint",
            "filterPolicyScope",
            "deadLetterQueue.messageRetentionSeconds",
            "deadLetterQueue.fifo",
        ]);
        const mismatch = await argumentError(registered, () =>
            new ReliableSubscription("b", { topicArn, protocol: "lambda", endpoint: queueArn, fifo: true }),
        );
        expect((mismatch as ComponentArgumentError).arguments).toEqual(["endpoint", "fifo"]);
        const misplaced = await argumentError(registered, () =>
            new ReliableSubscription("d", { topicArn, protocol: "lambda", endpoint: functionArn, endpointQueueUrl: "https://sqs.us-east-1.amazonaws.com/1/q" }),
        );
        expect((misplaced as ComponentArgumentError).arguments).toEqual(["endpointQueueUrl"]);
        const firehose = await argumentError(registered, () => new ReliableSubscription("c", { topicArn, protocol: "firehose", endpoint: "arn:aws:firehose:us-east-1:1:deliverystream/s" }));
        expect((firehose as ComponentArgumentError).arguments).toEqual(["subscriptionRoleArn"]);
        expect(registered).toHaveLength(0);
    });
});
