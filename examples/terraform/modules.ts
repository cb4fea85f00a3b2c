/**
 * The two modules of examples/terraform/modules as the plan builder describes them: their configuration (what
 * `configuration.root_module.module_calls.<name>.module` holds) and the instances one call of them plans, with
 * the values Terraform evaluates from the call's arguments. Keep in step with modules/{function,alarmed-dlq}/*.tf.
 */
import { c, Expressions, json, join, ModuleBody, ModuleCall, PlanBuilder, r, Step } from "./plan-builder";

/** What `filebase64sha256("../handler.zip")` gives for the zip of handler/index.js. */
const HANDLER_HASH = "pVtG0cR3q0p6yZk0n5m3bqkq1E3S1xJYJmWkWc4z7dY=";

export const functionModule: ModuleBody = {
    variables: {
        name: { description: "The function's name; its role, policy and log group are named after it." },
        memory_size: { default: null, description: "Memory in MB (null: the provider's default of 128)." },
        reserved_concurrent_executions: { default: null, description: "Reserved concurrency (null: none reserved)." },
        timeout: { default: 30, description: "Timeout in seconds." },
        statements: { default: [], description: "IAM statements beyond logging and tracing." },
        package: { default: "../handler.zip", description: "The zip of the handler (build it with: zip -j handler.zip handler/index.js)." },
        publish: { default: false, description: "Publish a version on every change (durable and Managed Instances functions are invoked through one)." },
        durable_config: { default: null, description: "Make it a durable function: { execution_timeout = seconds, retention_period = days } (null: not durable)." },
        capacity_provider_arn: { default: null, description: "Run it on Lambda Managed Instances, on this capacity provider (null: on demand)." },
    },
    resources: [
        { type: "aws_cloudwatch_log_group", name: "this", expressions: { name: r("var.name"), retention_in_days: c(30) } },
        // jsonencode(...) is a function call: Terraform records neither a constant nor a reference for it.
        { type: "aws_iam_role", name: "this", expressions: { name: r("var.name"), assume_role_policy: {} } },
        {
            type: "aws_iam_role_policy",
            name: "this",
            expressions: { name: r("var.name"), role: r("aws_iam_role.this.id"), policy: r("aws_cloudwatch_log_group.this.arn", "var.statements") },
        },
        {
            type: "aws_lambda_function",
            name: "this",
            expressions: {
                function_name: r("var.name"),
                runtime: c("nodejs24.x"),
                handler: c("index.handler"),
                filename: r("var.package"),
                source_code_hash: r("var.package"),
                role: r("aws_iam_role.this.arn"),
                memory_size: r("var.memory_size"),
                timeout: r("var.timeout"),
                reserved_concurrent_executions: r("var.reserved_concurrent_executions"),
                publish: r("var.publish"),
                // durable_config and capacity_provider_config are dynamic blocks: Terraform records no expression for them.
                tracing_config: [{ mode: c("Active") }],
                logging_config: [{ log_format: c("JSON"), log_group: r("aws_cloudwatch_log_group.this.name") }],
            },
        },
    ],
    outputs: { arn: r("aws_lambda_function.this.arn"), function_name: r("aws_lambda_function.this.function_name") },
};

export interface FunctionArgs {
    memorySize?: number;
    reservedConcurrentExecutions?: number;
    timeout?: number;
    /** IAM statements (values may be unknown). */
    statements?: unknown[];
    publish?: boolean;
    durableConfig?: { executionTimeout: number; retentionPeriod: number };
    /** The capacity provider's ARN (may be unknown). */
    capacityProviderArn?: unknown;
}

export function functionCall(name: string, args: FunctionArgs, expressions: Expressions): ModuleCall {
    return {
        source: "../modules/function",
        expressions: {
            name: c(name),
            ...(args.memorySize !== undefined ? { memory_size: c(args.memorySize) } : {}),
            ...(args.reservedConcurrentExecutions !== undefined ? { reserved_concurrent_executions: c(args.reservedConcurrentExecutions) } : {}),
            ...(args.timeout !== undefined ? { timeout: c(args.timeout) } : {}),
            ...(args.publish !== undefined ? { publish: c(args.publish) } : {}),
            ...(args.durableConfig ? { durable_config: c({ execution_timeout: args.durableConfig.executionTimeout, retention_period: args.durableConfig.retentionPeriod }) } : {}),
            ...expressions,
        },
        body: functionModule,
    };
}

/** The four resources one call of the function module plans; returns the function's attributes. */
export function addFunction(plan: PlanBuilder, module: Step[], name: string, args: FunctionArgs = {}): Record<string, unknown> {
    const at = { module };
    const logs = plan.add("aws_cloudwatch_log_group", "this", { name: `${name}-logs`, retention_in_days: 30, skip_destroy: false }, at);
    const role = plan.add(
        "aws_iam_role",
        "this",
        {
            name: `${name}-role`,
            path: "/",
            max_session_duration: 3600,
            force_detach_policies: false,
            assume_role_policy: json({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
        },
        at,
    );
    plan.add(
        "aws_iam_role_policy",
        "this",
        {
            name: `${name}-policy`,
            role: role.id,
            policy: json({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: join(logs.arn, ":*") },
                    { Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
                    ...(args.statements ?? []),
                ],
            }),
        },
        at,
    );
    return plan.add(
        "aws_lambda_function",
        "this",
        {
            function_name: name,
            runtime: "nodejs24.x",
            handler: "index.handler",
            filename: "../handler.zip",
            source_code_hash: HANDLER_HASH,
            role: role.arn,
            memory_size: args.memorySize ?? 128,
            timeout: args.timeout ?? 30,
            reserved_concurrent_executions: args.reservedConcurrentExecutions ?? -1,
            package_type: "Zip",
            publish: args.publish ?? false,
            skip_destroy: false,
            tracing_config: [{ mode: "Active" }],
            logging_config: [{ log_format: "JSON", log_group: logs.name }],
            ...(args.durableConfig ? { durable_config: [{ execution_timeout: args.durableConfig.executionTimeout, retention_period: args.durableConfig.retentionPeriod }] } : {}),
            ...(args.capacityProviderArn !== undefined
                ? { capacity_provider_config: [{ lambda_managed_instances_capacity_provider_config: [{ capacity_provider_arn: args.capacityProviderArn }] }] }
                : {}),
        },
        at,
    );
}

export const alarmedDlqModule: ModuleBody = {
    variables: {
        name: { description: "The dead-letter queue's name; its alarm is named after it." },
        alarm_topic_arn: { description: "The SNS topic the alarm notifies." },
    },
    resources: [
        { type: "aws_sqs_queue", name: "this", expressions: { name: r("var.name"), message_retention_seconds: c(1209600), sqs_managed_sse_enabled: c(true) } },
        {
            type: "aws_cloudwatch_metric_alarm",
            name: "this",
            expressions: {
                alarm_name: r("var.name"),
                namespace: c("AWS/SQS"),
                metric_name: c("ApproximateNumberOfMessagesVisible"),
                dimensions: r("aws_sqs_queue.this.name"),
                statistic: c("Maximum"),
                period: c(60),
                evaluation_periods: c(1),
                threshold: c(1),
                comparison_operator: c("GreaterThanOrEqualToThreshold"),
                alarm_actions: r("var.alarm_topic_arn"),
            },
        },
    ],
    outputs: { arn: r("aws_sqs_queue.this.arn"), name: r("aws_sqs_queue.this.name") },
};

export const QUEUE_DEFAULTS = {
    visibility_timeout_seconds: 30,
    message_retention_seconds: 345600,
    delay_seconds: 0,
    max_message_size: 262144,
    receive_wait_time_seconds: 0,
    fifo_queue: false,
    content_based_deduplication: false,
};

/** One instance of the alarmed-dlq module; returns the queue's attributes. */
export function addAlarmedDlq(plan: PlanBuilder, module: Step[], name: string, alarmTopicArn: unknown): Record<string, unknown> {
    const at = { module };
    const queue = plan.add("aws_sqs_queue", "this", { ...QUEUE_DEFAULTS, name, message_retention_seconds: 1209600, sqs_managed_sse_enabled: true }, at);
    plan.add(
        "aws_cloudwatch_metric_alarm",
        "this",
        {
            alarm_name: `${name}-alarm`,
            namespace: "AWS/SQS",
            metric_name: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: queue.name },
            statistic: "Maximum",
            period: 60,
            evaluation_periods: 1,
            threshold: 1,
            comparison_operator: "GreaterThanOrEqualToThreshold",
            alarm_actions: [alarmTopicArn],
            actions_enabled: true,
            treat_missing_data: "missing",
        },
        at,
    );
    return queue;
}
