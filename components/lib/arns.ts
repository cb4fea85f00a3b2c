import * as pulumi from "@pulumi/pulumi";
import { arnService } from "../../policies/lib/arns";
import type { PolicyStatementArgs } from "./iam";

export { arnService, isFifoArn } from "../../policies/lib/arns";

/** The value when it is a plain string now (not an Output or a promise), else undefined. */
export function plainString(value: pulumi.Input<string> | undefined): string | undefined {
    return typeof value === "string" ? value : undefined;
}

/** Services Lambda can send an asynchronous invocation's or a stream batch's record to. */
export const destinationServices = ["sqs", "sns", "events", "s3", "lambda"] as const;

/** The statements a function's role needs to send to a destination, derived from its ARN when it resolves. */
export function destinationStatements(arn: pulumi.Input<string>): pulumi.Output<PolicyStatementArgs> {
    return pulumi.output(arn).apply((value): PolicyStatementArgs => {
        switch (arnService(value)) {
            case "sqs":
                return { actions: ["sqs:SendMessage"], resources: [value] };
            case "sns":
                return { actions: ["sns:Publish"], resources: [value] };
            case "events":
                return { actions: ["events:PutEvents"], resources: [value] };
            case "s3":
                return { actions: ["s3:PutObject", "s3:ListBucket"], resources: [value, `${value}/*`] };
            case "lambda":
                return { actions: ["lambda:InvokeFunction"], resources: [value] };
            default:
                throw new Error(`${value} is not an SQS, SNS, EventBridge, S3 or Lambda ARN, so it cannot be a failure destination`);
        }
    });
}
