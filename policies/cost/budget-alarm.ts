import { graphOf, type Node, type ResourceGraph } from "../lib/graph";
import { type StackFinding, stackPolicy } from "../lib/policy";
import { UNKNOWN, asArray, asBoolean, peek } from "../lib/props";
import { T } from "../lib/types";

const STACK = "pulumi:pulumi:Stack";

/** A budget notification that reaches someone: an e-mail address or an SNS topic (known or not). */
function budgetNotifies(budget: Node): boolean {
    const notifications = peek(budget.raw, "notifications");
    if (notifications === UNKNOWN) return true;
    return asArray(notifications).some((n) => nonEmpty(peek(n, "subscriberEmailAddresses")) || nonEmpty(peek(n, "subscriberSnsTopicArns")));
}

function nonEmpty(value: unknown): boolean {
    return value === UNKNOWN || asArray(value).length > 0;
}

function isEstimatedCharges(metric: unknown): boolean {
    return peek(metric, "namespace") === "AWS/Billing" && peek(metric, "metricName") === "EstimatedCharges";
}

/** A MetricAlarm on `AWS/Billing` `EstimatedCharges` (directly or in metric math) that has an action. */
function billingAlarmNotifies(graph: ResourceGraph, alarm: Node): boolean {
    const onBilling = isEstimatedCharges(alarm.raw) || asArray(peek(alarm.raw, "metricQueries")).some((q) => isEstimatedCharges(peek(q, "metric")));
    if (!onBilling || asBoolean(peek(alarm.raw, "actionsEnabled")) === false) return false;
    return graph.isSet(alarm, "alarmActions") && nonEmpty(peek(alarm.raw, "alarmActions"));
}

export const budgetAlarm = stackPolicy<{}, ResourceGraph>(
    {
        name: "budget-alarm",
        displayName: "The stack has a budget alarm",
        description:
            "Serverless bills scale with traffic and with mistakes: a recursive loop or a retry storm can spend a month's " +
            "budget in a day. Without a budget or billing alarm nobody hears of it until the invoice arrives.",
        enforcementLevel: "advisory",
        severity: "medium",
        tags: ["cost"],
        remediationSteps:
            "Add an `aws.budgets.Budget` with a `notifications` entry that has `subscriberEmailAddresses` or " +
            "`subscriberSnsTopicArns` (the pack's Budget component does this), or an `aws.cloudwatch.MetricAlarm` on " +
            "`AWS/Billing` `EstimatedCharges` (us-east-1) with `alarmActions`.",
        *check(graph): Iterable<StackFinding> {
            const stack = graph.ofType(STACK)[0];
            const resources = graph.nodes.filter((n) => n.type !== STACK && !n.type.startsWith("pulumi:providers:"));
            if (resources.length === 0) return;
            if (graph.ofType(T.budget).some(budgetNotifies) || graph.ofType(T.metricAlarm).some((alarm) => billingAlarmNotifies(graph, alarm))) return;
            yield {
                urn: stack?.urn ?? "",
                name: stack?.name ?? "stack",
                message:
                    "The stack has no budget alarm: add an `aws.budgets.Budget` whose `notifications` have `subscriberEmailAddresses` or " +
                    "`subscriberSnsTopicArns`, or a `MetricAlarm` on `AWS/Billing` `EstimatedCharges` with `alarmActions`.",
            };
        },
    },
    graphOf,
);
