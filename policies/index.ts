import { PolicyPack } from "@pulumi/policy";
import { allPolicies } from "./all";

new PolicyPack("serverless-guardrails", {
    displayName: "Serverless guardrails for AWS",
    description:
        "Stops the costly serverless mistakes before they ship: unset memory and concurrency, failures with nowhere " +
        "to go or nobody alarmed, unbounded stream retries, recursive loops, no budget, no WAF.",
    tags: ["aws", "serverless", "lambda", "reliability", "cost"],
    repository: "https://github.com/serverless-guardrails/serverless-guardrails",
    policies: allPolicies,
});
