import { resourcePolicy } from "../lib/policy";
import { asNumber, isSet, known } from "../lib/props";
import { shown } from "../lib/secrets";
import { isManagedInstances } from "../lib/lambda-kinds";
import { T } from "../lib/types";

interface Config {
    maximumSeconds: number;
    managedInstancesMaximumSeconds: number;
    allowPlatformDefault: boolean;
}

const PLATFORM_DEFAULT_SECONDS = 3;

export const lambdaTimeout = resourcePolicy<Config>({
    name: "lambda-timeout",
    displayName: "Lambda timeout is chosen",
    description:
        "The 3-second platform default kills any call to a slow dependency half-way, and a timeout far above the " +
        "real run time lets a stuck invocation burn money and hold concurrency (and hides queue visibility-timeout mistakes).",
    enforcementLevel: "advisory",
    severity: "medium",
    tags: ["lambda", "reliability", "cost"],
    remediationSteps:
        "Set `timeout` on the function to a little above its measured worst-case duration (in seconds), " +
        "and no higher than what its callers wait for.",
    config: {
        maximumSeconds: { type: "integer", minimum: 1, maximum: 900, default: 900, description: "largest timeout allowed, in seconds" },
        // AWS: up to 90 minutes for Managed Instances functions invoked asynchronously or through most event source mappings.
        managedInstancesMaximumSeconds: { type: "integer", minimum: 1, maximum: 5400, default: 5400, description: "largest timeout allowed for a Lambda Managed Instances function, in seconds" },
        allowPlatformDefault: { type: "boolean", default: false, description: "accept an unset timeout (3 seconds)" },
    },
    resourceTypes: [T.lambdaFunction],
    check({ raw }, config) {
        if (!isSet(raw, "timeout")) {
            return config.allowPlatformDefault ? undefined : "`timeout` is not set, so the function stops after the 3-second platform default: set `timeout` explicitly.";
        }
        const timeout = asNumber(known(raw, "timeout"));
        if (timeout === undefined) return "`timeout` is not a number: set it to a whole number of seconds.";
        if (timeout === PLATFORM_DEFAULT_SECONDS && !config.allowPlatformDefault) {
            return "`timeout` is 3 seconds, the platform default: set it to the function's measured worst case plus a margin.";
        }
        const maximum = isManagedInstances(raw) ? config.managedInstancesMaximumSeconds : config.maximumSeconds;
        if (timeout > maximum) {
            return `\`timeout\` is ${shown(raw, "timeout", `${timeout} seconds`)}, above the allowed maximum of ${maximum}: lower it to at most ${maximum}.`;
        }
        return undefined;
    },
});
