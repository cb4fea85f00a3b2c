import { resourcePolicy } from "../lib/policy";
import { asNumber, isSet, known } from "../lib/props";
import { shown } from "../lib/secrets";
import { isManagedInstances } from "../lib/lambda-kinds";
import { T } from "../lib/types";

interface Config {
    minimum: number;
}

const UNRESERVED = -1;

export const lambdaReservedConcurrency = resourcePolicy<Config>({
    name: "lambda-reserved-concurrency",
    displayName: "Lambda reserved concurrency is set",
    description:
        "Without reserved concurrency one function can take the whole account's concurrency during a spike and " +
        "throttle every other function, and nothing caps how hard it hits the databases and APIs behind it.",
    enforcementLevel: "advisory",
    severity: "medium",
    tags: ["lambda", "reliability", "cost"],
    remediationSteps:
        "Set `reservedConcurrentExecutions` on the function to the most concurrent executions it (and what it calls) " +
        "should ever run; leave room in the account's unreserved pool for the other functions.",
    config: {
        minimum: { type: "integer", minimum: 1, default: 1, description: "smallest reserved concurrency allowed" },
    },
    resourceTypes: [T.lambdaFunction],
    check({ raw }, config) {
        // A Managed Instances function draws on its capacity provider, not on the account pool: managed-instances-bounded-scale bounds it.
        if (isManagedInstances(raw)) return undefined;
        if (!isSet(raw, "reservedConcurrentExecutions")) {
            return "`reservedConcurrentExecutions` is not set, so the function can use the whole account's concurrency: set it to the function's fair share.";
        }
        const reserved = asNumber(known(raw, "reservedConcurrentExecutions"));
        if (reserved === undefined) return "`reservedConcurrentExecutions` is not a number: set it to a whole number of concurrent executions.";
        if (reserved === UNRESERVED) {
            return "`reservedConcurrentExecutions` is -1 (unreserved), so the function can use the whole account's concurrency: set it to the function's fair share.";
        }
        if (reserved === 0) {
            return "`reservedConcurrentExecutions` is 0, so every invocation is throttled and the function can never run: set it to at least 1, or remove the function.";
        }
        if (reserved < config.minimum) {
            return `\`reservedConcurrentExecutions\` is ${shown(raw, "reservedConcurrentExecutions", String(reserved))}, below the allowed minimum of ${config.minimum}: raise it to at least ${config.minimum}.`;
        }
        return undefined;
    },
});
