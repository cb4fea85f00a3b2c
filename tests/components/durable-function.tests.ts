import * as pulumi from "@pulumi/pulumi";
import { DurableFunction } from "../../components/durable-function";
import { ComponentArgumentError } from "../../components/lib/argument-errors";
import { argumentError, byType, one, recordResources, settle, valueOf, type Registered } from "../helpers/component-recorder";

const code = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({});") });

let registered: Registered[];

describe("DurableFunction", () => {
    beforeEach(() => {
        registered = recordResources();
    });

    test("defaults: a day's execution, 14 days' history, published behind the `live` alias, failures to an alarmed DeadLetterQueue", async () => {
        const fn = new DurableFunction("approvals", { function: { code } });
        await valueOf(fn.aliasArn);
        await settle();
        const lambda = one(registered, "aws:lambda/function:Function");
        expect(lambda.inputs).toMatchObject({
            durableConfig: { executionTimeout: 86400, retentionPeriod: 14 },
            publish: true,
            deadLetterConfig: { targetArn: await valueOf(registered.find((r) => r.name === "approvals-dlq-queue")!.state.arn) },
            memorySize: 1024,
            reservedConcurrentExecutions: 10,
        });
        const alias = one(registered, "aws:lambda/alias:Alias");
        expect(alias.inputs).toMatchObject({ name: "live", functionName: await valueOf(fn.functionName), functionVersion: "1" });
        expect(await valueOf(fn.aliasArn)).toBe(`${await valueOf(fn.functionArn)}:live`);
        const alarms = byType(registered, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.inputs.namespace === "AWS/Lambda");
        expect(alarms.map((a) => a.inputs.metricName).sort()).toEqual(["DurableExecutionFailed", "DurableExecutionTimedOut"]);
        for (const alarm of alarms) {
            expect(alarm.inputs).toMatchObject({ dimensions: { FunctionName: await valueOf(fn.functionName) }, threshold: 1, comparisonOperator: "GreaterThanOrEqualToThreshold", alarmActions: [await valueOf(fn.alarmTopicArn)] });
        }
    });

    test("the role may checkpoint on the function and its versions, and send to the DLQ", async () => {
        const fn = new DurableFunction("approvals", { function: { code } });
        await valueOf(fn.aliasArn);
        await settle();
        const arn = await valueOf(fn.functionArn);
        const checkpoint = JSON.parse(registered.find((r) => r.name === "approvals-checkpoint-policy")!.inputs.policy);
        expect(checkpoint.Statement).toEqual([{ Effect: "Allow", Action: ["lambda:CheckpointDurableExecution", "lambda:GetDurableExecutionState"], Resource: [arn, `${arn}:*`] }]);
        const main = JSON.parse(registered.find((r) => r.name === "approvals-policy")!.inputs.policy);
        expect(main.Statement.some((s: any) => s.Action.includes("sqs:SendMessage"))).toBe(true);
    });

    test("grantInvoke scopes the permission to the alias and the source", async () => {
        const fn = new DurableFunction("billing", { function: { code }, aliasName: "prod", executionTimeout: 3600, retentionPeriod: 7 });
        fn.grantInvoke("nightly", { service: "events", sourceArn: "arn:aws:events:us-east-1:123456789012:rule/nightly" });
        await valueOf(fn.aliasArn);
        await settle();
        expect(one(registered, "aws:lambda/permission:Permission").inputs).toMatchObject({ qualifier: "prod", principal: "events.amazonaws.com", sourceArn: "arn:aws:events:us-east-1:123456789012:rule/nightly" });
        expect(one(registered, "aws:lambda/function:Function").inputs.durableConfig).toEqual({ executionTimeout: 3600, retentionPeriod: 7 });
    });

    test("invalid arguments throw one error naming each, before any child resource", async () => {
        const error = await argumentError(registered, () =>
            new DurableFunction("bad", { function: { code, memorySize: 64 }, executionTimeout: 0, retentionPeriod: 365, aliasName: "123", invokers: [{ service: "sqs", sourceArn: "x" }] }),
        );
        expect(error).toBeInstanceOf(ComponentArgumentError);
        expect((error as ComponentArgumentError).arguments).toEqual(expect.arrayContaining(["function.memorySize", "executionTimeout", "retentionPeriod", "aliasName", "invokers[0].service"]));
    });

    test("malformed arguments are argument errors, not crashes", async () => {
        for (const args of [undefined, null, 7, { function: "code" }, { function: { code }, deadLetterQueue: null }, { function: { code }, invokers: "sns" }]) {
            const error = await argumentError(registered, () => new DurableFunction("odd", args as any));
            expect(error).toBeInstanceOf(ComponentArgumentError);
        }
    });
});
