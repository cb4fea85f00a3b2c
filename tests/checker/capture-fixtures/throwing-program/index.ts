import * as aws from "@pulumi/aws";

new aws.sqs.Queue("before-the-error");
throw new Error("the table name is missing");
