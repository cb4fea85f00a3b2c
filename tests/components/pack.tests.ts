/**
 * Each component in a program of its own, judged by the policy pack in a first preview and in update mode. Every
 * program has a budget beside the components: budget-alarm judges the whole stack, and a real application has one.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AsyncFunction } from "../../components/async-function";
import { CostGuardrails } from "../../components/cost-guardrails";
import { DeadLetterQueue } from "../../components/dead-letter-queue";
import { DurableFunction } from "../../components/durable-function";
import { EventRuleTarget } from "../../components/event-rule-target";
import { ManagedInstancesCapacity } from "../../components/managed-instances-capacity";
import { ProtectedApi } from "../../components/protected-api";
import { QueueWorker } from "../../components/queue-worker";
import { ReliableSubscription } from "../../components/reliable-subscription";
import { StreamWorker } from "../../components/stream-worker";
import { TransactionalOutbox } from "../../components/transactional-outbox";
import { packForTheSuite, passesThePackInBothModes } from "../helpers/compliance";

const pack = packForTheSuite();

const codeOf = (handler: string) => new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(`exports.handler = ${handler};`) });
const code = codeOf("async () => {}");
const batchCode = codeOf("async () => ({ batchItemFailures: [] })");
const durableCode = codeOf("async () => ({})");

const budget = () => new CostGuardrails("budget", { monthlyLimit: 100, emails: ["finance@example.com"] });
const count = (result: { resources: { type: string }[] }, type: string) => result.resources.filter((r) => r.type === type).length;

describe("AsyncFunction through the policy pack", () => {
    function program() {
        budget();
        const uploads = new aws.s3.BucketV2("uploads");
        const rule = new aws.cloudwatch.EventRule("nightly", { scheduleExpression: "rate(1 day)" });
        const thumbnails = new AsyncFunction("thumbnails", { function: { code } });
        thumbnails.grantInvoke("uploads", { service: "s3", sourceArn: uploads.arn, sourceAccount: "123456789012" });
        new aws.s3.BucketNotification("uploads-notification", {
            bucket: uploads.id,
            lambdaFunctions: [{ lambdaFunctionArn: thumbnails.functionArn, events: ["s3:ObjectCreated:*"] }],
        });
        // A given failure destination: an event bus.
        const failures = new aws.cloudwatch.EventBus("failures");
        const report = new AsyncFunction("report", { function: { code }, onFailureDestinationArn: failures.arn });
        report.grantInvoke("nightly", { service: "events", sourceArn: rule.arn });
        // SNS invokes asynchronously too: the subscription keeps what SNS cannot deliver.
        const topic = new aws.sns.Topic("orders");
        const notify = new AsyncFunction("notify", { function: { code } });
        new ReliableSubscription("notify", { topicArn: topic.arn, protocol: "lambda", endpoint: notify.functionArn });
    }

    passesThePackInBothModes(pack, program, (result) => expect(count(result, "serverless-guardrails:index:AsyncFunction")).toBe(3));
});

describe("CostGuardrails passes the policy pack", () => {
    function program() {
        new CostGuardrails("cost", { monthlyLimit: 100, emails: ["ops@example.com"] });
        new CostGuardrails("billing", { monthlyLimit: 500, snsTopicArn: "arn:aws:sns:us-east-1:123456789012:finance", billingAlarm: true });
    }

    passesThePackInBothModes(pack, program);
});

describe("DeadLetterQueue through the policy pack", () => {
    function program() {
        budget();
        const dlq = new DeadLetterQueue("failed", { alarmEmails: ["ops@example.com"] });
        // A DLQ is judged as the failure store of a source queue.
        const source = new aws.sqs.Queue("orders", {
            messageRetentionSeconds: 345600,
            sqsManagedSseEnabled: true,
            redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: dlq.queueArn, maxReceiveCount: 5 }),
        });
        dlq.allowRedriveFrom([source.arn]);
    }

    passesThePackInBothModes(pack, program, (result) => expect(count(result, "serverless-guardrails:index:DeadLetterQueue")).toBeGreaterThan(0));
});

describe("DurableFunction through the policy pack", () => {
    function program() {
        budget();
        // Invoked by nothing in the stack (an API or SDK caller): the alarms are its failure path, the DLQ waits.
        new DurableFunction("approvals", { function: { code: durableCode } });
        // Invoked asynchronously by a nightly rule, through the alias.
        const nightly = new aws.cloudwatch.EventRule("nightly", { scheduleExpression: "rate(1 day)" });
        const billing = new DurableFunction("billing", { function: { code: durableCode, timeout: 60 }, executionTimeout: 7 * 86400, retentionPeriod: 30, aliasName: "prod" });
        billing.grantInvoke("nightly", { service: "events", sourceArn: nightly.arn });
        // The rule's own failed deliveries go to the target's dead-letter queue.
        new EventRuleTarget("nightly-billing", { rule: nightly.name, ruleArn: nightly.arn, targetArn: billing.aliasArn });
    }

    passesThePackInBothModes(pack, program, (result) => {
        expect(count(result, "serverless-guardrails:index:DurableFunction")).toBe(2);
        const functions = result.resources.filter((r) => r.type === "aws:lambda/function:Function");
        for (const fn of functions) expect(fn.inputs.durableConfig).toBeDefined();
        // The rule invokes the alias, and the permission names it: the qualified ARN AWS requires.
        const target = result.resources.find((r) => r.type === "aws:cloudwatch/eventTarget:EventTarget")!;
        expect(target.propertyDependencies?.arn?.some((urn) => urn.includes("aws:lambda/alias:Alias"))).toBe(true);
        const permission = result.resources.find((r) => r.type === "aws:lambda/permission:Permission")!;
        expect(permission.inputs.qualifier).toBeDefined();
    });
});

describe("EventRuleTarget through the policy pack", () => {
    function program() {
        budget();
        const rule = new aws.cloudwatch.EventRule("order-placed", { eventPattern: JSON.stringify({ source: ["shop.orders"] }) });
        // A plain function as target: the component adds its permission and its async failure destination.
        const role = new aws.iam.Role("report-role", {
            assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
        });
        const logs = new aws.cloudwatch.LogGroup("report-logs", { retentionInDays: 30 });
        const report = new aws.lambda.Function("report", {
            code,
            handler: "index.handler",
            runtime: "nodejs24.x",
            role: role.arn,
            memorySize: 512,
            timeout: 30,
            reservedConcurrentExecutions: 5,
            tracingConfig: { mode: "Active" },
            loggingConfig: { logFormat: "JSON", logGroup: logs.name },
        });
        new EventRuleTarget("report-on-order", { rule: rule.name, ruleArn: rule.arn, functionArn: report.arn, functionRoleName: role.name });
        // An AsyncFunction already has its failure destination.
        const audit = new AsyncFunction("audit", { function: { code } });
        new EventRuleTarget("audit-on-order", { rule: rule.name, ruleArn: rule.arn, functionArn: audit.functionArn, functionFailureDestination: false });
        // A queue target.
        const fulfilment = new QueueWorker("fulfilment", { function: { code } });
        new EventRuleTarget("fulfil-on-order", { rule: rule.name, ruleArn: rule.arn, targetArn: fulfilment.queueArn, targetQueueUrl: fulfilment.queueUrl });
    }

    passesThePackInBothModes(pack, program, (result) => expect(count(result, "serverless-guardrails:index:EventRuleTarget")).toBe(3));
});

describe("ManagedInstancesCapacity and functions on it through the policy pack", () => {
    function program() {
        budget();
        const vpc = new aws.ec2.Vpc("app", { cidrBlock: "10.0.0.0/16" });
        const subnets = ["a", "b", "c"].map((zone, i) => new aws.ec2.Subnet(`app-${zone}`, { vpcId: vpc.id, cidrBlock: `10.0.${i}.0/24`, availabilityZone: `us-east-1${zone}` }));
        const group = new aws.ec2.SecurityGroup("app", { vpcId: vpc.id });
        const fleet = new ManagedInstancesCapacity("fleet", { subnetIds: subnets.map((s) => s.id), securityGroupIds: [group.id] });
        new ManagedInstancesCapacity("batch", { subnetIds: subnets.map((s) => s.id), securityGroupIds: [group.id], maxVcpuCount: 32, targetCpuUtilization: 50, architecture: "arm64" });
        const onFleet = { arn: fleet.capacityProviderArn };
        new QueueWorker("orders", { function: { code: batchCode, capacityProvider: onFleet } });
        new AsyncFunction("thumbnails", { function: { code: batchCode, capacityProvider: { ...onFleet, memoryGibPerVcpu: 4 }, memorySize: 4096 } });
        const table = new aws.dynamodb.Table("events", { hashKey: "pk", attributes: [{ name: "pk", type: "S" }], billingMode: "PAY_PER_REQUEST", streamEnabled: true, streamViewType: "NEW_IMAGE" });
        new StreamWorker("events", { streamArn: table.streamArn, function: { code: batchCode, capacityProvider: { ...onFleet, perExecutionEnvironmentMaxConcurrency: 32 } } });
    }

    passesThePackInBothModes(pack, program, (result) => {
        expect(count(result, "serverless-guardrails:index:ManagedInstancesCapacity")).toBe(2);
        expect(count(result, "aws:lambda/capacityProvider:CapacityProvider")).toBe(2);
        const functions = result.resources.filter((r) => r.type === "aws:lambda/function:Function");
        expect(functions).toHaveLength(3);
        for (const fn of functions) expect(fn.inputs.capacityProviderConfig).toBeDefined();
    });
});

describe("ProtectedApi passes the policy pack", () => {
    function program() {
        budget();
        const api = new aws.apigateway.RestApi("shop", {});
        const method = new aws.apigateway.Method("shop-get", { restApi: api.id, resourceId: api.rootResourceId, httpMethod: "GET", authorization: "NONE" });
        const integration = new aws.apigateway.Integration("shop-get", { restApi: api.id, resourceId: api.rootResourceId, httpMethod: method.httpMethod, type: "MOCK" });
        const deployment = new aws.apigateway.Deployment("shop", { restApi: api.id }, { dependsOn: [integration] });
        new ProtectedApi("shop", { restApiId: api.id, deploymentId: deployment.id });
        const graph = new aws.appsync.GraphQLApi("graph", { authenticationType: "AWS_IAM" });
        new ProtectedApi("graph", { appSyncApiArn: graph.arn });
    }

    passesThePackInBothModes(pack, program);
});

describe("QueueWorker through the policy pack", () => {
    function program() {
        budget();
        new QueueWorker("orders", { function: { code: batchCode } });
        new QueueWorker("invoices", { function: { code: batchCode, timeout: 120, reservedConcurrentExecutions: 20 }, batchSize: 100, maximumBatchingWindowInSeconds: 10 });
    }

    passesThePackInBothModes(pack, program, (result) => expect(count(result, "serverless-guardrails:index:QueueWorker")).toBe(2));
});

describe("ReliableSubscription through the policy pack", () => {
    function program() {
        budget();
        const topic = new aws.sns.Topic("orders");
        const billing = new QueueWorker("billing", { function: { code: batchCode } });
        new ReliableSubscription("billing", { topicArn: topic.arn, protocol: "sqs", endpoint: billing.queueArn, endpointQueueUrl: billing.queueUrl, rawMessageDelivery: true });
        new ReliableSubscription("partner", { topicArn: topic.arn, protocol: "https", endpoint: "https://partner.example.com/orders" });
    }

    passesThePackInBothModes(pack, program, (result) => expect(count(result, "serverless-guardrails:index:ReliableSubscription")).toBe(2));
});

describe("StreamWorker passes the policy pack", () => {
    function program() {
        budget();
        const table = new aws.dynamodb.Table("orders", {
            hashKey: "pk",
            attributes: [{ name: "pk", type: "S" }],
            billingMode: "PAY_PER_REQUEST",
            streamEnabled: true,
            streamViewType: "NEW_IMAGE",
        });
        new StreamWorker("orders", { streamArn: table.streamArn, function: { code: batchCode } });
        new StreamWorker("audit", { streamArn: table.streamArn, function: { code: batchCode }, failureDestination: "sqs" });
        const clicks = new aws.kinesis.Stream("clicks", { streamModeDetails: { streamMode: "ON_DEMAND" } });
        new StreamWorker("clicks", { streamArn: clicks.arn, function: { code: batchCode } });
    }

    passesThePackInBothModes(pack, program);
});

describe("TransactionalOutbox passes the policy pack", () => {
    function program() {
        budget();
        new TransactionalOutbox("orders");
        new TransactionalOutbox("payments", { topicArn: "arn:aws:sns:us-east-1:123456789012:payments", relay: { failureDestination: "sqs" } });
    }

    passesThePackInBothModes(pack, program);
});
