import { graphOf, type ResourceGraph } from "../lib/graph";
import { asyncInvokersOf, describeNode, findingOn, judgeEach, keepsAsyncFailures } from "../lib/graph/index";
import { DURABLE } from "../lib/lambda-kinds";
import { stackPolicy } from "../lib/policy";
import { T } from "../lib/types";

export const lambdaAsyncFailureDestination = stackPolicy<{}, ResourceGraph>(
    {
        name: "lambda-async-failure-destination",
        displayName: "Asynchronously invoked functions keep their failures",
        description:
            "When SNS, S3, EventBridge, Scheduler, CloudWatch Logs, IoT or SES invoke a function, Lambda queues the event, " +
            "retries it twice and then drops it silently unless an on-failure destination or a dead-letter queue is set.",
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["lambda", "reliability", "failure-handling"],
        remediationSteps:
            "Add an `aws.lambda.FunctionEventInvokeConfig` for the function with `destinationConfig.onFailure.destination` " +
            "set to an SQS queue (alarmed), or set `deadLetterConfig.targetArn` on the function.",
        check(graph) {
            // A failed durable execution is not retried and AWS documents a DLQ for it: durable-failure-path judges those.
            const functions = graph.ofType(T.lambdaFunction).filter((fn) => !graph.isSet(fn, DURABLE));
            return judgeEach(functions, (fn) => {
                const invokers = asyncInvokersOf(graph, fn);
                if (invokers.length === 0 || keepsAsyncFailures(graph, fn)) return undefined;
                const by = invokers.map(({ invoker }) => describeNode(invoker)).join(", ");
                return findingOn(fn, `${describeNode(fn)} is invoked asynchronously (by ${by}) but has neither an on-failure destination nor a dead-letter queue: events that fail 3 times are dropped. Add an aws.lambda.FunctionEventInvokeConfig with \`destinationConfig.onFailure.destination\` (an SQS queue), or set \`deadLetterConfig.targetArn\` on the function.`);
            });
        },
    },
    graphOf,
);
