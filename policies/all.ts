import type { Policies } from "@pulumi/policy";
// imports: resource policies
import { lambdaMemorySize } from "./lambda/memory-size";
// imports: stack policies

/** Every policy of the pack, in the order reports list them. */
export const allPolicies: Policies = [
    // resource policies
    lambdaMemorySize,
    // end of resource policies
    // stack policies
    // end of stack policies
];
