import { resourcePolicy } from "../lib/policy";
import { asBoolean, isSet, known } from "../lib/props";
import { shown } from "../lib/secrets";
import { T } from "../lib/types";

/**
 * REST API stages only: HTTP APIs have no X-Ray tracing (AWS, "Choose between REST APIs and HTTP APIs",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-vs-rest.html, Monitoring).
 * `xrayTracingEnabled` is Optional with no default in the Terraform provider (aws_api_gateway_stage), so a
 * stage that does not set it reaches Analyze without it: off.
 */
export const apiStageTracing = resourcePolicy({
    name: "api-stage-tracing",
    displayName: "REST API stages trace requests with X-Ray",
    description:
        "A stage without X-Ray active tracing starts no trace: a slow or failing request cannot be followed from the edge " +
        "through the authorizer, the integration and the functions behind it, even when those are traced.",
    enforcementLevel: "advisory",
    severity: "low",
    tags: ["api", "observability"],
    remediationSteps:
        "Set `xrayTracingEnabled: true` on the `aws.apigateway.Stage` (API Gateway creates its service-linked role for X-Ray). " +
        "HTTP APIs (`aws.apigatewayv2`) cannot be traced by X-Ray.",
    resourceTypes: [T.restApiStage],
    check({ raw }) {
        if (!isSet(raw, "xrayTracingEnabled")) {
            return "`xrayTracingEnabled` is not set, so API Gateway traces no request on this stage: set `xrayTracingEnabled: true`.";
        }
        const enabled = known(raw, "xrayTracingEnabled");
        if (asBoolean(enabled) !== true) {
            return `\`xrayTracingEnabled\` is ${shown(raw, "xrayTracingEnabled", `\`${JSON.stringify(enabled)}\``)}, so API Gateway traces no request on this stage: set \`xrayTracingEnabled: true\`.`;
        }
        return undefined;
    },
});
