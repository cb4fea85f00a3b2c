import { graphOf, type Node, type ResourceGraph } from "../lib/graph";
import { describeNode, findingOn, judgeEach } from "../lib/graph/index";
import type { StackFinding } from "../lib/policy";
import { stackPolicy } from "../lib/policy";
import { T } from "../lib/types";
import { SCALING_CONFIG, maxVcpuCountOf } from "./bounded-scale";

interface Config {
    accountVcpuQuota: number;
}

/** How many capacity providers the message lists, largest first. */
const LISTED = 10;

function* judge(graph: ResourceGraph, config: Config): Generator<StackFinding> {
    const bounded: { provider: Node; vcpus: number }[] = [];
    let unknown: unknown;
    try {
        // Unset or malformed caps are managed-instances-bounded-scale's to report; an unknown one stops the sum at preview.
        yield* judgeEach(graph.ofType(T.lambdaCapacityProvider), (provider) => {
            // Optional+Computed: unknown in a first preview's planned state when the program did not set it.
            if (graph.presence(provider, SCALING_CONFIG) === "unset") return undefined;
            const max = maxVcpuCountOf(provider.raw);
            if (typeof max === "number" && max > 0) bounded.push({ provider, vcpus: max });
            return undefined;
        });
    } catch (e) {
        unknown = e;
    }
    const total = bounded.reduce((sum, { vcpus }) => sum + vcpus, 0);
    if (total > config.accountVcpuQuota) {
        const largestFirst = [...bounded].sort((a, b) => b.vcpus - a.vcpus);
        const shown = largestFirst.slice(0, LISTED).map(({ provider, vcpus }) => `${describeNode(provider)} ${vcpus}`);
        if (bounded.length > LISTED) shown.push(`and ${bounded.length - LISTED} more`);
        const largest = largestFirst[0].provider;
        yield findingOn(largest, `The stack's capacity providers may launch ${total} vCPUs (${shown.join(", ")}), more than the account's EC2 vCPU quota of ${config.accountVcpuQuota} (\`accountVcpuQuota\`): at peak Lambda cannot launch the instances the caps promise, functions are throttled, and other EC2 workloads of the account are starved. Lower \`maxVcpuCount\`, starting with ${describeNode(largest)}, or raise the EC2 quota and \`accountVcpuQuota\`.`);
    }
    if (unknown) throw unknown;
}

export const managedInstancesVcpuQuota = stackPolicy<Config, ResourceGraph>(
    {
        name: "managed-instances-vcpu-quota",
        displayName: "Capacity providers fit the account's EC2 vCPU quota",
        description:
            "Lambda Managed Instances launch EC2 instances under the account's EC2 vCPU quotas, shared with every other " +
            "EC2 workload: capacity providers whose caps add up to more than the quota promise capacity that cannot be " +
            "launched, so functions are throttled at peak while the instances starve everything else.",
        enforcementLevel: "advisory",
        severity: "medium",
        tags: ["lambda", "managed-instances", "scaling", "cost"],
        remediationSteps:
            "Keep the sum of the capacity providers' `maxVcpuCount` at most `accountVcpuQuota` (set it to the account's " +
            "EC2 On-Demand vCPU quota for the instance families the providers use), or request a higher EC2 quota.",
        config: {
            accountVcpuQuota: { type: "integer", minimum: 2, default: 1000, description: "the account's EC2 vCPU quota available to Lambda Managed Instances in this region" },
        },
        check: (graph, config) => judge(graph, config),
    },
    graphOf,
);
