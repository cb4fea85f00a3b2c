import type { Node, ResourceGraph } from "../graph";
import { UNKNOWN, asArray, asRecord, asString, peek } from "../props";
import { T } from "../types";

/** A resource through which AWS invokes a function asynchronously (the event is queued, retried twice, then dropped). */
export interface AsyncInvoker {
    invoker: Node;
    /** The property of the invoker that names the function. */
    property: string;
}

/** Service principals that invoke Lambda asynchronously. */
const ASYNC_PRINCIPAL = /^(sns|s3|events|scheduler|iot|ses|logs(\.[a-z0-9-]+)?)\.amazonaws\.com$/;

function protocolAllows(subscription: Node): boolean {
    const protocol = peek(subscription.raw, "protocol");
    return protocol === UNKNOWN || protocol === undefined || protocol === "lambda";
}

function principalIsAsync(permission: Node): boolean {
    const principal = asString(peek(permission.raw, "principal"));
    return principal !== undefined && ASYNC_PRINCIPAL.test(principal);
}

/** SES invokes asynchronously unless every Lambda action asks for RequestResponse. */
function sesInvokesAsync(rule: Node): boolean {
    const actions = asArray(peek(rule.raw, "lambdaActions"));
    return actions.length === 0 || actions.some((action) => asRecord(action)?.invocationType !== "RequestResponse");
}

const sources: { type: string; property: string; applies?: (invoker: Node) => boolean }[] = [
    { type: T.snsTopicSubscription, property: "endpoint", applies: protocolAllows },
    { type: T.lambdaPermission, property: "function", applies: principalIsAsync },
    { type: T.s3BucketNotification, property: "lambdaFunctions" },
    { type: T.eventTarget, property: "arn" },
    { type: T.schedulerSchedule, property: "target" },
    { type: T.logSubscriptionFilter, property: "destinationArn" },
    { type: T.iotTopicRule, property: "lambdas" },
    { type: T.sesReceiptRule, property: "lambdaActions", applies: sesInvokesAsync },
];

/** The resources through which AWS invokes `fn` asynchronously. */
export function asyncInvokersOf(graph: ResourceGraph, fn: Node): AsyncInvoker[] {
    const invokers: AsyncInvoker[] = [];
    for (const source of sources) {
        for (const invoker of graph.referrers(fn, source.property, source.type)) {
            if (!source.applies || source.applies(invoker)) invokers.push({ invoker, property: source.property });
        }
    }
    return invokers;
}

/**
 * True when failed async invocations of `fn` are kept: an `aws.lambda.FunctionEventInvokeConfig` of
 * the function with an on-failure destination, or a `deadLetterConfig` on the function.
 */
export function keepsAsyncFailures(graph: ResourceGraph, fn: Node): boolean {
    if (graph.isSet(fn, "deadLetterConfig.targetArn")) return true;
    return graph
        .referrers(fn, "functionName", T.lambdaEventInvokeConfig)
        .some((config) => graph.isSet(config, "destinationConfig.onFailure.destination"));
}
