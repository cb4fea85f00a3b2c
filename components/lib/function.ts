import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as iam from "@pulumi/aws/iam";
import * as lambda from "@pulumi/aws/lambda";
import { MANAGED_INSTANCES_MINIMUM_MB, managedInstancesRuntimeProblem } from "../../policies/lib/lambda-kinds";
import type { ArgumentErrors } from "./argument-errors";
import { isLambdaRuntime, lambdaArchitectures } from "./validate";
import { plainString } from "./arns";
import { assumeRolePolicy, policyDocument, type PolicyStatementArgs } from "./iam";

/** Lambda's X-Ray tracing modes (`tracingConfig.mode`). */
export const TracingMode = { Active: "Active", PassThrough: "PassThrough" } as const;
/** `Active` or `PassThrough`: the values of the `TracingMode` constant. */
export type TracingMode = (typeof TracingMode)[keyof typeof TracingMode];

/** The formats Lambda writes a function's logs in (`loggingConfig.logFormat`). */
export const LogFormat = { JSON: "JSON", Text: "Text" } as const;
/** `JSON` or `Text`: the values of the `LogFormat` constant. */
export type LogFormat = (typeof LogFormat)[keyof typeof LogFormat];

/** The settings of a function whose code the component ships itself; each default passes the policy pack. */
export interface FunctionSettings {
    /**
     * A Lambda runtime identifier, e.g. `nodejs24.x` or `python3.13`. Default `nodejs24.x`. A plain string, not a
     * union, so that a runtime newer than this package still type-checks: it must be one AWS lists (deprecated ones
     * included) or a newer version in a known language's format (`nodejs<N>.x`, `python3.<N>`, `java<N>`,
     * `dotnet<N>`, `ruby3.<N>`). With `capacityProvider`, it must be one that runs on Managed Instances.
     */
    runtime?: string;
    /**
     * MB, a whole number from 128 to 10240. Default 1024 (the 128 MB platform default gets the smallest CPU share).
     * With `capacityProvider`: 2048-32768, default 2048.
     */
    memorySize?: number;
    /** Seconds, a whole number from 1 to 900. Default 30 (the 3 s platform default times out under load). */
    timeout?: number;
    /**
     * Concurrent executions reserved for the function, a whole number from 1 to 10000. Default 10: bounds what one
     * function can take from the account's shared pool. Not allowed with `capacityProvider` (the capacity provider
     * bounds a Managed Instances function); a `QueueWorker` needs at least 2 unless it is given `maximumConcurrency`.
     */
    reservedConcurrentExecutions?: number;
    /** X-Ray tracing mode: `Active` or `PassThrough` (see `TracingMode`). Default `Active`. */
    tracingMode?: TracingMode;
    /**
     * Days the function's log group keeps logs: one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60,
     * 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653). Default 30.
     */
    logRetentionInDays?: number;
    /** The format Lambda writes the logs in: `JSON` or `Text` (see `LogFormat`). Default `JSON` (Logs Insights can query it by field). */
    logFormat?: LogFormat;
    /** The instruction set: a list of exactly one of `x86_64` or `arm64`, e.g. `["arm64"]`. Default: the platform's (x86_64). */
    architectures?: string[];
}

/** Runs the function on Lambda Managed Instances: EC2 capacity that Lambda manages through a capacity provider. */
export interface CapacityProviderArgs {
    /**
     * ARN of the `lambda.CapacityProvider` (e.g. a `ManagedInstancesCapacity`'s `capacityProviderArn`). Required;
     * when known at construction, it must look like `arn:aws:lambda:<region>:<account>:capacity-provider:<name>`.
     */
    arn: pulumi.Input<string>;
    /** GiB of memory per vCPU of each execution environment, a number from 2 to 8. Default: Lambda's (2). */
    memoryGibPerVcpu?: number;
    /** Requests one execution environment runs at once, a whole number from 1 to 1600. Default: Lambda's, by runtime. */
    perExecutionEnvironmentMaxConcurrency?: number;
}

/** The largest memory size of a Managed Instances function (AWS: 32 GB). */
export const MANAGED_INSTANCES_MAXIMUM_MB = 32768;

/** The Lambda function a component builds. Every field but `code` has a default that passes the policy pack. */
export interface FunctionArgs extends FunctionSettings {
    /** The deployment package: an archive holding the handler module (e.g. `new pulumi.asset.FileArchive("./app")`). Required. */
    code: pulumi.Input<pulumi.asset.Archive>;
    /** Module and export of the handler, a non-empty `module.export` string. Default `index.handler`. */
    handler?: string;
    /** Environment variables of the function: a map of variable names to values. Default: none. */
    environment?: { [key: string]: pulumi.Input<string> };
    /** ARNs of Lambda layer versions to add: a list of at most 5 (Lambda's limit per function; an unknown list is not counted). Default: none. */
    layers?: pulumi.Input<string>[];
    /** The function's description in the Lambda console. Default: none. */
    description?: string;
    /**
     * Extra statements for the function's role (what the handler itself calls), scoped to named resources: each
     * with a non-empty `actions` and `resources` list. Default: none (the role holds only what the component needs).
     */
    policyStatements?: PolicyStatementArgs[];
    /**
     * Run on Lambda Managed Instances. Then `memorySize` defaults to 2048 (2048-32768), the function publishes
     * `$LATEST.PUBLISHED`, and it reserves no concurrency: the capacity provider bounds it (so
     * `reservedConcurrentExecutions` must not be given). Default: none (a regular Lambda function).
     */
    capacityProvider?: CapacityProviderArgs;
}

export const functionDefaults = {
    handler: "index.handler",
    runtime: "nodejs24.x",
    memorySize: 1024,
    timeout: 30,
    reservedConcurrentExecutions: 10,
    tracingMode: "Active",
    logRetentionInDays: 30,
    logFormat: "JSON",
} as const;

/** The retention values CloudWatch Logs accepts. */
export const logRetentionDays = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** The function args with every default applied. */
export type ResolvedFunctionArgs = Omit<FunctionArgs, keyof typeof functionDefaults> &
    Required<Pick<FunctionArgs, keyof typeof functionDefaults>>;

export function resolveFunctionArgs(args: FunctionArgs): ResolvedFunctionArgs {
    const resolved: Record<string, unknown> = { ...args };
    if (args.capacityProvider !== undefined && resolved.memorySize === undefined) resolved.memorySize = MANAGED_INSTANCES_MINIMUM_MB;
    for (const [key, value] of Object.entries(functionDefaults)) {
        if (resolved[key] === undefined) resolved[key] = value;
    }
    return resolved as unknown as ResolvedFunctionArgs;
}

/** Records every invalid field of `args` under `argument` (e.g. `function.memorySize`). */
export function validateFunctionArgs(errors: ArgumentErrors, argument: string, args: FunctionArgs | undefined): void {
    if (args === undefined || args === null || typeof args !== "object") {
        errors.add(argument, "is required (at least `code`)");
        return;
    }
    errors.required(`${argument}.code`, args.code);
    const managed = args.capacityProvider !== undefined;
    if (managed) validateCapacityProvider(errors, argument, args);
    else errors.integerInRange(`${argument}.memorySize`, args.memorySize, 128, 10240);
    errors.integerInRange(`${argument}.timeout`, args.timeout, 1, 900);
    if (!managed) errors.integerInRange(`${argument}.reservedConcurrentExecutions`, args.reservedConcurrentExecutions, 1, 10000);
    errors.oneOf(`${argument}.tracingMode`, args.tracingMode, Object.values(TracingMode));
    errors.oneOf(`${argument}.logRetentionInDays`, args.logRetentionInDays, logRetentionDays);
    errors.oneOf(`${argument}.logFormat`, args.logFormat, Object.values(LogFormat));
    if (args.runtime !== undefined && (typeof args.runtime !== "string" || !isLambdaRuntime(args.runtime))) {
        errors.add(`${argument}.runtime`, `must be a Lambda runtime identifier such as nodejs24.x (got ${JSON.stringify(args.runtime)})`);
    }
    if (args.handler !== undefined && (typeof args.handler !== "string" || args.handler === "")) {
        errors.add(`${argument}.handler`, "must be a non-empty `module.export` string");
    }
    errors.stringList(`${argument}.architectures`, args.architectures);
    if (Array.isArray(args.architectures)) {
        if (args.architectures.length !== 1) errors.add(`${argument}.architectures`, `must hold exactly one architecture, x86_64 or arm64 (got ${args.architectures.length})`);
        args.architectures.forEach((architecture, index) => errors.oneOf(`${argument}.architectures[${index}]`, architecture, lambdaArchitectures));
    }
    if (args.environment !== undefined && (typeof args.environment !== "object" || args.environment === null || Array.isArray(args.environment))) {
        errors.add(`${argument}.environment`, "must be a map of variable names to values");
    }
    errors.listOfAtMost(`${argument}.layers`, args.layers, 5, "layer version ARNs", "Lambda allows 5 layers per function");
    if (args.policyStatements !== undefined) {
        if (!Array.isArray(args.policyStatements)) errors.add(`${argument}.policyStatements`, "must be a list of { actions, resources }");
        else
            args.policyStatements.forEach((statement, index) => {
                const at = `${argument}.policyStatements[${index}]`;
                if (typeof statement !== "object" || statement === null) return errors.add(at, "must be { actions, resources }");
                if (!Array.isArray(statement.actions) || statement.actions.length === 0) errors.add(`${at}.actions`, "must be a non-empty list of actions");
                else errors.stringList(`${at}.actions`, statement.actions);
                if (!Array.isArray(statement.resources) || statement.resources.length === 0) errors.add(`${at}.resources`, "must be a non-empty list of ARNs");
                errors.oneOf(`${at}.effect`, statement.effect, ["Allow", "Deny"]);
            });
    }
}

/** The Managed Instances settings, and what they change for the rest of the function's args. */
function validateCapacityProvider(errors: ArgumentErrors, argument: string, args: FunctionArgs): void {
    const at = `${argument}.capacityProvider`;
    const provider = args.capacityProvider;
    if (typeof provider !== "object" || provider === null) {
        errors.add(at, "must be { arn } of a capacity provider");
        return;
    }
    errors.required(`${at}.arn`, provider.arn);
    const arn = plainString(provider.arn);
    if (arn !== undefined && !/^arn:aws[a-z-]*:lambda:[^:]+:\d{12}:capacity-provider:[A-Za-z0-9_-]+$/.test(arn)) {
        errors.add(`${at}.arn`, `must be a Lambda capacity provider ARN (got ${JSON.stringify(arn)})`);
    }
    const ratio = provider.memoryGibPerVcpu;
    if (ratio !== undefined && (typeof ratio !== "number" || !Number.isFinite(ratio) || ratio < 2 || ratio > 8)) {
        errors.add(`${at}.memoryGibPerVcpu`, `must be a number from 2 to 8 (got ${JSON.stringify(ratio)})`);
    }
    errors.integerInRange(`${at}.perExecutionEnvironmentMaxConcurrency`, provider.perExecutionEnvironmentMaxConcurrency, 1, 1600);
    errors.integerInRange(`${argument}.memorySize`, args.memorySize, MANAGED_INSTANCES_MINIMUM_MB, MANAGED_INSTANCES_MAXIMUM_MB);
    if (args.reservedConcurrentExecutions !== undefined) {
        errors.add(`${argument}.reservedConcurrentExecutions`, "is not used with capacityProvider: a Managed Instances function's concurrency is bounded by its capacity provider");
    }
    const runtime = args.runtime ?? functionDefaults.runtime;
    const problem = typeof runtime === "string" && runtime !== "" ? managedInstancesRuntimeProblem(runtime) : undefined;
    if (problem) errors.add(`${argument}.runtime`, `${JSON.stringify(runtime)} does not run on Managed Instances: use ${problem}`);
}

export interface FunctionParts {
    role: iam.Role;
    /** The role's inline policy; depend on it before anything that needs the permissions (event source mappings). */
    rolePolicy: iam.RolePolicy;
    logGroup: cloudwatch.LogGroup;
    function: lambda.Function;
    /** The args with defaults applied. */
    settings: ResolvedFunctionArgs;
}

/**
 * Builds a role with one inline policy (logs to its own log group, X-Ray, the component's statements and the
 * user's), a log group with retention, and the function wired to that log group. Children are named
 * `${name}-role`, `${name}-policy`, `${name}-logs` and `${name}-function`. Validate with `validateFunctionArgs` first.
 */
export function createFunction(
    name: string,
    args: FunctionArgs,
    componentStatements: pulumi.Input<PolicyStatementArgs>[],
    parent: pulumi.Resource,
    /** Function arguments the component sets itself (a durable config, a dead-letter target). */
    extra: Partial<lambda.FunctionArgs> = {},
): FunctionParts {
    const settings = resolveFunctionArgs(args);
    const opts = { parent };
    const role = new iam.Role(`${name}-role`, { assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com") }, opts);
    const logGroup = new cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: settings.logRetentionInDays }, opts);
    const statements: pulumi.Input<PolicyStatementArgs>[] = [
        { actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [pulumi.interpolate`${logGroup.arn}:*`] },
        // X-Ray has no resource-level permissions for these actions: "*" is the only valid resource.
        { actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"] },
        ...componentStatements,
        ...(settings.policyStatements ?? []),
    ];
    const rolePolicy = new iam.RolePolicy(`${name}-policy`, { role: role.id, policy: policyDocument(statements) }, opts);
    const fn = new lambda.Function(
        `${name}-function`,
        {
            code: settings.code,
            handler: settings.handler,
            runtime: settings.runtime,
            role: role.arn,
            memorySize: settings.memorySize,
            timeout: settings.timeout,
            // A Managed Instances function takes its concurrency from its capacity provider.
            reservedConcurrentExecutions: settings.capacityProvider ? undefined : settings.reservedConcurrentExecutions,
            ...managedInstancesSettings(settings.capacityProvider),
            ...extra,
            tracingConfig: { mode: settings.tracingMode },
            loggingConfig: { logFormat: settings.logFormat, logGroup: logGroup.name },
            architectures: settings.architectures,
            environment: settings.environment ? { variables: settings.environment } : undefined,
            layers: settings.layers,
            description: settings.description,
        },
        { parent, dependsOn: [rolePolicy, logGroup] },
    );
    return { role, rolePolicy, logGroup, function: fn, settings };
}

/** Lambda launches instances for a published version; an unqualified invocation reaches `$LATEST.PUBLISHED`. */
function managedInstancesSettings(provider: CapacityProviderArgs | undefined): Partial<lambda.FunctionArgs> {
    if (!provider) return {};
    return {
        capacityProviderConfig: {
            lambdaManagedInstancesCapacityProviderConfig: {
                capacityProviderArn: provider.arn,
                executionEnvironmentMemoryGibPerVcpu: provider.memoryGibPerVcpu,
                perExecutionEnvironmentMaxConcurrency: provider.perExecutionEnvironmentMaxConcurrency,
            },
        },
        publish: true,
        publishTo: "LATEST_PUBLISHED",
    };
}
