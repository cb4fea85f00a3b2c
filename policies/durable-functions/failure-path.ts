import { graphOf, type Node, type ResourceGraph } from "../lib/graph";
import { alarmsOn, anyHolds, asyncInvokersOf, describeNode, findingOn, judgeEach, notifies, watchesMetric } from "../lib/graph/index";
import { DURABLE } from "../lib/lambda-kinds";
import { stackPolicy } from "../lib/policy";
import { T } from "../lib/types";

/** Lambda's execution-level failure metrics for durable functions (AWS: Monitoring durable functions). */
export const DURABLE_FAILURE_METRICS = ["DurableExecutionFailed", "DurableExecutionTimedOut"];

/** The function and its aliases: triggers and alarms may name either. */
function selves(graph: ResourceGraph, fn: Node): Node[] {
    return [fn, ...graph.referrers(fn, "functionName", T.lambdaAlias)];
}

function failuresAlarmed(graph: ResourceGraph, fn: Node): boolean {
    const alarms = selves(graph, fn).flatMap((node) => alarmsOn(graph, node));
    return anyHolds(alarms, (alarm) => notifies(alarm) && watchesMetric(alarm, "AWS/Lambda", DURABLE_FAILURE_METRICS)) !== undefined;
}

export const durableFailurePath = stackPolicy<{}, ResourceGraph>(
    {
        name: "durable-failure-path",
        displayName: "Failed durable executions reach someone",
        description:
            "A durable execution that ends FAILED, STOPPED or TIMED_OUT is not retried: after an asynchronous invocation " +
            "its triggering event is lost unless the function has a dead-letter queue, and a failed workflow that no " +
            "alarm watches goes unnoticed until a customer asks where their order is.",
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["lambda", "durable-functions", "reliability", "failure-handling"],
        remediationSteps:
            "Set `deadLetterConfig.targetArn` on the durable function to an SQS queue with a first-message alarm (always " +
            "when it is invoked asynchronously), or add an `aws.cloudwatch.MetricAlarm` on `AWS/Lambda` " +
            "`DurableExecutionFailed` with `dimensions: { FunctionName: fn.name }` and `alarmActions`.",
        check(graph) {
            return judgeEach(graph.ofType(T.lambdaFunction).filter((fn) => graph.isSet(fn, DURABLE)), (fn) => {
                const dlq = graph.isSet(fn, "deadLetterConfig.targetArn");
                const invokers = selves(graph, fn).flatMap((node) => asyncInvokersOf(graph, node));
                if (invokers.length > 0 && !dlq) {
                    const by = [...new Set(invokers.map(({ invoker }) => describeNode(invoker)))].join(", ");
                    return findingOn(fn, `${describeNode(fn)} is a durable function invoked asynchronously (by ${by}) without a dead-letter queue: when an execution fails, stops or times out it is not retried, and its event is lost. Set \`deadLetterConfig.targetArn\` to an alarmed SQS queue.`);
                }
                if (dlq || failuresAlarmed(graph, fn)) return undefined;
                return findingOn(fn, `${describeNode(fn)} is a durable function with no failure path: a failed or timed-out execution is not retried and nobody is told. Add an aws.cloudwatch.MetricAlarm on AWS/Lambda DurableExecutionFailed with the function's FunctionName dimension and an alarm action, or set \`deadLetterConfig.targetArn\` to an alarmed SQS queue.`);
            });
        },
    },
    graphOf,
);
