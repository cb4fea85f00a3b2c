import { resourcePolicy } from "../lib/policy";
import { asString, isSet, known, peek } from "../lib/props";
import { SECRET_PLACEHOLDER, mayShow } from "../lib/secrets";
import { deprecationTime, newestRuntimeLike, runtimeDeprecationDates } from "../lib/runtimes";
import { T } from "../lib/types";

const DAY_MS = 24 * 60 * 60 * 1000;

interface Config {
    warnDays: number;
}

function upgradeAdvice(runtime: string): string {
    const newest = newestRuntimeLike(runtime);
    return newest && newest !== runtime ? `move to \`${newest}\`` : "move to a supported runtime (for Go or custom code, `provided.al2023`)";
}

export const lambdaRuntimeSupported = resourcePolicy<Config>({
    name: "lambda-runtime-supported",
    displayName: "Lambda runtime is supported by AWS",
    description:
        "After its deprecation date a runtime gets no security patches, and soon after AWS blocks creating and then " +
        "updating functions that use it: the next urgent fix cannot be deployed.",
    enforcementLevel: "advisory",
    severity: "medium",
    tags: ["lambda", "security", "maintenance"],
    remediationSteps:
        "Change `runtime` to the newest runtime of the same language (for example `nodejs22.x` -> `nodejs24.x`), " +
        "run the tests, and deploy before the deprecation date.",
    config: {
        warnDays: { type: "integer", minimum: 0, default: 90, description: "report a runtime this many days before its deprecation date" },
    },
    resourceTypes: [T.lambdaFunction],
    check({ raw }, config) {
        if (peek(raw, "packageType") === "Image" || !isSet(raw, "runtime")) return undefined;
        const runtime = asString(known(raw, "runtime"));
        if (runtime === undefined) return undefined;
        const deprecation = deprecationTime(runtime);
        if (deprecation === undefined) return undefined;
        const date = runtimeDeprecationDates[runtime];
        const days = Math.ceil((deprecation - Date.now()) / DAY_MS);
        // The date and the advice would name a secret runtime: say only what to do.
        if (days <= config.warnDays && !mayShow(raw, "runtime")) {
            return `\`runtime\` is ${SECRET_PLACEHOLDER}, a runtime AWS ${days <= 0 ? "has deprecated" : `deprecates within ${config.warnDays} days`}: move to a supported runtime.`;
        }
        if (days <= 0) {
            return `\`runtime\` is \`${runtime}\`, which AWS deprecated on ${date}: ${upgradeAdvice(runtime)}.`;
        }
        if (days <= config.warnDays) {
            return `\`runtime\` is \`${runtime}\`, which AWS deprecates on ${date} (in ${days} days): ${upgradeAdvice(runtime)}.`;
        }
        return undefined;
    },
});
