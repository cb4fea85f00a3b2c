import { dlqAlarm } from "../../../policies/failure-handling/dlq-alarm";
import { T } from "../../../policies/lib/types";
import { nowAndAtFirstPreview, ref, resource, survivesMalformed } from "../../helpers/graph-fixtures";
import type { StackResourceInput } from "../../helpers/policy-harness";
import { analyzeStack, urnOf } from "../../helpers/policy-harness";

function queueWithDlq(): StackResourceInput[] {
    const graph = [resource(T.sqsQueue, "orders-dlq"), resource(T.snsTopic, "oncall")];
    graph.push(resource(T.sqsQueue, "orders", { redrivePolicy: JSON.stringify({ deadLetterTargetArn: ref(graph, "orders-dlq"), maxReceiveCount: 5 }) }, { redrivePolicy: ["orders-dlq"] }));
    graph.push(resource(T.snsTopicSubscription, "oncall-mail", { topic: ref(graph, "oncall"), protocol: "email", endpoint: "oncall@example.com" }, { topic: ["oncall"] }));
    return graph;
}

function alarm(graph: StackResourceInput[], props: Record<string, unknown> = {}, name = "orders-dlq-alarm"): StackResourceInput {
    return resource(
        T.metricAlarm,
        name,
        {
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: ref(graph, "orders-dlq", "name") },
            statistic: "Maximum",
            period: 60,
            evaluationPeriods: 1,
            threshold: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            alarmActions: [ref(graph, "oncall")],
            ...props,
        },
        { dimensions: ["orders-dlq"], alarmActions: ["oncall"] },
    );
}

function mathAlarm(graph: StackResourceInput[]): StackResourceInput {
    return resource(
        T.metricAlarm,
        "orders-dlq-math",
        {
            threshold: 0,
            comparisonOperator: "GreaterThanThreshold",
            evaluationPeriods: 1,
            alarmActions: [ref(graph, "oncall")],
            metricQueries: [
                { id: "e1", expression: "FILL(m1, 0)", returnData: true },
                { id: "m1", metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: ref(graph, "orders-dlq", "name") }, period: 60, stat: "Maximum" } },
            ],
        },
        { metricQueries: ["orders-dlq"], alarmActions: ["oncall"] },
    );
}

describe("dlq-alarm", () => {
    test("compliant: the DLQ has a first-message alarm with an action", async () => {
        const graph = queueWithDlq();
        const { known, preview, planned } = await nowAndAtFirstPreview(dlqAlarm, [...graph, alarm(graph)]);
        expect(known.violations).toEqual([]);
        expect(preview.violations).toEqual([]);
        expect(planned.violations).toEqual([]);
        expect(preview.cantRunAtPreview).toBeUndefined();
        expect(planned.cantRunAtPreview).toBeUndefined();
    });

    test("compliant: a metric-math alarm over the DLQ's metric; age of oldest message; threshold 0 with GreaterThanThreshold", async () => {
        const graph = queueWithDlq();
        expect((await nowAndAtFirstPreview(dlqAlarm, [...graph, mathAlarm(graph)])).preview.violations).toEqual([]);
        const age = alarm(graph, { metricName: "ApproximateAgeOfOldestMessage", threshold: 0, comparisonOperator: "GreaterThanThreshold" });
        expect((await nowAndAtFirstPreview(dlqAlarm, [...graph, age])).preview.violations).toEqual([]);
    });

    test("compliant: SNS topic store with a subscription; S3 bucket store with a notification", async () => {
        const graph = [resource(T.snsTopic, "failed-events"), resource(T.s3BucketV2, "failed-records"), resource(T.lambdaFunction, "worker"), resource(T.kinesisStream, "clicks")];
        graph.push(resource(T.snsTopicSubscription, "failed-events-mail", { topic: ref(graph, "failed-events"), protocol: "email", endpoint: "team@example.com" }, { topic: ["failed-events"] }));
        graph.push(resource(T.lambdaEventInvokeConfig, "worker-invoke", { functionName: ref(graph, "worker", "name"), destinationConfig: { onFailure: { destination: ref(graph, "failed-events") } } }, { functionName: ["worker"], destinationConfig: ["failed-events"] }));
        graph.push(resource(T.lambdaEventSourceMapping, "clicks-mapping", { eventSourceArn: ref(graph, "clicks"), functionName: ref(graph, "worker", "name"), startingPosition: "LATEST", destinationConfig: { onFailure: { destinationArn: ref(graph, "failed-records") } } }, { eventSourceArn: ["clicks"], functionName: ["worker"], destinationConfig: ["failed-records"] }));
        graph.push(resource(T.s3BucketNotification, "failed-records-events", { bucket: ref(graph, "failed-records", "bucket"), eventbridge: true }, { bucket: ["failed-records"] }));
        const { known, preview, planned } = await nowAndAtFirstPreview(dlqAlarm, graph);
        expect(known.violations).toEqual([]);
        expect(preview.violations).toEqual([]);
        expect(planned.violations).toEqual([]);
    });

    test("violating: a DLQ nobody is alarmed about, reported on the DLQ naming its source", async () => {
        const { known, preview, planned } = await nowAndAtFirstPreview(dlqAlarm, queueWithDlq());
        expect(known.violations).toHaveLength(1);
        expect(known.violations[0]).toMatch(/queue `orders-dlq` is the dead-letter queue of queue `orders`, but no alarm/);
        expect(known.urns).toEqual([urnOf(T.sqsQueue, "orders-dlq")]);
        expect(preview.violations).toEqual(known.violations);
        expect(planned.violations).toEqual(known.violations);
        expect(preview.urns).toEqual(known.urns);
        expect(planned.urns).toEqual(known.urns);
    });

    test("violating: a queue declared a dead-letter queue by its redrive allow policy, its sources elsewhere, needs the alarm too", async () => {
        const { known, preview, planned } = await nowAndAtFirstPreview(dlqAlarm, [resource(T.sqsQueue, "failed", { redriveAllowPolicy: JSON.stringify({ redrivePermission: "allowAll" }) })]);
        for (const outcome of [known, preview, planned]) {
            expect(outcome.violations).toEqual([expect.stringMatching(/queue `failed` is declared a dead-letter queue by its `redriveAllowPolicy`, but no alarm/)]);
        }
    });

    test("violating: alarms that would not tell anyone about the first message", async () => {
        const graph = queueWithDlq();
        const variants: Record<string, unknown>[] = [
            { threshold: 5 },
            { threshold: 1, comparisonOperator: "GreaterThanThreshold" },
            { comparisonOperator: "LessThanThreshold" },
            { alarmActions: [] },
            { alarmActions: undefined },
            { actionsEnabled: false },
            { metricName: "NumberOfMessagesSent" },
            { namespace: "AWS/Lambda" },
        ];
        for (const props of variants) {
            const { known, preview, planned } = await nowAndAtFirstPreview(dlqAlarm, [...graph, alarm(graph, props)]);
            expect([props, known.violations.length]).toEqual([props, 1]);
            expect([props, preview.violations]).toEqual([props, known.violations]);
        }
    });

    test("violating: every kind of failure store is found", async () => {
        const graph = [
            resource(T.sqsQueue, "fn-dlq"), resource(T.sqsQueue, "target-dlq"), resource(T.sqsQueue, "schedule-dlq"), resource(T.sqsQueue, "pipe-dlq"),
            resource(T.sqsQueue, "sub-dlq"), resource(T.snsTopic, "lonely-topic"), resource(T.s3Bucket, "lonely-bucket"),
            resource(T.sqsQueue, "jobs"), resource(T.lambdaFunction, "worker"), resource(T.eventRule, "nightly"), resource(T.snsTopic, "news"),
            resource(T.kinesisStream, "clicks"), resource(T.iamRole, "scheduler-role"),
        ];
        graph.push(resource(T.lambdaFunction, "async", { deadLetterConfig: { targetArn: ref(graph, "fn-dlq") } }, { deadLetterConfig: ["fn-dlq"] }));
        graph.push(resource(T.eventTarget, "nightly-target", { rule: ref(graph, "nightly", "name"), arn: ref(graph, "worker"), deadLetterConfig: { arn: ref(graph, "target-dlq") } }, { rule: ["nightly"], arn: ["worker"], deadLetterConfig: ["target-dlq"] }));
        graph.push(resource(T.schedulerSchedule, "hourly", { scheduleExpression: "rate(1 hour)", flexibleTimeWindow: { mode: "OFF" }, target: { arn: ref(graph, "jobs"), roleArn: ref(graph, "scheduler-role"), deadLetterConfig: { arn: ref(graph, "schedule-dlq") } } }, { target: ["jobs", "scheduler-role", "schedule-dlq"] }));
        graph.push(resource(T.lambdaEventSourceMapping, "jobs-mapping", { eventSourceArn: ref(graph, "jobs"), functionName: ref(graph, "worker", "name") }, { eventSourceArn: ["jobs"], functionName: ["worker"] }));
        graph.push(resource(T.pipe, "clicks-pipe", { source: ref(graph, "clicks"), target: ref(graph, "worker"), sourceParameters: { kinesisStreamParameters: { startingPosition: "LATEST", deadLetterConfig: { arn: ref(graph, "pipe-dlq") } } } }, { source: ["clicks"], target: ["worker"], sourceParameters: ["pipe-dlq"] }));
        graph.push(resource(T.snsTopicSubscription, "news-worker", { topic: ref(graph, "news"), protocol: "lambda", endpoint: ref(graph, "worker"), redrivePolicy: JSON.stringify({ deadLetterTargetArn: ref(graph, "sub-dlq") }) }, { topic: ["news"], endpoint: ["worker"], redrivePolicy: ["sub-dlq"] }));
        graph.push(resource(T.lambdaEventInvokeConfig, "worker-invoke", { functionName: ref(graph, "worker", "name"), destinationConfig: { onFailure: { destination: ref(graph, "lonely-topic") } } }, { functionName: ["worker"], destinationConfig: ["lonely-topic"] }));
        graph.push(resource(T.lambdaEventSourceMapping, "clicks-mapping", { eventSourceArn: ref(graph, "clicks"), functionName: ref(graph, "worker", "name"), startingPosition: "LATEST", destinationConfig: { onFailure: { destinationArn: ref(graph, "lonely-bucket") } } }, { eventSourceArn: ["clicks"], functionName: ["worker"], destinationConfig: ["lonely-bucket"] }));
        const { known, preview, planned } = await nowAndAtFirstPreview(dlqAlarm, graph);
        const reported = (urns: (string | undefined)[]) => urns.map((urn) => urn?.split("::").pop()).sort();
        const expected = ["fn-dlq", "lonely-bucket", "lonely-topic", "pipe-dlq", "schedule-dlq", "sub-dlq", "target-dlq"];
        expect(reported(known.urns)).toEqual(expected);
        expect(reported(preview.urns)).toEqual(expected);
        expect(known.violations.find((m) => m.includes("`schedule-dlq`"))).toMatch(/dead-letter queue of EventBridge Scheduler schedule `hourly`/);
        expect(known.violations.find((m) => m.includes("`lonely-topic`"))).toMatch(/on-failure destination of event invoke config `worker-invoke`.*no subscription/);
        expect(known.violations.find((m) => m.includes("`lonely-bucket`"))).toMatch(/aws.s3.BucketNotification/);
    });

    test("unknown at preview: an alarm threshold that is unknown gives the engine's advisory, other stores still judged", async () => {
        const graph = queueWithDlq();
        graph.push(resource(T.sqsQueue, "other-dlq"));
        graph.push(resource(T.sqsQueue, "other", { redrivePolicy: JSON.stringify({ deadLetterTargetArn: ref(graph, "other-dlq"), maxReceiveCount: 5 }) }, { redrivePolicy: ["other-dlq"] }));
        const outcome = await analyzeStack(dlqAlarm, [...graph, alarm(graph, { threshold: "3eeb2bf0-c639-47a8-9e75-3b44932eb421" })]);
        expect(outcome.violations).toHaveLength(1);
        expect(outcome.violations[0]).toMatch(/`other-dlq`/);
        expect(outcome.cantRunAtPreview).toMatch(/threshold/);
    });

    test("compliant: a literal QueueName dimension without a property dependency still joins (literal fallback)", async () => {
        const graph = queueWithDlq();
        const byName = alarm(graph);
        byName.propertyDependencies = { alarmActions: ["oncall"] };
        expect((await analyzeStack(dlqAlarm, [...graph, byName])).violations).toEqual([]);
    });

    test("unknown at preview: an on-success queue that cannot be told from the on-failure queue is not required to have an alarm", async () => {
        const graph = [resource(T.sqsQueue, "done"), resource(T.sqsQueue, "orders-dlq"), resource(T.snsTopic, "oncall"), resource(T.lambdaFunction, "worker")];
        graph.push(resource(T.lambdaEventInvokeConfig, "worker-invoke", { functionName: ref(graph, "worker", "name"), destinationConfig: { onSuccess: { destination: ref(graph, "done") }, onFailure: { destination: ref(graph, "orders-dlq") } } }, { functionName: ["worker"], destinationConfig: ["done", "orders-dlq"] }));
        const { known, preview, planned } = await nowAndAtFirstPreview(dlqAlarm, [...graph, alarm(graph)]);
        expect(known.violations).toEqual([]);
        expect(preview.violations).toEqual([]);
        expect(planned.violations).toEqual([]);
    });

    test("malformed: odd alarms and stores never throw", async () => {
        const graph = queueWithDlq();
        expect(await survivesMalformed(dlqAlarm, [...graph, alarm(graph), mathAlarm(graph)])).toBe(40);
        const odd = [...graph, alarm(graph, { dimensions: "QueueName", metricQueries: [null, 3, { metric: null }], threshold: "x" })];
        expect((await analyzeStack(dlqAlarm, odd)).violations).toHaveLength(1);
    });

    test("waiver: a waived DLQ is not reported", async () => {
        const outcome = await analyzeStack(dlqAlarm, queueWithDlq(), { waivers: [{ resource: "orders-dlq", reason: "drained by a nightly job" }] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toMatch(/drained by a nightly job/);
    });
});
