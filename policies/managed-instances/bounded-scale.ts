import { resourcePolicy } from "../lib/policy";
import { UNKNOWN, asArray, asNumber, isSet, known, peek } from "../lib/props";
import { T } from "../lib/types";

interface Config {
    maximumVcpuCount: number;
}

/** AWS: `MaxVCpuCount` is 2 to 15000 (API reference, CapacityProviderScalingConfig). */
const AWS_MINIMUM_VCPUS = 2;

export const SCALING_CONFIG = "capacityProviderScalingConfigs";

/**
 * The capacity provider's `maxVcpuCount`: a number, "unset", or "malformed". Throws UnknownValueError when unknown.
 * `capacityProviderScalingConfigs` is a list of at most one block in @pulumi/aws 7.
 */
export function maxVcpuCountOf(raw: unknown): number | "unset" | "malformed" {
    if (!isSet(raw, SCALING_CONFIG)) return "unset";
    const configs = peek(raw, SCALING_CONFIG);
    if (configs === UNKNOWN) known(raw, SCALING_CONFIG);
    if (!Array.isArray(configs)) return "malformed";
    if (asArray(configs).length === 0 || !isSet(raw, `${SCALING_CONFIG}.0.maxVcpuCount`)) return "unset";
    const value = asNumber(known(raw, `${SCALING_CONFIG}.0.maxVcpuCount`));
    return value === undefined ? "malformed" : value;
}

export const managedInstancesBoundedScale = resourcePolicy<Config>({
    name: "managed-instances-bounded-scale",
    displayName: "Capacity providers bound their scale",
    description:
        "A capacity provider without `maxVcpuCount` lets Lambda launch EC2 instances until the account's EC2 vCPU quota " +
        "stops it: a traffic spike or a retry storm becomes an EC2 bill, and starves every other workload of the " +
        "account's instance quota. The cap is the capacity provider's reserved concurrency.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["lambda", "managed-instances", "scaling", "cost"],
    remediationSteps:
        "Set `capacityProviderScalingConfigs: [{ scalingMode: \"Auto\", maxVcpuCount: <the most vCPUs the functions " +
        "should ever use> }]` on the `aws.lambda.CapacityProvider`, at most `maximumVcpuCount`.",
    config: {
        maximumVcpuCount: { type: "integer", minimum: 2, maximum: 15000, default: 1000, description: "largest maxVcpuCount allowed for one capacity provider" },
    },
    resourceTypes: [T.lambdaCapacityProvider],
    check({ raw }, config) {
        const max = maxVcpuCountOf(raw);
        if (max === "unset") {
            return "`capacityProviderScalingConfigs[0].maxVcpuCount` is not set, so nothing but the account's EC2 vCPU quota bounds how many instances Lambda launches: set `maxVcpuCount`.";
        }
        if (max === "malformed") {
            return "`capacityProviderScalingConfigs` is not a list with a numeric `maxVcpuCount`: set `capacityProviderScalingConfigs: [{ scalingMode: \"Auto\", maxVcpuCount: <vCPUs> }]`.";
        }
        if (max < AWS_MINIMUM_VCPUS || max > config.maximumVcpuCount) {
            return `\`maxVcpuCount\` is ${max}, outside the allowed range [${AWS_MINIMUM_VCPUS}, ${config.maximumVcpuCount}]: change it to a value in that range (or raise \`maximumVcpuCount\` when the account's EC2 quota allows it).`;
        }
        return undefined;
    },
});
