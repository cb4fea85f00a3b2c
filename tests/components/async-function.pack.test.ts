import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AsyncFunction } from "../../components/async-function";
import { CostGuardrails } from "../../components/cost-guardrails";
import { ReliableSubscription } from "../../components/reliable-subscription";
import { passesThePackInBothModes } from "../helpers/compliance";

const code = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => {};") });

function program() {
    // budget-alarm judges the whole stack: a stack with a budget is what a real application has.
    new CostGuardrails("budget", { monthlyLimit: 100, emails: ["finance@example.com"] });
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

describe("AsyncFunction through the policy pack", () => {
    passesThePackInBothModes(program, (result) => {
        expect(result.resources.filter((r) => r.type === "serverless-guardrails:index:AsyncFunction")).toHaveLength(3);
    });
});
