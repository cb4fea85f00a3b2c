import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CostGuardrails } from "../../components/cost-guardrails";
import { QueueWorker } from "../../components/queue-worker";
import { ReliableSubscription } from "../../components/reliable-subscription";
import { passesThePackInBothModes } from "../helpers/compliance";

const code = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ batchItemFailures: [] });") });

function program() {
    // budget-alarm judges the whole stack: a stack with a budget is what a real application has.
    new CostGuardrails("budget", { monthlyLimit: 100, emails: ["finance@example.com"] });
    const topic = new aws.sns.Topic("orders");
    const billing = new QueueWorker("billing", { function: { code } });
    new ReliableSubscription("billing", { topicArn: topic.arn, protocol: "sqs", endpoint: billing.queueArn, endpointQueueUrl: billing.queueUrl, rawMessageDelivery: true });
    new ReliableSubscription("partner", { topicArn: topic.arn, protocol: "https", endpoint: "https://partner.example.com/orders" });
}

describe("ReliableSubscription through the policy pack", () => {
    passesThePackInBothModes(program, (result) => {
        expect(result.resources.filter((r) => r.type === "serverless-guardrails:index:ReliableSubscription")).toHaveLength(2);
    });
});
