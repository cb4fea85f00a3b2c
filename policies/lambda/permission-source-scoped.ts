import { resourcePolicy } from "../lib/policy";
import { asString, isSet, known } from "../lib/props";
import { shown } from "../lib/secrets";
import { T } from "../lib/types";

function isServicePrincipal(principal: string): boolean {
    return /\.amazonaws\.com(\.cn)?$/.test(principal.trim());
}

export const lambdaPermissionSourceScoped = resourcePolicy({
    name: "lambda-permission-source-scoped",
    displayName: "Lambda permission for an AWS service names its source",
    description:
        "A permission that lets an AWS service (s3.amazonaws.com, sns.amazonaws.com, ...) invoke a function without " +
        "`sourceArn` or `sourceAccount` lets that service invoke it on behalf of any account's resource (the confused deputy).",
    enforcementLevel: "advisory",
    severity: "high",
    tags: ["lambda", "security"],
    remediationSteps:
        "Set `sourceArn` to the ARN of the bucket, topic, rule or API that invokes the function " +
        "(and `sourceAccount` for S3, whose bucket ARNs carry no account).",
    resourceTypes: [T.lambdaPermission],
    check({ raw }) {
        if (isSet(raw, "sourceArn") || isSet(raw, "sourceAccount")) return undefined;
        const principal = asString(known(raw, "principal"));
        if (principal === undefined || !isServicePrincipal(principal)) return undefined;
        return `\`principal\` is the AWS service ${shown(raw, "principal", `\`${principal.trim()}\``)} and neither \`sourceArn\` nor \`sourceAccount\` is set, so any account's resource can invoke the function: set \`sourceArn\` to the invoking resource's ARN.`;
    },
});
