import { resourcePolicy } from "../lib/policy";
import { known } from "../lib/props";
import { T } from "../lib/types";

export const lambdaFunctionUrlAuth = resourcePolicy({
    name: "lambda-function-url-auth",
    displayName: "Lambda function URL requires authentication",
    description:
        "A function URL with `authorizationType: NONE` is a public endpoint with no throttling or WAF in front of it: " +
        "anyone who finds it can invoke the function as often as they like, and you pay for every call.",
    enforcementLevel: "advisory",
    severity: "high",
    tags: ["lambda", "security", "cost"],
    remediationSteps:
        "Set `authorizationType` to `AWS_IAM` and sign requests (SigV4, or CloudFront origin access control); " +
        "for a public API put API Gateway with throttling and WAF in front of the function instead.",
    resourceTypes: [T.lambdaFunctionUrl],
    check({ raw }) {
        const type = known(raw, "authorizationType");
        if (typeof type === "string" && type.toUpperCase() === "NONE") {
            return "`authorizationType` is `NONE`, so anyone can invoke the function through its URL: set `authorizationType` to `AWS_IAM`.";
        }
        return undefined;
    },
});
