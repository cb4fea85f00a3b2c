import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CostGuardrails } from "../../components/cost-guardrails";
import { StreamWorker } from "../../components/stream-worker";
import { checkProgram, expectNoViolations } from "../../testing";

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

    test("zero violations in preview (unknown values)", async () => {
        const result = await checkProgram(program, { preview: true });
        // Role policy documents name ARNs created in the same preview, so they are unknown and the policies that
        // read them say "can't run during preview" (a real preview says so too); the update-mode test judges them.
        expectNoViolations(result);
    });

    test("zero violations in update mode", async () => {
        const result = await checkProgram(program, { preview: false });
        expectNoViolations(result, { includeUnknownAtPreview: true });
    });
});
