import { isSet } from "./props";

/**
 * The two kinds of Lambda function whose rules differ from on-demand ones (see
 * docs/lambda-managed-instances-and-durable-functions.md). Both blocks are Optional (not Computed) in the provider's
 * schema, so they are absent from checked inputs and planned state when the program did not set them; in AnalyzeStack
 * use `graph.isSet(fn, MANAGED_INSTANCES)` / `graph.isSet(fn, DURABLE)`.
 */

/** The property that binds a function to a capacity provider (Lambda Managed Instances). */
export const MANAGED_INSTANCES = "capacityProviderConfig";

/** The property that makes a function durable. */
export const DURABLE = "durableConfig";

/** True when the function runs on Lambda Managed Instances (its `capacityProviderConfig` is set, known or not). */
export function isManagedInstances(raw: unknown): boolean {
    return isSet(raw, MANAGED_INSTANCES);
}

/** True when the function is a durable function (its `durableConfig` is set, known or not). */
export function isDurable(raw: unknown): boolean {
    return isSet(raw, DURABLE);
}

/** AWS: "The minimum supported function size is 2GB and 1 vCPU" (Lambda Managed Instances best practices). */
export const MANAGED_INSTANCES_MINIMUM_MB = 2048;

/** The oldest release of each runtime family that runs on Managed Instances (AWS: Lambda Managed Instances runtimes). */
const managedInstancesRuntimes: { pattern: RegExp; oldest: number; name: string }[] = [
    { pattern: /^nodejs(\d+)\.x$/, oldest: 22, name: "Node.js 22" },
    { pattern: /^python3\.(\d+)$/, oldest: 13, name: "Python 3.13" },
    { pattern: /^java(\d+)$/, oldest: 21, name: "Java 21" },
    { pattern: /^dotnet(\d+)$/, oldest: 8, name: ".NET 8" },
    { pattern: /^provided\.al(\d+)$/, oldest: 2023, name: "provided.al2023" },
];

/** Undefined when the runtime runs on Managed Instances, else what to move to ("Node.js 22 or later"). */
export function managedInstancesRuntimeProblem(runtime: string): string | undefined {
    for (const family of managedInstancesRuntimes) {
        const match = family.pattern.exec(runtime);
        if (match) return Number(match[1]) >= family.oldest ? undefined : `${family.name} or later`;
    }
    return "Node.js 22+, Python 3.13+, Java 21+, .NET 8+ or provided.al2023";
}
