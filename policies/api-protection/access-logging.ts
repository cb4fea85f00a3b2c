import { resourcePolicy } from "../lib/policy";
import { isSet } from "../lib/props";
import { T } from "../lib/types";

export const apiAccessLogging = resourcePolicy({
    name: "api-access-logging",
    displayName: "API stage writes access logs",
    description:
        "Without access logs an API stage keeps no record of who called what, with which status and latency: " +
        "errors at the edge (throttling, authorizers, integration timeouts) and abuse cannot be investigated.",
    enforcementLevel: "advisory",
    severity: "medium",
    tags: ["api", "observability", "security"],
    remediationSteps:
        "Set `accessLogSettings: { destinationArn: logGroup.arn, format: ... }` on the stage (a CloudWatch log group, " +
        "or a Firehose stream for REST APIs); REST APIs also need the account's CloudWatch role.",
    resourceTypes: [T.restApiStage, T.httpApiStage],
    check({ raw }) {
        if (isSet(raw, "accessLogSettings.destinationArn")) return undefined;
        return "`accessLogSettings.destinationArn` is not set, so the stage keeps no access log: set `accessLogSettings` with a log group ARN and a format.";
    },
});
