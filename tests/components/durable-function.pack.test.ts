import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CostGuardrails } from "../../components/cost-guardrails";
import { DurableFunction } from "../../components/durable-function";
import { EventRuleTarget } from "../../components/event-rule-target";
import { passesThePackInBothModes } from "../helpers/compliance";

const code = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({});") });

function program() {
    // budget-alarm judges the whole stack: a stack with a budget is what a real application has.
    new CostGuardrails("budget", { monthlyLimit: 100, emails: ["finance@example.com"] });
    // Invoked by nothing in the stack (an API or SDK caller): the alarms are its failure path, the DLQ waits.
    new DurableFunction("approvals", { function: { code } });
    // Invoked asynchronously by a nightly rule, through the alias.
    const nightly = new aws.cloudwatch.EventRule("nightly", { scheduleExpression: "rate(1 day)" });
    const billing = new DurableFunction("billing", { function: { code, timeout: 60 }, executionTimeout: 7 * 86400, retentionPeriod: 30, aliasName: "prod" });
    billing.grantInvoke("nightly", { service: "events", sourceArn: nightly.arn });
    // The rule's own failed deliveries go to the target's dead-letter queue.
    new EventRuleTarget("nightly-billing", { rule: nightly.name, ruleArn: nightly.arn, targetArn: billing.aliasArn });
}

describe("DurableFunction through the policy pack", () => {
    passesThePackInBothModes(program, (result) => {
        expect(result.resources.filter((r) => r.type === "serverless-guardrails:index:DurableFunction")).toHaveLength(2);
        const functions = result.resources.filter((r) => r.type === "aws:lambda/function:Function");
        for (const fn of functions) expect(fn.inputs.durableConfig).toBeDefined();
        // The rule invokes the alias, and the permission names it: the qualified ARN AWS requires.
        const target = result.resources.find((r) => r.type === "aws:cloudwatch/eventTarget:EventTarget")!;
        expect(target.propertyDependencies?.arn?.some((urn) => urn.includes("aws:lambda/alias:Alias"))).toBe(true);
        const permission = result.resources.find((r) => r.type === "aws:lambda/permission:Permission")!;
        expect(permission.inputs.qualifier).toBeDefined();
    });
});
