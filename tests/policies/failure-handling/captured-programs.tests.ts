/**
 * The stack policies of failure handling and scaling on graphs captured from small Pulumi programs
 * run on mocks (checker/capture.ts): property dependencies and unknowns as the engine records them,
 * in a first preview and in an update.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { StackValidationPolicy } from "@pulumi/policy";
import { capture } from "../../../checker/capture";
import type { CapturedResource } from "../../../checker/types";
import { dlqAlarm } from "../../../policies/failure-handling/dlq-alarm";
import { dlqRetention } from "../../../policies/failure-handling/dlq-retention";
import { lambdaAsyncFailureDestination } from "../../../policies/failure-handling/lambda-async-failure-destination";
import { sqsQueueDlq } from "../../../policies/failure-handling/sqs-queue-dlq";
import { lambdaConcurrencyQuota } from "../../../policies/scaling/lambda-concurrency-quota";
import { sqsVisibilityTimeout } from "../../../policies/scaling/sqs-visibility-timeout";
import { analyzeCapturedStack } from "../../helpers/policy-harness";
// Drops Pulumi's per-promise stacks, read only by its leak report at exit (source-mapping them was a sixth of this file's time).
import "../../helpers/pulumi-promise-stacks";

const policies: StackValidationPolicy[] = [sqsQueueDlq, dlqAlarm, dlqRetention, lambdaAsyncFailureDestination, sqsVisibilityTimeout, lambdaConcurrencyQuota];

const code = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => {};") });

function alarmOn(name: string, queue: aws.sqs.Queue, topic: aws.sns.Topic) {
    new aws.cloudwatch.MetricAlarm(`${name}-alarm`, {
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queue.name },
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        alarmActions: [topic.arn],
    });
}

interface WorkerOptions {
    compliant: boolean;
}

/** A queue worker that is also run nightly by EventBridge: compliant, or with one mistake per policy. */
function workerProgram({ compliant }: WorkerOptions) {
    return () => {
        const topic = new aws.sns.Topic("oncall");
        new aws.sns.TopicSubscription("oncall-mail", { topic: topic.arn, protocol: "email", endpoint: "oncall@example.com" });
        const dlq = new aws.sqs.Queue("jobs-dlq", compliant ? { messageRetentionSeconds: 1209600 } : {});
        if (compliant) alarmOn("jobs-dlq", dlq, topic);
        const queue = new aws.sqs.Queue("jobs", {
            visibilityTimeoutSeconds: compliant ? 180 : 30,
            redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }),
        });
        if (!compliant) new aws.sqs.Queue("lonely");
        const role = new aws.iam.Role("worker-role", {
            assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } }] }),
        });
        const fn = new aws.lambda.Function("worker", {
            role: role.arn,
            runtime: "nodejs22.x",
            handler: "index.handler",
            code,
            timeout: 30,
            memorySize: 1024,
            reservedConcurrentExecutions: compliant ? 20 : 5,
        });
        new aws.lambda.EventSourceMapping("jobs-mapping", { eventSourceArn: queue.arn, functionName: fn.name, scalingConfig: { maximumConcurrency: 10 } });
        const rule = new aws.cloudwatch.EventRule("nightly", { scheduleExpression: "cron(0 3 * * ? *)" });
        new aws.cloudwatch.EventTarget("nightly-worker", { rule: rule.name, arn: fn.arn });
        if (compliant) {
            const failures = new aws.sqs.Queue("worker-failures", { messageRetentionSeconds: 1209600 });
            alarmOn("worker-failures", failures, topic);
            new aws.lambda.FunctionEventInvokeConfig("worker-invoke", { functionName: fn.name, destinationConfig: { onFailure: { destination: failures.arn } } });
        }
    };
}

const captured = new Map<string, CapturedResource[]>();
async function program(compliant: boolean, preview: boolean) {
    const key = `${compliant}-${preview}`;
    if (!captured.has(key)) captured.set(key, await capture(workerProgram({ compliant }), { preview }));
    return captured.get(key)!;
}

const expectedViolations: Record<string, RegExp> = {
    "sqs-queue-dlq": /queue `lonely` has no redrive policy/,
    "dlq-alarm": /queue `jobs-dlq` is the dead-letter queue of queue `jobs`, but no alarm/,
    "dlq-retention": /queue `jobs-dlq` keeps messages 345600 s, no longer than its source queue `jobs`/,
    "lambda-async-failure-destination": /function `worker` is invoked asynchronously \(by EventBridge target `nightly-worker`\)/,
    "sqs-visibility-timeout": /queue `jobs` has `visibilityTimeoutSeconds` 30, below 180/,
    "lambda-concurrency-quota": /function `worker` reserves 5 concurrent executions, less than the `scalingConfig.maximumConcurrency` 10/,
};

describe("stack policies on captured programs", () => {
    for (const preview of [false, true]) {
        const when = preview ? "unknown at preview (captured first preview)" : "captured update";
        for (const policy of policies) {
            test(`${policy.name}: compliant worker program, ${when}`, async () => {
                const outcome = await analyzeCapturedStack(policy, await program(true, preview));
                expect(outcome.violations).toEqual([]);
                if (!preview) expect(outcome.cantRunAtPreview).toBeUndefined();
            });

            test(`${policy.name}: violating worker program, ${when}`, async () => {
                const outcome = await analyzeCapturedStack(policy, await program(false, preview));
                if (preview && policy === sqsQueueDlq) {
                    expect(outcome.violations).toHaveLength(1);
                }
                expect(outcome.violations.some((m) => expectedViolations[policy.name].test(m))).toBe(true);
            });
        }
    }
});
