import * as pulumi from "@pulumi/pulumi";
import * as budgets from "@pulumi/aws/budgets";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as sns from "@pulumi/aws/sns";
import { ArgumentErrors } from "./lib/argument-errors";
import { withDefaults } from "./lib/defaults";

/** The arguments of `CostGuardrails`: `monthlyLimit`, and `emails` or `snsTopicArn`, are required. */
export interface CostGuardrailsArgs {
    /** The monthly cost budget, in `currency`; greater than 0 and finite. Required. */
    monthlyLimit: pulumi.Input<number>;
    /** The budget's currency: a three-letter upper-case code such as `USD` or `EUR`. Default `USD`. */
    currency?: string;
    /**
     * Percentages of the limit at which ACTUAL spend notifies, each greater than 0 and at most 1000. Together with
     * `forecastedThresholds` 1 to 5 thresholds (AWS Budgets allows 5 notifications). Default [80, 100].
     */
    actualThresholds?: number[];
    /** Percentages of the limit at which FORECASTED spend notifies, each greater than 0 and at most 1000 (see `actualThresholds`). Default [100]. */
    forecastedThresholds?: number[];
    /**
     * E-mail addresses told of each notification (each like `name@example.com`, a dot in the domain): at most 10 (AWS
     * Budgets' limit per notification; use `snsTopicArn` for more). At least one e-mail or `snsTopicArn` is required. Default: none.
     */
    emails?: string[];
    /** An SNS topic that is told (when known, an SNS ARN); its policy must let `budgets.amazonaws.com` publish. Default: none. */
    snsTopicArn?: pulumi.Input<string>;
    /**
     * Also create a CloudWatch alarm on `AWS/Billing` `EstimatedCharges` (the metric exists only in us-east-1), `true`
     * or `false`. It notifies `snsTopicArn`, or a new topic the `emails` are subscribed to. Default false.
     */
    billingAlarm?: boolean;
    /** The billing alarm's threshold, in `currency`; greater than 0 and finite. Default: the monthly limit. */
    billingAlarmThreshold?: pulumi.Input<number>;
    /** The budget's name: 1-100 characters without `:` or `\`. Default: generated from the resource name. */
    budgetName?: string;
}

/** The defaults `CostGuardrails` applies. */
export const costGuardrailsDefaults = {
    currency: "USD",
    actualThresholds: [80, 100],
    forecastedThresholds: [100],
    billingAlarm: false,
} as const;

/** AWS Budgets accepts at most 5 notifications per budget and 10 e-mail subscribers per notification. */
const MAX_NOTIFICATIONS = 5;
const MAX_EMAILS = 10;

function validate(name: string, args: CostGuardrailsArgs | undefined) {
    const errors = new ArgumentErrors("CostGuardrails", name);
    const a = (args ?? {}) as Partial<CostGuardrailsArgs>;
    errors.required("monthlyLimit", a.monthlyLimit);
    errors.positive("monthlyLimit", a.monthlyLimit);
    errors.positive("billingAlarmThreshold", a.billingAlarmThreshold);
    errors.arnOf("snsTopicArn", a.snsTopicArn, "sns", "an SNS topic");
    if (a.budgetName !== undefined && (typeof a.budgetName !== "string" || !/^[^:\\]{1,100}$/.test(a.budgetName))) {
        errors.add("budgetName", `must be 1-100 characters without : or \\ (got ${JSON.stringify(a.budgetName)})`);
    }
    errors.boolean("billingAlarm", a.billingAlarm);
    for (const field of ["actualThresholds", "forecastedThresholds"] as const) {
        const thresholds = a[field];
        if (thresholds === undefined) continue;
        if (!Array.isArray(thresholds) || thresholds.some((t) => typeof t !== "number" || !(t > 0) || t > 1000)) {
            errors.add(field, "must be a list of percentages greater than 0 and at most 1000");
        }
    }
    const count = (a.actualThresholds ?? costGuardrailsDefaults.actualThresholds).length + (a.forecastedThresholds ?? costGuardrailsDefaults.forecastedThresholds).length;
    if (count === 0) errors.add("actualThresholds", "and forecastedThresholds are both empty: a budget that notifies nobody stops nothing");
    if (count > MAX_NOTIFICATIONS) errors.add("actualThresholds", `and forecastedThresholds give ${count} notifications; AWS Budgets allows ${MAX_NOTIFICATIONS}`);
    if (errors.emailList("emails", a.emails, "list") && (a.emails?.length ?? 0) > MAX_EMAILS) {
        errors.add("emails", `has ${a.emails!.length} addresses; AWS Budgets allows ${MAX_EMAILS} per notification (use snsTopicArn for more)`);
    }
    if ((a.emails?.length ?? 0) === 0 && !a.snsTopicArn) errors.add("emails", "or snsTopicArn is required: someone must be told when spend passes a threshold");
    if (a.currency !== undefined && (typeof a.currency !== "string" || !/^[A-Z]{3}$/.test(a.currency))) {
        errors.add("currency", `must be a three-letter currency code such as USD (got ${JSON.stringify(a.currency)})`);
    }
    errors.throwIfAny();
}

/**
 * A monthly cost budget that notifies on actual and forecasted spend, and optionally a billing alarm,
 * so that a runaway function or a loop costs a day, not a month.
 */
export class CostGuardrails extends pulumi.ComponentResource {
    /** The monthly COST budget with its notifications. */
    public readonly budget: budgets.Budget;
    /** The topic the billing alarm notifies: `snsTopicArn`, or a topic created for the e-mails. */
    public readonly alarmTopicArn?: pulumi.Output<string>;
    /** The alarm on estimated charges; only with `billingAlarm: true`. */
    public readonly billingAlarm?: cloudwatch.MetricAlarm;

    constructor(name: string, args: CostGuardrailsArgs, opts?: pulumi.ComponentResourceOptions) {
        validate(name, args);
        super("serverless-guardrails:index:CostGuardrails", name, args, opts);
        const settings = withDefaults(costGuardrailsDefaults, args);
        const parent = { parent: this };
        const subscribers = {
            subscriberEmailAddresses: settings.emails && settings.emails.length > 0 ? settings.emails : undefined,
            subscriberSnsTopicArns: settings.snsTopicArn ? [settings.snsTopicArn] : undefined,
        };
        const notification = (notificationType: string) => (threshold: number) => ({
            notificationType,
            comparisonOperator: "GREATER_THAN",
            threshold,
            thresholdType: "PERCENTAGE",
            ...subscribers,
        });
        this.budget = new budgets.Budget(
            `${name}-budget`,
            {
                name: settings.budgetName,
                budgetType: "COST",
                timeUnit: "MONTHLY",
                limitAmount: pulumi.output(settings.monthlyLimit).apply((limit) => String(limit)),
                limitUnit: settings.currency,
                notifications: [
                    ...settings.actualThresholds.map(notification("ACTUAL")),
                    ...settings.forecastedThresholds.map(notification("FORECASTED")),
                ],
            },
            parent,
        );
        if (settings.billingAlarm) {
            let topicArn: pulumi.Input<string>;
            if (settings.snsTopicArn) {
                topicArn = settings.snsTopicArn;
            } else {
                const topic = new sns.Topic(`${name}-alerts`, {}, parent);
                settings.emails!.forEach(
                    (email, index) => new sns.TopicSubscription(`${name}-alerts-${index}`, { topic: topic.arn, protocol: "email", endpoint: email }, parent),
                );
                topicArn = topic.arn;
            }
            this.alarmTopicArn = pulumi.output(topicArn);
            this.billingAlarm = new cloudwatch.MetricAlarm(
                `${name}-billing-alarm`,
                {
                    alarmDescription: pulumi.interpolate`Estimated charges this month passed ${settings.billingAlarmThreshold ?? settings.monthlyLimit} ${settings.currency}`,
                    namespace: "AWS/Billing",
                    metricName: "EstimatedCharges",
                    dimensions: { Currency: settings.currency },
                    statistic: "Maximum",
                    period: 21600,
                    evaluationPeriods: 1,
                    comparisonOperator: "GreaterThanThreshold",
                    threshold: settings.billingAlarmThreshold ?? settings.monthlyLimit,
                    treatMissingData: "notBreaching",
                    alarmActions: [topicArn],
                },
                parent,
            );
        }
        this.registerOutputs({ budget: this.budget, alarmTopicArn: this.alarmTopicArn, billingAlarm: this.billingAlarm });
    }
}
