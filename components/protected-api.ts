import * as pulumi from "@pulumi/pulumi";
import * as apigateway from "@pulumi/aws/apigateway";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as iam from "@pulumi/aws/iam";
import * as wafv2 from "@pulumi/aws/wafv2";
import { ArgumentErrors } from "./lib/argument-errors";
import { withDefaults } from "./lib/defaults";
import { logRetentionDays } from "./lib/function";
import { assumeRolePolicy } from "./lib/iam";

/**
 * Protects one API: give either `restApiId` + `deploymentId` (the component creates the stage, with
 * throttling, access logs and tracing) or `appSyncApiArn` (AppSync has no stage: its logging is set on the
 * API itself, `logConfig`).
 */
export interface ProtectedApiArgs {
    /** The REST API whose stage this component creates (a non-empty id). Give this or `appSyncApiArn`, not both. */
    restApiId?: pulumi.Input<string>;
    /** The deployment the stage serves (a non-empty id); required with `restApiId`, not allowed with `appSyncApiArn`. */
    deploymentId?: pulumi.Input<string>;
    /** The stage's name: 1-128 letters, digits, `-` or `_`. REST API only. Default `api`. */
    stageName?: string;
    /** An AppSync GraphQL API to protect instead of a REST API stage: its ARN (when known, an AppSync ARN). */
    appSyncApiArn?: pulumi.Input<string>;
    /**
     * Requests one client IP may make per `rateLimitWindowSeconds` before WAF blocks it, a whole number from 10 to
     * 2000000000. Default 1000.
     */
    rateLimit?: number;
    /** Seconds over which WAF counts `rateLimit`: 60, 120, 300 or 600. Default 300. */
    rateLimitWindowSeconds?: number;
    /**
     * Stage-wide steady requests per second (`*` / `*` method settings), greater than 0 and at most 10000. REST API
     * only. Default 100.
     */
    throttlingRateLimit?: number;
    /** Stage-wide burst (requests API Gateway serves at once above the steady rate), a whole number from 1 to 5000. REST API only. Default 200. */
    throttlingBurstLimit?: number;
    /**
     * Days the access log group keeps logs: one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90,
     * ..., 3653). REST API only. Default 30.
     */
    accessLogRetentionInDays?: number;
    /**
     * Access log line format; it must include `$context.requestId` (API Gateway rejects formats without it). REST API
     * only. Default: a JSON line with request id, caller, status, latency and WAF result.
     */
    accessLogFormat?: string;
    /** X-Ray tracing on the stage, `true` or `false`. REST API only (not allowed with `appSyncApiArn`: AppSync traces through its API's `xrayEnabled`). Default true. */
    tracingEnabled?: boolean;
    /**
     * Also create the account-wide role that lets API Gateway write to CloudWatch Logs (one per account and
     * region; access logs fail to deploy until it exists), `true` or `false`. REST API only (not allowed with
     * `appSyncApiArn`). Default false.
     */
    createAccountLoggingRole?: boolean;
}

/** The defaults a `ProtectedApi` applies (the stage ones to a REST API only). */
export const protectedApiDefaults = {
    stageName: "api",
    rateLimit: 1000,
    rateLimitWindowSeconds: 300,
    throttlingRateLimit: 100,
    throttlingBurstLimit: 200,
    accessLogRetentionInDays: 30,
    accessLogFormat: JSON.stringify({
        requestId: "$context.requestId",
        ip: "$context.identity.sourceIp",
        requestTime: "$context.requestTime",
        httpMethod: "$context.httpMethod",
        resourcePath: "$context.resourcePath",
        status: "$context.status",
        responseLength: "$context.responseLength",
        latency: "$context.responseLatency",
        integrationError: "$context.integration.error",
        wafStatus: "$context.waf.status",
    }),
    tracingEnabled: true,
    createAccountLoggingRole: false,
} as const;

/** AWS managed rule groups every protected API gets, in evaluation order after the rate limit. */
export const managedRuleGroups = ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"] as const;

function validate(name: string, args: ProtectedApiArgs | undefined) {
    const errors = new ArgumentErrors("ProtectedApi", name);
    const a = args ?? {};
    const rest = a.restApiId !== undefined && a.restApiId !== null;
    const appSync = a.appSyncApiArn !== undefined && a.appSyncApiArn !== null;
    if (rest === appSync) errors.add("restApiId", "or appSyncApiArn is required (exactly one: the API this component protects)");
    if (rest) errors.required("deploymentId", a.deploymentId);
    errors.nonEmpty("restApiId", a.restApiId);
    errors.nonEmpty("deploymentId", a.deploymentId);
    errors.arnOf("appSyncApiArn", a.appSyncApiArn, "appsync", "an AppSync GraphQL API");
    if (appSync) {
        for (const field of ["deploymentId", "stageName", "throttlingRateLimit", "throttlingBurstLimit", "accessLogFormat", "accessLogRetentionInDays", "tracingEnabled", "createAccountLoggingRole"] as const) {
            if (a[field] !== undefined) errors.add(field, "applies to a REST API stage only; AppSync has no stage");
        }
    }
    if (a.stageName !== undefined && (typeof a.stageName !== "string" || !/^[A-Za-z0-9_-]{1,128}$/.test(a.stageName))) {
        errors.add("stageName", "must be 1-128 letters, digits, `-` or `_`");
    }
    errors.boolean("tracingEnabled", a.tracingEnabled);
    errors.boolean("createAccountLoggingRole", a.createAccountLoggingRole);
    errors.integerInRange("rateLimit", a.rateLimit, 10, 2_000_000_000);
    errors.oneOf("rateLimitWindowSeconds", a.rateLimitWindowSeconds, [60, 120, 300, 600]);
    errors.integerInRange("throttlingBurstLimit", a.throttlingBurstLimit, 1, 5000);
    if (a.throttlingRateLimit !== undefined && (typeof a.throttlingRateLimit !== "number" || !(a.throttlingRateLimit > 0) || a.throttlingRateLimit > 10000)) {
        errors.add("throttlingRateLimit", `must be greater than 0 and at most 10000 requests per second (got ${a.throttlingRateLimit})`);
    }
    errors.oneOf("accessLogRetentionInDays", a.accessLogRetentionInDays, logRetentionDays);
    if (a.accessLogFormat !== undefined && (typeof a.accessLogFormat !== "string" || !a.accessLogFormat.includes("$context.requestId"))) {
        errors.add("accessLogFormat", "must be a string that includes $context.requestId (API Gateway rejects formats without it)");
    }
    errors.throwIfAny();
}

function visibility(metricName: string) {
    return { cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true };
}

/**
 * A WAFv2 web ACL (per-IP rate limit, AWS managed common and known-bad-inputs rules) associated with a REST API
 * stage or an AppSync API. For a REST API it also creates the stage with access logs, tracing and `*` / `*`
 * throttling, so one abusive client cannot exhaust the account's concurrency or the bill.
 */
export class ProtectedApi extends pulumi.ComponentResource {
    /** The WAFv2 web ACL: the per-IP rate limit, then the managed rule groups. */
    public readonly webAcl: wafv2.WebAcl;
    /** The web ACL's association with the stage or the AppSync API. */
    public readonly association: wafv2.WebAclAssociation;
    /** The REST API stage (REST API only). */
    public readonly stage?: apigateway.Stage;
    /** The stage's `*` / `*` throttling and metrics (REST API only). */
    public readonly methodSettings?: apigateway.MethodSettings;
    /** The stage's access log group (REST API only). */
    public readonly accessLogGroup?: cloudwatch.LogGroup;
    /** The stage's invoke URL (REST API only). */
    public readonly url?: pulumi.Output<string>;

    constructor(name: string, args: ProtectedApiArgs, opts?: pulumi.ComponentResourceOptions) {
        validate(name, args);
        super("serverless-guardrails:index:ProtectedApi", name, args, opts);
        const settings = withDefaults(protectedApiDefaults, args);
        const parent = { parent: this };
        const metricPrefix = name.replace(/[^A-Za-z0-9_-]/g, "-");
        this.webAcl = new wafv2.WebAcl(
            `${name}-web-acl`,
            {
                scope: "REGIONAL",
                defaultAction: { allow: {} },
                rules: [
                    {
                        name: "rate-limit-per-ip",
                        priority: 0,
                        action: { block: {} },
                        statement: {
                            rateBasedStatement: { limit: settings.rateLimit, evaluationWindowSec: settings.rateLimitWindowSeconds, aggregateKeyType: "IP" },
                        },
                        visibilityConfig: visibility(`${metricPrefix}-rate-limit`),
                    },
                    ...managedRuleGroups.map((group, index) => ({
                        name: group,
                        priority: index + 1,
                        overrideAction: { none: {} },
                        statement: { managedRuleGroupStatement: { vendorName: "AWS", name: group } },
                        visibilityConfig: visibility(`${metricPrefix}-${group}`),
                    })),
                ],
                visibilityConfig: visibility(metricPrefix),
            },
            parent,
        );

        let protectedArn: pulumi.Input<string>;
        if (settings.restApiId !== undefined) {
            const dependsOn: pulumi.Resource[] = [];
            if (settings.createAccountLoggingRole) dependsOn.push(this.accountLoggingRole(name));
            this.accessLogGroup = new cloudwatch.LogGroup(`${name}-access-logs`, { retentionInDays: settings.accessLogRetentionInDays }, parent);
            this.stage = new apigateway.Stage(
                `${name}-stage`,
                {
                    restApi: settings.restApiId,
                    deployment: settings.deploymentId!,
                    stageName: settings.stageName,
                    xrayTracingEnabled: settings.tracingEnabled,
                    accessLogSettings: { destinationArn: this.accessLogGroup.arn, format: settings.accessLogFormat },
                },
                { parent: this, dependsOn },
            );
            this.methodSettings = new apigateway.MethodSettings(
                `${name}-throttling`,
                {
                    restApi: settings.restApiId,
                    stageName: this.stage.stageName,
                    methodPath: "*/*",
                    settings: {
                        throttlingRateLimit: settings.throttlingRateLimit,
                        throttlingBurstLimit: settings.throttlingBurstLimit,
                        metricsEnabled: true,
                    },
                },
                parent,
            );
            this.url = this.stage.invokeUrl;
            protectedArn = this.stage.arn;
        } else {
            protectedArn = settings.appSyncApiArn!;
        }
        this.association = new wafv2.WebAclAssociation(`${name}-waf`, { resourceArn: protectedArn, webAclArn: this.webAcl.arn }, parent);
        this.registerOutputs({
            webAcl: this.webAcl,
            association: this.association,
            stage: this.stage,
            methodSettings: this.methodSettings,
            accessLogGroup: this.accessLogGroup,
            url: this.url,
        });
    }

    private accountLoggingRole(name: string): apigateway.Account {
        const role = new iam.Role(
            `${name}-apigateway-logs-role`,
            { assumeRolePolicy: assumeRolePolicy("apigateway.amazonaws.com") },
            { parent: this },
        );
        const attachment = new iam.RolePolicyAttachment(
            `${name}-apigateway-logs-policy`,
            { role: role.name, policyArn: "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs" },
            { parent: this },
        );
        return new apigateway.Account(`${name}-apigateway-account`, { cloudwatchRoleArn: role.arn }, { parent: this, dependsOn: [attachment] });
    }
}
