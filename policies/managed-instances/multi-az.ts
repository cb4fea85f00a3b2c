import { resourcePolicy } from "../lib/policy";
import { UNKNOWN, isSet, isUnknown, known, peek } from "../lib/props";
import { T } from "../lib/types";

interface Config {
    minimumSubnets: number;
}

export const managedInstancesMultiAz = resourcePolicy<Config>({
    name: "managed-instances-multi-az",
    displayName: "Capacity providers span several subnets",
    description:
        "Lambda places a capacity provider's instances in the subnets it lists, three by default for Availability Zone " +
        "resiliency: with a single subnet every instance sits in one zone, and a zone outage stops every function " +
        "bound to the provider.",
    enforcementLevel: "advisory",
    severity: "medium",
    tags: ["lambda", "managed-instances", "reliability"],
    remediationSteps:
        "List subnets of at least `minimumSubnets` Availability Zones in `vpcConfig.subnetIds` of the " +
        "`aws.lambda.CapacityProvider` (for example the private subnets of every zone of the VPC).",
    config: {
        minimumSubnets: { type: "integer", minimum: 1, default: 2, description: "fewest subnets (one per Availability Zone) a capacity provider may list" },
    },
    resourceTypes: [T.lambdaCapacityProvider],
    check({ raw }, config) {
        if (!isSet(raw, "vpcConfig.subnetIds")) {
            return "`vpcConfig.subnetIds` is not set: list subnets in several Availability Zones.";
        }
        const subnets = peek(raw, "vpcConfig.subnetIds");
        if (subnets === UNKNOWN) known(raw, "vpcConfig.subnetIds");
        if (!Array.isArray(subnets)) return "`vpcConfig.subnetIds` is not a list: list subnets in several Availability Zones.";
        const listed = subnets.filter((s) => s !== null && s !== undefined && s !== "");
        // Subnet ids unknown at preview are each a subnet of their own; known ones count once.
        const count = listed.filter(isUnknown).length + new Set(listed.filter((s) => !isUnknown(s)).map((s) => JSON.stringify(s))).size;
        if (count < config.minimumSubnets) {
            return `\`vpcConfig.subnetIds\` lists ${count} subnet${count === 1 ? "" : "s"}, fewer than ${config.minimumSubnets}: add subnets in other Availability Zones so that one zone's outage does not stop the functions.`;
        }
        return undefined;
    },
});
