/**
 * The facts about the AWS provider that @pulumi/aws's declarations do not carry. derive.ts checks
 * each one against the declarations and fails when one no longer fits.
 */
import { T } from "../../policies/lib/types";
import type { AutoName } from "../../checker/aws-tables";

/** Types the tables cover: every type the pack judges, the ones the mocks model, and the ones the components, app and gallery create. */
export const TABLE_TYPES: string[] = [
    ...new Set<string>([
        ...Object.values(T),
        "aws:apigateway/account:Account",
        "aws:apigateway/deployment:Deployment",
        "aws:apigateway/integration:Integration",
        "aws:apigateway/method:Method",
        "aws:apigateway/resource:Resource",
        "aws:apigatewayv2/integration:Integration",
        "aws:apigatewayv2/route:Route",
        "aws:iam/user:User",
        "aws:kms/key:Key",
        "aws:lambda/alias:Alias",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "aws:s3/bucketMetric:BucketMetric",
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:secretsmanager/secret:Secret",
        "aws:sfn/stateMachine:StateMachine",
        "aws:sns/topicPolicy:TopicPolicy",
    ]),
];

/**
 * Auto-named properties configured in pulumi-aws provider/resources.go (read at commit 00ba5ea,
 * pulumi/pulumi-aws): lengths other than autonaming.go's 255, FIFO suffixes (`PostTransform`
 * appends `.fifo` when `fifoQueue` / `fifoTopic` is the boolean true), and properties not called
 * `name`. `null` marks a `name` that is not auto-named.
 */
export const AUTO_NAME_OVERRIDES: Record<string, AutoName | null> = {
    [T.sqsQueue]: { property: "name", maxLength: 80, separator: "-", fifoSuffixWhen: "fifoQueue" },
    [T.snsTopic]: { property: "name", maxLength: 80, separator: "-", fifoSuffixWhen: "fifoTopic" },
    // aws_lambda_function: "function_name": AutoName("name", 64, "-")
    [T.lambdaFunction]: { property: "name", maxLength: 64, separator: "-" },
    [T.iamRole]: { property: "name", maxLength: 64, separator: "-" },
    [T.eventRule]: { property: "name", maxLength: 64, separator: "-" },
    [T.eventTarget]: { property: "targetId", maxLength: 255, separator: "-" },
    [T.lambdaPermission]: { property: "statementId", maxLength: 100, separator: "-" },
    // "bucket": AutoNameTransform("bucket", 63, strings.ToLower)
    [T.s3Bucket]: { property: "bucket", maxLength: 63, separator: "-", transform: "lowercase" },
    [T.s3BucketV2]: { property: "bucket", maxLength: 63, separator: "-", transform: "lowercase" },
};

/**
 * Terraform schema `Default`s that the bridge's Check fills in when the program leaves the argument
 * out (pulumi-terraform-bridge pkg/tfbridge/schema.go applyDefaults). Falsy defaults (`false`, `0`,
 * `""`) are not listed: since bridge 3.127 (pulumi-terraform-bridge#2618) Check leaves them out.
 * Nested-block defaults are not modelled. Read from hashicorp/terraform-provider-aws
 * internal/service/<service>/<resource>.go:
 */
export const CHECK_DEFAULTS: Record<string, Record<string, unknown>> = {
    // lambda/function.go
    [T.lambdaFunction]: { memorySize: 128, timeout: 3, reservedConcurrentExecutions: -1, packageType: "Zip" },
    // lambda/event_source_mapping.go
    [T.lambdaEventSourceMapping]: { enabled: true },
    // lambda/function_event_invoke_config.go
    [T.lambdaEventInvokeConfig]: { maximumRetryAttempts: 2 },
    // lambda/function_url.go: awstypes.InvokeModeBuffered
    [T.lambdaFunctionUrl]: { invokeMode: "BUFFERED" },
    // sqs/queue.go, sqs/consts.go
    [T.sqsQueue]: { visibilityTimeoutSeconds: 30, messageRetentionSeconds: 345600, maxMessageSize: 262144 },
    // sns/topic_subscription.go
    [T.snsTopicSubscription]: { confirmationTimeoutInMinutes: 1 },
    // cloudwatch/metric_alarm.go: missingDataMissing
    [T.metricAlarm]: { actionsEnabled: true, treatMissingData: "missing" },
    // events/rule.go, events/target.go: DefaultEventBusName (a rule's `state` has no default)
    [T.eventRule]: { eventBusName: "default" },
    [T.eventTarget]: { eventBusName: "default" },
    // scheduler/schedule.go: awstypes.ScheduleStateEnabled
    [T.schedulerSchedule]: { state: "ENABLED", scheduleExpressionTimezone: "UTC" },
    // pipes/pipe.go
    [T.pipe]: { desiredState: "RUNNING" },
    // iam/role.go, iam/policy.go
    [T.iamRole]: { maxSessionDuration: 3600, path: "/" },
    [T.iamPolicy]: { path: "/" },
    // dynamodb/table.go
    [T.dynamodbTable]: { billingMode: "PROVISIONED" },
    // kinesis/stream.go: types.EncryptionTypeNone
    [T.kinesisStream]: { retentionPeriod: 24, encryptionType: "NONE" },
};
