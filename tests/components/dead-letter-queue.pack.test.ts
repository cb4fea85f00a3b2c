import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CostGuardrails } from "../../components/cost-guardrails";
import { DeadLetterQueue } from "../../components/dead-letter-queue";
import { passesThePackInBothModes } from "../helpers/compliance";

function program() {
    // budget-alarm judges the whole stack: a stack with a budget is what a real application has.
    new CostGuardrails("budget", { monthlyLimit: 100, emails: ["finance@example.com"] });
    const dlq = new DeadLetterQueue("failed", { alarmEmails: ["ops@example.com"] });
    // A DLQ is judged as the failure store of a source queue.
    const source = new aws.sqs.Queue("orders", {
        messageRetentionSeconds: 345600,
        sqsManagedSseEnabled: true,
        redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: dlq.queueArn, maxReceiveCount: 5 }),
    });
    dlq.allowRedriveFrom([source.arn]);
}

describe("DeadLetterQueue through the policy pack", () => {
    passesThePackInBothModes(program, (result) => {
        expect(result.resources.some((r) => r.type === "serverless-guardrails:index:DeadLetterQueue")).toBe(true);
    });
});
