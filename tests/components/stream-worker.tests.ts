import * as pulumi from "@pulumi/pulumi";
import { StreamWorker, streamWorkerDefaults } from "../../components/stream-worker";
import { argumentError, byType, one, recordResources, settle, valueOf, type Registered } from "../helpers/component-recorder";

let registered: Registered[];

const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const STREAM = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000";
const KINESIS = "arn:aws:kinesis:us-east-1:123456789012:stream/clicks";
const code = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ batchItemFailures: [] });") });

function statementsOf(policy: string) {
    return JSON.parse(policy).Statement as { Action: string[]; Resource: string[] }[];
}

describe("StreamWorker", () => {
    beforeEach(() => {
        registered = recordResources();
    });

    test("defaults: bisect, bounded retries and record age, partial batch responses, S3 failure store", async () => {
        const worker = new StreamWorker("orders", { streamArn: STREAM, function: { code } });
        await settle();
        const mapping = one(registered, MAPPING);
        expect(mapping.name).toBe("orders-mapping");
        expect(mapping.inputs).toMatchObject({
            eventSourceArn: STREAM,
            startingPosition: "TRIM_HORIZON",
            batchSize: 100,
            maximumBatchingWindowInSeconds: 1,
            maximumRetryAttempts: 3,
            maximumRecordAgeInSeconds: 3600,
            bisectBatchOnFunctionError: true,
            parallelizationFactor: 1,
            functionResponseTypes: ["ReportBatchItemFailures"],
        });
        const bucket = one(registered, "aws:s3/bucket:Bucket");
        const bucketArn = bucket.state.arn;
        expect(mapping.inputs.destinationConfig.onFailure.destinationArn).toBe(bucketArn);
        expect(await valueOf(worker.failureDestinationArn)).toBe(bucketArn);

        expect(one(registered, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toMatchObject({ blockPublicAcls: true, restrictPublicBuckets: true });
        expect(one(registered, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules[0].expiration).toEqual({ days: 90 });
        expect(one(registered, "aws:s3/bucketNotification:BucketNotification").inputs.eventbridge).toBe(true);
        const failureAlarm = byType(registered, ALARM).find((alarm) => alarm.name === "orders-failures-alarm")!;
        expect(failureAlarm.inputs).toMatchObject({ namespace: "AWS/S3", metricName: "PutRequests", threshold: 1, comparisonOperator: "GreaterThanOrEqualToThreshold" });
        expect(failureAlarm.inputs.dimensions.FilterId).toBe("failure-writes");

        const iteratorAge = byType(registered, ALARM).find((alarm) => alarm.name === "orders-iterator-age")!;
        expect(iteratorAge.inputs).toMatchObject({ namespace: "AWS/Lambda", metricName: "IteratorAge", statistic: "Maximum", threshold: 300000 });
        const topic = one(registered, "aws:sns/topic:Topic");
        expect(iteratorAge.inputs.alarmActions).toEqual([topic.state.arn]);
        expect(failureAlarm.inputs.alarmActions).toEqual(iteratorAge.inputs.alarmActions);

        const fn = one(registered, "aws:lambda/function:Function");
        expect(fn.inputs).toMatchObject({ memorySize: 1024, timeout: 30, reservedConcurrentExecutions: 10, tracingConfig: { mode: "Active" }, runtime: "nodejs24.x" });
    });

    test("least privilege: the role reads this stream only and writes to its failure store only", async () => {
        new StreamWorker("orders", { streamArn: STREAM, function: { code } });
        await settle();
        const bucket = one(registered, "aws:s3/bucket:Bucket");
        const statements = statementsOf(one(registered, "aws:iam/rolePolicy:RolePolicy").inputs.policy);
        const read = statements.find((s) => s.Action.includes("dynamodb:GetRecords"))!;
        expect(read.Resource).toEqual([STREAM, "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/*"]);
        const write = statements.find((s) => s.Action.includes("s3:PutObject"))!;
        expect(write.Resource).toEqual([bucket.state.arn, `${bucket.state.arn}/*`]);
        for (const statement of statements) {
            expect(statement.Action.some((action) => action === "*" || action.endsWith(":*"))).toBe(false);
            if (statement.Resource.includes("*")) expect(statement.Action.every((a) => a.startsWith("xray:"))).toBe(true);
        }
    });

    test("Kinesis source, SQS failure store and every mapping default overridden", async () => {
        new StreamWorker("clicks", {
            streamArn: KINESIS,
            function: { code, memorySize: 512 },
            startingPosition: "LATEST",
            batchSize: 500,
            maximumBatchingWindowInSeconds: 5,
            maximumRetryAttempts: 10,
            maximumRecordAgeInSeconds: 600,
            bisectBatchOnFunctionError: false,
            parallelizationFactor: 4,
            filterPatterns: ['{"data":{"kind":["click"]}}'],
            failureDestination: "sqs",
            iteratorAgeAlarmSeconds: 60,
            alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:ops",
        });
        await settle();
        const mapping = one(registered, MAPPING);
        expect(mapping.inputs).toMatchObject({
            startingPosition: "LATEST",
            batchSize: 500,
            maximumBatchingWindowInSeconds: 5,
            maximumRetryAttempts: 10,
            maximumRecordAgeInSeconds: 600,
            bisectBatchOnFunctionError: false,
            parallelizationFactor: 4,
            filterCriteria: { filters: [{ pattern: '{"data":{"kind":["click"]}}' }] },
        });
        const queue = one(registered, "aws:sqs/queue:Queue");
        expect(queue.name).toBe("clicks-failures-queue");
        expect(mapping.inputs.destinationConfig.onFailure.destinationArn).toBe(queue.state.arn);
        expect(byType(registered, "aws:s3/bucket:Bucket")).toHaveLength(0);
        expect(byType(registered, "aws:sns/topic:Topic")).toHaveLength(0);
        const alarms = byType(registered, ALARM);
        expect(alarms.find((a) => a.name === "clicks-iterator-age")!.inputs).toMatchObject({ threshold: 60000, alarmActions: ["arn:aws:sns:us-east-1:123456789012:ops"] });
        expect(alarms.find((a) => a.name === "clicks-failures-messages-alarm")!.inputs.alarmActions).toEqual(["arn:aws:sns:us-east-1:123456789012:ops"]);
        const statements = statementsOf(one(registered, "aws:iam/rolePolicy:RolePolicy").inputs.policy);
        expect(statements.find((s) => s.Action.includes("kinesis:GetRecords"))!.Resource).toEqual([KINESIS]);
        expect(statements.find((s) => s.Action.includes("sqs:SendMessage"))).toBeDefined();
        expect(one(registered, "aws:lambda/function:Function").inputs.memorySize).toBe(512);
    });

    test("an existing failure destination is used as is", async () => {
        new StreamWorker("orders", { streamArn: STREAM, function: { code }, failureDestinationArn: "arn:aws:sqs:us-east-1:123456789012:kept" });
        await settle();
        expect(one(registered, MAPPING).inputs.destinationConfig.onFailure.destinationArn).toBe("arn:aws:sqs:us-east-1:123456789012:kept");
        expect(byType(registered, "aws:s3/bucket:Bucket")).toHaveLength(0);
        expect(byType(registered, "aws:sqs/queue:Queue")).toHaveLength(0);
        expect(streamWorkerDefaults.failureDestination).toBe("s3");
    });

    test("argument errors: every bad argument named in one error, before any resource", async () => {
        const error = await argumentError(registered, () =>
            new StreamWorker("bad", {
                streamArn: "arn:aws:sqs:us-east-1:1:not-a-stream",
                function: { code, memorySize: 64, timeout: 901 },
                startingPosition: "AT_TIMESTAMP",
                batchSize: 0,
                maximumRetryAttempts: -1,
                maximumRecordAgeInSeconds: -1,
                parallelizationFactor: 11,
                filterPatterns: ["not json"],
                failureDestination: "sqs",
                failureQueue: { fifo: true },
            }),
        );
        for (const argument of [
            "streamArn:",
            "function.memorySize:",
            "function.timeout:",
            "startingPosition:",
            "batchSize:",
            "maximumRetryAttempts:",
            "maximumRecordAgeInSeconds:",
            "parallelizationFactor:",
            "filterPatterns[0]:",
            "failureQueue.fifo:",
        ]) {
            expect(error.message).toContain(argument);
        }
    });

    test("argument errors: missing stream and function; a FIFO destination Lambda rejects", async () => {
        const missing = await argumentError(registered, () => new StreamWorker("empty", {} as any));
        expect(missing.message).toContain("streamArn: is required");
        expect(missing.message).toContain("function: is required");
        const fifo = await argumentError(registered, () =>
            new StreamWorker("fifo", { streamArn: STREAM, function: { code }, failureDestinationArn: "arn:aws:sqs:us-east-1:1:dlq.fifo", failureDestination: "s3" }),
        );
        expect(fifo.message).toContain("failureDestinationArn: is a FIFO queue or topic");
        expect(fifo.message).toContain("failureDestinationArn: replaces the failure store");
    });
});
