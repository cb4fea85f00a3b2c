/**
 * The plan of compliant/main.tf, for the plan builder (see ../README.md). Keep in step with main.tf.
 */
import { logGroup, methodSettings, mockGet, restApi, stage, webAcl } from "../api";
import { addAlarmedDlq, addFunction, alarmedDlqModule, functionCall, QUEUE_DEFAULTS } from "../modules";
import { c, json, Mode, PlanBuilder, r } from "../plan-builder";

const DLQS = ["notify-failures", "notify-events-dlq"];
const ALERT_EMAIL = "oncall@example.com";

export function compliantPlan(mode: Mode): Record<string, unknown> {
    const plan = new PlanBuilder(mode);

    plan.configure({ type: "aws_sns_topic", name: "alerts", expressions: { name: c("alerts") } });
    const alerts = plan.add("aws_sns_topic", "alerts", { name: "alerts", fifo_topic: false, content_based_deduplication: false });

    plan.configure({
        type: "aws_budgets_budget",
        name: "monthly",
        expressions: {
            name: c("monthly"),
            budget_type: c("COST"),
            limit_amount: c("200"),
            limit_unit: c("USD"),
            time_unit: c("MONTHLY"),
            notification: [
                {
                    comparison_operator: c("GREATER_THAN"),
                    threshold: c(80),
                    threshold_type: c("PERCENTAGE"),
                    notification_type: c("FORECASTED"),
                    subscriber_email_addresses: r("var.alert_email"),
                },
            ],
        },
    });
    plan.add("aws_budgets_budget", "monthly", {
        name: "monthly",
        budget_type: "COST",
        limit_amount: "200",
        limit_unit: "USD",
        time_unit: "MONTHLY",
        notification: [
            {
                comparison_operator: "GREATER_THAN",
                threshold: 80,
                threshold_type: "PERCENTAGE",
                notification_type: "FORECASTED",
                subscriber_email_addresses: [ALERT_EMAIL],
                subscriber_sns_topic_arns: [],
            },
        ],
    });

    plan.module("dlq", {
        source: "../modules/alarmed-dlq",
        for_each_expression: {},
        expressions: { name: r("each.key"), alarm_topic_arn: r("aws_sns_topic.alerts.arn") },
        body: alarmedDlqModule,
    });
    const dlq = Object.fromEntries(DLQS.map((name) => [name, addAlarmedDlq(plan, [{ call: "dlq", key: name }], name, alerts.arn)]));

    // Two job queues, each with its own alarmed dead-letter queue and worker (count).
    plan.configure({
        type: "aws_sqs_queue",
        name: "jobs_dlq",
        count_expression: c(2),
        expressions: { name: r("count.index"), message_retention_seconds: c(1209600), sqs_managed_sse_enabled: c(true) },
    });
    plan.configure({
        type: "aws_cloudwatch_metric_alarm",
        name: "jobs_dlq",
        count_expression: c(2),
        expressions: {
            alarm_name: r("count.index"),
            namespace: c("AWS/SQS"),
            metric_name: c("ApproximateNumberOfMessagesVisible"),
            // aws_sqs_queue.jobs_dlq[count.index].name: a dynamic index stops the traversal at the resource.
            dimensions: r("aws_sqs_queue.jobs_dlq", "count.index"),
            statistic: c("Maximum"),
            period: c(60),
            evaluation_periods: c(1),
            threshold: c(1),
            comparison_operator: c("GreaterThanOrEqualToThreshold"),
            alarm_actions: r("aws_sns_topic.alerts.arn"),
        },
    });
    plan.configure({
        type: "aws_sqs_queue",
        name: "jobs",
        count_expression: c(2),
        expressions: { name: r("count.index"), visibility_timeout_seconds: c(180), redrive_policy: r("aws_sqs_queue.jobs_dlq", "count.index") },
    });
    const worker = functionCall("worker", { memorySize: 512, reservedConcurrentExecutions: 5 }, { name: r("count.index"), statements: r("aws_sqs_queue.jobs", "count.index") });
    plan.module("worker", { ...worker, count_expression: c(2) });
    plan.configure({
        type: "aws_lambda_event_source_mapping",
        name: "jobs",
        count_expression: c(2),
        expressions: {
            event_source_arn: r("aws_sqs_queue.jobs", "count.index"),
            function_name: r("module.worker", "count.index"),
            function_response_types: c(["ReportBatchItemFailures"]),
            scaling_config: [{ maximum_concurrency: c(2) }],
        },
    });
    for (const index of [0, 1]) {
        const jobsDlq = plan.add("aws_sqs_queue", "jobs_dlq", { ...QUEUE_DEFAULTS, name: `jobs-${index}-dlq`, message_retention_seconds: 1209600, sqs_managed_sse_enabled: true }, { index });
        plan.add(
            "aws_cloudwatch_metric_alarm",
            "jobs_dlq",
            {
                alarm_name: `jobs-${index}-dlq-alarm`,
                namespace: "AWS/SQS",
                metric_name: "ApproximateNumberOfMessagesVisible",
                dimensions: { QueueName: jobsDlq.name },
                statistic: "Maximum",
                period: 60,
                evaluation_periods: 1,
                threshold: 1,
                comparison_operator: "GreaterThanOrEqualToThreshold",
                alarm_actions: [alerts.arn],
                actions_enabled: true,
                treat_missing_data: "missing",
            },
            { index },
        );
        const queue = plan.add(
            "aws_sqs_queue",
            "jobs",
            { ...QUEUE_DEFAULTS, name: `jobs-${index}`, visibility_timeout_seconds: 180, redrive_policy: json({ deadLetterTargetArn: jobsDlq.arn, maxReceiveCount: 5 }) },
            { index },
        );
        const fn = addFunction(plan, [{ call: "worker", key: index }], `worker-${index}`, {
            memorySize: 512,
            reservedConcurrentExecutions: 5,
            statements: [{ Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource: queue.arn }],
        });
        plan.add(
            "aws_lambda_event_source_mapping",
            "jobs",
            { event_source_arn: queue.arn, function_name: fn.arn, function_response_types: ["ReportBatchItemFailures"], enabled: true, scaling_config: [{ maximum_concurrency: 2 }] },
            { index },
        );
    }

    // An asynchronously invoked function that keeps its failures.
    plan.configure({ type: "aws_cloudwatch_event_rule", name: "hourly", expressions: { name: c("hourly"), schedule_expression: c("rate(1 hour)") } });
    const hourly = plan.add("aws_cloudwatch_event_rule", "hourly", { name: "hourly", schedule_expression: "rate(1 hour)", event_bus_name: "default", state: "ENABLED", force_destroy: false });
    plan.module("notify", functionCall("notify", { memorySize: 512, reservedConcurrentExecutions: 5 }, { statements: r('module.dlq["notify-failures"].arn') }));
    const notify = addFunction(plan, [{ call: "notify" }], "notify", {
        memorySize: 512,
        reservedConcurrentExecutions: 5,
        statements: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: dlq["notify-failures"].arn }],
    });
    plan.configure({
        type: "aws_lambda_permission",
        name: "notify-invoke",
        expressions: {
            action: c("lambda:InvokeFunction"),
            function_name: r("module.notify.function_name"),
            principal: c("events.amazonaws.com"),
            source_arn: r("aws_cloudwatch_event_rule.hourly.arn"),
        },
    });
    plan.add("aws_lambda_permission", "notify-invoke", { action: "lambda:InvokeFunction", function_name: notify.function_name, principal: "events.amazonaws.com", source_arn: hourly.arn });
    plan.configure({
        type: "aws_cloudwatch_event_target",
        name: "hourly-notify",
        expressions: {
            rule: r("aws_cloudwatch_event_rule.hourly.name"),
            arn: r("module.notify.arn"),
            dead_letter_config: [{ arn: r('module.dlq["notify-events-dlq"].arn') }],
            retry_policy: [{ maximum_retry_attempts: c(2), maximum_event_age_in_seconds: c(3600) }],
        },
    });
    plan.add("aws_cloudwatch_event_target", "hourly-notify", {
        rule: hourly.name,
        arn: notify.arn,
        event_bus_name: "default",
        force_destroy: false,
        dead_letter_config: [{ arn: dlq["notify-events-dlq"].arn }],
        retry_policy: [{ maximum_retry_attempts: 2, maximum_event_age_in_seconds: 3600 }],
    });
    plan.configure({
        type: "aws_lambda_function_event_invoke_config",
        name: "notify",
        expressions: {
            function_name: r("module.notify.function_name"),
            maximum_retry_attempts: c(2),
            maximum_event_age_in_seconds: c(3600),
            destination_config: [{ on_failure: [{ destination: r('module.dlq["notify-failures"].arn') }] }],
        },
    });
    plan.add("aws_lambda_function_event_invoke_config", "notify", {
        function_name: notify.function_name,
        maximum_retry_attempts: 2,
        maximum_event_age_in_seconds: 3600,
        destination_config: [{ on_failure: [{ destination: dlq["notify-failures"].arn }], on_success: [] }],
    });

    // A REST API behind WAF, throttled, traced, with JSON access logs kept 30 days.
    const api = { block: "api", values: restApi(plan, "api", "orders-api", "REGIONAL") };
    const deployment = mockGet(plan, api, { method: "get-root", integration: "root-mock", deployment: "api" }, "aws_api_gateway_rest_api.api.root_resource_id", api.values.root_resource_id);
    const prod = stage(plan, "prod", {
        api,
        deployment: { block: "api", values: deployment },
        logs: { block: "api-access-logs", values: logGroup(plan, "api-access-logs", "orders-api-access-logs", 30) },
        format: '{"requestId":"$context.requestId","status":"$context.status"}',
        tracing: true,
    });
    methodSettings(plan, "throttling", "api", "prod", api.values);
    webAcl(plan, "api", "orders-api-web-acl", "orders-api", "api", "prod", prod);

    plan.variable("alert_email", ALERT_EMAIL, { default: ALERT_EMAIL });
    return plan.build();
}
