/**
 * The anti-pattern gallery: each classic serverless mistake as its own small group of resources.
 * Everything around a mistake is built right, so that each group shows exactly the violations of its mistake.
 * tests/examples/anti-patterns.test.ts asserts the exact (policy, resource) pairs the checker reports.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const code = new pulumi.asset.AssetArchive({
    "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ batchItemFailures: [] });"),
});

// Alarms notify this topic.
const alerts = new aws.sns.Topic("alerts");

interface FunctionOptions {
    /** Inline IAM statements beyond logging and tracing. */
    statements?: pulumi.Input<any>[];
    memorySize?: number;
    reservedConcurrentExecutions?: number;
    timeout?: number;
    /** Further function arguments (a capacity provider, a durable config). */
    extra?: Partial<aws.lambda.FunctionArgs>;
}

/** A function built right: chosen memory, timeout and concurrency, tracing, logs kept 30 days, a scoped role. */
function compliantFunction(name: string, options: FunctionOptions = {}) {
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: 30 });
    const role = new aws.iam.Role(`${name}-role`, {
        assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
    });
    new aws.iam.RolePolicy(`${name}-policy`, {
        role: role.id,
        policy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${logGroup.arn}:*` },
                { Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
                ...(options.statements ?? []),
            ],
        }),
    });
    return new aws.lambda.Function(name, {
        runtime: "nodejs24.x",
        handler: "index.handler",
        code,
        role: role.arn,
        memorySize: options.memorySize,
        timeout: options.timeout ?? 30,
        reservedConcurrentExecutions: options.reservedConcurrentExecutions,
        tracingConfig: { mode: "Active" },
        loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
        ...options.extra,
    });
}

/** A dead-letter queue that someone hears about: 14 days of retention, an alarm on its first message. */
function alarmedDeadLetterQueue(name: string) {
    const queue = new aws.sqs.Queue(name, { messageRetentionSeconds: 1209600, sqsManagedSseEnabled: true });
    new aws.cloudwatch.MetricAlarm(`${name}-alarm`, {
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queue.name },
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        alarmActions: [alerts.arn],
    });
    return queue;
}

const defaults = { memorySize: 512, reservedConcurrentExecutions: 5 };

// 1. A dead-letter queue nobody is alarmed about: failed orders pile up in silence for 14 days, then vanish.
const unwatchedDlq = new aws.sqs.Queue("unwatched-dlq", { messageRetentionSeconds: 1209600 });
new aws.sqs.Queue("orders-queue", {
    visibilityTimeoutSeconds: 180,
    redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: unwatchedDlq.arn, maxReceiveCount: 5 }),
});

// 2. A stream mapping with infinite retries and no destination: one poison record blocks its shard for 24 hours,
//    then the batch is dropped with no trace.
const ledger = new aws.dynamodb.Table("ledger", {
    hashKey: "pk",
    attributes: [{ name: "pk", type: "S" }],
    billingMode: "PAY_PER_REQUEST",
    streamEnabled: true,
    streamViewType: "NEW_IMAGE",
});
const ledgerProjector = compliantFunction("ledger-projector", {
    ...defaults,
    statements: [{ Effect: "Allow", Action: ["dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream"], Resource: ledger.streamArn }],
});
new aws.lambda.EventSourceMapping("ledger-stream", {
    eventSourceArn: ledger.streamArn,
    functionName: ledgerProjector.arn,
    startingPosition: "LATEST",
    functionResponseTypes: ["ReportBatchItemFailures"],
});

// 3. An async function with nowhere to send failures: after two retries, EventBridge's event is gone.
const nightly = new aws.cloudwatch.EventRule("nightly", { scheduleExpression: "cron(0 2 * * ? *)" });
const reportBuilder = compliantFunction("report-builder", defaults);
new aws.lambda.Permission("report-builder-invoke", {
    action: "lambda:InvokeFunction",
    function: reportBuilder.name,
    principal: "events.amazonaws.com",
    sourceArn: nightly.arn,
});
new aws.cloudwatch.EventTarget("nightly-report", {
    rule: nightly.name,
    arn: reportBuilder.arn,
    deadLetterConfig: { arn: alarmedDeadLetterQueue("nightly-dlq").arn },
    retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
});

// 4. A queue that redelivers before the function finishes: the 30-second default visibility timeout against a
//    60-second function hands every slow message to a second invocation.
const invoiceDlq = alarmedDeadLetterQueue("invoices-dlq");
const invoices = new aws.sqs.Queue("invoices", {
    redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: invoiceDlq.arn, maxReceiveCount: 5 }),
});
const invoicer = compliantFunction("invoicer", {
    ...defaults,
    timeout: 60,
    statements: [{ Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource: invoices.arn }],
});
new aws.lambda.EventSourceMapping("invoices-source", {
    eventSourceArn: invoices.arn,
    functionName: invoicer.arn,
    functionResponseTypes: ["ReportBatchItemFailures"],
    scalingConfig: { maximumConcurrency: 2 },
});

// 5. A function that writes to the queue that triggers it: every message makes another, forever.
const retriesDlq = alarmedDeadLetterQueue("retries-dlq");
const retries = new aws.sqs.Queue("retries", {
    visibilityTimeoutSeconds: 180,
    redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: retriesDlq.arn, maxReceiveCount: 5 }),
});
const retrier = compliantFunction("retrier", {
    ...defaults,
    statements: [
        { Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource: retries.arn },
        { Effect: "Allow", Action: "sqs:SendMessage", Resource: retries.arn },
    ],
});
new aws.lambda.EventSourceMapping("retries-source", {
    eventSourceArn: retries.arn,
    functionName: retrier.arn,
    functionResponseTypes: ["ReportBatchItemFailures"],
    scalingConfig: { maximumConcurrency: 2 },
});

// 6. A DynamoDB stream loop: the function updates the table whose stream invokes it. AWS's loop detection does not
//    see loops through DynamoDB streams.
const counters = new aws.dynamodb.Table("counters", {
    hashKey: "pk",
    attributes: [{ name: "pk", type: "S" }],
    billingMode: "PAY_PER_REQUEST",
    streamEnabled: true,
    streamViewType: "NEW_AND_OLD_IMAGES",
});
const counter = compliantFunction("counter", {
    ...defaults,
    statements: [
        { Effect: "Allow", Action: ["dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream"], Resource: counters.streamArn },
        { Effect: "Allow", Action: "dynamodb:UpdateItem", Resource: counters.arn },
    ],
});
const countersFailures = alarmedDeadLetterQueue("counters-failures");
new aws.lambda.EventSourceMapping("counters-stream", {
    eventSourceArn: counters.streamArn,
    functionName: counter.arn,
    startingPosition: "LATEST",
    functionResponseTypes: ["ReportBatchItemFailures"],
    maximumRetryAttempts: 5,
    maximumRecordAgeInSeconds: 3600,
    bisectBatchOnFunctionError: true,
    destinationConfig: { onFailure: { destinationArn: countersFailures.arn } },
});

// 7. A public REST API with no WAF, no throttling and no X-Ray tracing: one scraper can spend the month's budget, and
//    no request can be followed from the edge to the functions behind it.
const api = new aws.apigateway.RestApi("public-api", {});
const health = new aws.apigateway.Resource("public-api-health", { restApi: api.id, parentId: api.rootResourceId, pathPart: "health" });
const getHealth = new aws.apigateway.Method("public-api-get-health", { restApi: api.id, resourceId: health.id, httpMethod: "GET", authorization: "NONE" });
const healthIntegration = new aws.apigateway.Integration("public-api-health-mock", {
    restApi: api.id,
    resourceId: health.id,
    httpMethod: getHealth.httpMethod,
    type: "MOCK",
});
const deployment = new aws.apigateway.Deployment("public-api-deployment", { restApi: api.id }, { dependsOn: [healthIntegration] });
const accessLogs = new aws.cloudwatch.LogGroup("public-api-access-logs", { retentionInDays: 30 });
new aws.apigateway.Stage("public-api-prod", {
    restApi: api.id,
    deployment: deployment.id,
    stageName: "prod",
    accessLogSettings: { destinationArn: accessLogs.arn, format: '{"requestId":"$context.requestId","status":"$context.status"}' },
});

// 8. A function URL anyone on the internet can call.
const webhook = compliantFunction("webhook", defaults);
new aws.lambda.FunctionUrl("webhook-url", { functionName: webhook.name, authorizationType: "NONE" });

// 9. Memory and concurrency left unset: 128 MB of memory and CPU, and a function that can take every concurrent
//    execution in the account.
compliantFunction("thumbnailer");

// 10. No budget: nothing here tells anyone when the bill starts to climb.

// 11. A workflow nobody can follow: a Step Functions state machine with no logging configuration and no X-Ray tracing.
//     A failed order leaves no searchable record, and a slow one cannot be traced into the services it calls.
const workflowRole = new aws.iam.Role("order-workflow-role", {
    assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
});
new aws.sfn.StateMachine("order-workflow", {
    roleArn: workflowRole.arn,
    definition: JSON.stringify({
        StartAt: "Reserve",
        States: { Reserve: { Type: "Pass", Next: "Confirm" }, Confirm: { Type: "Succeed" } },
    }),
});

// 12. A log group that keeps everything forever: the audit trail has no retention, so every line is stored, and billed,
//     for as long as the account exists.
new aws.cloudwatch.LogGroup("audit-trail", {});

// 13. An internal API whose logs nobody can use: protected, throttled and traced, but its access log lines are in Common
//     Log Format (no field can be queried in Logs Insights), and its INFO execution logs go to the group API Gateway
//     creates itself, API-Gateway-Execution-Logs_<id>/<stage>, with no retention.
const reportsApi = new aws.apigateway.RestApi("reports-api", {});
const reportsGetRoot = new aws.apigateway.Method("reports-api-get-root", {
    restApi: reportsApi.id,
    resourceId: reportsApi.rootResourceId,
    httpMethod: "GET",
    authorization: "NONE",
});
const reportsIntegration = new aws.apigateway.Integration("reports-api-root-mock", {
    restApi: reportsApi.id,
    resourceId: reportsApi.rootResourceId,
    httpMethod: reportsGetRoot.httpMethod,
    type: "MOCK",
});
const reportsDeployment = new aws.apigateway.Deployment("reports-api-deployment", { restApi: reportsApi.id }, { dependsOn: [reportsIntegration] });
const reportsAccessLogs = new aws.cloudwatch.LogGroup("reports-api-access-logs", { retentionInDays: 30 });
const reportsStage = new aws.apigateway.Stage("reports-api-prod", {
    restApi: reportsApi.id,
    deployment: reportsDeployment.id,
    stageName: "prod",
    xrayTracingEnabled: true,
    accessLogSettings: {
        destinationArn: reportsAccessLogs.arn,
        // The console's CLF preset.
        format: '$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] "$context.httpMethod $context.resourcePath $context.protocol" $context.status $context.responseLength $context.requestId',
    },
});
new aws.apigateway.MethodSettings("reports-api-settings", {
    restApi: reportsApi.id,
    stageName: reportsStage.stageName,
    methodPath: "*/*",
    settings: { throttlingRateLimit: 50, throttlingBurstLimit: 100, metricsEnabled: true, loggingLevel: "INFO" },
});
const reportsWaf = new aws.wafv2.WebAcl("reports-api-web-acl", {
    scope: "REGIONAL",
    defaultAction: { allow: {} },
    rules: [
        {
            name: "rate-limit-per-ip",
            priority: 0,
            action: { block: {} },
            statement: { rateBasedStatement: { limit: 1000, aggregateKeyType: "IP" } },
            visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: "reports-rate-limit", sampledRequestsEnabled: true },
        },
    ],
    visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: "reports-api", sampledRequestsEnabled: true },
});
new aws.wafv2.WebAclAssociation("reports-api-waf", { resourceArn: reportsStage.arn, webAclArn: reportsWaf.arn });

// 14-17. Lambda Managed Instances. Capacity providers run EC2 instances in these subnets, managed through this role.
const fleetOperator = new aws.iam.Role("fleet-operator", {
    assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
});
new aws.iam.RolePolicyAttachment("fleet-operator-policy", { role: fleetOperator.name, policyArn: "arn:aws:iam::aws:policy/AWSLambdaManagedEC2ResourceOperator" });
const fleet = (name: string, subnetIds: string[], maxVcpuCount?: number) =>
    new aws.lambda.CapacityProvider(name, {
        vpcConfig: { subnetIds, securityGroupIds: ["sg-0f1e2d3c4b5a69788"] },
        permissionsConfig: { capacityProviderOperatorRoleArn: fleetOperator.arn },
        ...(maxVcpuCount ? { capacityProviderScalingConfigs: [{ scalingMode: "Auto", maxVcpuCount } as aws.types.input.lambda.CapacityProviderCapacityProviderScalingConfig] } : {}),
    });
const zones = ["subnet-0a1b2c3d4e5f60718", "subnet-0b1c2d3e4f5a60718", "subnet-0c1d2e3f4a5b60718"];

// 14. A capacity provider with no vCPU cap: a spike, or a retry storm, launches instances until the account's EC2 quota
//     stops it, and the bill follows.
fleet("fleet-unbounded", zones);

// 15. A capacity provider in one subnet: every instance in one Availability Zone, and a zone outage stops its functions.
const oneZone = fleet("fleet-one-zone", zones.slice(0, 1), 64);

// 16. Capacity providers promising more vCPUs than the account's EC2 quota (1000 by default): at peak the instances
//     cannot launch, functions are throttled, and every other EC2 workload of the account is starved.
fleet("analytics-fleet", zones, 1000);

// 17. A Managed Instances function below the 2 GB minimum and never published: it cannot deploy, and Lambda would
//     launch no instance for it.
compliantFunction("image-resizer", {
    memorySize: 1024,
    extra: { capacityProviderConfig: { lambdaManagedInstancesCapacityProviderConfig: { capacityProviderArn: oneZone.arn } } },
});

// 18-21. Durable functions: executions that checkpoint and run for up to a year.
const checkpointing = (name: string) => ({
    Effect: "Allow",
    Action: ["lambda:CheckpointDurableExecution", "lambda:GetDurableExecutionState"],
    Resource: [`arn:aws:lambda:*:*:function:${name}-*`],
});
const durableFunction = (name: string, options: { durableConfig?: aws.types.input.lambda.FunctionDurableConfig; publish?: boolean; checkpoint?: boolean; alarmed?: boolean }) => {
    const fn = compliantFunction(name, {
        ...defaults,
        statements: options.checkpoint === false ? [] : [checkpointing(name)],
        extra: { durableConfig: options.durableConfig ?? { executionTimeout: 86400, retentionPeriod: 14 }, publish: options.publish ?? true },
    });
    if (options.alarmed !== false) {
        new aws.cloudwatch.MetricAlarm(`${name}-failed`, {
            namespace: "AWS/Lambda",
            metricName: "DurableExecutionFailed",
            dimensions: { FunctionName: fn.name },
            statistic: "Sum",
            period: 60,
            evaluationPeriods: 1,
            threshold: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            alarmActions: [alerts.arn],
        });
    }
    return fn;
};

// 18. A durable workflow allowed to run for a year and keep its history for 90 days: a stuck execution lives, and
//     bills, for a year.
durableFunction("renewals", { durableConfig: { executionTimeout: 31622400, retentionPeriod: 90 } });

// 19. A durable function with no published version and no alias: Lambda invokes durable functions only through a
//     qualified ARN, so every invocation fails.
durableFunction("fulfilment", { publish: false });

// 20. A durable function no one hears about: a failed execution is not retried, and no alarm or dead-letter queue
//     tells anyone.
durableFunction("approvals", { alarmed: false });

// 21. A durable function whose role may not checkpoint: every execution fails at its first step.
durableFunction("refunds", { checkpoint: false });
