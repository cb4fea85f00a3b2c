// The "program check" benchmark's program: `units` times a queue, its dead-letter queue and an alarm on the DLQ.
import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as sqs from "@pulumi/aws/sqs";

const units = new pulumi.Config().requireNumber("units");

for (let i = 0; i < units; i++) {
    const dlq = new sqs.Queue(`unit${i}-dlq`, { messageRetentionSeconds: 1209600 });
    new sqs.Queue(`unit${i}-queue`, {
        visibilityTimeoutSeconds: 180,
        redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }),
    });
    new cloudwatch.MetricAlarm(`unit${i}-dlq-alarm`, {
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: dlq.name },
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
    });
}
