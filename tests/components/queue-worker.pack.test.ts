import * as pulumi from "@pulumi/pulumi";
import { CostGuardrails } from "../../components/cost-guardrails";
import { QueueWorker } from "../../components/queue-worker";
import { passesThePackInBothModes } from "../helpers/compliance";

const code = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ batchItemFailures: [] });") });

function program() {
    // budget-alarm judges the whole stack: a stack with a budget is what a real application has.
    new CostGuardrails("budget", { monthlyLimit: 100, emails: ["finance@example.com"] });
    new QueueWorker("orders", { function: { code } });
    new QueueWorker("invoices", { function: { code, timeout: 120, reservedConcurrentExecutions: 20 }, batchSize: 100, maximumBatchingWindowInSeconds: 10 });
}

describe("QueueWorker through the policy pack", () => {
    passesThePackInBothModes(program, (result) => {
        expect(result.resources.filter((r) => r.type === "serverless-guardrails:index:QueueWorker")).toHaveLength(2);
    });
});
