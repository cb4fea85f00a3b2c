import { resourcePolicy } from "../lib/policy";
import { UNKNOWN, asNumber, isSet, known, peek } from "../lib/props";
import { shown } from "../lib/secrets";
import { isManagedInstances } from "../lib/lambda-kinds";
import { T } from "../lib/types";

interface Config {
    minimumMb: number;
    maximumMb: number;
    allowPlatformDefault: boolean;
    remediateToMb: number;
}

const PLATFORM_DEFAULT_MB = 128;

export const lambdaMemorySize = resourcePolicy<Config>({
    name: "lambda-memory-size",
    displayName: "Lambda memory size is chosen",
    description:
        "A function left at the 128 MB platform default also gets the smallest CPU share: it runs slowly, " +
        "times out under load and often costs more per request than a right-sized function.",
    enforcementLevel: "mandatory",
    severity: "medium",
    tags: ["lambda", "performance", "cost"],
    remediationSteps:
        "Set `memorySize` on the function to a measured value (AWS Lambda Power Tuning finds it); " +
        "1024 MB is a sound start for most Node.js and Python handlers.",
    config: {
        minimumMb: { type: "integer", minimum: 128, maximum: 10240, default: 128, description: "smallest memory size allowed" },
        maximumMb: { type: "integer", minimum: 128, maximum: 10240, default: 10240, description: "largest memory size allowed" },
        allowPlatformDefault: { type: "boolean", default: false, description: "accept an unset memorySize (128 MB)" },
        remediateToMb: { type: "integer", minimum: 128, maximum: 10240, default: 1024, description: "memory size set by the remediation" },
    },
    configOrder: [
        ["minimumMb", "maximumMb"],
        ["minimumMb", "remediateToMb"],
        ["remediateToMb", "maximumMb"],
    ],
    resourceTypes: [T.lambdaFunction],
    check({ raw }, config) {
        // Managed Instances need at least 2048 MB and allow more than 10240: managed-instances-function-settings judges them.
        if (isManagedInstances(raw)) return undefined;
        if (!isSet(raw, "memorySize")) {
            return config.allowPlatformDefault ? undefined : "`memorySize` is not set, so the function runs with the 128 MB platform default: set `memorySize` explicitly.";
        }
        const memory = asNumber(known(raw, "memorySize"));
        if (memory === undefined) return "`memorySize` is not a number: set it to a whole number of MB.";
        if (memory === PLATFORM_DEFAULT_MB && !config.allowPlatformDefault && config.minimumMb <= PLATFORM_DEFAULT_MB) {
            return "`memorySize` is 128 MB, the platform default: set it to a measured value (for example 1024).";
        }
        if (memory < config.minimumMb || memory > config.maximumMb) {
            return `\`memorySize\` is ${shown(raw, "memorySize", `${memory} MB`)}, outside the allowed range [${config.minimumMb}, ${config.maximumMb}] MB: change it to a value in that range.`;
        }
        return undefined;
    },
    remediate({ raw }, config) {
        if (isManagedInstances(raw)) return undefined;
        const value = peek(raw, "memorySize");
        if (value === UNKNOWN) return undefined;
        const memory = asNumber(value);
        const compliant =
            memory !== undefined && memory >= config.minimumMb && memory <= config.maximumMb &&
            (memory !== PLATFORM_DEFAULT_MB || config.allowPlatformDefault);
        return compliant ? undefined : { memorySize: config.remediateToMb };
    },
});
