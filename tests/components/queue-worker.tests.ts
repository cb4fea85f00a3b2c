import * as pulumi from "@pulumi/pulumi";
import { QueueWorker } from "../../components/queue-worker";
import { ComponentArgumentError } from "../../components/lib/argument-errors";
import { argumentError, byType, one, recordResources, settle, valueOf, type Registered } from "../helpers/component-recorder";

const code = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ batchItemFailures: [] });") });

let registered: Registered[];

async function build(args: Partial<ConstructorParameters<typeof QueueWorker>[1]> = {}) {
    const worker = new QueueWorker("orders", { function: { code }, ...args });
    await valueOf(worker.eventSourceMapping.id);
    await settle();
    return worker;
}

describe("QueueWorker", () => {
    beforeEach(() => {
        registered = recordResources();
    });

    test("defaults: queue with DLQ after 5 receives, visibility 6 x timeout, partial batch failures, capped concurrency", async () => {
        const worker = await build();
        const queues = byType(registered, "aws:sqs/queue:Queue");
        expect(queues.map((q) => q.name).sort()).toEqual(["orders-dlq-queue", "orders-queue"]);
        const queue = queues.find((q) => q.name === "orders-queue")!.inputs;
        expect(queue.visibilityTimeoutSeconds).toBe(180);
        expect(queue.messageRetentionSeconds).toBe(345600);
        expect(queue.sqsManagedSseEnabled).toBe(true);
        const redrive = JSON.parse(queue.redrivePolicy);
        expect(redrive).toEqual({ deadLetterTargetArn: await valueOf(worker.deadLetterQueueArn), maxReceiveCount: 5 });
        const dlq = queues.find((q) => q.name === "orders-dlq-queue")!.inputs;
        expect(dlq.messageRetentionSeconds).toBe(1209600);
        const allow = JSON.parse(one(registered, "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy").inputs.redriveAllowPolicy);
        expect(allow).toEqual({ redrivePermission: "byQueue", sourceQueueArns: [await valueOf(worker.queueArn)] });

        const fn = one(registered, "aws:lambda/function:Function");
        expect(fn.name).toBe("orders-function");
        expect(fn.inputs).toMatchObject({ memorySize: 1024, timeout: 30, reservedConcurrentExecutions: 10, tracingConfig: { mode: "Active" }, runtime: "nodejs24.x" });

        const mapping = one(registered, "aws:lambda/eventSourceMapping:EventSourceMapping").inputs;
        expect(mapping).toMatchObject({
            eventSourceArn: await valueOf(worker.queueArn),
            functionName: await valueOf(worker.functionArn),
            batchSize: 10,
            functionResponseTypes: ["ReportBatchItemFailures"],
            scalingConfig: { maximumConcurrency: 10 },
        });
        expect(mapping.maximumBatchingWindowInSeconds).toBeUndefined();

        const policy = JSON.parse(one(registered, "aws:iam/rolePolicy:RolePolicy").inputs.policy);
        const sqs = policy.Statement.find((s: any) => s.Action.includes("sqs:ReceiveMessage"));
        expect(sqs.Resource).toEqual([await valueOf(worker.queueArn)]);
        expect(sqs.Action).toEqual(expect.arrayContaining(["sqs:DeleteMessage", "sqs:ChangeMessageVisibility"]));
        expect(byType(registered, "aws:cloudwatch/metricAlarm:MetricAlarm")).toHaveLength(2);
    });

    test("the visibility timeout follows the function timeout and batching window", async () => {
        await build({ function: { code, timeout: 60 }, batchSize: 100, maximumBatchingWindowInSeconds: 5 });
        expect(registered.find((r) => r.name === "orders-queue")!.inputs.visibilityTimeoutSeconds).toBe(365);
        const mapping = one(registered, "aws:lambda/eventSourceMapping:EventSourceMapping").inputs;
        expect(mapping).toMatchObject({ batchSize: 100, maximumBatchingWindowInSeconds: 5 });
    });

    test("every default is overridable", async () => {
        await build({
            function: { code, memorySize: 512, timeout: 10, reservedConcurrentExecutions: 50 },
            maximumConcurrency: 20,
            maxReceiveCount: 10,
            visibilityTimeoutSeconds: 900,
            messageRetentionSeconds: 86400,
            filterPatterns: ['{"body":{"type":["order"]}}'],
            deadLetterQueue: { alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:ops" },
        });
        const queue = registered.find((r) => r.name === "orders-queue")!.inputs;
        expect(queue).toMatchObject({ visibilityTimeoutSeconds: 900, messageRetentionSeconds: 86400 });
        expect(JSON.parse(queue.redrivePolicy).maxReceiveCount).toBe(10);
        const mapping = one(registered, "aws:lambda/eventSourceMapping:EventSourceMapping").inputs;
        expect(mapping.scalingConfig).toEqual({ maximumConcurrency: 20 });
        expect(mapping.filterCriteria).toEqual({ filters: [{ pattern: '{"body":{"type":["order"]}}' }] });
        expect(byType(registered, "aws:sns/topic:Topic")).toHaveLength(0);
        expect(one(registered, "aws:lambda/function:Function").inputs).toMatchObject({ memorySize: 512, timeout: 10, reservedConcurrentExecutions: 50 });
    });

    test("FIFO source gets a FIFO dead-letter queue", async () => {
        await build({ fifo: true, contentBasedDeduplication: true });
        for (const queue of byType(registered, "aws:sqs/queue:Queue")) expect(queue.inputs.fifoQueue).toBe(true);
        expect(registered.find((r) => r.name === "orders-queue")!.inputs.contentBasedDeduplication).toBe(true);
    });

    test("invalid arguments throw one error naming each, before any child resource", async () => {
        const error = await argumentError(registered, () =>
            new QueueWorker("orders", {
                function: { code, memorySize: 64, timeout: 1000, reservedConcurrentExecutions: 5 },
                batchSize: 50,
                maximumConcurrency: 6,
                maxReceiveCount: 0,
                visibilityTimeoutSeconds: 30,
                messageRetentionSeconds: 1209600,
                deadLetterQueue: { fifo: true },
            }),
        );
        expect(error).toBeInstanceOf(ComponentArgumentError);
        expect((error as ComponentArgumentError).arguments.sort()).toEqual(
            [
                "function.memorySize",
                "function.timeout",
                "maximumBatchingWindowInSeconds",
                "maxReceiveCount",
                "maximumConcurrency",
                "visibilityTimeoutSeconds",
                "messageRetentionSeconds",
                "deadLetterQueue.fifo",
            ].sort(),
        );
        expect(registered).toHaveLength(0);
    });

    test("a missing function or wrong types are argument errors, not crashes", async () => {
        const error = await argumentError(registered, () => new QueueWorker("orders", {} as any));
        expect((error as ComponentArgumentError).arguments).toEqual(["function"]);
        const reserved = await argumentError(registered, () => new QueueWorker("orders", { function: { code, reservedConcurrentExecutions: 1 } }));
        expect((reserved as ComponentArgumentError).arguments).toEqual(["function.reservedConcurrentExecutions"]);
        const wrongTypes = await argumentError(registered, () =>
            new QueueWorker("orders", { function: { code }, batchSize: "10" as any, filterPatterns: "{}" as any, deadLetterQueue: { sourceQueueArns: "arn" as any } }),
        );
        expect((wrongTypes as ComponentArgumentError).arguments).toEqual(["deadLetterQueue.sourceQueueArns", "batchSize", "filterPatterns"]);
    });
});
