import * as pulumi from "@pulumi/pulumi";
import { AsyncFunction } from "../../components/async-function";
import { ComponentArgumentError } from "../../components/lib/argument-errors";
import { argumentError, byType, one, recordResources, settle, valueOf, type Registered } from "../helpers/component-recorder";

const code = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => {};") });
const topicArn = "arn:aws:sns:us-east-1:123456789012:orders";

let registered: Registered[];

async function statementFor(action: string) {
    const policy = JSON.parse(one(registered, "aws:iam/rolePolicy:RolePolicy").inputs.policy);
    return policy.Statement.find((s: any) => s.Action.includes(action));
}

describe("AsyncFunction", () => {
    beforeEach(() => {
        registered = recordResources();
    });

    test("defaults: invoke config with 2 retries, 1 h event age, failures to an alarmed DeadLetterQueue", async () => {
        const fn = new AsyncFunction("thumbs", { function: { code } });
        await valueOf(fn.eventInvokeConfig.id);
        await settle();
        const config = one(registered, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig");
        expect(config.name).toBe("thumbs-invoke-config");
        expect(config.inputs).toMatchObject({
            functionName: await valueOf(fn.functionName),
            maximumRetryAttempts: 2,
            maximumEventAgeInSeconds: 3600,
            destinationConfig: { onFailure: { destination: await valueOf(fn.onFailureDestinationArn) } },
        });
        expect(config.inputs.destinationConfig.onSuccess).toBeUndefined();
        expect(registered.find((r) => r.name === "thumbs-dlq")?.type).toBe("serverless-guardrails:index:DeadLetterQueue");
        expect(registered.find((r) => r.name === "thumbs-dlq-queue")!.inputs.messageRetentionSeconds).toBe(1209600);
        expect(byType(registered, "aws:cloudwatch/metricAlarm:MetricAlarm")).toHaveLength(2);
        expect((await statementFor("sqs:SendMessage")).Resource).toEqual([await valueOf(fn.onFailureDestinationArn)]);
        expect(one(registered, "aws:lambda/function:Function").inputs).toMatchObject({ memorySize: 1024, timeout: 30, tracingConfig: { mode: "Active" } });
        expect(byType(registered, "aws:lambda/permission:Permission")).toHaveLength(0);
    });

    test("a given failure destination replaces the queue; the role may send to each destination", async () => {
        const bus = "arn:aws:events:us-east-1:123456789012:event-bus/failures";
        const success = "arn:aws:lambda:us-east-1:123456789012:function:audit";
        const fn = new AsyncFunction("thumbs", {
            function: { code },
            maximumRetryAttempts: 0,
            maximumEventAgeInSeconds: 60,
            onFailureDestinationArn: bus,
            onSuccessDestinationArn: success,
        });
        await valueOf(fn.eventInvokeConfig.id);
        await settle();
        expect(byType(registered, "aws:sqs/queue:Queue")).toHaveLength(0);
        expect(fn.deadLetterQueueUrl).toBeUndefined();
        expect(one(registered, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig").inputs).toMatchObject({
            maximumRetryAttempts: 0,
            maximumEventAgeInSeconds: 60,
            destinationConfig: { onFailure: { destination: bus }, onSuccess: { destination: success } },
        });
        expect((await statementFor("events:PutEvents")).Resource).toEqual([bus]);
        expect((await statementFor("lambda:InvokeFunction")).Resource).toEqual([success]);
    });

    test("S3 and SNS destinations get the matching actions", async () => {
        new AsyncFunction("a", { function: { code }, onFailureDestinationArn: "arn:aws:s3:::failures", onSuccessDestinationArn: topicArn });
        await settle();
        await settle();
        expect((await statementFor("s3:PutObject")).Resource).toEqual(["arn:aws:s3:::failures", "arn:aws:s3:::failures/*"]);
        expect((await statementFor("sns:Publish")).Resource).toEqual([topicArn]);
    });

    test("grantInvoke scopes each invoker to its source ARN", async () => {
        const fn = new AsyncFunction("thumbs", {
            function: { code },
            invokers: [{ service: "sns", sourceArn: topicArn }],
        });
        fn.grantInvoke("nightly", { service: "events.amazonaws.com", sourceArn: "arn:aws:events:us-east-1:123456789012:rule/nightly" });
        fn.grantInvoke("uploads", { service: "s3", sourceArn: "arn:aws:s3:::uploads", sourceAccount: "123456789012" });
        await valueOf(fn.functionName);
        await settle();
        const permissions = byType(registered, "aws:lambda/permission:Permission");
        expect(permissions.map((p) => p.name)).toEqual(["thumbs-invoke-sns-0", "thumbs-invoke-nightly", "thumbs-invoke-uploads"]);
        expect(permissions.map((p) => [p.inputs.principal, p.inputs.sourceArn])).toEqual([
            ["sns.amazonaws.com", topicArn],
            ["events.amazonaws.com", "arn:aws:events:us-east-1:123456789012:rule/nightly"],
            ["s3.amazonaws.com", "arn:aws:s3:::uploads"],
        ]);
        expect(permissions[2].inputs.sourceAccount).toBe("123456789012");
        for (const permission of permissions) {
            expect(permission.inputs.action).toBe("lambda:InvokeFunction");
            expect(permission.inputs.function).toBe(await valueOf(fn.functionName));
        }
    });

    test("grantInvoke rejects an unknown service or a mismatched source with an argument error", async () => {
        const fn = new AsyncFunction("thumbs", { function: { code } });
        await valueOf(fn.eventInvokeConfig.id);
        await settle();
        expect(() => fn.grantInvoke("x", { service: "sqs", sourceArn: "arn:aws:sqs:us-east-1:1:q" })).toThrow(/invoker.service: must be sns, events or s3/);
        expect(() => fn.grantInvoke("y", { service: "sns", sourceArn: "arn:aws:s3:::b" })).toThrow(/invoker.sourceArn: must be an ARN of sns/);
    });

    test("invalid arguments throw one error naming each, before any child resource", async () => {
        const error = await argumentError(registered, () =>
            new AsyncFunction("thumbs", {
                function: { code, timeout: 0 },
                maximumRetryAttempts: 3,
                maximumEventAgeInSeconds: 30,
                onFailureDestinationArn: "arn:aws:sqs:us-east-1:123456789012:failed.fifo",
                onSuccessDestinationArn: "arn:aws:dynamodb:us-east-1:123456789012:table/t",
                deadLetterQueue: { fifo: true },
                invokers: [{ service: "iot", sourceArn: "" }],
            }),
        );
        expect(error).toBeInstanceOf(ComponentArgumentError);
        expect((error as ComponentArgumentError).arguments).toEqual([
            "function.timeout",
            "maximumRetryAttempts",
            "maximumEventAgeInSeconds",
            "onFailureDestinationArn",
            "onSuccessDestinationArn",
            "deadLetterQueue",
            "deadLetterQueue.fifo",
            "invokers[0].service",
            "invokers[0].sourceArn",
        ]);
        expect(error.message).toContain("FIFO");
        expect(registered).toHaveLength(0);
    });
});
