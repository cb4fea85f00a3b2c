/**
 * Writes `terraform show -json <planfile>` documents (format_version 1.2, hashicorp/terraform
 * website/docs/internals/json-format.mdx and internal/command/jsonplan) for the example configurations.
 * There is no Terraform binary here, so each example's plan is described next to its HCL (plan.ts) and this
 * builder lays it out the way Terraform does:
 *
 * - `configuration`: every resource and module block with its expressions unevaluated, constants as
 *   `constant_value`, and `references` listed with each traversal prefix (jsonconfig/expression.go);
 * - `resource_changes` and `planned_values`: each instance's values. In "create" mode (a first
 *   `terraform plan`), every attribute the provider computes and the configuration does not set is unknown
 *   (`after_unknown`), and so is every value built from one (a `jsonencode` over an unknown ARN);
 *   in "applied" mode (a plan against the applied infrastructure) every action is no-op and those values
 *   are what AWS returned.
 */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Mode = "create" | "applied";

export interface Step {
    call: string;
    key?: string | number;
}

export interface Expression {
    constant_value?: unknown;
    references?: string[];
}

export interface Expressions {
    [attribute: string]: Expression | Expressions | Expressions[];
}

export const ENV = { account: "123456789012", region: "us-east-1", partition: "aws" };

/** A constant expression. */
export const c = (value: unknown): Expression => ({ constant_value: value });

/** The references of one traversal, as Terraform lists them: the whole, then each prefix down to the object it names. */
export function referencesOf(traversal: string): string[] {
    const steps = traversal.match(/[A-Za-z_][A-Za-z0-9_-]*|\[[^\]]*\]/g) ?? [];
    const join = (parts: string[]) => parts.map((p, i) => (p.startsWith("[") || i === 0 ? p : `.${p}`)).join("");
    const isKey = (i: number) => steps[i]?.startsWith("[");
    let subject: number;
    const extra: string[] = [];
    if (steps[0] === "module") {
        // module.NAME[KEY].OUTPUT: the output, then the module call instance.
        const keyed = isKey(2);
        subject = keyed ? 4 : 3;
        if (steps.length < subject) subject = steps.length;
        extra.push(join(steps.slice(0, keyed ? 3 : 2)));
    } else if (steps[0] === "data") {
        subject = isKey(3) ? 4 : 3;
        if (isKey(3)) extra.push(join(steps.slice(0, 3)));
    } else if (["var", "local", "each", "count", "path", "terraform", "self"].includes(steps[0] ?? "")) {
        subject = 2;
    } else {
        subject = isKey(2) ? 3 : 2;
        if (isKey(2)) extra.push(join(steps.slice(0, 2)));
    }
    const refs: string[] = [];
    for (let end = steps.length; end > subject; end--) refs.push(join(steps.slice(0, end)));
    refs.push(join(steps.slice(0, Math.min(subject, steps.length))));
    for (const e of extra) if (!refs.includes(e)) refs.push(e);
    return refs;
}

/** An expression that refers to these traversals (`aws_sqs_queue.jobs.arn`, `var.name`, `module.dlq["a"].arn`). */
export const r = (...traversals: string[]): Expression => ({ references: traversals.flatMap(referencesOf) });

export function hasUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (Array.isArray(value)) return value.some(hasUnknown);
    if (value !== null && typeof value === "object") return Object.values(value).some(hasUnknown);
    return false;
}

function sortedJson(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(sortedJson);
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedJson((value as Record<string, unknown>)[k])]));
    }
    return value;
}

/** `jsonencode(...)`: compact, keys sorted (cty marshals object attributes in order); unknown if any leaf is. */
export const json = (value: unknown): unknown => (hasUnknown(value) ? UNKNOWN : JSON.stringify(sortedJson(value)));

/** `"${a}:${b}"`: unknown if any part is. */
export const join = (...parts: unknown[]): unknown => (parts.some((p) => p === UNKNOWN) ? UNKNOWN : parts.join(""));

interface ConfigResource {
    type: string;
    name: string;
    mode?: "managed" | "data";
    expressions: Expressions;
    count_expression?: Expression;
    for_each_expression?: Expression;
    depends_on?: string[];
    provider_config_key?: string;
}

export interface ModuleBody {
    resources: ConfigResource[];
    outputs?: Record<string, Expression>;
    variables?: Record<string, { default?: unknown; description?: string }>;
}

export interface ModuleCall {
    source: string;
    expressions: Expressions;
    count_expression?: Expression;
    for_each_expression?: Expression;
    depends_on?: string[];
    body: ModuleBody;
    calls?: Record<string, ModuleCall>;
}

interface Instance {
    module: Step[];
    type: string;
    name: string;
    index?: string | number;
    mode: "managed" | "data";
    values: Record<string, unknown>;
}

function keySuffix(key: string | number | undefined): string {
    return key === undefined ? "" : typeof key === "number" ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

export const moduleAddress = (path: Step[]) => path.map((s) => `module.${s.call}${keySuffix(s.key)}`).join(".");

export function addressOf(path: Step[], type: string, name: string, index?: string | number, mode: "managed" | "data" = "managed"): string {
    const local = `${mode === "data" ? "data." : ""}${type}.${name}${keySuffix(index)}`;
    return path.length > 0 ? `${moduleAddress(path)}.${local}` : local;
}

/** The attributes the provider computes, by Terraform type (from @pulumi/aws 7's declarations: outputs always present). */
const COMPUTED: Record<string, string[]> = {
    aws_sns_topic: ["arn", "id", "beginning_archive_time", "fifo_throughput_scope", "name", "name_prefix", "owner", "policy", "signature_version", "tags_all", "tracing_config"],
    aws_cloudwatch_log_group: ["arn", "id", "deletion_protection_enabled", "log_group_class", "name", "name_prefix", "tags_all"],
    aws_iam_role: ["arn", "id", "create_date", "inline_policy", "managed_policy_arns", "name", "name_prefix", "tags_all", "unique_id"],
    aws_iam_role_policy: ["id", "name", "name_prefix"],
    aws_lambda_function: [
        "architectures", "arn", "id", "code_sha256", "ephemeral_storage", "invoke_arn", "last_modified", "logging_config", "function_name", "qualified_arn",
        "qualified_invoke_arn", "response_streaming_invoke_arn", "signing_job_arn", "signing_profile_version_arn", "source_code_hash", "source_code_size",
        "tags_all", "tracing_config", "version",
    ],
    aws_sqs_queue: [
        "arn", "id", "deduplication_scope", "fifo_throughput_limit", "kms_data_key_reuse_period_seconds", "name", "name_prefix", "policy", "redrive_allow_policy",
        "redrive_policy", "sqs_managed_sse_enabled", "tags_all", "url",
    ],
    aws_cloudwatch_metric_alarm: ["arn", "id", "evaluate_low_sample_count_percentiles", "alarm_name", "tags_all"],
    aws_dynamodb_table: [
        "arn", "id", "attribute", "global_secondary_index", "global_table_witness", "hash_key", "name", "point_in_time_recovery", "read_capacity", "server_side_encryption",
        "stream_arn", "stream_label", "stream_view_type", "tags_all", "ttl", "warm_throughput", "write_capacity",
    ],
    aws_lambda_event_source_mapping: [
        "amazon_managed_kafka_event_source_config", "arn", "id", "function_arn", "last_modified", "last_processing_result", "maximum_record_age_in_seconds",
        "maximum_retry_attempts", "parallelization_factor", "self_managed_kafka_event_source_config", "state", "state_transition_reason", "tags_all", "uuid",
    ],
    aws_cloudwatch_event_rule: ["arn", "id", "name", "name_prefix", "tags_all"],
    aws_lambda_permission: ["id", "statement_id", "statement_id_prefix"],
    aws_cloudwatch_event_target: ["id", "target_id"],
    aws_api_gateway_rest_api: [
        "api_key_source", "arn", "id", "binary_media_types", "created_date", "description", "disable_execute_api_endpoint", "endpoint_configuration", "execution_arn",
        "minimum_compression_size", "name", "policy", "root_resource_id", "security_policy", "tags_all",
    ],
    aws_api_gateway_resource: ["id", "path"],
    aws_api_gateway_method: ["id"],
    aws_api_gateway_integration: ["id", "cache_namespace", "passthrough_behavior", "response_transfer_mode"],
    aws_api_gateway_deployment: ["id", "created_date"],
    aws_api_gateway_stage: ["arn", "id", "execution_arn", "invoke_url", "tags_all", "web_acl_arn"],
    aws_api_gateway_method_settings: ["id"],
    aws_lambda_function_url: ["id", "function_arn", "function_url", "url_id"],
    aws_sfn_state_machine: [
        "arn", "id", "creation_date", "description", "encryption_configuration", "logging_configuration", "name", "name_prefix", "revision_id",
        "state_machine_version_arn", "status", "tags_all", "tracing_configuration", "version_description",
    ],
    aws_wafv2_web_acl: ["application_integration_url", "arn", "id", "capacity", "lock_token", "name", "name_prefix", "tags_all"],
    aws_wafv2_web_acl_association: ["id"],
    aws_budgets_budget: ["account_id", "arn", "id", "cost_filter", "cost_types", "limit_amount", "limit_unit", "name", "name_prefix", "tags_all", "time_period_start"],
    aws_sns_topic_subscription: ["arn", "id", "confirmation_was_authenticated", "filter_policy_scope", "owner_id", "pending_confirmation"],
    aws_lambda_function_event_invoke_config: ["id"],
    aws_lambda_capacity_provider: ["arn", "id", "capacity_provider_scaling_config", "instance_requirements", "tags_all"],
    aws_iam_role_policy_attachment: ["id"],
};

/** What AWS returns for the computed attributes once the resource exists ("applied" mode). */
function appliedValues(type: string, name: string, v: Record<string, unknown>): Record<string, unknown> {
    const { account, region, partition } = ENV;
    const arn = (service: string, resource: string, withRegion = true, withAccount = true) =>
        `arn:${partition}:${service}:${withRegion ? region : ""}:${withAccount ? account : ""}:${resource}`;
    const id10 = (seed: string) => [...seed].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7).toString(36).padStart(10, "0").slice(-10);
    const named = (attribute: string) => (typeof v[attribute] === "string" ? (v[attribute] as string) : name);
    switch (type) {
        case "aws_sns_topic":
            return { arn: arn("sns", named("name")), id: arn("sns", named("name")), name: named("name"), owner: account, policy: "", tracing_config: "PassThrough" };
        case "aws_cloudwatch_log_group":
            return { arn: arn("logs", `log-group:${named("name")}`), id: named("name"), name: named("name"), log_group_class: "STANDARD" };
        case "aws_iam_role":
            return { arn: arn("iam", `role/${named("name")}`, false), id: named("name"), name: named("name"), unique_id: `AROA${id10(name).toUpperCase()}`, inline_policy: [], managed_policy_arns: [] };
        case "aws_iam_role_policy":
            return { id: `${v.role}:${named("name")}`, name: named("name") };
        case "aws_lambda_function": {
            const fn = named("function_name");
            const fnArn = arn("lambda", `function:${fn}`);
            // A published function's version is a number (the first publish gives "1").
            const version = v.publish === true ? "1" : "$LATEST";
            return {
                arn: fnArn,
                id: fn,
                function_name: fn,
                invoke_arn: `arn:${partition}:apigateway:${region}:lambda:path/2015-03-31/functions/${fnArn}/invocations`,
                qualified_arn: `${fnArn}:${version}`,
                version,
                architectures: ["x86_64"],
                ephemeral_storage: [{ size: 512 }],
                tracing_config: [{ mode: "PassThrough" }],
                logging_config: [{ log_format: "Text", log_group: `/aws/lambda/${fn}`, application_log_level: "", system_log_level: "" }],
            };
        }
        case "aws_sqs_queue": {
            const queue = named("name");
            return {
                arn: arn("sqs", queue),
                id: `https://sqs.${region}.amazonaws.com/${account}/${queue}`,
                url: `https://sqs.${region}.amazonaws.com/${account}/${queue}`,
                name: queue,
                policy: "",
                redrive_policy: "",
                redrive_allow_policy: "",
                sqs_managed_sse_enabled: true,
            };
        }
        case "aws_cloudwatch_metric_alarm":
            return { arn: arn("cloudwatch", `alarm:${named("alarm_name")}`), id: named("alarm_name"), alarm_name: named("alarm_name") };
        case "aws_dynamodb_table": {
            const table = named("name");
            return { arn: arn("dynamodb", `table/${table}`), id: table, stream_arn: v.stream_enabled ? arn("dynamodb", `table/${table}/stream/2026-01-01T00:00:00.000`) : "", stream_label: "2026-01-01T00:00:00.000" };
        }
        case "aws_lambda_event_source_mapping": {
            const uuid = `${id10(name)}-0000-4000-8000-000000000000`;
            const stream = typeof v.starting_position === "string";
            return { arn: arn("lambda", `event-source-mapping:${uuid}`), id: uuid, uuid, state: "Enabled", function_arn: v.function_name, maximum_retry_attempts: stream ? -1 : 0, maximum_record_age_in_seconds: stream ? -1 : 0, parallelization_factor: stream ? 1 : 0 };
        }
        case "aws_cloudwatch_event_rule":
            return { arn: arn("events", `rule/${named("name")}`), id: named("name"), name: named("name") };
        case "aws_lambda_permission":
            return { id: `terraform-${id10(name)}`, statement_id: `terraform-${id10(name)}` };
        case "aws_cloudwatch_event_target":
            return { id: `${v.rule}-${name}`, target_id: name };
        case "aws_api_gateway_rest_api": {
            const api = id10(name);
            return { arn: `arn:${partition}:apigateway:${region}::/restapis/${api}`, id: api, execution_arn: arn("execute-api", api), root_resource_id: id10(`${name}/root`), name: named("name"), policy: "", api_key_source: "HEADER" };
        }
        case "aws_api_gateway_resource":
            return { id: id10(name), path: `/${v.path_part}` };
        case "aws_api_gateway_method":
            return { id: `agm-${v.rest_api_id}-${v.resource_id}-${v.http_method}` };
        case "aws_api_gateway_integration":
            return { id: `agi-${v.rest_api_id}-${v.resource_id}-${v.http_method}`, passthrough_behavior: "WHEN_NO_MATCH" };
        case "aws_api_gateway_deployment":
            return { id: id10(name), created_date: "2026-01-01T00:00:00Z" };
        case "aws_api_gateway_stage":
            return {
                arn: `arn:${partition}:apigateway:${region}::/restapis/${v.rest_api_id}/stages/${v.stage_name}`,
                id: `ags-${v.rest_api_id}-${v.stage_name}`,
                execution_arn: arn("execute-api", `${v.rest_api_id}/${v.stage_name}`),
                invoke_url: `https://${v.rest_api_id}.execute-api.${region}.amazonaws.com/${v.stage_name}`,
                web_acl_arn: "",
            };
        case "aws_api_gateway_method_settings":
            return { id: `${v.rest_api_id}-${v.stage_name}-${v.method_path}` };
        case "aws_lambda_function_url":
            return { id: String(v.function_name), function_arn: arn("lambda", `function:${v.function_name}`), function_url: `https://${id10(name)}.lambda-url.${region}.on.aws/`, url_id: id10(name) };
        case "aws_sfn_state_machine":
            return {
                arn: arn("states", `stateMachine:${named("name")}`),
                id: arn("states", `stateMachine:${named("name")}`),
                name: named("name"),
                status: "ACTIVE",
                logging_configuration: [{ include_execution_data: false, level: "OFF", log_destination: "" }],
                tracing_configuration: [{ enabled: false }],
                encryption_configuration: [{ type: "AWS_OWNED_KEY" }],
            };
        case "aws_wafv2_web_acl": {
            const id = `${id10(name)}-0000-4000-8000-000000000001`;
            return { arn: arn("wafv2", `regional/webacl/${named("name")}/${id}`), id, name: named("name"), capacity: 2, lock_token: id };
        }
        case "aws_wafv2_web_acl_association":
            return { id: `${v.web_acl_arn},${v.resource_arn}` };
        case "aws_budgets_budget":
            return { arn: `arn:${partition}:budgets::${account}:budget/${named("name")}`, id: `${account}:${named("name")}`, account_id: account, name: named("name") };
        case "aws_sns_topic_subscription":
            return { arn: `${v.topic_arn}:${id10(name)}`, id: `${v.topic_arn}:${id10(name)}`, owner_id: account, pending_confirmation: true };
        case "aws_lambda_function_event_invoke_config":
            return { id: String(v.function_name) };
        case "aws_lambda_capacity_provider":
            return { arn: arn("lambda", `capacity-provider:${named("name")}`), id: named("name"), capacity_provider_scaling_config: [], instance_requirements: [] };
        case "aws_iam_role_policy_attachment":
            return { id: `${v.role}-${id10(name)}` };
    }
    return { id: name };
}

export class PlanBuilder {
    private readonly instances: Instance[] = [];
    private readonly rootResources: ConfigResource[] = [];
    private readonly rootCalls: Record<string, ModuleCall> = {};
    private readonly rootOutputs: Record<string, Expression> = {};
    private readonly rootVariables: Record<string, { default?: unknown; description?: string }> = {};
    private readonly variableValues: Record<string, { value: unknown }> = {};

    constructor(readonly mode: Mode) {}

    /** A `resource` or `data` block of the root module. */
    configure(resource: ConfigResource) {
        this.rootResources.push(resource);
    }

    /** A `module` block of the root module. */
    module(name: string, call: ModuleCall) {
        this.rootCalls[name] = call;
    }

    output(name: string, expression: Expression) {
        this.rootOutputs[name] = expression;
    }

    /** A root module `variable` block and the value the plan ran with. */
    variable(name: string, value: unknown, declaration: { default?: unknown; description?: string } = {}) {
        this.rootVariables[name] = declaration;
        this.variableValues[name] = { value };
    }

    /**
     * One resource instance with the values the configuration gives it (Terraform names). Returns its attributes:
     * the given values, and the computed ones: unknown in "create" mode, AWS's values in "applied" mode.
     */
    add(type: string, name: string, values: Record<string, unknown>, place: { module?: Step[]; index?: string | number; data?: boolean } = {}): Record<string, unknown> {
        const computed: Record<string, unknown> = {};
        const applied = this.mode === "applied" ? appliedValues(type, name, values) : {};
        for (const attribute of COMPUTED[type] ?? ["id"]) {
            if (attribute in values) continue;
            if (this.mode === "create") computed[attribute] = UNKNOWN;
            else if (applied[attribute] !== undefined) computed[attribute] = applied[attribute];
        }
        const all = { ...values, ...computed, region: values.region ?? ENV.region };
        this.instances.push({ module: place.module ?? [], type, name, index: place.index, mode: place.data ? "data" : "managed", values: all });
        return all;
    }

    build(): Record<string, unknown> {
        const unknownMarks = (value: unknown): unknown => {
            if (value === UNKNOWN) return true;
            if (Array.isArray(value)) return value.map(unknownMarks);
            if (value !== null && typeof value === "object") {
                const marks: Record<string, unknown> = {};
                for (const [k, v] of Object.entries(value)) {
                    const m = unknownMarks(v);
                    if (m === true || (typeof m === "object" && m !== null && (Array.isArray(m) ? m.some((x) => x !== false) : Object.keys(m).length > 0))) marks[k] = m;
                }
                return marks;
            }
            return false;
        };
        const known = (value: unknown): unknown => {
            if (Array.isArray(value)) return value.map((v) => (v === UNKNOWN ? null : known(v)));
            if (value !== null && typeof value === "object") {
                return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== UNKNOWN).map(([k, v]) => [k, known(v)]));
            }
            return value;
        };
        const managed = this.instances.filter((i) => i.mode === "managed");
        const changes = [...this.instances]
            .map((i) => {
                const address = addressOf(i.module, i.type, i.name, i.index, i.mode);
                const after = known(i.values);
                const entry: Record<string, unknown> = { address };
                if (i.module.length > 0) entry.module_address = moduleAddress(i.module);
                Object.assign(entry, { mode: i.mode, type: i.type, name: i.name });
                if (i.index !== undefined) entry.index = i.index;
                entry.provider_name = "registry.terraform.io/hashicorp/aws";
                const create = this.mode === "create";
                entry.change = {
                    actions: [i.mode === "data" ? "read" : create ? "create" : "no-op"],
                    before: create || i.mode === "data" ? null : after,
                    after,
                    after_unknown: unknownMarks(i.values),
                    before_sensitive: create ? false : {},
                    after_sensitive: {},
                };
                if (i.mode === "data") entry.action_reason = "read_because_config_unknown";
                return entry;
            })
            .sort((a, b) => (String(a.address) < String(b.address) ? -1 : 1));
        const valuesTree = () => {
            const root: Record<string, unknown> = { resources: [] };
            const modules = new Map<string, Record<string, unknown>>();
            const moduleNode = (path: Step[]): Record<string, unknown> => {
                if (path.length === 0) return root;
                const address = moduleAddress(path);
                let node = modules.get(address);
                if (!node) {
                    node = { resources: [], address };
                    modules.set(address, node);
                    const parent = moduleNode(path.slice(0, -1));
                    ((parent.child_modules ??= []) as unknown[]).push(node);
                }
                return node;
            };
            for (const i of [...managed].sort((a, b) => (addressOf(a.module, a.type, a.name, a.index) < addressOf(b.module, b.type, b.name, b.index) ? -1 : 1))) {
                const entry: Record<string, unknown> = { address: addressOf(i.module, i.type, i.name, i.index), mode: "managed", type: i.type, name: i.name };
                if (i.index !== undefined) entry.index = i.index;
                Object.assign(entry, { provider_name: "registry.terraform.io/hashicorp/aws", schema_version: 0, values: known(i.values), sensitive_values: {} });
                (moduleNode(i.module).resources as unknown[]).push(entry);
            }
            return root;
        };
        const configResource = (res: ConfigResource) => {
            const entry: Record<string, unknown> = { address: `${res.mode === "data" ? "data." : ""}${res.type}.${res.name}`, mode: res.mode ?? "managed", type: res.type, name: res.name };
            // Resources of a child module that inherits the root's provider name its configuration (jsonconfig normalizeModuleProviderKeys).
            entry.provider_config_key = res.provider_config_key ?? "aws";
            entry.expressions = res.expressions;
            entry.schema_version = 0;
            if (res.count_expression) entry.count_expression = res.count_expression;
            if (res.for_each_expression) entry.for_each_expression = res.for_each_expression;
            if (res.depends_on) entry.depends_on = res.depends_on;
            return entry;
        };
        const moduleConfig = (body: ModuleBody, calls: Record<string, ModuleCall>): Record<string, unknown> => {
            const config: Record<string, unknown> = {};
            if (body.outputs) config.outputs = Object.fromEntries(Object.entries(body.outputs).map(([k, e]) => [k, { expression: e }]));
            config.resources = body.resources.map(configResource);
            if (Object.keys(calls).length > 0) {
                config.module_calls = Object.fromEntries(
                    Object.entries(calls).map(([name, call]) => {
                        const entry: Record<string, unknown> = { source: call.source, expressions: call.expressions };
                        if (call.count_expression) entry.count_expression = call.count_expression;
                        if (call.for_each_expression) entry.for_each_expression = call.for_each_expression;
                        if (call.depends_on) entry.depends_on = call.depends_on;
                        entry.module = moduleConfig(call.body, call.calls ?? {});
                        return [name, entry];
                    }),
                );
            }
            if (body.variables && Object.keys(body.variables).length > 0) config.variables = body.variables;
            return config;
        };
        const plan: Record<string, unknown> = {
            format_version: "1.2",
            terraform_version: "1.9.8",
            variables: this.variableValues,
            planned_values: { root_module: valuesTree() },
            resource_changes: changes,
        };
        if (this.mode === "applied") plan.prior_state = { format_version: "1.0", terraform_version: "1.9.8", values: { root_module: valuesTree() } };
        plan.configuration = {
            provider_config: {
                aws: { name: "aws", full_name: "registry.terraform.io/hashicorp/aws", version_constraint: "~> 6.25", expressions: { region: c(ENV.region) } },
            },
            root_module: moduleConfig({ resources: this.rootResources, outputs: this.rootOutputs, variables: this.rootVariables }, this.rootCalls),
        };
        plan.timestamp = "2026-01-01T00:00:00Z";
        plan.applyable = this.mode === "create";
        plan.complete = true;
        plan.errored = false;
        return plan;
    }
}
