import { resourcePolicy } from "../lib/policy";
import { isSet, known } from "../lib/props";
import { shown } from "../lib/secrets";
import { T } from "../lib/types";

export const lambdaTracing = resourcePolicy({
    name: "lambda-tracing",
    displayName: "Lambda active tracing is on",
    description:
        "Without active X-Ray tracing a slow or failing request cannot be followed across the function, its event " +
        "source and the services it calls: incidents take hours to locate instead of minutes.",
    enforcementLevel: "advisory",
    severity: "low",
    tags: ["lambda", "observability"],
    remediationSteps: "Set `tracingConfig: { mode: \"Active\" }` on the function and allow `xray:PutTraceSegments` in its role.",
    resourceTypes: [T.lambdaFunction],
    check({ raw }) {
        if (!isSet(raw, "tracingConfig.mode")) {
            return "`tracingConfig.mode` is not set, so requests are not traced: set `tracingConfig: { mode: \"Active\" }`.";
        }
        const mode = known(raw, "tracingConfig.mode");
        if (mode !== "Active") {
            return `\`tracingConfig.mode\` is ${shown(raw, "tracingConfig.mode", `\`${typeof mode === "string" ? mode : JSON.stringify(mode)}\``)}, not \`Active\`: set \`tracingConfig: { mode: "Active" }\`.`;
        }
        return undefined;
    },
});
