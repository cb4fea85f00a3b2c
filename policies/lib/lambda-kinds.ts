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
