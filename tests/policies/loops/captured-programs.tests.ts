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
// Drops Pulumi's per-promise stacks, read only by its leak report at exit (source-mapping them was a sixth of this file's time).
import "../../helpers/pulumi-promise-stacks";
// Closes the inspector session Pulumi opens to serialize closures (left open, it slows every later suite of the worker).

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
    "lambda-role-least-privilege": [/role policy `worker-send` allows `sqs:\*`/],
};

/**
 * At a first preview the provider's Check turns the violating program's object document (built from
 * `jobs.arn`) into one unknown JSON string: the IAM policies wait for the update, and say on what.
 */
const waitAtPreview: Record<string, RegExp> = {
    "no-recursive-loops": /the policy document at \.worker-send\.policy of role `worker-role` can't be known during preview: it is built from outputs of queue `jobs`/,
    "lambda-role-least-privilege": /the policy document at \.worker-send\.policy of role `worker-role` can't be known during preview: it is built from outputs of queue `jobs`/,
};

describe("captured programs: cost, API protection, loops, observability and IAM", () => {
    for (const preview of [false, true]) {
        const when = preview ? "unknown at preview (captured first preview)" : "captured update";
        for (const policy of policies) {
            test(`${policy.name}: compliant API and worker program, ${when}`, async () => {
                const outcome = await analyzeCapturedStack(policy, await program(true, preview));
                expect(outcome.violations).toEqual([]);
                // A `pulumi.jsonStringify` policy document is wholly unknown until the queue exists: no verdict yet.
                if (preview && policy === lambdaRoleLeastPrivilege) {
                    expect(outcome.cantRunAtPreview).toMatch(/\.worker-send\.policy of role `worker-role` can't be known during preview: it is built from outputs of queue `out`/);
                } else expect(outcome.cantRunAtPreview).toBeUndefined();
            });

            test(`${policy.name}: violating API and worker program, ${when}`, async () => {
                const outcome = await analyzeCapturedStack(policy, await program(false, preview));
                if (preview && waitAtPreview[policy.name]) {
                    expect(outcome.violations).toEqual([]);
                    expect(outcome.cantRunAtPreview).toMatch(waitAtPreview[policy.name]);
                    return;
                }
                expect(outcome.violations).toHaveLength(expectedViolations[policy.name].length);
                expectedViolations[policy.name].forEach((pattern, i) => expect(outcome.violations[i]).toMatch(pattern));
            });
        }
    }
});

/** A consumer built the quick way: `queue.onEvent` makes a CallbackFunction whose default role carries FullAccess policies. */
function callbackConsumer() {
    const jobs = new aws.sqs.Queue("jobs");
    jobs.onEvent("worker", async () => {});
}

/**
 * A CallbackFunction notified by its bucket (as `bucket.onObjectCreated` builds it; the notification is written
 * out here because @pulumi/aws registers its own at `beforeExit`), whose role explicitly grants `s3:PutObject`
 * on that bucket besides the default FullAccess policies: a real loop.
 */
function thumbnailer() {
    const uploads = new aws.s3.Bucket("uploads");
    const fn = new aws.lambda.CallbackFunction("thumbnailer", { callback: async () => {} });
    new aws.lambda.Permission("thumbnailer", { function: fn.name, action: "lambda:InvokeFunction", principal: "s3.amazonaws.com", sourceArn: uploads.arn });
    new aws.s3.BucketNotification("uploads-events", { bucket: uploads.id, lambdaFunctions: [{ events: ["s3:ObjectCreated:*"], lambdaFunctionArn: fn.arn }] });
    const role = fn.roleInstance!;
    new aws.iam.RolePolicy("thumbnailer-put", {
        role: role.id,
        policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: pulumi.interpolate`${uploads.arn}/*` }] }),
    });
}

describe("captured programs: loops by the strength of the evidence", () => {
    for (const preview of [false, true]) {
        const when = preview ? "captured first preview" : "captured update";
        test(`a CallbackFunction consumer with its default policies: no mandatory loop, the least-privilege finding names the possible one (${when})`, async () => {
            const resources = await capture(callbackConsumer, { preview });
            expect(await analyzeCapturedStack(noRecursiveLoops, resources)).toEqual({ violations: [], urns: [] });
            const outcome = await analyzeCapturedStack(lambdaRoleLeastPrivilege, resources);
            expect(outcome.violations).toHaveLength(1);
            const message = outcome.violations[0];
            for (const broad of ["AWSLambda_FullAccess` allows `lambda:*", "CloudWatchFullAccessV2` allows", "AmazonS3FullAccess` allows `s3:*", "AmazonDynamoDBFullAccess` allows `dynamodb:*", "AmazonKinesisFullAccess` allows `kinesis:*", "AmazonCognitoPowerUser` allows `cognito-identity:*"]) {
                expect(message).toContain(`AWS managed policy \`${broad}`);
            }
            expect(message).toMatch(/AWS managed policy `AmazonSQSFullAccess` allows `sqs:\*`; `sqs:SendMessage` on `\*` would let function `worker` re-trigger itself through queue `jobs` \(queue `jobs` triggers function `worker` through event source mapping `worker`\)/);
            expect(message).not.toMatch(/AWSXrayWriteOnlyAccess/);
        });

        test(`a bucket-notified CallbackFunction with an explicit s3:PutObject on its bucket is a loop (${when})`, async () => {
            const resources = await capture(thumbnailer, { preview });
            const outcome = await analyzeCapturedStack(noRecursiveLoops, resources);
            if (preview) {
                // The document is built from the bucket's ARN: judged at the update, and the notice says so.
                expect(outcome.violations).toEqual([]);
                expect(outcome.cantRunAtPreview).toMatch(/\.thumbnailer-put\.policy of role `thumbnailer` can't be known during preview: it is built from outputs of S3 bucket `uploads`/);
            } else {
                expect(outcome.violations).toEqual([
                    expect.stringMatching(
                        /S3 bucket `uploads` notifies function `thumbnailer` through bucket notification `uploads-events`; function `thumbnailer` may write to S3 bucket `uploads` \(`s3:PutObject`\).*The grant that closes it: role policy `thumbnailer-put` allows `s3:PutObject` on `arn:aws:s3:::uploads-[0-9a-f]+\/\*`.*AWS's recursive loop detection would stop it/,
                    ),
                ]);
            }
        });
    }
});
