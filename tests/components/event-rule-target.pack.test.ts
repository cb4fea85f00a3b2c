import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AsyncFunction } from "../../components/async-function";
import { CostGuardrails } from "../../components/cost-guardrails";
import { EventRuleTarget } from "../../components/event-rule-target";
import { QueueWorker } from "../../components/queue-worker";
import { passesThePackInBothModes } from "../helpers/compliance";

const code = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => {};") });

function program() {
    // budget-alarm judges the whole stack: a stack with a budget is what a real application has.
    new CostGuardrails("budget", { monthlyLimit: 100, emails: ["finance@example.com"] });
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

describe("EventRuleTarget through the policy pack", () => {
    passesThePackInBothModes(program, (result) => {
        expect(result.resources.filter((r) => r.type === "serverless-guardrails:index:EventRuleTarget")).toHaveLength(3);
    });
});
