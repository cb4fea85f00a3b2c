import { graphOf, type Node, type ResourceGraph } from "../lib/graph";
import { describeNode, findingOn, judgeEach, mappingsInto } from "../lib/graph/index";
import type { StackFinding } from "../lib/policy";
import { stackPolicy } from "../lib/policy";
import { MANAGED_INSTANCES } from "../lib/lambda-kinds";
import { asNumber, known } from "../lib/props";
import { mayShow, shown as shownValue } from "../lib/secrets";
import { T } from "../lib/types";

interface Config {
    accountConcurrency: number;
}

/** Lambda keeps this much of the account's concurrency unreserved. */
const UNRESERVED_MINIMUM = 100;

/** How many reservations the message lists, largest first. */
const LISTED_RESERVATIONS = 10;

/** The function's reserved concurrency; undefined when it reserves none (unset or the provider's -1). */
function reservationOf(fn: Node): number | undefined {
    const value = asNumber(known(fn.raw, "reservedConcurrentExecutions"));
    return value !== undefined && value >= 0 ? value : undefined;
}

function* judge(graph: ResourceGraph, config: Config): Generator<StackFinding> {
    const reserved: { fn: Node; amount: number }[] = [];
    let unknown: unknown;
    // Managed Instances functions run on their capacity provider, under quotas separate from the account's Lambda
    // concurrency (AWS: Lambda Managed Instances quotas); managed-instances-vcpu-quota sums those.
    const onDemand = graph.ofType(T.lambdaFunction).filter((fn) => !graph.isSet(fn, MANAGED_INSTANCES));
    const perFunction = judgeEach(onDemand, (fn) => {
        const amount = reservationOf(fn);
        if (amount === undefined) return undefined;
        reserved.push({ fn, amount });
        const findings: StackFinding[] = [];
        for (const { mapping, source, kind } of mappingsInto(graph, fn)) {
            if (kind !== "sqs") continue;
            const maximum = asNumber(known(mapping.raw, "scalingConfig.maximumConcurrency"));
            if (maximum === undefined || amount >= maximum) continue;
            const from = source ? ` from ${describeNode(source)}` : "";
            findings.push(findingOn(fn, `${describeNode(fn)} reserves ${shownValue(fn.raw, "reservedConcurrentExecutions", String(amount))} concurrent executions, less than the \`scalingConfig.maximumConcurrency\` ${shownValue(mapping.raw, "scalingConfig.maximumConcurrency", String(maximum))} of ${describeNode(mapping)}${from}: the mapping's pollers are throttled and messages go back to the queue and on to the DLQ. Set \`reservedConcurrentExecutions\` to at least ${shownValue(mapping.raw, "scalingConfig.maximumConcurrency", String(maximum))} or lower \`maximumConcurrency\`.`));
        }
        return findings;
    });
    try {
        yield* perFunction;
    } catch (e) {
        unknown = e;
    }
    const total = reserved.reduce((sum, { amount }) => sum + amount, 0);
    const limit = config.accountConcurrency - UNRESERVED_MINIMUM;
    if (total > limit && reserved.length > 0) {
        const largest = reserved.reduce((a, b) => (b.amount > a.amount ? b : a));
        const largestFirst = [...reserved].sort((a, b) => b.amount - a.amount);
        const shown = largestFirst.slice(0, LISTED_RESERVATIONS).map(({ fn, amount }) => `${describeNode(fn)} ${shownValue(fn.raw, "reservedConcurrentExecutions", String(amount))}`);
        if (reserved.length > LISTED_RESERVATIONS) shown.push(`and ${reserved.length - LISTED_RESERVATIONS} more`);
        const list = shown.join(", ");
        const totalText = reserved.every(({ fn }) => mayShow(fn.raw, "reservedConcurrentExecutions")) ? String(total) : "more";
        yield findingOn(largest.fn, `The stack reserves ${totalText} concurrent executions (${list}), more than the ${limit} the account allows (\`accountConcurrency\` ${config.accountConcurrency} − ${UNRESERVED_MINIMUM} kept unreserved): the deployment fails or starves every other function. Lower \`reservedConcurrentExecutions\`, starting with ${describeNode(largest.fn)}, or raise the quota and \`accountConcurrency\`.`);
    }
    if (unknown) throw unknown;
}

export const lambdaConcurrencyQuota = stackPolicy<Config, ResourceGraph>(
    {
        name: "lambda-concurrency-quota",
        displayName: "Reserved concurrency fits the account and the queues",
        description:
            "Reserved concurrency is carved out of one account-wide quota: reserving more than the quota minus the 100 AWS " +
            "keeps unreserved fails the deployment or starves every other function. A function that reserves less than the " +
            "maximum concurrency of its SQS mapping is throttled, and throttled messages return to the queue and end in the DLQ.",
        enforcementLevel: "advisory",
        severity: "medium",
        tags: ["lambda", "sqs", "scaling", "cost"],
        remediationSteps:
            "Keep the sum of `reservedConcurrentExecutions` at most `accountConcurrency` − 100, and set each function's " +
            "reservation to at least the `scalingConfig.maximumConcurrency` of the SQS mappings that feed it.",
        config: {
            accountConcurrency: { type: "integer", minimum: 100, default: 1000, description: "the account's Lambda concurrency quota in this region" },
        },
        check: (graph, config) => judge(graph, config),
    },
    graphOf,
);
