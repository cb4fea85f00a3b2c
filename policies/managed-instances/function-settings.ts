import { MANAGED_INSTANCES, MANAGED_INSTANCES_MINIMUM_MB, isManagedInstances, managedInstancesRuntimeProblem } from "../lib/lambda-kinds";
import { resourcePolicy } from "../lib/policy";
import { UNKNOWN, asBoolean, asNumber, asRecord, asString, isSet, known, peek } from "../lib/props";
import { T } from "../lib/types";

const CONFIG = `${MANAGED_INSTANCES}.lambdaManagedInstancesCapacityProviderConfig`;

/** A number in [minimum, maximum] at `path` when set; a message otherwise. */
function inRange(raw: unknown, path: string, label: string, minimum: number, maximum: number): string | undefined {
    if (!isSet(raw, path)) return undefined;
    const value = asNumber(known(raw, path));
    if (value === undefined || value < minimum || value > maximum) {
        return `\`${label}\` must be a number from ${minimum} to ${maximum} (AWS rejects other values): change it.`;
    }
    return undefined;
}

export const managedInstancesFunctionSettings = resourcePolicy<{}>({
    name: "managed-instances-function-settings",
    displayName: "Managed Instances functions have the settings AWS requires",
    description:
        "A function bound to a capacity provider runs many requests at once in each execution environment on EC2 " +
        "instances that Lambda launches only for a published version: below 2 GB, unpublished, on an older runtime or " +
        "with an out-of-range memory ratio it fails to deploy or never gets capacity.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["lambda", "managed-instances", "reliability"],
    remediationSteps:
        "Set `memorySize` to at least 2048, `publish: true` (with `publishTo: \"LATEST_PUBLISHED\"` so unqualified " +
        "invocations reach the published version), a runtime of Node.js 22+, Python 3.13+, Java 21+, .NET 8+ or " +
        "`provided.al2023`, and keep `executionEnvironmentMemoryGibPerVcpu` within 2-8 and " +
        "`perExecutionEnvironmentMaxConcurrency` within 1-1600.",
    resourceTypes: [T.lambdaFunction],
    check({ raw }) {
        if (!isManagedInstances(raw)) return undefined;
        const problems: string[] = [];
        if (!asRecord(peek(raw, CONFIG)) && peek(raw, CONFIG) !== UNKNOWN) {
            problems.push("`capacityProviderConfig.lambdaManagedInstancesCapacityProviderConfig` is missing: set it with the capacity provider's `capacityProviderArn`.");
        } else if (!isSet(raw, `${CONFIG}.capacityProviderArn`)) {
            problems.push("`capacityProviderConfig.lambdaManagedInstancesCapacityProviderConfig.capacityProviderArn` is not set: set it to the capacity provider's `arn`.");
        }
        const memory = asNumber(known(raw, "memorySize"));
        if (memory === undefined) {
            // The provider's Check fills in 128 when memorySize is unset.
            problems.push(`\`memorySize\` is not a number of MB: set it to at least ${MANAGED_INSTANCES_MINIMUM_MB} (the smallest Managed Instances function is 2 GB and 1 vCPU).`);
        } else if (memory < MANAGED_INSTANCES_MINIMUM_MB) {
            problems.push(`\`memorySize\` is ${memory} MB, below the ${MANAGED_INSTANCES_MINIMUM_MB} MB a Managed Instances function needs (2 GB and 1 vCPU at least): raise it to ${MANAGED_INSTANCES_MINIMUM_MB} or more.`);
        }
        if (asBoolean(known(raw, "publish")) !== true) {
            problems.push("`publish` is not true: Lambda launches instances for a published version only. Set `publish: true` (and `publishTo: \"LATEST_PUBLISHED\"`).");
        }
        if (peek(raw, "packageType") !== "Image" && isSet(raw, "runtime")) {
            const runtime = asString(known(raw, "runtime"));
            const problem = runtime === undefined ? "a supported runtime" : managedInstancesRuntimeProblem(runtime);
            if (problem) problems.push(`\`runtime\` ${runtime === undefined ? "is not a runtime name" : `\`${runtime}\` does not run on Managed Instances`}: use ${problem}.`);
        }
        const ratio = inRange(raw, `${CONFIG}.executionEnvironmentMemoryGibPerVcpu`, "executionEnvironmentMemoryGibPerVcpu", 2, 8);
        if (ratio) problems.push(ratio);
        const concurrency = inRange(raw, `${CONFIG}.perExecutionEnvironmentMaxConcurrency`, "perExecutionEnvironmentMaxConcurrency", 1, 1600);
        if (concurrency) problems.push(concurrency);
        return problems;
    },
});
