/**
 * A synthetic serverless stack as a first preview captures it: units of a queue worker (function, role,
 * log group, queue, dead-letter queue, redrive, event source mapping, alarm on the DLQ, alarm topic,
 * async-invoke config), joined by property dependencies, with computed ARNs unknown.
 */
import type { CapturedResource } from "../checker/types";
import { withProviderDefaults } from "../checker/provider-defaults";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const RESOURCES_PER_UNIT = 10;

function urnOf(type: string, name: string) {
    return `urn:pulumi:bench::bench::${type}::${name}`;
}

function resource(type: string, name: string, inputs: Record<string, unknown>, propertyDependencies: Record<string, string[]> = {}): CapturedResource {
    const checked = withProviderDefaults(type, inputs);
    const dependencies = [...new Set(Object.values(propertyDependencies).flat())];
    return {
        urn: urnOf(type, name),
        type,
        name,
        custom: true,
        dependencies,
        propertyDependencies,
        inputs: checked,
        outputs: { ...checked, id: UNKNOWN, arn: UNKNOWN },
    };
}

function unit(i: number): CapturedResource[] {
    const n = `worker${i}`;
    const role = resource("aws:iam/role:Role", `${n}-role`, {
        assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
    });
    const topic = resource("aws:sns/topic:Topic", `${n}-alarms`, {});
    const dlq = resource("aws:sqs/queue:Queue", `${n}-dlq`, { messageRetentionSeconds: 1209600 });
    const queue = resource(
        "aws:sqs/queue:Queue",
        `${n}-queue`,
        { visibilityTimeoutSeconds: 180, redrivePolicy: UNKNOWN },
        { redrivePolicy: [dlq.urn] },
    );
    const fn = resource(
        "aws:lambda/function:Function",
        `${n}-fn`,
        {
            role: UNKNOWN,
            runtime: "nodejs20.x",
            handler: "index.handler",
            memorySize: 1024,
            timeout: 30,
            reservedConcurrentExecutions: 10,
            tracingConfig: { mode: "Active" },
            environment: { variables: { QUEUE_URL: UNKNOWN, STAGE: "prod" } },
        },
        { role: [role.urn], environment: [queue.urn] },
    );
    const logGroup = resource("aws:cloudwatch/logGroup:LogGroup", `${n}-logs`, { name: `/aws/lambda/${n}-fn`, retentionInDays: 30 });
    const mapping = resource(
        "aws:lambda/eventSourceMapping:EventSourceMapping",
        `${n}-mapping`,
        { eventSourceArn: UNKNOWN, functionName: UNKNOWN, batchSize: 10, functionResponseTypes: ["ReportBatchItemFailures"], scalingConfig: { maximumConcurrency: 5 } },
        { eventSourceArn: [queue.urn], functionName: [fn.urn] },
    );
    const alarm = resource(
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        `${n}-dlq-alarm`,
        {
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: UNKNOWN },
            statistic: "Maximum",
            period: 60,
            evaluationPeriods: 1,
            threshold: 0,
            comparisonOperator: "GreaterThanThreshold",
            alarmActions: [UNKNOWN],
        },
        { dimensions: [dlq.urn], alarmActions: [topic.urn] },
    );
    const invokeConfig = resource(
        "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
        `${n}-invoke`,
        { functionName: UNKNOWN, maximumRetryAttempts: 2, destinationConfig: { onFailure: { destination: UNKNOWN } } },
        { functionName: [fn.urn], destinationConfig: [dlq.urn] },
    );
    return [role, topic, dlq, queue, fn, logGroup, mapping, alarm, invokeConfig, resource("aws:sns/topicSubscription:TopicSubscription", `${n}-page`, { topic: UNKNOWN, protocol: "email", endpoint: "oncall@example.com" }, { topic: [topic.urn] })];
}

/** `count` resources (rounded up to whole units), in registration order. */
export function syntheticStack(count: number): CapturedResource[] {
    const resources: CapturedResource[] = [];
    for (let i = 0; resources.length < count; i++) resources.push(...unit(i));
    return resources.slice(0, Math.ceil(count / RESOURCES_PER_UNIT) * RESOURCES_PER_UNIT);
}
