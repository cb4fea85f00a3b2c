/**
 * Component arguments a careless user passes: each is rejected with an error naming the argument, before
 * anything is registered, the component itself included.
 */
import * as pulumi from "@pulumi/pulumi";
import { CostGuardrails } from "../../components/cost-guardrails";
import { DeadLetterQueue } from "../../components/dead-letter-queue";
import { ProtectedApi } from "../../components/protected-api";
import { QueueWorker } from "../../components/queue-worker";
import { ReliableSubscription } from "../../components/reliable-subscription";
import { argumentError, recordResources, settle, type Registered } from "../helpers/component-recorder";

const code = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ batchItemFailures: [] });") });
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:orders";
const QUEUE = "arn:aws:sqs:eu-west-1:123456789012:orders";

let registered: Registered[];
beforeEach(() => {
    registered = recordResources();
});

const cases: [string, () => unknown, string][] = [
    ["DeadLetterQueue fifo \"yes\"", () => new DeadLetterQueue("dlq", { fifo: "yes" as any }), 'fifo: must be true or false (got "yes")'],
    ["QueueWorker filterPatterns that are not JSON", () => new QueueWorker("w", { function: { code }, filterPatterns: ["type = order"] }), "filterPatterns[0]: must be a JSON object as a string"],
    ["QueueWorker filterPatterns that are JSON but not an object", () => new QueueWorker("w", { function: { code }, filterPatterns: ["[1]"] }), "filterPatterns[0]: must be a JSON object as a string"],
    ["QueueWorker architectures [\"sparc\"]", () => new QueueWorker("w", { function: { code, architectures: ["sparc"] } }), 'function.architectures[0]: must be one of x86_64, arm64 (got "sparc")'],
    ["QueueWorker two architectures", () => new QueueWorker("w", { function: { code, architectures: ["arm64", "x86_64"] } }), "function.architectures: must hold exactly one architecture"],
    ["QueueWorker runtime nodejs0.1", () => new QueueWorker("w", { function: { code, runtime: "nodejs0.1" } }), 'function.runtime: must be a Lambda runtime identifier such as nodejs24.x (got "nodejs0.1")'],
    [
        "ReliableSubscription an e-mail endpoint that is not an address",
        () => new ReliableSubscription("s", { topicArn: TOPIC, protocol: "email", endpoint: "ops at example.com" }),
        'endpoint: must be an e-mail address (got "ops at example.com")',
    ],
    [
        "ReliableSubscription an ftp:// endpoint for https",
        () => new ReliableSubscription("s", { topicArn: TOPIC, protocol: "https", endpoint: "ftp://example.com/hook" }),
        'endpoint: must be a https:// URL for protocol https (got "ftp://example.com/hook")',
    ],
    [
        "ReliableSubscription a filter policy that is not JSON",
        () => new ReliableSubscription("s", { topicArn: TOPIC, protocol: "sqs", endpoint: QUEUE, filterPolicy: "type=order" }),
        'filterPolicy: must be a JSON object as a string, such as \'{"body":{"type":["order"]}}\' (got "type=order")',
    ],
    ["CostGuardrails monthlyLimit Infinity", () => new CostGuardrails("cost", { monthlyLimit: Infinity, emails: ["ops@example.com"] }), "monthlyLimit: must be greater than 0 and finite (got Infinity)"],
    ["CostGuardrails an SQS ARN as snsTopicArn", () => new CostGuardrails("cost", { monthlyLimit: 100, snsTopicArn: QUEUE }), `snsTopicArn: must be an SNS topic ARN (arn:aws:sns:...) (got "${QUEUE}")`],
    ["CostGuardrails an empty budgetName", () => new CostGuardrails("cost", { monthlyLimit: 100, emails: ["ops@example.com"], budgetName: "" }), 'budgetName: must be 1-100 characters without : or \\ (got "")'],
    ["ProtectedApi an SQS ARN as appSyncApiArn", () => new ProtectedApi("api", { appSyncApiArn: QUEUE }), `appSyncApiArn: must be an AppSync GraphQL API ARN (arn:aws:appsync:...) (got "${QUEUE}")`],
    ["ProtectedApi an empty restApiId", () => new ProtectedApi("api", { restApiId: "", deploymentId: "dep1" }), 'restApiId: must be a non-empty string (got "")'],
];

test.each(cases)("%s: rejected, naming the argument, before any registration", async (_, construct, problem) => {
    const error = await argumentError(registered, construct);
    expect(error.message).toContain(`  - ${problem}`);
});

test("CostGuardrails and ProtectedApi register nothing, not even themselves, before their argument error", async () => {
    expect(() => new CostGuardrails("cost", {} as any)).toThrow(/monthlyLimit: is required/);
    expect(() => new ProtectedApi("api", {})).toThrow(/restApiId: or appSyncApiArn is required/);
    await settle();
    expect(registered.map((r) => r.type)).toEqual([]);
});

test("values that are right still pass (a newer runtime than the table, Outputs, JSON filters)", async () => {
    new QueueWorker("w", { function: { code, runtime: "nodejs40.x", architectures: ["arm64"] }, filterPatterns: ['{"body":{"type":["order"]}}'] });
    new ReliableSubscription("s", { topicArn: TOPIC, protocol: "https", endpoint: pulumi.output("https://example.com/hook"), filterPolicy: '{"type":["order"]}' });
    new CostGuardrails("cost", { monthlyLimit: pulumi.output(100), snsTopicArn: pulumi.output(TOPIC), budgetName: "team-budget" });
    await settle();
    expect(registered.map((r) => r.type)).toEqual(
        expect.arrayContaining(["serverless-guardrails:index:QueueWorker", "serverless-guardrails:index:ReliableSubscription", "serverless-guardrails:index:CostGuardrails"]),
    );
});
