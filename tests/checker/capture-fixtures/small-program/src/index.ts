import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const config = new pulumi.Config();
const retentionDays = config.getNumber("retentionDays") ?? 14;

const deadLetters = new aws.sqs.Queue("orders-dlq", { messageRetentionSeconds: retentionDays * 86400 });
const queue = new aws.sqs.Queue("orders", {
    redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: deadLetters.arn, maxReceiveCount: 5 }),
});

export const queueUrl = queue.url;
export const region = aws.getRegionOutput().name;
