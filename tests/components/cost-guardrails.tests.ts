import { CostGuardrails, costGuardrailsDefaults } from "../../components/cost-guardrails";
import { argumentError, byType, one, recordResources, settle, valueOf, type Registered } from "../helpers/component-recorder";

let registered: Registered[];

const BUDGET = "aws:budgets/budget:Budget";

describe("CostGuardrails", () => {
    beforeEach(() => {
        registered = recordResources();
    });

    test("defaults: a monthly COST budget notifying at 80% and 100% actual and 100% forecasted spend", async () => {
        new CostGuardrails("cost", { monthlyLimit: 250, emails: ["ops@example.com"] });
        await settle();
        const budget = one(registered, BUDGET);
        expect(budget.name).toBe("cost-budget");
        expect(budget.inputs).toMatchObject({ budgetType: "COST", timeUnit: "MONTHLY", limitAmount: "250", limitUnit: "USD" });
        const notifications = budget.inputs.notifications;
        expect(notifications.map((n: any) => [n.notificationType, n.threshold])).toEqual([
            ["ACTUAL", 80],
            ["ACTUAL", 100],
            ["FORECASTED", 100],
        ]);
        for (const n of notifications) {
            expect(n).toMatchObject({ comparisonOperator: "GREATER_THAN", thresholdType: "PERCENTAGE", subscriberEmailAddresses: ["ops@example.com"] });
            expect(n.subscriberSnsTopicArns).toBeUndefined();
        }
        expect(byType(registered, "aws:cloudwatch/metricAlarm:MetricAlarm")).toHaveLength(0);
        expect(costGuardrailsDefaults.billingAlarm).toBe(false);
    });

    test("overrides: thresholds, currency, budget name and an SNS topic", async () => {
        new CostGuardrails("cost", {
            monthlyLimit: 40,
            currency: "EUR",
            actualThresholds: [50],
            forecastedThresholds: [90, 120],
            snsTopicArn: "arn:aws:sns:us-east-1:123456789012:cost",
            budgetName: "team-a",
        });
        await settle();
        const budget = one(registered, BUDGET);
        expect(budget.inputs).toMatchObject({ name: "team-a", limitUnit: "EUR", limitAmount: "40" });
        expect(budget.inputs.notifications.map((n: any) => [n.notificationType, n.threshold])).toEqual([
            ["ACTUAL", 50],
            ["FORECASTED", 90],
            ["FORECASTED", 120],
        ]);
        expect(budget.inputs.notifications[0].subscriberSnsTopicArns).toEqual(["arn:aws:sns:us-east-1:123456789012:cost"]);
        expect(budget.inputs.notifications[0].subscriberEmailAddresses).toBeUndefined();
    });

    test("billing alarm: EstimatedCharges over the limit, notifying a topic created for the e-mails", async () => {
        const guardrails = new CostGuardrails("cost", { monthlyLimit: 100, emails: ["a@example.com", "b@example.com"], billingAlarm: true });
        await settle();
        const alarm = one(registered, "aws:cloudwatch/metricAlarm:MetricAlarm");
        expect(alarm.inputs).toMatchObject({
            namespace: "AWS/Billing",
            metricName: "EstimatedCharges",
            dimensions: { Currency: "USD" },
            comparisonOperator: "GreaterThanThreshold",
            threshold: 100,
        });
        const topic = one(registered, "aws:sns/topic:Topic");
        expect(alarm.inputs.alarmActions).toEqual([topic.state.arn]);
        const subscriptions = byType(registered, "aws:sns/topicSubscription:TopicSubscription");
        expect(subscriptions.map((s) => [s.inputs.protocol, s.inputs.endpoint])).toEqual([
            ["email", "a@example.com"],
            ["email", "b@example.com"],
        ]);
        expect(await valueOf(guardrails.alarmTopicArn)).toBe(alarm.inputs.alarmActions[0]);
    });

    test("billing alarm with a given topic and threshold creates no topic", async () => {
        new CostGuardrails("cost", { monthlyLimit: 100, snsTopicArn: "arn:aws:sns:us-east-1:1:t", billingAlarm: true, billingAlarmThreshold: 150 });
        await settle();
        const alarm = one(registered, "aws:cloudwatch/metricAlarm:MetricAlarm");
        expect(alarm.inputs).toMatchObject({ threshold: 150, alarmActions: ["arn:aws:sns:us-east-1:1:t"] });
        expect(byType(registered, "aws:sns/topic:Topic")).toHaveLength(0);
    });

    test("argument errors: one error naming every bad argument, before any resource", async () => {
        const error = await argumentError(registered, () =>
            new CostGuardrails("cost", { monthlyLimit: -5, actualThresholds: [0], forecastedThresholds: [50, 60, 70, 80, 90], emails: ["not-an-email"], currency: "dollars" }),
        );
        expect(error.message).toContain('CostGuardrails "cost"');
        for (const argument of ["monthlyLimit:", "actualThresholds:", "emails:", "currency:"]) expect(error.message).toContain(argument);
        expect(error.message).toContain("give 6 notifications; AWS Budgets allows 5");
    });

    test("argument errors: a missing limit and nobody to tell", async () => {
        const error = await argumentError(registered, () => new CostGuardrails("cost", {} as any));
        expect(error.message).toContain("monthlyLimit: is required");
        expect(error.message).toContain("emails: or snsTopicArn is required");
        const tooMany = await argumentError(registered, () =>
            new CostGuardrails("cost2", { monthlyLimit: 1, emails: Array.from({ length: 11 }, (_, i) => `u${i}@example.com`), billingAlarmThreshold: 0 }),
        );
        expect(tooMany.message).toContain("emails: has 11 addresses");
        expect(tooMany.message).toContain("billingAlarmThreshold: must be greater than 0");
    });
});
