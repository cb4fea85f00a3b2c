import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as iam from "@pulumi/aws/iam";
import * as lambda from "@pulumi/aws/lambda";
import { invokerPrincipal, validateInvoker, type InvokerArgs } from "./async-function";
import { DeadLetterQueue, validateDeadLetterQueueArgs, type DeadLetterQueueArgs } from "./dead-letter-queue";
import { ArgumentErrors } from "./lib/argument-errors";
import { createFunction, validateFunctionArgs, type FunctionArgs } from "./lib/function";
import { policyDocument } from "./lib/iam";
import { nameOf, rememberName } from "./lib/names";

/** The arguments of a `DurableFunction`; only `function.code` is required. */
export interface DurableFunctionArgs {
    /** The handler, written with the AWS Durable Execution SDK (`withDurableExecution`). Required (at least `code`). */
    function: FunctionArgs;
    /**
     * Seconds one durable execution may run in all, a whole number from 1 to 31622400: a little above the workflow's
     * longest expected run. Default 86400 (a day).
     */
    executionTimeout?: number;
    /** Days Lambda keeps a closed execution's history, a whole number from 1 to 90. Default 14. */
    retentionPeriod?: number;
    /**
     * Name of the alias every trigger invokes (durable functions are invoked through a version or an alias): 1-128
     * letters, digits, `-` or `_`, not only digits. Default `live`.
     */
    aliasName?: string;
    /**
     * Settings of the dead-letter queue that receives the events of failed executions; not `fifo: true` (Lambda
     * cannot deliver to a FIFO queue). Default: a `DeadLetterQueue`'s defaults.
     */
    deadLetterQueue?: DeadLetterQueueArgs;
    /** Services allowed to invoke the function (through its alias), each scoped to its source. Or call `grantInvoke` later. Default: none. */
    invokers?: InvokerArgs[];
}

/** The defaults a `DurableFunction` applies. */
export const durableFunctionDefaults = {
    executionTimeout: 86400,
    retentionPeriod: 14,
    aliasName: "live",
} as const;

/** AWS: the actions a durable function's role needs to checkpoint (the IAM action names, as AWSLambdaBasicDurableExecutionRolePolicy grants them). */
const CHECKPOINT_ACTIONS = ["lambda:CheckpointDurableExecution", "lambda:GetDurableExecutionState"];

/**
 * A Lambda durable function built right: a bounded execution timeout and history retention, a published version
 * behind an alias that every trigger invokes, the role's checkpoint permissions, and a failure path that someone
 * hears about: a `DeadLetterQueue` for the events of failed executions and alarms on failed and timed-out executions,
 * notifying the queue's alarm topic.
 */
export class DurableFunction extends pulumi.ComponentResource {
    /** The Lambda function, with its durable config; it publishes a version on each change. */
    public readonly function: lambda.Function;
    /** The alias (`aliasName`) on the published version, which triggers invoke. */
    public readonly alias: lambda.Alias;
    /** The function's execution role (with the checkpoint permissions). */
    public readonly role: iam.Role;
    /** The function's log group. */
    public readonly logGroup: cloudwatch.LogGroup;
    /** Fires when a durable execution fails (`DurableExecutionFailed`). */
    public readonly failedAlarm: cloudwatch.MetricAlarm;
    /** Fires when a durable execution times out (`DurableExecutionTimedOut`). */
    public readonly timedOutAlarm: cloudwatch.MetricAlarm;
    /** What triggers invoke: the alias's ARN. */
    public readonly aliasArn: pulumi.Output<string>;
    /** The function's (unqualified) ARN. */
    public readonly functionArn: pulumi.Output<string>;
    /** The function's name. */
    public readonly functionName: pulumi.Output<string>;
    /** The dead-letter queue's URL, to read or redrive the events of failed executions. */
    public readonly deadLetterQueueUrl: pulumi.Output<string>;
    /** The topic the dead-letter queue's and the execution alarms notify. */
    public readonly alarmTopicArn: pulumi.Output<string>;

    constructor(name: string, args: DurableFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
        validateDurableFunctionArgs(name, args);
        super("serverless-guardrails:index:DurableFunction", name, {}, opts);
        rememberName(this, name);
        const parent = { parent: this };

        const dlq = new DeadLetterQueue(`${name}-dlq`, args.deadLetterQueue ?? {}, parent);
        const fn = createFunction(name, args.function, [{ actions: ["sqs:SendMessage"], resources: [dlq.queueArn] }], this, {
            durableConfig: {
                executionTimeout: args.executionTimeout ?? durableFunctionDefaults.executionTimeout,
                retentionPeriod: args.retentionPeriod ?? durableFunctionDefaults.retentionPeriod,
            },
            publish: true,
            // AWS sends the event of an asynchronously invoked execution that fails, stops or times out here.
            deadLetterConfig: { targetArn: dlq.queueArn },
        });
        // After the function: the statements name its ARN (and its versions', where executions run).
        const checkpoint = new iam.RolePolicy(
            `${name}-checkpoint-policy`,
            { role: fn.role.id, policy: policyDocument([{ actions: CHECKPOINT_ACTIONS, resources: [fn.function.arn, pulumi.interpolate`${fn.function.arn}:*`] }]) },
            parent,
        );
        this.alias = new lambda.Alias(
            `${name}-alias`,
            { name: args.aliasName ?? durableFunctionDefaults.aliasName, functionName: fn.function.name, functionVersion: fn.function.version },
            // Triggers wired to the alias start executions only once the role may checkpoint.
            { parent: this, dependsOn: [checkpoint] },
        );
        const alarm = (role: string, metricName: string, what: string) =>
            new cloudwatch.MetricAlarm(
                `${name}-${role}-alarm`,
                {
                    alarmDescription: `A durable execution of ${name} ${what}: it is not retried.`,
                    namespace: "AWS/Lambda",
                    metricName,
                    dimensions: { FunctionName: fn.function.name },
                    statistic: "Sum",
                    period: 60,
                    evaluationPeriods: 1,
                    threshold: 1,
                    comparisonOperator: "GreaterThanOrEqualToThreshold",
                    treatMissingData: "notBreaching",
                    alarmActions: [dlq.alarmTopicArn],
                },
                parent,
            );
        this.failedAlarm = alarm("failed", "DurableExecutionFailed", "failed");
        this.timedOutAlarm = alarm("timed-out", "DurableExecutionTimedOut", "timed out");

        this.function = fn.function;
        this.role = fn.role;
        this.logGroup = fn.logGroup;
        this.aliasArn = this.alias.arn;
        this.functionArn = fn.function.arn;
        this.functionName = fn.function.name;
        this.deadLetterQueueUrl = dlq.queueUrl;
        this.alarmTopicArn = dlq.alarmTopicArn;
        (args.invokers ?? []).forEach((invoker, index) => this.grantInvoke(`${invoker.service.split(".")[0]}-${index}`, invoker));
        this.registerOutputs({
            aliasArn: this.aliasArn,
            functionArn: this.functionArn,
            functionName: this.functionName,
            deadLetterQueueUrl: this.deadLetterQueueUrl,
            alarmTopicArn: this.alarmTopicArn,
        });
    }

    /**
     * Lets an SNS topic, EventBridge rule or S3 bucket invoke the function's alias, and nothing else of that service.
     * Point the source at `aliasArn`. `permissionName` names the permission: `${name}-invoke-${permissionName}` (a name suffix, not an IAM role).
     */
    grantInvoke(permissionName: string, invoker: InvokerArgs): lambda.Permission {
        const errors = new ArgumentErrors("DurableFunction.grantInvoke", `${nameOf(this)}-invoke-${permissionName}`);
        validateInvoker(errors, "invoker", invoker);
        errors.throwIfAny();
        return new lambda.Permission(
            `${nameOf(this)}-invoke-${permissionName}`,
            {
                function: this.function.name,
                qualifier: this.alias.name,
                action: "lambda:InvokeFunction",
                principal: invokerPrincipal(invoker.service)!,
                sourceArn: invoker.sourceArn,
                sourceAccount: invoker.sourceAccount,
            },
            { parent: this },
        );
    }
}

function validateDurableFunctionArgs(name: string, args: DurableFunctionArgs): void {
    const errors = new ArgumentErrors("DurableFunction", name);
    if (typeof args !== "object" || args === null) {
        errors.add("args", "is required (at least `function.code`)");
        errors.throwIfAny();
    }
    validateFunctionArgs(errors, "function", args.function);
    errors.integerInRange("executionTimeout", args.executionTimeout, 1, 31622400);
    errors.integerInRange("retentionPeriod", args.retentionPeriod, 1, 90);
    if (args.aliasName !== undefined && (typeof args.aliasName !== "string" || !/^(?!^[0-9]+$)[a-zA-Z0-9_-]{1,128}$/.test(args.aliasName))) {
        errors.add("aliasName", `must be 1-128 letters, digits, - or _, not only digits (got ${JSON.stringify(args.aliasName)})`);
    }
    if (args.deadLetterQueue !== undefined) {
        validateDeadLetterQueueArgs(errors, "deadLetterQueue", args.deadLetterQueue);
        if (args.deadLetterQueue?.fifo === true) errors.add("deadLetterQueue.fifo", "must be false: Lambda cannot deliver to a FIFO queue");
    }
    if (args.invokers !== undefined) {
        if (!Array.isArray(args.invokers)) errors.add("invokers", "must be a list of { service, sourceArn }");
        else args.invokers.forEach((invoker, index) => validateInvoker(errors, `invokers[${index}]`, invoker));
    }
    errors.throwIfAny();
}
