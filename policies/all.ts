import type { Policies } from "@pulumi/policy";
import { lambdaMemorySize } from "./lambda/memory-size";

/** Every policy of the pack, in the order reports list them. */
export const allPolicies: Policies = [
    lambdaMemorySize,
];
