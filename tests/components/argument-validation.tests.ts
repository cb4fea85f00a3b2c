/**
 * House rule: a component rejects invalid args with a message naming the argument, before creating any resource.
 * One case per gap a review found (each: the invalid form is rejected, naming the argument, with nothing
 * registered; the valid forms still build). Pulumi mocks in-process, no pack.
 */
import * as pulumi from "@pulumi/pulumi";
import { CostGuardrails } from "../../components/cost-guardrails";
import { DeadLetterQueue } from "../../components/dead-letter-queue";
import { EventRuleTarget } from "../../components/event-rule-target";
import { ComponentArgumentError, isEmailAddress } from "../../components/lib/argument-errors";
import { ManagedInstancesCapacity } from "../../components/managed-instances-capacity";
import { ProtectedApi } from "../../components/protected-api";
import { QueueWorker } from "../../components/queue-worker";
import { ReliableSubscription } from "../../components/reliable-subscription";
import { StreamWorker } from "../../components/stream-worker";
import { argumentError, one, recordResources, settle, type Registered } from "../helpers/component-recorder";

const code = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ batchItemFailures: [] });") });
const STREAM = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000";
const RULE = "arn:aws:events:us-east-1:123456789012:rule/nightly";
const FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:notify";
const TOPIC = "arn:aws:sns:us-east-1:123456789012:orders";
const QUEUE = "arn:aws:sqs:us-east-1:123456789012:billing";
const APPSYNC = "arn:aws:appsync:us-east-1:123456789012:apis/graph";
const layer = (n: number) => `arn:aws:lambda:us-east-1:123456789012:layer:shared-${n}:1`;

let registered: Registered[];

/** The construction throws a ComponentArgumentError naming exactly `names`, before any resource (the component included). */
async function rejects(construct: () => unknown, names: string[]): Promise<ComponentArgumentError> {
    registered.length = 0;
    const error = await argumentError(registered, construct);
    expect(error).toBeInstanceOf(ComponentArgumentError);
    expect((error as ComponentArgumentError).arguments.sort()).toEqual([...names].sort());
    expect(registered).toHaveLength(0);
    return error as ComponentArgumentError;
}

/** The construction builds: it throws nothing and registers resources. */
async function builds(construct: () => unknown): Promise<void> {
    registered.length = 0;
    construct();
    await settle();
    expect(registered.length).toBeGreaterThan(0);
    registered.length = 0;
}

describe("argument validation: the gaps a review found", () => {
    beforeEach(() => {
        registered = recordResources();
    });

    test("QueueWorker contentBasedDeduplication: a boolean, and only on a FIFO queue (naming both arguments)", async () => {
        for (const args of [{}, { fifo: false }]) {
            const error = await rejects(() => new QueueWorker("orders", { function: { code }, contentBasedDeduplication: true, ...args }), ["contentBasedDeduplication"]);
            expect(error.message).toContain("contentBasedDeduplication: applies to a FIFO queue only: set fifo: true");
        }
        const wrongType = await rejects(() => new QueueWorker("orders", { function: { code }, fifo: true, contentBasedDeduplication: "yes" as any }), ["contentBasedDeduplication"]);
        expect(wrongType.message).toContain('contentBasedDeduplication: must be true or false (got "yes")');

        await builds(() => new QueueWorker("orders", { function: { code }, fifo: true, contentBasedDeduplication: true }));
        await builds(() => new QueueWorker("orders", { function: { code }, contentBasedDeduplication: false }));
    });

    test("function.layers: at most 5 (Lambda's limit), a known list only", async () => {
        const tooMany = await rejects(() => new QueueWorker("orders", { function: { code, layers: [1, 2, 3, 4, 5, 6].map(layer) } }), ["function.layers"]);
        expect(tooMany.message).toContain("function.layers: must list at most 5 layer version ARNs: Lambda allows 5 layers per function (got 6)");
        await rejects(() => new QueueWorker("orders", { function: { code, layers: layer(1) as any } }), ["function.layers"]);

        await builds(() => new QueueWorker("orders", { function: { code, layers: [1, 2, 3, 4, 5].map(layer) } }));
        // An unknown list is not counted (its length is not known while the component is constructed).
        await builds(() => new QueueWorker("orders", { function: { code, layers: pulumi.output([1, 2, 3, 4, 5, 6].map(layer)) as any } }));
        // Outputs inside a known list count as entries.
        await rejects(() => new QueueWorker("orders", { function: { code, layers: [1, 2, 3, 4, 5, 6].map((n) => pulumi.output(layer(n))) } }), ["function.layers"]);
    });

    const booleans: [string, string, (value: any) => unknown][] = [
        ["StreamWorker", "bisectBatchOnFunctionError", (value) => new StreamWorker("orders", { streamArn: STREAM, function: { code }, bisectBatchOnFunctionError: value })],
        ["ProtectedApi", "tracingEnabled", (value) => new ProtectedApi("shop", { restApiId: "abc123", deploymentId: "dep1", tracingEnabled: value })],
        ["ProtectedApi", "createAccountLoggingRole", (value) => new ProtectedApi("shop", { restApiId: "abc123", deploymentId: "dep1", createAccountLoggingRole: value })],
        ["EventRuleTarget", "functionFailureDestination", (value) => new EventRuleTarget("nightly", { rule: "nightly", ruleArn: RULE, functionArn: FUNCTION, functionRoleName: "notify-role", functionFailureDestination: value })],
        ["ReliableSubscription", "grantLambdaInvoke", (value) => new ReliableSubscription("notify", { topicArn: TOPIC, protocol: "lambda", endpoint: FUNCTION, grantLambdaInvoke: value })],
        ["ReliableSubscription", "rawMessageDelivery", (value) => new ReliableSubscription("billing", { topicArn: TOPIC, protocol: "sqs", endpoint: QUEUE, rawMessageDelivery: value })],
    ];
    test.each(booleans)("%s %s: true or false, checked at runtime like fifo and billingAlarm", async (_component, argument, construct) => {
        for (const value of ["false", 0, 1, {}]) {
            const error = await rejects(() => construct(value), [argument]);
            expect(error.message).toContain(`${argument}: must be true or false`);
        }
        for (const value of [true, false, undefined]) await builds(() => construct(value));
    });

    test("ReliableSubscription fifo: true or false too (a non-boolean reached the dead-letter queue after the component existed)", async () => {
        const topic = pulumi.output(TOPIC);
        await rejects(() => new ReliableSubscription("billing", { topicArn: topic, protocol: "sqs", endpoint: QUEUE, fifo: "no" as any }), ["fifo"]);
        await builds(() => new ReliableSubscription("billing", { topicArn: topic, protocol: "sqs", endpoint: QUEUE, fifo: false }));
    });

    test("ProtectedApi with appSyncApiArn rejects tracingEnabled and createAccountLoggingRole like the other REST-only fields", async () => {
        const error = await rejects(() => new ProtectedApi("graph", { appSyncApiArn: APPSYNC, tracingEnabled: false, createAccountLoggingRole: true }), ["tracingEnabled", "createAccountLoggingRole"]);
        expect(error.message).toContain("tracingEnabled: applies to a REST API stage only; AppSync has no stage");
        expect(error.message).toContain("createAccountLoggingRole: applies to a REST API stage only; AppSync has no stage");
        // Consistent with the fields already rejected there.
        await rejects(() => new ProtectedApi("graph", { appSyncApiArn: APPSYNC, stageName: "v1", tracingEnabled: true }), ["stageName", "tracingEnabled"]);

        await builds(() => new ProtectedApi("graph", { appSyncApiArn: APPSYNC, rateLimit: 500 }));
        await builds(() => new ProtectedApi("shop", { restApiId: "abc123", deploymentId: "dep1", tracingEnabled: false, createAccountLoggingRole: true }));
    });

    test("e-mail addresses: one check (a dot in the domain) for DeadLetterQueue, CostGuardrails and ReliableSubscription", async () => {
        const bad = ["ops@localhost", "ops at example.com", "@example.com", "ops@"];
        for (const address of bad) {
            expect(isEmailAddress(address)).toBe(false);
            await rejects(() => new DeadLetterQueue("failed", { alarmEmails: ["oncall@example.com", address] }), ["alarmEmails[1]"]);
            const cost = await rejects(() => new CostGuardrails("cost", { monthlyLimit: 100, emails: [address] }), ["emails"]);
            expect(cost.message).toContain(`emails: must be a list of e-mail addresses (emails[0] is ${JSON.stringify(address)})`);
            await rejects(() => new ReliableSubscription("mail", { topicArn: TOPIC, protocol: "email", endpoint: address }), ["endpoint"]);
        }
        await rejects(() => new DeadLetterQueue("failed", { alarmEmails: "ops@example.com" as any }), ["alarmEmails"]);
        await rejects(() => new CostGuardrails("cost", { monthlyLimit: 100, emails: "ops@example.com" as any }), ["emails"]);

        for (const address of ["ops@example.com", "first.last+alerts@mail.example.co.uk"]) {
            expect(isEmailAddress(address)).toBe(true);
            await builds(() => new DeadLetterQueue("failed", { alarmEmails: [address] }));
            await builds(() => new CostGuardrails("cost", { monthlyLimit: 100, emails: [address] }));
            await builds(() => new ReliableSubscription("mail", { topicArn: TOPIC, protocol: "email", endpoint: address }));
        }
    });

    test("ManagedInstancesCapacity architecture: AWS's default (x86_64) with or without instance types; sent only when given", async () => {
        const subnetIds = ["subnet-a", "subnet-b"];
        const securityGroupIds = ["sg-1"];
        const provider = async (args: object) => {
            registered.length = 0;
            new ManagedInstancesCapacity("fleet", { subnetIds, securityGroupIds, ...args });
            await settle();
            return one(registered, "aws:lambda/capacityProvider:CapacityProvider").inputs;
        };
        expect((await provider({})).instanceRequirements).toBeUndefined();
        // Instance types alone no longer pin x86_64: AWS applies the same default as without them.
        expect((await provider({ excludedInstanceTypes: ["c5.large"] })).instanceRequirements).toEqual([{ excludedInstanceTypes: ["c5.large"] }]);
        expect((await provider({ architecture: "arm64" })).instanceRequirements).toEqual([{ architectures: ["arm64"] }]);
        expect((await provider({ architecture: "arm64", allowedInstanceTypes: ["m7g.large"] })).instanceRequirements).toEqual([{ architectures: ["arm64"], allowedInstanceTypes: ["m7g.large"] }]);
        expect((await provider({ architecture: "x86_64" })).instanceRequirements).toEqual([{ architectures: ["x86_64"] }]);
        await rejects(() => new ManagedInstancesCapacity("fleet", { subnetIds, securityGroupIds, architecture: "x86" }), ["architecture"]);
    });
});
