import { EventRuleTarget } from "../../components/event-rule-target";
import { ComponentArgumentError } from "../../components/lib/argument-errors";
import { argumentError, byType, one, recordResources, settle, valueOf, type Registered } from "../helpers/component-recorder";

const ruleArn = "arn:aws:events:us-east-1:123456789012:rule/nightly";
const functionArn = "arn:aws:lambda:us-east-1:123456789012:function:report";
const queueArn = "arn:aws:sqs:us-east-1:123456789012:jobs";

let registered: Registered[];

async function build(args: Partial<ConstructorParameters<typeof EventRuleTarget>[1]>) {
    const target = new EventRuleTarget("nightly", { rule: "nightly", ruleArn, ...args });
    await valueOf(target.target.id);
    await settle();
    return target;
}

describe("EventRuleTarget", () => {
    beforeEach(() => {
        registered = recordResources();
    });

    test("defaults for a queue target: retry policy, alarmed DLQ that only the rule may send to", async () => {
        const target = await build({ targetArn: queueArn });
        const eventTarget = one(registered, "aws:cloudwatch/eventTarget:EventTarget");
        expect(eventTarget.name).toBe("nightly-target");
        expect(eventTarget.inputs).toMatchObject({
            rule: "nightly",
            arn: queueArn,
            retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 3600 },
            deadLetterConfig: { arn: await valueOf(target.deadLetterQueueArn) },
        });
        const policy = JSON.parse(one(registered, "aws:sqs/queuePolicy:QueuePolicy").inputs.policy);
        expect(policy.Statement).toHaveLength(1);
        expect(policy.Statement[0]).toMatchObject({ Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Condition: { ArnEquals: { "aws:SourceArn": ruleArn } } });
        expect(byType(registered, "aws:cloudwatch/metricAlarm:MetricAlarm")).toHaveLength(2);
        expect(byType(registered, "aws:lambda/permission:Permission")).toHaveLength(0);
        expect(byType(registered, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig")).toHaveLength(0);
    });

    test("a queue target given by URL gets a queue policy that lets only the rule send", async () => {
        const targetQueueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs";
        await build({ targetArn: queueArn, targetQueueUrl });
        const policy = registered.find((r) => r.name === "nightly-target-policy")!;
        expect(policy.inputs.queueUrl).toBe(targetQueueUrl);
        expect(JSON.parse(policy.inputs.policy).Statement).toEqual([
            {
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sqs:SendMessage",
                Resource: queueArn,
                Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
            },
        ]);
    });

    test("a Lambda target gets a permission scoped to the rule and its async failures go to the same DLQ", async () => {
        const target = await build({ functionArn, functionRoleName: "report-role" });
        const permission = one(registered, "aws:lambda/permission:Permission").inputs;
        expect(permission).toMatchObject({ function: functionArn, principal: "events.amazonaws.com", sourceArn: ruleArn, action: "lambda:InvokeFunction" });
        const dlqArn = await valueOf(target.deadLetterQueueArn);
        expect(one(registered, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig").inputs).toMatchObject({
            functionName: functionArn,
            maximumRetryAttempts: 2,
            maximumEventAgeInSeconds: 3600,
            destinationConfig: { onFailure: { destination: dlqArn } },
        });
        const rolePolicy = one(registered, "aws:iam/rolePolicy:RolePolicy").inputs;
        expect(rolePolicy.role).toBe("report-role");
        expect(JSON.parse(rolePolicy.policy).Statement).toEqual([{ Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [dlqArn] }]);
        expect(one(registered, "aws:cloudwatch/eventTarget:EventTarget").inputs.arn).toBe(functionArn);
    });

    test("overrides: retries, age, input, bus, role, DLQ settings; no failure destination when the function has one", async () => {
        await build({
            functionArn,
            functionFailureDestination: false,
            eventBusName: "orders",
            roleArn: "arn:aws:iam::123456789012:role/events",
            input: '{"full":true}',
            maximumRetryAttempts: 0,
            maximumEventAgeInSeconds: 60,
            deadLetterQueue: { alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:ops" },
        });
        expect(one(registered, "aws:cloudwatch/eventTarget:EventTarget").inputs).toMatchObject({
            eventBusName: "orders",
            roleArn: "arn:aws:iam::123456789012:role/events",
            input: '{"full":true}',
            retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 },
        });
        expect(byType(registered, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig")).toHaveLength(0);
        expect(byType(registered, "aws:iam/rolePolicy:RolePolicy")).toHaveLength(0);
        expect(byType(registered, "aws:sns/topic:Topic")).toHaveLength(0);
    });

    test("invalid arguments throw one error naming each, before any child resource", async () => {
        const error = await argumentError(registered, () =>
            new EventRuleTarget("nightly", {
                rule: "",
                ruleArn: "arn:aws:sns:us-east-1:123456789012:t",
                functionArn: "arn:aws:sqs:us-east-1:123456789012:q",
                maximumRetryAttempts: 200,
                functionMaximumRetryAttempts: 5,
                deadLetterQueue: { fifo: true },
            }),
        );
        expect(error).toBeInstanceOf(ComponentArgumentError);
        expect((error as ComponentArgumentError).arguments).toEqual([
            "rule",
            "ruleArn",
            "functionArn",
            "maximumRetryAttempts",
            "functionMaximumRetryAttempts",
            "functionRoleName",
            "deadLetterQueue.fifo",
        ]);
        const neither = await argumentError(registered, () => new EventRuleTarget("x", { rule: "r", ruleArn } as any));
        expect((neither as ComponentArgumentError).arguments).toEqual(["functionArn"]);
        const queueUrlForLambda = await argumentError(registered, () =>
            new EventRuleTarget("y", { rule: "r", ruleArn, functionArn, functionRoleName: "role", targetQueueUrl: "https://sqs.us-east-1.amazonaws.com/1/q" }),
        );
        expect((queueUrlForLambda as ComponentArgumentError).arguments).toEqual(["targetQueueUrl"]);
        const lambdaAsTarget = await argumentError(registered, () => new EventRuleTarget("x", { rule: "r", ruleArn, targetArn: functionArn }));
        expect((lambdaAsTarget as ComponentArgumentError).arguments).toEqual(["targetArn"]);
        expect(registered).toHaveLength(0);
    });
});
