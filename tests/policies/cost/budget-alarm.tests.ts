import { budgetAlarm } from "../../../policies/cost/budget-alarm";
import { T } from "../../../policies/lib/types";
import { nowAndAtFirstPreview, ref, resource, survivesMalformed } from "../../helpers/graph-fixtures";
import { analyzeStack, type StackResourceInput } from "../../helpers/policy-harness";

const app = (): StackResourceInput[] => [
    { type: "pulumi:pulumi:Stack", name: "shop-dev", props: {} },
    resource(T.lambdaFunction, "worker", { runtime: "nodejs22.x" }),
];

function withBudget(notification: Record<string, unknown>): StackResourceInput[] {
    const graph = [...app(), resource(T.snsTopic, "billing")];
    const withTopic = JSON.parse(JSON.stringify(notification).replace("TOPIC", ref(graph, "billing")));
    graph.push(
        resource(
            T.budget,
            "monthly",
            { budgetType: "COST", limitAmount: "100", limitUnit: "USD", timeUnit: "MONTHLY", notifications: [{ comparisonOperator: "GREATER_THAN", threshold: 80, thresholdType: "PERCENTAGE", notificationType: "FORECASTED", ...withTopic }] },
            { notifications: ["billing"] },
        ),
    );
    return graph;
}

function withBillingAlarm(props: Record<string, unknown>): StackResourceInput[] {
    const graph = [...app(), resource(T.snsTopic, "billing")];
    graph.push(resource(T.metricAlarm, "charges", { comparisonOperator: "GreaterThanThreshold", evaluationPeriods: 1, threshold: 100, alarmActions: [ref(graph, "billing")], ...props }, { alarmActions: ["billing"] }));
    return graph;
}

const run = (graph: StackResourceInput[], config?: Record<string, unknown>) => analyzeStack(budgetAlarm, graph, config);

describe("budget-alarm", () => {
    test("compliant: a budget that e-mails or notifies a topic, now and at a first preview", async () => {
        for (const graph of [withBudget({ subscriberEmailAddresses: ["ops@example.com"] }), withBudget({ subscriberSnsTopicArns: ["TOPIC"] })]) {
            const { known, preview, planned } = await nowAndAtFirstPreview(budgetAlarm, graph);
            expect(known.violations).toEqual([]);
            expect(preview.violations).toEqual([]);
            expect(planned.violations).toEqual([]);
        }
    });

    test("compliant: a billing alarm with an action, directly or through metric math", async () => {
        const direct = withBillingAlarm({ namespace: "AWS/Billing", metricName: "EstimatedCharges", statistic: "Maximum", period: 21600 });
        const math = withBillingAlarm({
            metricQueries: [
                { id: "e1", expression: "m1 * 1.1", returnData: true },
                { id: "m1", metric: { namespace: "AWS/Billing", metricName: "EstimatedCharges", period: 21600, stat: "Maximum", dimensions: { Currency: "USD" } } },
            ],
        });
        for (const graph of [direct, math]) {
            const { known, preview, planned } = await nowAndAtFirstPreview(budgetAlarm, graph);
            expect(known.violations).toEqual([]);
            expect(preview.violations).toEqual([]);
            expect(planned.violations).toEqual([]);
        }
    });

    test("violating: no budget, reported once for the stack (on the stack resource), now and at a first preview", async () => {
        const { known, preview, planned } = await nowAndAtFirstPreview(budgetAlarm, app());
        for (const outcome of [known, preview, planned]) {
            expect(outcome.violations).toHaveLength(1);
            expect(outcome.violations[0]).toMatch(/no budget alarm.*aws\.budgets\.Budget.*subscriberEmailAddresses/);
            expect(outcome.urns[0]).toBe("urn:pulumi:test::test::pulumi:pulumi:Stack::shop-dev");
        }
        const noStackResource = await run([resource(T.sqsQueue, "q")]);
        expect(noStackResource.violations).toHaveLength(1);
        expect(noStackResource.urns[0]).toBe("");
        expect((await run([])).violations).toEqual([]);
    });

    test("violating: a budget nobody hears from, and billing alarms without actions or on another metric", async () => {
        expect((await run(withBudget({}))).violations).toHaveLength(1);
        expect((await run(withBudget({ subscriberEmailAddresses: [] }))).violations).toHaveLength(1);
        const billing = { namespace: "AWS/Billing", metricName: "EstimatedCharges" };
        expect((await run(withBillingAlarm({ ...billing, actionsEnabled: false }))).violations).toHaveLength(1);
        expect((await run(withBillingAlarm({ ...billing, alarmActions: [] }))).violations).toHaveLength(1);
        expect((await run(withBillingAlarm({ namespace: "AWS/Lambda", metricName: "Errors" }))).violations).toHaveLength(1);
    });

    test("unknown at preview: unknown subscribers or actions still count as set", async () => {
        const graph = withBudget({ subscriberSnsTopicArns: ["TOPIC"] });
        const outcome = await nowAndAtFirstPreview(budgetAlarm, graph);
        expect(outcome.preview.violations).toEqual([]);
        expect(outcome.preview.cantRunAtPreview).toBeUndefined();
    });

    test("malformed: odd props never make it throw", async () => {
        expect(await survivesMalformed(budgetAlarm, withBudget({ subscriberEmailAddresses: ["a@b.c"] }))).toBe(40);
        expect(await survivesMalformed(budgetAlarm, withBillingAlarm({ metricQueries: [{ metric: { namespace: "AWS/Billing", metricName: "EstimatedCharges" } }] }))).toBe(40);
        expect((await run([...app(), resource(T.budget, "b", { notifications: "nope" })])).violations).toHaveLength(1);
    });

    test("waiver: the stack is not applicable, with the reason", async () => {
        const outcome = await run(app(), { waivers: [{ resource: "shop-dev", reason: "the account's budget lives in the platform stack" }] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toBe("waived: shop-dev: the account's budget lives in the platform stack");
    });
});
