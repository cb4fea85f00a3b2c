import { lambdaAsyncFailureDestination } from "../../../policies/failure-handling/lambda-async-failure-destination";
import { T } from "../../../policies/lib/types";
import { nowAndAtFirstPreview, ref, resource, survivesMalformed } from "../../helpers/graph-fixtures";
import type { StackResourceInput } from "../../helpers/policy-harness";
import { analyzeStack, urnOf } from "../../helpers/policy-harness";

const policy = lambdaAsyncFailureDestination;

function base(): StackResourceInput[] {
    return [resource(T.lambdaFunction, "handler"), resource(T.sqsQueue, "failures"), resource(T.snsTopic, "news"), resource(T.s3BucketV2, "uploads"), resource(T.eventRule, "nightly"), resource(T.iamRole, "scheduler-role"), resource(T.logGroup, "app-logs")];
}

/** The invokers, one graph each: every way AWS invokes a function asynchronously. */
const invokers: Record<string, (g: StackResourceInput[]) => StackResourceInput> = {
    "SNS subscription": (g) => resource(T.snsTopicSubscription, "news-handler", { topic: ref(g, "news"), protocol: "lambda", endpoint: ref(g, "handler") }, { topic: ["news"], endpoint: ["handler"] }),
    "Lambda permission for SNS": (g) => resource(T.lambdaPermission, "allow-sns", { action: "lambda:InvokeFunction", function: ref(g, "handler", "name"), principal: "sns.amazonaws.com", sourceArn: ref(g, "news") }, { function: ["handler"], sourceArn: ["news"] }),
    "S3 bucket notification": (g) => resource(T.s3BucketNotification, "uploads-notify", { bucket: ref(g, "uploads", "bucket"), lambdaFunctions: [{ lambdaFunctionArn: ref(g, "handler"), events: ["s3:ObjectCreated:*"] }] }, { bucket: ["uploads"], lambdaFunctions: ["handler"] }),
    "EventBridge target": (g) => resource(T.eventTarget, "nightly-handler", { rule: ref(g, "nightly", "name"), arn: ref(g, "handler") }, { rule: ["nightly"], arn: ["handler"] }),
    "Scheduler schedule": (g) => resource(T.schedulerSchedule, "hourly", { scheduleExpression: "rate(1 hour)", flexibleTimeWindow: { mode: "OFF" }, target: { arn: ref(g, "handler"), roleArn: ref(g, "scheduler-role") } }, { target: ["handler", "scheduler-role"] }),
    "log subscription filter": (g) => resource(T.logSubscriptionFilter, "errors", { logGroup: "app-logs", filterPattern: "ERROR", destinationArn: ref(g, "handler") }, { destinationArn: ["handler"] }),
    "IoT topic rule": (g) => resource(T.iotTopicRule, "telemetry", { enabled: true, sql: "SELECT * FROM 'x'", sqlVersion: "2016-03-23", lambdas: [{ functionArn: ref(g, "handler") }] }, { lambdas: ["handler"] }),
    "SES receipt rule": (g) => resource(T.sesReceiptRule, "inbound", { ruleSetName: "main", lambdaActions: [{ functionArn: ref(g, "handler"), position: 1 }] }, { lambdaActions: ["handler"] }),
};

const onFailureConfig = (g: StackResourceInput[]) =>
    resource(T.lambdaEventInvokeConfig, "handler-invoke", { functionName: ref(g, "handler", "name"), destinationConfig: { onFailure: { destination: ref(g, "failures") } } }, { functionName: ["handler"], destinationConfig: ["failures"] });

describe("lambda-async-failure-destination", () => {
    test("compliant: each async invoker with an on-failure destination, or with a deadLetterConfig", async () => {
        for (const [how, invoker] of Object.entries(invokers)) {
            const graph = base();
            const withConfig = [...graph, invoker(graph), onFailureConfig(graph)];
            const { known, preview, planned } = await nowAndAtFirstPreview(policy, withConfig);
            expect([how, known.violations, preview.violations]).toEqual([how, [], []]);
            const withDlq = [...graph.filter((r) => r.name !== "handler"), resource(T.lambdaFunction, "handler", { deadLetterConfig: { targetArn: ref(graph, "failures") } }, { deadLetterConfig: ["failures"] })];
            const dlqOutcome = await nowAndAtFirstPreview(policy, [...withDlq, invoker(withDlq)]);
            expect([how, dlqOutcome.known.violations, dlqOutcome.preview.violations]).toEqual([how, [], []]);
        }
    });

    test("compliant: synchronous invokers need no destination (queue mapping, API permission, SES RequestResponse)", async () => {
        const graph = base();
        graph.push(resource(T.lambdaEventSourceMapping, "failures-mapping", { eventSourceArn: ref(graph, "failures"), functionName: ref(graph, "handler", "name") }, { eventSourceArn: ["failures"], functionName: ["handler"] }));
        graph.push(resource(T.lambdaPermission, "allow-api", { action: "lambda:InvokeFunction", function: ref(graph, "handler", "name"), principal: "apigateway.amazonaws.com" }, { function: ["handler"] }));
        graph.push(resource(T.sesReceiptRule, "inbound", { ruleSetName: "main", lambdaActions: [{ functionArn: ref(graph, "handler"), position: 1, invocationType: "RequestResponse" }] }, { lambdaActions: ["handler"] }));
        const { known, preview, planned } = await nowAndAtFirstPreview(policy, graph);
        expect(known.violations).toEqual([]);
        expect(preview.violations).toEqual([]);
        expect(planned.violations).toEqual([]);
    });

    test("violating: each async invoker without a destination, reported on the function naming the invoker", async () => {
        for (const [how, invoker] of Object.entries(invokers)) {
            const graph = base();
            const added = invoker(graph);
            const { known, preview, planned } = await nowAndAtFirstPreview(policy, [...graph, added]);
            expect([how, known.violations.length]).toEqual([how, 1]);
            expect(known.violations[0]).toContain(`function \`handler\` is invoked asynchronously (by `);
            expect(known.violations[0]).toContain(`\`${added.name}\``);
            expect(known.urns).toEqual([urnOf(T.lambdaFunction, "handler")]);
            expect([how, preview.violations]).toEqual([how, known.violations]);
        }
    });

    test("violating: an invoke config with only an on-success destination does not count", async () => {
        const graph = base();
        graph.push(invokers["EventBridge target"](graph));
        graph.push(resource(T.lambdaEventInvokeConfig, "handler-invoke", { functionName: ref(graph, "handler", "name"), destinationConfig: { onSuccess: { destination: ref(graph, "failures") } } }, { functionName: ["handler"], destinationConfig: ["failures"] }));
        const { known, preview, planned } = await nowAndAtFirstPreview(policy, graph);
        expect(known.violations).toHaveLength(1);
        expect(preview.violations).toEqual(known.violations);
        expect(planned.violations).toEqual(known.violations);
    });

    test("unknown at preview: the function's name and ARN unknown; joins come from property dependencies", async () => {
        const graph = base();
        const { preview, planned } = await nowAndAtFirstPreview(policy, [...graph, invokers["S3 bucket notification"](graph)]);
        expect(preview.violations).toHaveLength(1);
        expect(planned.violations).toHaveLength(1);
        expect(preview.cantRunAtPreview).toBeUndefined();
        expect(planned.cantRunAtPreview).toBeUndefined();
    });

    test("malformed: odd invokers and configs never throw", async () => {
        const graph = base();
        const all = [...graph, ...Object.values(invokers).map((invoker) => invoker(graph)), onFailureConfig(graph)];
        expect(await survivesMalformed(policy, all)).toBe(40);
        const odd = [...graph, resource(T.lambdaPermission, "odd", { function: ref(graph, "handler", "name"), principal: 42 }, { function: ["handler"] })];
        expect((await analyzeStack(policy, odd)).violations).toEqual([]);
    });

    test("waiver: a waived function is not reported", async () => {
        const graph = base();
        const outcome = await analyzeStack(policy, [...graph, invokers["EventBridge target"](graph)], { waivers: [{ resource: "handler", reason: "idempotent replays from the source" }] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toMatch(/idempotent replays/);
    });

    test("compliant: a durable function is left to durable-failure-path (its failed executions are not retried)", async () => {
        const graph = [...base().filter((r) => r.name !== "handler"), resource(T.lambdaFunction, "handler", { durableConfig: { executionTimeout: 3600, retentionPeriod: 14 } })];
        const { known, preview, planned } = await nowAndAtFirstPreview(policy, [...graph, invokers["EventBridge target"](graph)]);
        expect(known.violations).toEqual([]);
        expect(preview.violations).toEqual([]);
        expect(planned.violations).toEqual([]);
    });
});
