/**
 * The plan of anti-patterns/main.tf, for the plan builder (see ../README.md): its configuration block by block, and
 * the values Terraform evaluates for each instance. Keep in step with main.tf.
 */
import { logGroup, methodSettings, mockGet, restApi, stage, webAcl } from "../api";
import { addAlarmedDlq, addFunction, alarmedDlqModule, functionCall, QUEUE_DEFAULTS } from "../modules";
import { c, json, Mode, PlanBuilder, r } from "../plan-builder";

const DLQS = ["nightly-dlq", "invoices-dlq", "retries-dlq", "counters-failures"];

export function antiPatternsPlan(mode: Mode): Record<string, unknown> {
    const plan = new PlanBuilder(mode);

    plan.configure({ type: "aws_sns_topic", name: "alerts", expressions: { name: c("alerts") } });
    const alerts = plan.add("aws_sns_topic", "alerts", { name: "alerts", fifo_topic: false, content_based_deduplication: false });

    plan.module("dlq", {
        source: "../modules/alarmed-dlq",
        for_each_expression: {},
        expressions: { name: r("each.key"), alarm_topic_arn: r("aws_sns_topic.alerts.arn") },
        body: alarmedDlqModule,
    });
    const dlq = Object.fromEntries(DLQS.map((name) => [name, addAlarmedDlq(plan, [{ call: "dlq", key: name }], name, alerts.arn)]));

    // 1. A dead-letter queue nobody is alarmed about.
    plan.configure({ type: "aws_sqs_queue", name: "unwatched-dlq", expressions: { name: c("unwatched-dlq"), message_retention_seconds: c(1209600) } });
    const unwatched = plan.add("aws_sqs_queue", "unwatched-dlq", { ...QUEUE_DEFAULTS, name: "unwatched-dlq", message_retention_seconds: 1209600 });
    plan.configure({
        type: "aws_sqs_queue",
        name: "orders-queue",
        expressions: { name: c("orders-queue"), visibility_timeout_seconds: c(180), redrive_policy: r("aws_sqs_queue.unwatched-dlq.arn") },
    });
    plan.add("aws_sqs_queue", "orders-queue", {
        ...QUEUE_DEFAULTS,
        name: "orders-queue",
        visibility_timeout_seconds: 180,
        redrive_policy: json({ deadLetterTargetArn: unwatched.arn, maxReceiveCount: 5 }),
    });

    // 2. A stream mapping with infinite retries and no destination.
    const table = (name: string, view: string) => {
        plan.configure({
            type: "aws_dynamodb_table",
            name,
            expressions: {
                name: c(name),
                hash_key: c("pk"),
                billing_mode: c("PAY_PER_REQUEST"),
                stream_enabled: c(true),
                stream_view_type: c(view),
                attribute: [{ name: c("pk"), type: c("S") }],
            },
        });
        return plan.add("aws_dynamodb_table", name, {
            name,
            hash_key: "pk",
            billing_mode: "PAY_PER_REQUEST",
            stream_enabled: true,
            stream_view_type: view,
            attribute: [{ name: "pk", type: "S" }],
            deletion_protection_enabled: false,
        });
    };
    const ledger = table("ledger", "NEW_IMAGE");
    const streamRead = ["dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream"];
    plan.module("ledger-projector", functionCall("ledger-projector", { memorySize: 512, reservedConcurrentExecutions: 5 }, { statements: r("aws_dynamodb_table.ledger.stream_arn") }));
    const projector = addFunction(plan, [{ call: "ledger-projector" }], "ledger-projector", {
        memorySize: 512,
        reservedConcurrentExecutions: 5,
        statements: [{ Effect: "Allow", Action: streamRead, Resource: ledger.stream_arn }],
    });
    plan.configure({
        type: "aws_lambda_event_source_mapping",
        name: "ledger-stream",
        expressions: {
            event_source_arn: r("aws_dynamodb_table.ledger.stream_arn"),
            function_name: r("module.ledger-projector.arn"),
            starting_position: c("LATEST"),
            function_response_types: c(["ReportBatchItemFailures"]),
        },
    });
    plan.add("aws_lambda_event_source_mapping", "ledger-stream", {
        event_source_arn: ledger.stream_arn,
        function_name: projector.arn,
        starting_position: "LATEST",
        function_response_types: ["ReportBatchItemFailures"],
        enabled: true,
    });

    // 3. An async function with nowhere to send failures.
    plan.configure({ type: "aws_cloudwatch_event_rule", name: "nightly", expressions: { name: c("nightly"), schedule_expression: c("cron(0 2 * * ? *)") } });
    const nightly = plan.add("aws_cloudwatch_event_rule", "nightly", { name: "nightly", schedule_expression: "cron(0 2 * * ? *)", event_bus_name: "default", state: "ENABLED", force_destroy: false });
    plan.module("report-builder", functionCall("report-builder", { memorySize: 512, reservedConcurrentExecutions: 5 }, {}));
    const reportBuilder = addFunction(plan, [{ call: "report-builder" }], "report-builder", { memorySize: 512, reservedConcurrentExecutions: 5 });
    plan.configure({
        type: "aws_lambda_permission",
        name: "report-builder-invoke",
        expressions: {
            action: c("lambda:InvokeFunction"),
            function_name: r("module.report-builder.function_name"),
            principal: c("events.amazonaws.com"),
            source_arn: r("aws_cloudwatch_event_rule.nightly.arn"),
        },
    });
    plan.add("aws_lambda_permission", "report-builder-invoke", {
        action: "lambda:InvokeFunction",
        function_name: reportBuilder.function_name,
        principal: "events.amazonaws.com",
        source_arn: nightly.arn,
    });
    plan.configure({
        type: "aws_cloudwatch_event_target",
        name: "nightly-report",
        expressions: {
            rule: r("aws_cloudwatch_event_rule.nightly.name"),
            arn: r("module.report-builder.arn"),
            dead_letter_config: [{ arn: r('module.dlq["nightly-dlq"].arn') }],
            retry_policy: [{ maximum_retry_attempts: c(2), maximum_event_age_in_seconds: c(3600) }],
        },
    });
    plan.add("aws_cloudwatch_event_target", "nightly-report", {
        rule: nightly.name,
        arn: reportBuilder.arn,
        event_bus_name: "default",
        force_destroy: false,
        dead_letter_config: [{ arn: dlq["nightly-dlq"].arn }],
        retry_policy: [{ maximum_retry_attempts: 2, maximum_event_age_in_seconds: 3600 }],
    });

    // 4. 5. Queues that trigger a function: visibility shorter than the function; a function writing to its trigger.
    const sqsConsume = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"];
    const workerQueue = (queue: string, fn: string, dlqName: string, visibility: number | undefined, timeout: number | undefined, sends: boolean) => {
        plan.configure({
            type: "aws_sqs_queue",
            name: queue,
            expressions: { name: c(queue), ...(visibility ? { visibility_timeout_seconds: c(visibility) } : {}), redrive_policy: r(`module.dlq["${dlqName}"].arn`) },
        });
        const q = plan.add("aws_sqs_queue", queue, {
            ...QUEUE_DEFAULTS,
            name: queue,
            ...(visibility ? { visibility_timeout_seconds: visibility } : {}),
            redrive_policy: json({ deadLetterTargetArn: dlq[dlqName].arn, maxReceiveCount: 5 }),
        });
        plan.module(fn, functionCall(fn, { memorySize: 512, reservedConcurrentExecutions: 5, timeout }, { statements: r(`aws_sqs_queue.${queue}.arn`) }));
        const statements: unknown[] = [{ Effect: "Allow", Action: sqsConsume, Resource: q.arn }];
        if (sends) statements.push({ Effect: "Allow", Action: "sqs:SendMessage", Resource: q.arn });
        const f = addFunction(plan, [{ call: fn }], fn, { memorySize: 512, reservedConcurrentExecutions: 5, timeout, statements });
        plan.configure({
            type: "aws_lambda_event_source_mapping",
            name: `${queue}-source`,
            expressions: {
                event_source_arn: r(`aws_sqs_queue.${queue}.arn`),
                function_name: r(`module.${fn}.arn`),
                function_response_types: c(["ReportBatchItemFailures"]),
                scaling_config: [{ maximum_concurrency: c(2) }],
            },
        });
        plan.add("aws_lambda_event_source_mapping", `${queue}-source`, {
            event_source_arn: q.arn,
            function_name: f.arn,
            function_response_types: ["ReportBatchItemFailures"],
            enabled: true,
            scaling_config: [{ maximum_concurrency: 2 }],
        });
    };
    workerQueue("invoices", "invoicer", "invoices-dlq", undefined, 60, false);
    workerQueue("retries", "retrier", "retries-dlq", 180, undefined, true);

    // 6. A DynamoDB stream loop.
    const counters = table("counters", "NEW_AND_OLD_IMAGES");
    plan.module("counter", functionCall("counter", { memorySize: 512, reservedConcurrentExecutions: 5 }, { statements: r("aws_dynamodb_table.counters.stream_arn", "aws_dynamodb_table.counters.arn") }));
    const counter = addFunction(plan, [{ call: "counter" }], "counter", {
        memorySize: 512,
        reservedConcurrentExecutions: 5,
        statements: [
            { Effect: "Allow", Action: streamRead, Resource: counters.stream_arn },
            { Effect: "Allow", Action: "dynamodb:UpdateItem", Resource: counters.arn },
        ],
    });
    plan.configure({
        type: "aws_lambda_event_source_mapping",
        name: "counters-stream",
        expressions: {
            event_source_arn: r("aws_dynamodb_table.counters.stream_arn"),
            function_name: r("module.counter.arn"),
            starting_position: c("LATEST"),
            function_response_types: c(["ReportBatchItemFailures"]),
            maximum_retry_attempts: c(5),
            maximum_record_age_in_seconds: c(3600),
            bisect_batch_on_function_error: c(true),
            destination_config: [{ on_failure: [{ destination_arn: r('module.dlq["counters-failures"].arn') }] }],
        },
    });
    plan.add("aws_lambda_event_source_mapping", "counters-stream", {
        event_source_arn: counters.stream_arn,
        function_name: counter.arn,
        starting_position: "LATEST",
        function_response_types: ["ReportBatchItemFailures"],
        maximum_retry_attempts: 5,
        maximum_record_age_in_seconds: 3600,
        bisect_batch_on_function_error: true,
        enabled: true,
        destination_config: [{ on_failure: [{ destination_arn: dlq["counters-failures"].arn }] }],
    });

    // 7. A public REST API with no WAF, no throttling and no X-Ray tracing.
    const publicApi = { block: "public-api", values: restApi(plan, "public-api", "public-api") };
    plan.configure({
        type: "aws_api_gateway_resource",
        name: "public-api-health",
        expressions: { rest_api_id: r("aws_api_gateway_rest_api.public-api.id"), parent_id: r("aws_api_gateway_rest_api.public-api.root_resource_id"), path_part: c("health") },
    });
    const health = plan.add("aws_api_gateway_resource", "public-api-health", { rest_api_id: publicApi.values.id, parent_id: publicApi.values.root_resource_id, path_part: "health" });
    const publicDeployment = mockGet(
        plan,
        publicApi,
        { method: "public-api-get-health", integration: "public-api-health-mock", deployment: "public-api-deployment" },
        "aws_api_gateway_resource.public-api-health.id",
        health.id,
    );
    stage(plan, "public-api-prod", {
        api: publicApi,
        deployment: { block: "public-api-deployment", values: publicDeployment },
        logs: { block: "public-api-access-logs", values: logGroup(plan, "public-api-access-logs", "public-api-access-logs", 30) },
        format: '{"requestId":"$context.requestId","status":"$context.status"}',
    });

    // 8. A function URL anyone on the internet can call.
    plan.module("webhook", functionCall("webhook", { memorySize: 512, reservedConcurrentExecutions: 5 }, {}));
    const webhook = addFunction(plan, [{ call: "webhook" }], "webhook", { memorySize: 512, reservedConcurrentExecutions: 5 });
    plan.configure({ type: "aws_lambda_function_url", name: "webhook-url", expressions: { function_name: r("module.webhook.function_name"), authorization_type: c("NONE") } });
    plan.add("aws_lambda_function_url", "webhook-url", { function_name: webhook.function_name, authorization_type: "NONE", invoke_mode: "BUFFERED" });

    // 9. Memory and concurrency left unset.
    plan.module("thumbnailer", functionCall("thumbnailer", {}, {}));
    addFunction(plan, [{ call: "thumbnailer" }], "thumbnailer");

    // 11. A workflow nobody can follow.
    plan.configure({ type: "aws_iam_role", name: "order-workflow-role", expressions: { name: c("order-workflow-role"), assume_role_policy: {} } });
    const workflowRole = plan.add("aws_iam_role", "order-workflow-role", {
        name: "order-workflow-role",
        path: "/",
        max_session_duration: 3600,
        force_detach_policies: false,
        assume_role_policy: json({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
    });
    plan.configure({ type: "aws_sfn_state_machine", name: "order-workflow", expressions: { name: c("order-workflow"), role_arn: r("aws_iam_role.order-workflow-role.arn"), definition: {} } });
    plan.add("aws_sfn_state_machine", "order-workflow", {
        name: "order-workflow",
        role_arn: workflowRole.arn,
        type: "STANDARD",
        publish: false,
        definition: json({ StartAt: "Reserve", States: { Reserve: { Type: "Pass", Next: "Confirm" }, Confirm: { Type: "Succeed" } } }),
    });

    // 12. A log group that keeps everything forever.
    logGroup(plan, "audit-trail", "audit-trail");

    // 13. An internal API whose logs nobody can use.
    const reportsApi = { block: "reports-api", values: restApi(plan, "reports-api", "reports-api") };
    const reportsDeployment = mockGet(
        plan,
        reportsApi,
        { method: "reports-api-get-root", integration: "reports-api-root-mock", deployment: "reports-api-deployment" },
        "aws_api_gateway_rest_api.reports-api.root_resource_id",
        reportsApi.values.root_resource_id,
    );
    const reportsStage = stage(plan, "reports-api-prod", {
        api: reportsApi,
        deployment: { block: "reports-api-deployment", values: reportsDeployment },
        logs: { block: "reports-api-access-logs", values: logGroup(plan, "reports-api-access-logs", "reports-api-access-logs", 30) },
        format: '$context.identity.sourceIp - - [$context.requestTime] "$context.httpMethod $context.resourcePath $context.protocol" $context.status $context.responseLength $context.requestId',
        tracing: true,
    });
    methodSettings(plan, "reports-api-settings", "reports-api", "reports-api-prod", reportsApi.values, "INFO");
    webAcl(plan, "reports-api-web-acl", "reports-api-web-acl", "reports-api", "reports-api-waf", "reports-api-prod", reportsStage);

    // 14-17. Lambda Managed Instances.
    const lambdaTrust = json({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
    plan.configure({ type: "aws_iam_role", name: "fleet-operator", expressions: { name: c("fleet-operator"), assume_role_policy: {} } });
    const operator = plan.add("aws_iam_role", "fleet-operator", { name: "fleet-operator", path: "/", max_session_duration: 3600, force_detach_policies: false, assume_role_policy: lambdaTrust });
    const managedPolicy = "arn:aws:iam::aws:policy/AWSLambdaManagedEC2ResourceOperator";
    plan.configure({
        type: "aws_iam_role_policy_attachment",
        name: "fleet-operator-policy",
        expressions: { role: r("aws_iam_role.fleet-operator.name"), policy_arn: c(managedPolicy) },
    });
    plan.add("aws_iam_role_policy_attachment", "fleet-operator-policy", { role: operator.name, policy_arn: managedPolicy });
    const zones = ["subnet-0a1b2c3d4e5f60718", "subnet-0b1c2d3e4f5a60718", "subnet-0c1d2e3f4a5b60718"];
    const fleet = (name: string, subnets: string[], maxVcpuCount?: number) => {
        const vpc = { subnet_ids: subnets, security_group_ids: ["sg-0f1e2d3c4b5a69788"] };
        const scaling = maxVcpuCount ? { capacity_provider_scaling_config: [{ scaling_mode: "Auto", max_vcpu_count: maxVcpuCount }] } : {};
        plan.configure({
            type: "aws_lambda_capacity_provider",
            name,
            expressions: {
                name: c(name),
                ...(maxVcpuCount ? { capacity_provider_scaling_config: c(scaling.capacity_provider_scaling_config) } : {}),
                vpc_config: [{ subnet_ids: c(subnets), security_group_ids: c(vpc.security_group_ids) }],
                permissions_config: [{ capacity_provider_operator_role_arn: r("aws_iam_role.fleet-operator.arn") }],
            },
        });
        return plan.add("aws_lambda_capacity_provider", name, {
            name,
            ...scaling,
            vpc_config: [vpc],
            permissions_config: [{ capacity_provider_operator_role_arn: operator.arn }],
        });
    };
    fleet("fleet-unbounded", zones);
    const oneZone = fleet("fleet-one-zone", zones.slice(0, 1), 64);
    fleet("analytics-fleet", zones, 1000);
    plan.module("image-resizer", functionCall("image-resizer", { memorySize: 1024 }, { capacity_provider_arn: r("aws_lambda_capacity_provider.fleet-one-zone.arn") }));
    addFunction(plan, [{ call: "image-resizer" }], "image-resizer", { memorySize: 1024, capacityProviderArn: oneZone.arn });

    // 18-21. Durable functions.
    const durable = (name: string, options: { executionTimeout?: number; retentionPeriod?: number; publish?: boolean; checkpoint?: boolean; alarmed?: boolean }) => {
        const durableConfig = { executionTimeout: options.executionTimeout ?? 86400, retentionPeriod: options.retentionPeriod ?? 14 };
        const statements = options.checkpoint === false ? [] : [{ Effect: "Allow", Action: ["lambda:CheckpointDurableExecution", "lambda:GetDurableExecutionState"], Resource: [`arn:aws:lambda:*:*:function:${name}`, `arn:aws:lambda:*:*:function:${name}:*`] }];
        const args = { memorySize: 512, reservedConcurrentExecutions: 5, publish: options.publish === false ? undefined : true, durableConfig };
        plan.module(name, functionCall(name, args, options.checkpoint === false ? {} : { statements: c(statements) }));
        const fn = addFunction(plan, [{ call: name }], name, { ...args, statements });
        if (options.alarmed === false) return;
        plan.configure({
            type: "aws_cloudwatch_metric_alarm",
            name: `${name}-failed`,
            expressions: {
                alarm_name: c(`${name}-failed`),
                namespace: c("AWS/Lambda"),
                metric_name: c("DurableExecutionFailed"),
                dimensions: r(`module.${name}.function_name`),
                statistic: c("Sum"),
                period: c(60),
                evaluation_periods: c(1),
                threshold: c(1),
                comparison_operator: c("GreaterThanOrEqualToThreshold"),
                alarm_actions: r("aws_sns_topic.alerts.arn"),
            },
        });
        plan.add("aws_cloudwatch_metric_alarm", `${name}-failed`, {
            alarm_name: `${name}-failed`,
            namespace: "AWS/Lambda",
            metric_name: "DurableExecutionFailed",
            dimensions: { FunctionName: fn.function_name },
            statistic: "Sum",
            period: 60,
            evaluation_periods: 1,
            threshold: 1,
            comparison_operator: "GreaterThanOrEqualToThreshold",
            alarm_actions: [alerts.arn],
            actions_enabled: true,
            treat_missing_data: "missing",
        });
    };
    durable("renewals", { executionTimeout: 31622400, retentionPeriod: 90 });
    durable("fulfilment", { publish: false });
    durable("approvals", { alarmed: false });
    durable("refunds", { checkpoint: false });

    return plan.build();
}
