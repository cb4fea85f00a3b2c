import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { ArgumentErrors } from "./argument-errors";
import { assumeRolePolicy, policyDocument, type PolicyStatementArgs } from "./iam";

/** The settings of a function whose code the component ships itself; each default passes the policy pack. */
export interface FunctionSettings {
    /** Default `nodejs24.x`. */
    runtime?: string;
    /** MB, 128-10240. Default 1024 (the 128 MB platform default gets the smallest CPU share). */
    memorySize?: number;
    /** Seconds, 1-900. Default 30 (the 3 s platform default times out under load). */
    timeout?: number;
    /** At least 1. Default 10: bounds what one function can take from the account's shared pool. */
    reservedConcurrentExecutions?: number;
    /** X-Ray tracing mode. Default `Active`. */
    tracingMode?: string;
    /** Days the log group keeps logs (a CloudWatch retention value). Default 30. */
    logRetentionInDays?: number;
    /** `JSON` or `Text`. Default `JSON`. */
    logFormat?: string;
    /** e.g. `["arm64"]`. Default: the platform's (x86_64). */
    architectures?: string[];
}

/** The Lambda function a component builds. Every field but `code` has a default that passes the policy pack. */
export interface FunctionArgs extends FunctionSettings {
    /** The deployment package: an archive holding the handler module (e.g. `new pulumi.asset.FileArchive("./app")`). */
    code: pulumi.Input<pulumi.asset.Archive>;
    /** Module and export of the handler. Default `index.handler`. */
    handler?: string;
    environment?: { [key: string]: pulumi.Input<string> };
    layers?: pulumi.Input<string>[];
    description?: string;
    /** Extra statements for the function's role (what the handler itself calls), scoped to named resources. */
    policyStatements?: PolicyStatementArgs[];
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
    errors.integerInRange(`${argument}.memorySize`, args.memorySize, 128, 10240);
    errors.integerInRange(`${argument}.timeout`, args.timeout, 1, 900);
    errors.integerInRange(`${argument}.reservedConcurrentExecutions`, args.reservedConcurrentExecutions, 1, 10000);
    errors.oneOf(`${argument}.tracingMode`, args.tracingMode, ["Active", "PassThrough"]);
    errors.oneOf(`${argument}.logRetentionInDays`, args.logRetentionInDays, logRetentionDays);
    errors.oneOf(`${argument}.logFormat`, args.logFormat, ["JSON", "Text"]);
    if (args.runtime !== undefined && (typeof args.runtime !== "string" || args.runtime === "")) {
        errors.add(`${argument}.runtime`, "must be a Lambda runtime identifier such as nodejs24.x");
    }
    if (args.handler !== undefined && (typeof args.handler !== "string" || args.handler === "")) {
        errors.add(`${argument}.handler`, "must be a non-empty `module.export` string");
    }
    errors.stringList(`${argument}.architectures`, args.architectures);
    if (args.environment !== undefined && (typeof args.environment !== "object" || args.environment === null || Array.isArray(args.environment))) {
        errors.add(`${argument}.environment`, "must be a map of variable names to values");
    }
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

export interface FunctionParts {
    role: aws.iam.Role;
    /** The role's inline policy; depend on it before anything that needs the permissions (event source mappings). */
    rolePolicy: aws.iam.RolePolicy;
    logGroup: aws.cloudwatch.LogGroup;
    function: aws.lambda.Function;
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
): FunctionParts {
    const settings = resolveFunctionArgs(args);
    const opts = { parent };
    const role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com") }, opts);
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: settings.logRetentionInDays }, opts);
    const statements: pulumi.Input<PolicyStatementArgs>[] = [
        { actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [pulumi.interpolate`${logGroup.arn}:*`] },
        // X-Ray has no resource-level permissions for these actions: "*" is the only valid resource.
        { actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"] },
        ...componentStatements,
        ...(settings.policyStatements ?? []),
    ];
    const rolePolicy = new aws.iam.RolePolicy(`${name}-policy`, { role: role.id, policy: policyDocument(statements) }, opts);
    const fn = new aws.lambda.Function(
        `${name}-function`,
        {
            code: settings.code,
            handler: settings.handler,
            runtime: settings.runtime,
            role: role.arn,
            memorySize: settings.memorySize,
            timeout: settings.timeout,
            reservedConcurrentExecutions: settings.reservedConcurrentExecutions,
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
