import { durableFailurePath } from "../../../policies/durable-functions/failure-path";
import { T } from "../../../policies/lib/types";
import { identityOf, nowAndAtFirstPreview, ref, resource, survivesMalformed } from "../../helpers/graph-fixtures";
import type { StackResourceInput } from "../../helpers/policy-harness";
import { UNKNOWN, analyzeStack, urnOf } from "../../helpers/policy-harness";

const policy = durableFailurePath;
const FN_ARN = identityOf(T.lambdaFunction, "orders").arn;
const durableConfig = { executionTimeout: 86400, retentionPeriod: 14 };

function base(fn: Record<string, unknown> = {}, fnDeps?: Record<string, string[]>): StackResourceInput[] {
    return [
        resource(T.sqsQueue, "orders-dlq"),
        resource(T.snsTopic, "alerts"),
        resource(T.eventRule, "nightly"),
        resource(T.lambdaFunction, "orders", { durableConfig, publish: true, ...fn }, fnDeps),
        resource(T.lambdaAlias, "live", { arn: `${FN_ARN}:live`, functionName: "orders", functionVersion: "1" }, { functionName: ["orders"] }),
    ];
}

const withDlq = () => base({ deadLetterConfig: { targetArn: identityOf(T.sqsQueue, "orders-dlq").arn } }, { deadLetterConfig: ["orders-dlq"] });

const alarm = (graph: StackResourceInput[], props: Record<string, unknown> = {}) =>
    resource(
        T.metricAlarm,
        "orders-failed",
        { namespace: "AWS/Lambda", metricName: "DurableExecutionFailed", dimensions: { FunctionName: ref(graph, "orders", "name") }, statistic: "Sum", period: 60, evaluationPeriods: 1, threshold: 1, comparisonOperator: "GreaterThanOrEqualToThreshold", alarmActions: [ref(graph, "alerts")], ...props },
        { dimensions: ["orders"], alarmActions: ["alerts"] },
    );

const asyncTrigger = (graph: StackResourceInput[]) => resource(T.eventTarget, "nightly-orders", { rule: ref(graph, "nightly", "name"), arn: `${FN_ARN}:live` }, { rule: ["nightly"], arn: ["live"] });

describe("durable-failure-path", () => {
    test("compliant: a DLQ (async or not), or an alarm on DurableExecutionFailed for a function not invoked asynchronously", async () => {
        const dlq = withDlq();
        const alarmed = base();
        for (const graph of [[...dlq, asyncTrigger(dlq)], dlq, [...alarmed, alarm(alarmed)], [...alarmed, alarm(alarmed, { metricName: "DurableExecutionTimedOut" })]]) {
            const { known, preview } = await nowAndAtFirstPreview(policy, graph);
            expect(known.violations).toEqual([]);
            expect(preview.violations).toEqual([]);
        }
    });

    test("violating: invoked asynchronously (through its alias) without a DLQ, even with an alarm", async () => {
        const graph = base();
        const { known, preview } = await nowAndAtFirstPreview(policy, [...graph, alarm(graph), asyncTrigger(graph)]);
        expect(known.violations).toHaveLength(1);
        expect(known.violations[0]).toMatch(/function `orders` is a durable function invoked asynchronously \(by EventBridge target `nightly-orders`\) without a dead-letter queue/);
        expect(known.urns).toEqual([urnOf(T.lambdaFunction, "orders")]);
        expect(preview.violations).toEqual(known.violations);
    });

    test("violating: no DLQ and no alarm that notifies someone", async () => {
        const graph = base();
        for (const variant of [graph, [...graph, alarm(graph, { alarmActions: [] })], [...graph, alarm(graph, { metricName: "Errors" })]]) {
            const { known, preview } = await nowAndAtFirstPreview(policy, variant);
            expect(known.violations).toHaveLength(1);
            expect(known.violations[0]).toMatch(/is a durable function with no failure path/);
            expect(preview.violations).toEqual(known.violations);
        }
    });

    test("compliant: functions that are not durable are lambda-async-failure-destination's", async () => {
        const graph = [resource(T.eventRule, "nightly"), resource(T.lambdaFunction, "plain")];
        graph.push(resource(T.eventTarget, "t", { rule: "nightly", arn: ref(graph, "plain") }, { arn: ["plain"] }));
        expect((await analyzeStack(policy, graph)).violations).toEqual([]);
    });

    test("unknown at preview: an alarm whose metric is unknown gives the engine's advisory", async () => {
        const graph = base();
        const outcome = await analyzeStack(policy, [...graph, alarm(graph, { metricName: UNKNOWN })]);
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toMatch(/metricName/);
    });

    test("malformed: odd configs, alarms and triggers never throw", async () => {
        const graph = base();
        expect(await survivesMalformed(policy, [...graph, alarm(graph), asyncTrigger(graph)])).toBe(40);
        expect((await analyzeStack(policy, base({ durableConfig: "yes", deadLetterConfig: "q" }))).violations).toHaveLength(1);
    });

    test("waiver: a waived function is not reported", async () => {
        const outcome = await analyzeStack(policy, base(), { waivers: [{ resource: "orders", reason: "monitored by the workflow dashboard" }] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toMatch(/dashboard/);
    });
});
