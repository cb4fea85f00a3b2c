/**
 * The cost, API protection, loop, observability and IAM stack policies on graphs captured from small
 * Pulumi programs run on mocks (checker/capture.ts), in a first preview and in an update.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { StackValidationPolicy } from "@pulumi/policy";
import { capture } from "../../../checker/capture";
import type { CapturedResource } from "../../../checker/types";
import { apiThrottling } from "../../../policies/api-protection/api-throttling";
import { wafProtection } from "../../../policies/api-protection/waf-protection";
import { budgetAlarm } from "../../../policies/cost/budget-alarm";
import { noRecursiveLoops } from "../../../policies/loops/no-recursive-loops";
import { lambdaLogRetention } from "../../../policies/observability/lambda-log-retention";
import { lambdaRoleLeastPrivilege } from "../../../policies/security/lambda-role-least-privilege";
import { analyzeCapturedStack } from "../../helpers/policy-harness";

const policies: StackValidationPolicy[] = [budgetAlarm, wafProtection, apiThrottling, noRecursiveLoops, lambdaLogRetention, lambdaRoleLeastPrivilege];

const code = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => {};") });

/** An API in front of a queue worker: compliant, or with one mistake per policy. */
function apiAndWorker(compliant: boolean) {
    return () => {
        if (compliant) {
            new aws.budgets.Budget("monthly", {
                budgetType: "COST",
                limitAmount: "100",
                limitUnit: "USD",
                timeUnit: "MONTHLY",
                notifications: [{ comparisonOperator: "GREATER_THAN", threshold: 80, thresholdType: "PERCENTAGE", notificationType: "FORECASTED", subscriberEmailAddresses: ["ops@example.com"] }],
            });
        }
        const api = new aws.apigateway.RestApi("api", { endpointConfiguration: { types: "REGIONAL" } });
        const resource = new aws.apigateway.Resource("jobs-resource", { restApi: api.id, parentId: api.rootResourceId, pathPart: "jobs" });
        const method = new aws.apigateway.Method("jobs-post", { restApi: api.id, resourceId: resource.id, httpMethod: "POST", authorization: "AWS_IAM" });
        const integration = new aws.apigateway.Integration("jobs-integration", { restApi: api.id, resourceId: resource.id, httpMethod: method.httpMethod, type: "MOCK" });
        const deployment = new aws.apigateway.Deployment("api-deployment", { restApi: api.id }, { dependsOn: [integration] });
        const stage = new aws.apigateway.Stage("prod", { restApi: api.id, deployment: deployment.id, stageName: "prod" });
        if (compliant) {
            new aws.apigateway.MethodSettings("prod-throttle", { restApi: api.id, stageName: stage.stageName, methodPath: "*/*", settings: { throttlingBurstLimit: 100, throttlingRateLimit: 50 } });
            const acl = new aws.wafv2.WebAcl("api-acl", {
                scope: "REGIONAL",
                defaultAction: { allow: {} },
                visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: "api-acl", sampledRequestsEnabled: true },
            });
            new aws.wafv2.WebAclAssociation("prod-acl", { resourceArn: stage.arn, webAclArn: acl.arn });
        }

        const jobs = new aws.sqs.Queue("jobs");
        const out = new aws.sqs.Queue("out");
        const role = new aws.iam.Role("worker-role", {
            assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } }] }),
        });
        new aws.iam.RolePolicyAttachment("worker-sqs", { role: role.name, policyArn: aws.iam.ManagedPolicy.AWSLambdaSQSQueueExecutionRole });
        new aws.iam.RolePolicy("worker-send", {
            role: role.id,
            policy: compliant
                ? pulumi.jsonStringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: out.arn }] })
                : { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["sqs:*"], Resource: [jobs.arn] }] },
        });
        const fn = new aws.lambda.Function("worker", { role: role.arn, runtime: "nodejs22.x", handler: "index.handler", code, timeout: 30, memorySize: 1024 });
        new aws.lambda.EventSourceMapping("jobs-mapping", { eventSourceArn: jobs.arn, functionName: fn.name });
        if (compliant) new aws.cloudwatch.LogGroup("worker-logs", { name: pulumi.interpolate`/aws/lambda/${fn.name}`, retentionInDays: 14 });
    };
}

const captured = new Map<string, CapturedResource[]>();
async function program(compliant: boolean, preview: boolean) {
    const key = `${compliant}-${preview}`;
    if (!captured.has(key)) captured.set(key, await capture(apiAndWorker(compliant), { preview }));
    return captured.get(key)!;
}

const expectedViolations: Record<string, RegExp[]> = {
    "budget-alarm": [/no budget alarm/],
    "waf-protection": [/REST API stage `prod` is public and has no WAF/],
    "api-throttling": [/REST API stage `prod` is not throttled/],
    "no-recursive-loops": [/queue `jobs` triggers function `worker` through event source mapping `jobs-mapping`; function `worker` may write to queue `jobs` \(`sqs:SendMessage`\)/],
    "lambda-log-retention": [/Function `worker` has no log group/],
    "lambda-role-least-privilege": [/role policy `worker-send` allows `Action` `sqs:\*`/],
};

describe("captured programs: cost, API protection, loops, observability and IAM", () => {
    for (const preview of [false, true]) {
        const when = preview ? "unknown at preview (captured first preview)" : "captured update";
        for (const policy of policies) {
            test(`${policy.name}: compliant API and worker program, ${when}`, async () => {
                const outcome = await analyzeCapturedStack(policy, await program(true, preview));
                expect(outcome.violations).toEqual([]);
                // A `pulumi.jsonStringify` policy document is wholly unknown until the queue exists: no verdict yet.
                if (preview && policy === lambdaRoleLeastPrivilege) expect(outcome.cantRunAtPreview).toMatch(/worker-send\.policy can't be known during preview/);
                else expect(outcome.cantRunAtPreview).toBeUndefined();
            });

            test(`${policy.name}: violating API and worker program, ${when}`, async () => {
                const outcome = await analyzeCapturedStack(policy, await program(false, preview));
                expect(outcome.violations).toHaveLength(expectedViolations[policy.name].length);
                expectedViolations[policy.name].forEach((pattern, i) => expect(outcome.violations[i]).toMatch(pattern));
            });
        }
    }
});
