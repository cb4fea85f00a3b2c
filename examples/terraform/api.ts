/** REST API blocks both example plans use, configuration and values together (see plan-builder.ts). */
import { c, Expressions, PlanBuilder, r } from "./plan-builder";

const apiId = (api: string) => r(`aws_api_gateway_rest_api.${api}.id`);

/** A REST API; with `endpointType`, its `endpoint_configuration` block (left out, the provider computes it). */
export function restApi(plan: PlanBuilder, block: string, name: string, endpointType?: string): Record<string, unknown> {
    const endpoint: Expressions = endpointType ? { endpoint_configuration: [{ types: c([endpointType]) }] } : {};
    plan.configure({ type: "aws_api_gateway_rest_api", name: block, expressions: { name: c(name), ...endpoint } });
    return plan.add("aws_api_gateway_rest_api", block, {
        name,
        put_rest_api_mode: "overwrite",
        fail_on_warnings: false,
        ...(endpointType ? { endpoint_configuration: [{ types: [endpointType] }] } : {}),
    });
}

/** A GET method with a MOCK integration on `resourceRef`, and the deployment that waits for it. */
export function mockGet(
    plan: PlanBuilder,
    api: { block: string; values: Record<string, unknown> },
    names: { method: string; integration: string; deployment: string },
    resourceRef: string,
    resourceId: unknown,
): Record<string, unknown> {
    plan.configure({
        type: "aws_api_gateway_method",
        name: names.method,
        expressions: { rest_api_id: apiId(api.block), resource_id: r(resourceRef), http_method: c("GET"), authorization: c("NONE") },
    });
    plan.add("aws_api_gateway_method", names.method, { rest_api_id: api.values.id, resource_id: resourceId, http_method: "GET", authorization: "NONE", api_key_required: false });
    plan.configure({
        type: "aws_api_gateway_integration",
        name: names.integration,
        expressions: { rest_api_id: apiId(api.block), resource_id: r(resourceRef), http_method: r(`aws_api_gateway_method.${names.method}.http_method`), type: c("MOCK") },
    });
    plan.add("aws_api_gateway_integration", names.integration, {
        rest_api_id: api.values.id,
        resource_id: resourceId,
        http_method: "GET",
        type: "MOCK",
        timeout_milliseconds: 29000,
        connection_type: "INTERNET",
    });
    plan.configure({ type: "aws_api_gateway_deployment", name: names.deployment, expressions: { rest_api_id: apiId(api.block) }, depends_on: [`aws_api_gateway_integration.${names.integration}`] });
    return plan.add("aws_api_gateway_deployment", names.deployment, { rest_api_id: api.values.id });
}

export function logGroup(plan: PlanBuilder, block: string, name: string, retention?: number): Record<string, unknown> {
    plan.configure({ type: "aws_cloudwatch_log_group", name: block, expressions: { name: c(name), ...(retention ? { retention_in_days: c(retention) } : {}) } });
    return plan.add("aws_cloudwatch_log_group", block, { name, retention_in_days: retention ?? 0, skip_destroy: false });
}

export interface StageArgs {
    api: { block: string; values: Record<string, unknown> };
    deployment: { block: string; values: Record<string, unknown> };
    logs: { block: string; values: Record<string, unknown> };
    format: string;
    tracing?: boolean;
}

export function stage(plan: PlanBuilder, block: string, args: StageArgs): Record<string, unknown> {
    const expressions: Expressions = {
        rest_api_id: apiId(args.api.block),
        deployment_id: r(`aws_api_gateway_deployment.${args.deployment.block}.id`),
        stage_name: c("prod"),
        ...(args.tracing ? { xray_tracing_enabled: c(true) } : {}),
        access_log_settings: [{ destination_arn: r(`aws_cloudwatch_log_group.${args.logs.block}.arn`), format: c(args.format) }],
    };
    plan.configure({ type: "aws_api_gateway_stage", name: block, expressions });
    return plan.add("aws_api_gateway_stage", block, {
        rest_api_id: args.api.values.id,
        deployment_id: args.deployment.values.id,
        stage_name: "prod",
        cache_cluster_enabled: false,
        xray_tracing_enabled: args.tracing === true,
        access_log_settings: [{ destination_arn: args.logs.values.arn, format: args.format }],
    });
}

/** Method settings on every method of a stage: throttling, metrics, and an execution logging level if given. */
export function methodSettings(plan: PlanBuilder, block: string, api: string, stageBlock: string, apiValues: Record<string, unknown>, loggingLevel?: string) {
    plan.configure({
        type: "aws_api_gateway_method_settings",
        name: block,
        expressions: {
            rest_api_id: apiId(api),
            stage_name: r(`aws_api_gateway_stage.${stageBlock}.stage_name`),
            method_path: c("*/*"),
            settings: [
                { throttling_rate_limit: c(50), throttling_burst_limit: c(100), metrics_enabled: c(true), ...(loggingLevel ? { logging_level: c(loggingLevel) } : {}) },
            ],
        },
    });
    plan.add("aws_api_gateway_method_settings", block, {
        rest_api_id: apiValues.id,
        stage_name: "prod",
        method_path: "*/*",
        settings: [
            { throttling_rate_limit: 50, throttling_burst_limit: 100, metrics_enabled: true, logging_level: loggingLevel ?? "OFF", data_trace_enabled: false, caching_enabled: false },
        ],
    });
}

/** A regional web ACL with one per-IP rate limit, associated with a stage. */
export function webAcl(plan: PlanBuilder, block: string, name: string, metric: string, association: string, stageBlock: string, stageValues: Record<string, unknown>) {
    const visibility = (m: string) => ({ cloudwatch_metrics_enabled: true, metric_name: m, sampled_requests_enabled: true });
    const visibilityExpr = (m: string) => ({ cloudwatch_metrics_enabled: c(true), metric_name: c(m), sampled_requests_enabled: c(true) });
    plan.configure({
        type: "aws_wafv2_web_acl",
        name: block,
        expressions: {
            name: c(name),
            scope: c("REGIONAL"),
            default_action: [{ allow: [{}] }],
            rule: [
                {
                    name: c("rate-limit-per-ip"),
                    priority: c(0),
                    action: [{ block: [{}] }],
                    statement: [{ rate_based_statement: [{ limit: c(1000), aggregate_key_type: c("IP") }] }],
                    visibility_config: [visibilityExpr(`${metric}-rate-limit`)],
                },
            ],
            visibility_config: [visibilityExpr(metric)],
        },
    });
    const acl = plan.add("aws_wafv2_web_acl", block, {
        name,
        scope: "REGIONAL",
        default_action: [{ allow: [{ custom_request_handling: [] }], block: [] }],
        rule: [
            {
                name: "rate-limit-per-ip",
                priority: 0,
                action: [{ allow: [], block: [{ custom_response: [] }], captcha: [], challenge: [], count: [] }],
                override_action: [],
                rule_label: [],
                statement: [{ rate_based_statement: [{ limit: 1000, aggregate_key_type: "IP", evaluation_window_sec: 300 }] }],
                visibility_config: [visibility(`${metric}-rate-limit`)],
            },
        ],
        visibility_config: [visibility(metric)],
    });
    plan.configure({
        type: "aws_wafv2_web_acl_association",
        name: association,
        expressions: { resource_arn: r(`aws_api_gateway_stage.${stageBlock}.arn`), web_acl_arn: r(`aws_wafv2_web_acl.${block}.arn`) },
    });
    plan.add("aws_wafv2_web_acl_association", association, { resource_arn: stageValues.arn, web_acl_arn: acl.arn });
}
