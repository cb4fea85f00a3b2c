import { resourcePolicy } from "../lib/policy";
import { isSet, known } from "../lib/props";
import { T } from "../lib/types";

function hasContextVariable(value: unknown, depth = 0): boolean {
    if (depth > 20) return false;
    if (typeof value === "string") return value.includes("$context.");
    if (value !== null && typeof value === "object") return Object.values(value).some((item) => hasContextVariable(item, depth + 1));
    return false;
}

/** What the format looks like when it is not JSON, for the message. */
function kindOf(format: string): string {
    const text = format.trim();
    if (text.startsWith("<")) return "XML";
    if (/^\$context\.\S+( \S+)+$/.test(text) && !text.includes(",")) return "space-separated, like Common Log Format";
    if (text.includes(",") && !text.startsWith("{")) return "comma-separated";
    return "not valid JSON";
}

/** Why a format template is not a JSON line of `$context` variables; undefined when it is. */
export function jsonFormatProblem(format: string): string | undefined {
    let parsed: unknown;
    try {
        parsed = JSON.parse(format);
    } catch {
        return `is not JSON (${kindOf(format)})`;
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return "is not a JSON object";
    if (!hasContextVariable(parsed)) return "is a JSON object with no `$context` variable";
    return undefined;
}

const EXAMPLE = '`JSON.stringify({ requestId: "$context.requestId", status: "$context.status", latency: "$context.responseLatency" })`';

export const apiAccessLogJson = resourcePolicy({
    name: "api-access-log-json",
    displayName: "API access logs are JSON",
    description:
        "An access log line in CLF, CSV or XML is one opaque string to CloudWatch Logs Insights: status, latency or caller " +
        "cannot be filtered, counted or graphed without a parse expression for every query, so incidents are read line by line.",
    enforcementLevel: "advisory",
    severity: "low",
    tags: ["api", "observability"],
    remediationSteps:
        "Set `accessLogSettings.format` to a JSON object whose values are quoted `$context` variables, for example " +
        `${EXAMPLE}; include \`$context.requestId\` (API Gateway requires it or \`$context.extendedRequestId\`).`,
    resourceTypes: [T.restApiStage, T.httpApiStage],
    check({ raw }) {
        // A stage without an access log is `api-access-logging`'s finding.
        if (!isSet(raw, "accessLogSettings.destinationArn")) return undefined;
        if (!isSet(raw, "accessLogSettings.format")) {
            return `\`accessLogSettings.format\` is not set: set it to a JSON line of \`$context\` variables, for example ${EXAMPLE}.`;
        }
        const format = known(raw, "accessLogSettings.format");
        const problem = typeof format === "string" ? jsonFormatProblem(format) : "is not a string";
        if (!problem) return undefined;
        return `\`accessLogSettings.format\` ${problem}, so Logs Insights cannot query its fields: use a JSON line of quoted \`$context\` variables, for example ${EXAMPLE}.`;
    },
});
