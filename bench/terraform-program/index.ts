// The Pulumi side of the Terraform plan benchmark (bench/terraform.ts): `units` times ten resources, the same ones
// bench/terraform.ts writes as a Terraform plan: a worker function with its role, log group and policy, its queue and
// dead-letter queue, the event source mapping, an alarm on the DLQ, its topic and an e-mail subscription.
import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as iam from "@pulumi/aws/iam";
import * as lambda from "@pulumi/aws/lambda";
import * as sns from "@pulumi/aws/sns";
import * as sqs from "@pulumi/aws/sqs";

const units = new pulumi.Config().requireNumber("units");
const code = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ batchItemFailures: [] });") });
const assumeRolePolicy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

for (let i = 0; i < units; i++) {
    const n = `unit${i}`;
    const topic = new sns.Topic(`${n}-alarms`, { name: `${n}-alarms` });
    new sns.TopicSubscription(`${n}-page`, { topic: topic.arn, protocol: "email", endpoint: "oncall@example.com" });
    const dlq = new sqs.Queue(`${n}-dlq`, { name: `${n}-dlq`, messageRetentionSeconds: 1209600 });
    const queue = new sqs.Queue(`${n}-queue`, {
        name: `${n}-queue`,
        visibilityTimeoutSeconds: 180,
        redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }),
    });
    new cloudwatch.MetricAlarm(`${n}-dlq-alarm`, {
        name: `${n}-dlq-alarm`,
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: dlq.name },
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        alarmActions: [topic.arn],
    });
    const logs = new cloudwatch.LogGroup(`${n}-logs`, { name: `${n}-logs`, retentionInDays: 30 });
    const role = new iam.Role(`${n}-role`, { name: `${n}-role`, assumeRolePolicy });
    new iam.RolePolicy(`${n}-policy`, {
        name: `${n}-policy`,
        role: role.id,
        policy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${logs.arn}:*` },
                { Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource: queue.arn },
            ],
        }),
    });
    const fn = new lambda.Function(n, {
        name: n,
        runtime: "nodejs24.x",
        handler: "index.handler",
        code,
        role: role.arn,
        memorySize: 512,
        timeout: 30,
        reservedConcurrentExecutions: 2,
        tracingConfig: { mode: "Active" },
        loggingConfig: { logFormat: "JSON", logGroup: logs.name },
    });
    new lambda.EventSourceMapping(`${n}-mapping`, {
        eventSourceArn: queue.arn,
        functionName: fn.arn,
        functionResponseTypes: ["ReportBatchItemFailures"],
        scalingConfig: { maximumConcurrency: 2 },
    });
}
