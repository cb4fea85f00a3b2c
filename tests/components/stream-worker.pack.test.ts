import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CostGuardrails } from "../../components/cost-guardrails";
import { StreamWorker } from "../../components/stream-worker";
import { passesThePackInBothModes } from "../helpers/compliance";

const code = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ batchItemFailures: [] });") });

describe("StreamWorker passes the policy pack", () => {
    function program() {
        // A stack without a budget fails budget-alarm whatever the component: the guardrails sit beside it.
        new CostGuardrails("cost", { monthlyLimit: 100, emails: ["ops@example.com"] });
        const table = new aws.dynamodb.Table("orders", {
            hashKey: "pk",
            attributes: [{ name: "pk", type: "S" }],
            billingMode: "PAY_PER_REQUEST",
            streamEnabled: true,
            streamViewType: "NEW_IMAGE",
        });
        new StreamWorker("orders", { streamArn: table.streamArn, function: { code } });
        new StreamWorker("audit", { streamArn: table.streamArn, function: { code }, failureDestination: "sqs" });
        const clicks = new aws.kinesis.Stream("clicks", { streamModeDetails: { streamMode: "ON_DEMAND" } });
        new StreamWorker("clicks", { streamArn: clicks.arn, function: { code } });
    }

    passesThePackInBothModes(program);
});
