import { resourcePolicy } from "../lib/policy";
import { UNKNOWN, known, peek } from "../lib/props";
import { T } from "../lib/types";

export const lambdaRecursiveLoopDetection = resourcePolicy({
    name: "lambda-recursive-loop-detection",
    displayName: "Lambda recursive loop detection stays on",
    description:
        "With `recursiveLoop: Allow`, Lambda no longer stops a function that re-triggers itself through SQS, SNS or S3: " +
        "one bad deployment becomes an endless loop that runs up the bill until someone notices.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["lambda", "cost", "reliability"],
    remediationSteps:
        "Set `recursiveLoop` to `Terminate` (or delete the FunctionRecursionConfig, which restores `Terminate`). " +
        "If the loop is intended, bound it in code and waive this policy for the function with a reason.",
    resourceTypes: [T.lambdaRecursionConfig],
    check({ raw }) {
        if (known(raw, "recursiveLoop") === "Allow") {
            return "`recursiveLoop` is `Allow`, so Lambda will not stop a recursive invocation loop: set `recursiveLoop` to `Terminate`.";
        }
        return undefined;
    },
    remediate({ raw }) {
        const value = peek(raw, "recursiveLoop");
        return value === UNKNOWN || value !== "Allow" ? undefined : { recursiveLoop: "Terminate" };
    },
});
