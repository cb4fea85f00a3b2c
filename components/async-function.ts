import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as iam from "@pulumi/aws/iam";
import * as lambda from "@pulumi/aws/lambda";
import { ArgumentErrors } from "./lib/argument-errors";
import { arnService, destinationServices, destinationStatements, isFifoArn, plainString } from "./lib/arns";
import { createFunction, validateFunctionArgs, type FunctionArgs } from "./lib/function";
import type { PolicyStatementArgs } from "./lib/iam";
import { nameOf, rememberName } from "./lib/names";
import { DeadLetterQueue, validateDeadLetterQueueArgs, type DeadLetterQueueArgs } from "./dead-letter-queue";

/** A service that invokes the function asynchronously, only on behalf of one source. */
export interface InvokerArgs {
    /** `sns`, `events` or `s3`, or that service's principal (e.g. `sns.amazonaws.com`). Required. */
    service: string;
    /** The topic, rule or bucket ARN; the permission is limited to it. Required; when known, an ARN of `service`. */
    sourceArn: pulumi.Input<string>;
    /** The bucket owner's account id, for S3 (bucket ARNs hold no account id). Default: none. */
    sourceAccount?: pulumi.Input<string>;
}

/** The arguments of an `AsyncFunction`; only `function.code` is required. */
export interface AsyncFunctionArgs {
    /** The function that is invoked asynchronously. Required (at least `code`). */
    function: FunctionArgs;
    /** Retries after a failed asynchronous invocation, a whole number from 0 to 2. Default 2. */
    maximumRetryAttempts?: number;
    /** Seconds an event may wait to be processed, a whole number from 60 to 21600. Default 3600. */
    maximumEventAgeInSeconds?: number;
    /**
     * Where failed events go: an SQS queue, SNS topic, EventBridge bus, S3 bucket or Lambda function ARN, not a FIFO
     * queue or topic (Lambda cannot deliver to one). The role is allowed to send there. Default: a new `DeadLetterQueue`.
     */
    onFailureDestinationArn?: pulumi.Input<string>;
    /** Where successful invocations' records go (the same kinds of target, not FIFO). Default: none. */
    onSuccessDestinationArn?: pulumi.Input<string>;
    /**
     * Settings of the default dead-letter queue; only without `onFailureDestinationArn`, and not `fifo: true` (Lambda
     * cannot deliver to a FIFO queue). Default: a `DeadLetterQueue`'s defaults.
     */
    deadLetterQueue?: DeadLetterQueueArgs;
    /** Services allowed to invoke the function, each scoped to its source. Or call `grantInvoke` later. Default: none. */
    invokers?: InvokerArgs[];
}

/** The defaults an `AsyncFunction` applies to its asynchronous invocation config. */
export const asyncFunctionDefaults = {
    maximumRetryAttempts: 2,
    maximumEventAgeInSeconds: 3600,
} as const;

const invokerPrincipals: Record<string, string> = {
    sns: "sns.amazonaws.com",
    events: "events.amazonaws.com",
    s3: "s3.amazonaws.com",
};

/**
 * A Lambda function invoked asynchronously, with bounded retries and event age and an on-failure destination
 * (by default an alarmed `DeadLetterQueue`), so that no event is silently dropped after its retries.
 */
export class AsyncFunction extends pulumi.ComponentResource {
    /** The Lambda function. */
    public readonly function: lambda.Function;
    /** The function's execution role. */
    public readonly role: iam.Role;
    /** The function's log group. */
    public readonly logGroup: cloudwatch.LogGroup;
    /** The asynchronous invocation config: retries, event age and destinations. */
    public readonly eventInvokeConfig: lambda.FunctionEventInvokeConfig;
    /** The function's ARN. */
    public readonly functionArn: pulumi.Output<string>;
    /** The function's name. */
    public readonly functionName: pulumi.Output<string>;
    /** Where failed events go: `onFailureDestinationArn`, or the default dead-letter queue's ARN. */
    public readonly onFailureDestinationArn: pulumi.Output<string>;
    /** The default dead-letter queue's URL; undefined when `onFailureDestinationArn` was given. */
    public readonly deadLetterQueueUrl?: pulumi.Output<string>;
    /** The topic the default dead-letter queue's alarms notify; undefined when `onFailureDestinationArn` was given. */
    public readonly alarmTopicArn?: pulumi.Output<string>;

    constructor(name: string, args: AsyncFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
        validateAsyncFunctionArgs(name, args);
        super("serverless-guardrails:index:AsyncFunction", name, {}, opts);
        rememberName(this, name);
        const parent = { parent: this };

        let onFailure: pulumi.Output<string>;
        const statements: pulumi.Input<PolicyStatementArgs>[] = [];
        if (args.onFailureDestinationArn !== undefined) {
            onFailure = pulumi.output(args.onFailureDestinationArn);
            statements.push(destinationStatements(onFailure));
        } else {
            const dlq = new DeadLetterQueue(`${name}-dlq`, args.deadLetterQueue ?? {}, parent);
            onFailure = dlq.queueArn;
            statements.push({ actions: ["sqs:SendMessage"], resources: [dlq.queueArn] });
            this.deadLetterQueueUrl = dlq.queueUrl;
            this.alarmTopicArn = dlq.alarmTopicArn;
        }
        if (args.onSuccessDestinationArn !== undefined) statements.push(destinationStatements(args.onSuccessDestinationArn));

        const fn = createFunction(name, args.function, statements, this);
        this.eventInvokeConfig = new lambda.FunctionEventInvokeConfig(
            `${name}-invoke-config`,
            {
                functionName: fn.function.name,
                maximumRetryAttempts: args.maximumRetryAttempts ?? asyncFunctionDefaults.maximumRetryAttempts,
                maximumEventAgeInSeconds: args.maximumEventAgeInSeconds ?? asyncFunctionDefaults.maximumEventAgeInSeconds,
                destinationConfig: {
                    onFailure: { destination: onFailure },
                    onSuccess: args.onSuccessDestinationArn !== undefined ? { destination: args.onSuccessDestinationArn } : undefined,
                },
            },
            // Lambda checks that the role may send to the destinations.
            { parent: this, dependsOn: [fn.rolePolicy] },
        );

        this.function = fn.function;
        this.role = fn.role;
        this.logGroup = fn.logGroup;
        this.functionArn = fn.function.arn;
        this.functionName = fn.function.name;
        this.onFailureDestinationArn = onFailure;
        (args.invokers ?? []).forEach((invoker, index) => this.grantInvoke(`${invoker.service.split(".")[0]}-${index}`, invoker));
        this.registerOutputs({
            functionArn: this.functionArn,
            functionName: this.functionName,
            onFailureDestinationArn: this.onFailureDestinationArn,
            deadLetterQueueUrl: this.deadLetterQueueUrl,
            alarmTopicArn: this.alarmTopicArn,
        });
    }

    /**
     * Lets an SNS topic, EventBridge rule or S3 bucket invoke the function, and nothing else of that service.
     * `permissionName` names the permission: `${name}-invoke-${permissionName}` (a name suffix, not an IAM role).
     */
    grantInvoke(permissionName: string, invoker: InvokerArgs): lambda.Permission {
        const errors = new ArgumentErrors("AsyncFunction.grantInvoke", `${nameOf(this)}-invoke-${permissionName}`);
        validateInvoker(errors, "invoker", invoker);
        errors.throwIfAny();
        return new lambda.Permission(
            `${nameOf(this)}-invoke-${permissionName}`,
            {
                function: this.function.name,
                action: "lambda:InvokeFunction",
                principal: invokerPrincipal(invoker.service)!,
                sourceArn: invoker.sourceArn,
                sourceAccount: invoker.sourceAccount,
            },
            { parent: this },
        );
    }
}

export function invokerPrincipal(service: string): string | undefined {
    if (typeof service !== "string") return undefined;
    return invokerPrincipals[service] ?? (Object.values(invokerPrincipals).includes(service) ? service : undefined);
}

export function validateInvoker(errors: ArgumentErrors, argument: string, invoker: InvokerArgs): void {
    if (typeof invoker !== "object" || invoker === null) {
        errors.add(argument, "must be { service, sourceArn }");
        return;
    }
    if (invokerPrincipal(invoker.service) === undefined) {
        errors.add(`${argument}.service`, `must be sns, events or s3 (got ${JSON.stringify(invoker.service)})`);
    }
    errors.required(`${argument}.sourceArn`, invoker.sourceArn);
    const source = plainString(invoker.sourceArn);
    const principal = invokerPrincipal(invoker.service);
    if (source !== undefined && principal !== undefined && arnService(source) !== principal.split(".")[0]) {
        errors.add(`${argument}.sourceArn`, `must be an ARN of ${principal.split(".")[0]} (got ${JSON.stringify(source)})`);
    }
}

/** A destination ARN known now must be of a service Lambda can deliver to, and not FIFO. */
export function validateDestination(errors: ArgumentErrors, argument: string, arn: pulumi.Input<string> | undefined): void {
    const value = plainString(arn);
    if (value === undefined) return;
    const service = arnService(value);
    if (service === undefined || !(destinationServices as readonly string[]).includes(service)) {
        errors.add(argument, `must be an SQS queue, SNS topic, EventBridge bus, S3 bucket or Lambda function ARN (got ${JSON.stringify(value)})`);
    } else if (isFifoArn(value)) {
        errors.add(argument, "is a FIFO queue or topic, which Lambda cannot deliver to: use a standard one");
    }
}

function validateAsyncFunctionArgs(name: string, args: AsyncFunctionArgs): void {
    const errors = new ArgumentErrors("AsyncFunction", name);
    if (typeof args !== "object" || args === null) {
        errors.add("args", "is required (at least `function.code`)");
        errors.throwIfAny();
    }
    validateFunctionArgs(errors, "function", args.function);
    errors.integerInRange("maximumRetryAttempts", args.maximumRetryAttempts, 0, 2);
    errors.integerInRange("maximumEventAgeInSeconds", args.maximumEventAgeInSeconds, 60, 21600);
    validateDestination(errors, "onFailureDestinationArn", args.onFailureDestinationArn);
    validateDestination(errors, "onSuccessDestinationArn", args.onSuccessDestinationArn);
    if (args.deadLetterQueue !== undefined) {
        if (args.onFailureDestinationArn !== undefined) {
            errors.add("deadLetterQueue", "is only used without onFailureDestinationArn: give one or the other");
        }
        validateDeadLetterQueueArgs(errors, "deadLetterQueue", args.deadLetterQueue);
        if (args.deadLetterQueue.fifo === true) errors.add("deadLetterQueue.fifo", "must be false: Lambda cannot deliver to a FIFO queue");
    }
    if (args.invokers !== undefined) {
        if (!Array.isArray(args.invokers)) errors.add("invokers", "must be a list of { service, sourceArn }");
        else args.invokers.forEach((invoker, index) => validateInvoker(errors, `invokers[${index}]`, invoker));
    }
    errors.throwIfAny();
}
