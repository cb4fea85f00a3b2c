/**
 * `check --terraform-plan`: a `terraform show -json` plan as the resources a Pulumi preview of the same
 * infrastructure would send: values from `change.after`, unknowns from `after_unknown`, joins from the
 * configuration's references (modules, count, for_each), Terraform addresses as names.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InputError } from "../../checker/inputs/input-error";
import { readTerraformPlan, terraformPlanFrom } from "../../checker/inputs/terraform-plan";
import type { CapturedResource } from "../../checker/types";
import { UNKNOWN } from "../checker/helpers";

const AWS = "registry.terraform.io/hashicorp/aws";
const r = (...refs: string[]) => ({ references: refs });
const c = (value: unknown) => ({ constant_value: value });

interface ChangeSpec {
    address: string;
    type: string;
    name: string;
    module?: string;
    index?: string | number;
    mode?: string;
    actions?: string[];
    after?: Record<string, unknown>;
    unknown?: Record<string, unknown>;
    provider?: string;
    deposed?: string;
}

function change(spec: ChangeSpec) {
    return {
        address: spec.address,
        ...(spec.module ? { module_address: spec.module } : {}),
        mode: spec.mode ?? "managed",
        type: spec.type,
        name: spec.name,
        ...(spec.index !== undefined ? { index: spec.index } : {}),
        provider_name: spec.provider ?? AWS,
        ...(spec.deposed ? { deposed: spec.deposed } : {}),
        change: { actions: spec.actions ?? ["create"], before: null, after: spec.after ?? {}, after_unknown: spec.unknown ?? {} },
    };
}

function plan(changes: ReturnType<typeof change>[], rootModule: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
    return {
        format_version: "1.2",
        terraform_version: "1.9.8",
        resource_changes: changes,
        configuration: { provider_config: { aws: { name: "aws", full_name: AWS, expressions: { region: c("eu-west-1") } } }, root_module: rootModule },
        ...extra,
    };
}

const byName = (resources: CapturedResource[], name: string) => {
    const found = resources.find((x) => x.name === name);
    if (!found) throw new Error(`no resource ${name} among ${resources.map((x) => x.name).join(", ")}`);
    return found;
};
const urnOf = (resources: CapturedResource[], name: string) => byName(resources, name).urn;

describe("values: change.after under Pulumi's names, every after_unknown path the unknown sentinel", () => {
    const { resources } = terraformPlanFrom(
        plan(
            [
                change({
                    address: "aws_lambda_function.worker",
                    type: "aws_lambda_function",
                    name: "worker",
                    after: {
                        function_name: "worker",
                        memory_size: 128,
                        publish: false,
                        dead_letter_config: [{}],
                        environment: [{ variables: { STAGE: "prod" } }],
                        tracing_config: [],
                        description: null,
                    },
                    unknown: { arn: true, id: true, dead_letter_config: [{ target_arn: true }], environment: [{ variables: { QUEUE_URL: true } }], tracing_config: true },
                }),
            ],
            { resources: [{ address: "aws_lambda_function.worker", mode: "managed", type: "aws_lambda_function", name: "worker", provider_config_key: "aws", expressions: { function_name: c("worker"), dead_letter_config: [{ target_arn: r("aws_sqs_queue.dlq.arn", "aws_sqs_queue.dlq") }], environment: [{ variables: r("aws_sqs_queue.jobs.url", "aws_sqs_queue.jobs") }] } }] },
        ),
        "/tmp/plan.json",
    );
    const fn = byName(resources, "aws_lambda_function.worker");

    test("the planned state (AnalyzeStack): known values, unknown leaves and unknown blocks, nulls and empty blocks left out", () => {
        expect(fn.outputs).toEqual({
            name: "worker",
            memorySize: 128,
            publish: false,
            deadLetterConfig: { targetArn: UNKNOWN },
            environment: { variables: { STAGE: "prod", QUEUE_URL: UNKNOWN } },
            tracingConfig: UNKNOWN,
            arn: UNKNOWN,
            id: UNKNOWN,
        });
    });

    test("the inputs (Analyze): no provider-only attributes, no unknowns the configuration did not set, no falsy defaults it did not set", () => {
        expect(fn.inputs).toEqual({ name: "worker", memorySize: 128, deadLetterConfig: { targetArn: UNKNOWN }, environment: { variables: { STAGE: "prod", QUEUE_URL: UNKNOWN } } });
    });

    test("the type token the AWS provider publishes for the Terraform type, the address as the name, the provider and stack beside it", () => {
        expect(fn.type).toBe("aws:lambda/function:Function");
        expect(fn.urn).toBe("urn:pulumi:terraform::tmp::aws:lambda/function:Function::aws_lambda_function.worker");
        const provider = resources.find((x) => x.type === "pulumi:providers:aws")!;
        expect(provider).toMatchObject({ name: "aws", inputs: { region: "eu-west-1" } });
        expect(fn.provider).toBe(provider.urn);
        expect(fn.parent).toBe(resources.find((x) => x.type === "pulumi:pulumi:Stack")!.urn);
    });
});

describe("which changes become resources", () => {
    const doc = plan([
        change({ address: "aws_sqs_queue.created", type: "aws_sqs_queue", name: "created" }),
        change({ address: "aws_sqs_queue.kept", type: "aws_sqs_queue", name: "kept", actions: ["no-op"], after: { name: "kept", arn: "arn:aws:sqs:eu-west-1:1:kept" } }),
        change({ address: "aws_sqs_queue.updated", type: "aws_sqs_queue", name: "updated", actions: ["update"] }),
        change({ address: "aws_sqs_queue.replaced", type: "aws_sqs_queue", name: "replaced", actions: ["delete", "create"] }),
        change({ address: "aws_sqs_queue.deleted", type: "aws_sqs_queue", name: "deleted", actions: ["delete"] }),
        change({ address: "aws_sqs_queue.forgotten", type: "aws_sqs_queue", name: "forgotten", actions: ["forget"] }),
        change({ address: "aws_sqs_queue.replaced", type: "aws_sqs_queue", name: "replaced", actions: ["delete"], deposed: "abc123" }),
        change({ address: "data.aws_iam_policy_document.p", type: "aws_iam_policy_document", name: "p", mode: "data", actions: ["read"] }),
        change({ address: "aws_api_gateway_method.get", type: "aws_api_gateway_method", name: "get" }),
        change({ address: "random_id.suffix", type: "random_id", name: "suffix", provider: "registry.terraform.io/hashicorp/random" }),
        change({ address: 'module.jobs["a"].aws_sqs_queue.this', module: 'module.jobs["a"]', type: "aws_sqs_queue", name: "this" }),
        change({ address: "aws_sqs_queue.counted[1]", type: "aws_sqs_queue", name: "counted", index: 1 }),
    ]);
    const result = terraformPlanFrom(doc, "plan.json", { rootDir: "/nowhere", name: "orders" });
    const names = result.resources.map((x) => x.name);

    test("created, kept (no-op), updated and replaced instances; deletes, forgets, deposed objects and data source reads skipped", () => {
        expect(names).toEqual([
            "orders",
            "aws",
            "aws_sqs_queue.created",
            "aws_sqs_queue.kept",
            "aws_sqs_queue.updated",
            "aws_sqs_queue.replaced",
            'module.jobs["a"].aws_sqs_queue.this',
            "aws_sqs_queue.counted[1]",
        ]);
        expect(result.skipped).toEqual({ deleted: 3, dataSources: 1 });
        expect(byName(result.resources, "aws_sqs_queue.kept").outputs.arn).toBe("arn:aws:sqs:eu-west-1:1:kept");
    });

    test("types the pack does not judge and other providers' resources are listed as not judged", () => {
        expect(result.notJudged).toEqual([
            { address: "aws_api_gateway_method.get", type: "aws_api_gateway_method", reason: "an AWS type no policy of the pack judges" },
            { address: "random_id.suffix", type: "random_id", reason: "a resource of registry.terraform.io/hashicorp/random" },
        ]);
    });
});

describe("joins: configuration references become propertyDependencies and dependencies", () => {
    // Root: a DLQ module per key (for_each), a queue per index (count), a function module fed by a variable,
    // a mapping per queue (for_each over the queues), a policy document read through a data source.
    const configuration = {
        resources: [
            { address: "aws_sns_topic.alerts", mode: "managed", type: "aws_sns_topic", name: "alerts", expressions: { name: c("alerts") } },
            {
                address: "aws_sqs_queue.jobs",
                mode: "managed",
                type: "aws_sqs_queue",
                name: "jobs",
                count_expression: c(2),
                expressions: { name: r("count.index"), redrive_policy: r("aws_sqs_queue.dlq", "count.index") },
            },
            { address: "aws_sqs_queue.dlq", mode: "managed", type: "aws_sqs_queue", name: "dlq", count_expression: c(2), expressions: { name: r("count.index") } },
            {
                address: "aws_lambda_event_source_mapping.each",
                mode: "managed",
                type: "aws_lambda_event_source_mapping",
                name: "each",
                for_each_expression: r("module.queues"),
                expressions: { event_source_arn: r("each.value.arn", "each.value"), function_name: r("module.worker.arn", "module.worker") },
                depends_on: ["aws_sns_topic.alerts"],
            },
            {
                address: "aws_iam_role_policy.p",
                mode: "managed",
                type: "aws_iam_role_policy",
                name: "p",
                expressions: { policy: r("data.aws_iam_policy_document.p.json", "data.aws_iam_policy_document.p"), role: r("local.role_name") },
            },
            { address: "data.aws_iam_policy_document.p", mode: "data", type: "aws_iam_policy_document", name: "p", expressions: { statement: [{ resources: r('module.queues["a"].arn', 'module.queues["a"]') }] } },
        ],
        module_calls: {
            queues: {
                source: "./modules/queue",
                for_each_expression: c({ a: 1, b: 2 }),
                expressions: { topic_arn: r("aws_sns_topic.alerts.arn", "aws_sns_topic.alerts") },
                module: {
                    resources: [
                        { address: "aws_sqs_queue.this", mode: "managed", type: "aws_sqs_queue", name: "this", expressions: { name: r("each.key") } },
                        { address: "aws_sns_topic_subscription.this", mode: "managed", type: "aws_sns_topic_subscription", name: "this", expressions: { topic_arn: r("var.topic_arn"), endpoint: r("aws_sqs_queue.this.arn", "aws_sqs_queue.this") } },
                    ],
                    outputs: { arn: { expression: r("aws_sqs_queue.this.arn", "aws_sqs_queue.this") } },
                },
            },
            worker: {
                source: "./modules/worker",
                expressions: { queue_arn: r('module.queues["b"].arn', 'module.queues["b"]') },
                module: {
                    resources: [
                        { address: "aws_lambda_function.this", mode: "managed", type: "aws_lambda_function", name: "this", expressions: { function_name: c("w") } },
                        { address: "aws_iam_role_policy.this", mode: "managed", type: "aws_iam_role_policy", name: "this", expressions: { policy: r("var.queue_arn"), role: c("r") } },
                    ],
                    outputs: { arn: { expression: r("aws_lambda_function.this.arn", "aws_lambda_function.this") } },
                },
            },
        },
    };
    const unknownArn = { arn: true };
    const doc = plan(
        [
            change({ address: "aws_sns_topic.alerts", type: "aws_sns_topic", name: "alerts", after: { name: "alerts" }, unknown: unknownArn }),
            ...[0, 1].flatMap((i) => [
                change({ address: `aws_sqs_queue.jobs[${i}]`, type: "aws_sqs_queue", name: "jobs", index: i, after: { name: `${i}` }, unknown: { redrive_policy: true, arn: true } }),
                change({ address: `aws_sqs_queue.dlq[${i}]`, type: "aws_sqs_queue", name: "dlq", index: i, after: { name: `${i}` }, unknown: unknownArn }),
            ]),
            ...["a", "b"].flatMap((k) => [
                change({ address: `module.queues["${k}"].aws_sqs_queue.this`, module: `module.queues["${k}"]`, type: "aws_sqs_queue", name: "this", unknown: unknownArn }),
                change({ address: `module.queues["${k}"].aws_sns_topic_subscription.this`, module: `module.queues["${k}"]`, type: "aws_sns_topic_subscription", name: "this", unknown: { topic_arn: true, endpoint: true } }),
                change({ address: `aws_lambda_event_source_mapping.each["${k}"]`, type: "aws_lambda_event_source_mapping", name: "each", index: k, unknown: { event_source_arn: true, function_name: true } }),
            ]),
            change({ address: "module.worker.aws_lambda_function.this", module: "module.worker", type: "aws_lambda_function", name: "this", unknown: unknownArn }),
            change({ address: "module.worker.aws_iam_role_policy.this", module: "module.worker", type: "aws_iam_role_policy", name: "this", unknown: { policy: true } }),
            change({ address: "aws_iam_role_policy.p", type: "aws_iam_role_policy", name: "p", unknown: { policy: true, role: true } }),
            change({ address: "data.aws_iam_policy_document.p", type: "aws_iam_policy_document", name: "p", mode: "data", actions: ["read"] }),
        ],
        configuration,
    );
    const { resources } = terraformPlanFrom(doc, "plan.json", { rootDir: "/nowhere" });
    const deps = (name: string) => byName(resources, name).propertyDependencies;
    const u = (name: string) => urnOf(resources, name);

    test("count: count.index picks the instance with the same index", () => {
        expect(deps("aws_sqs_queue.jobs[0]")).toEqual({ redrivePolicy: [u("aws_sqs_queue.dlq[0]")] });
        expect(deps("aws_sqs_queue.jobs[1]")).toEqual({ redrivePolicy: [u("aws_sqs_queue.dlq[1]")] });
    });

    test("for_each: each.value follows the for_each expression to the instance with the same key, through a module's output", () => {
        expect(deps('aws_lambda_event_source_mapping.each["a"]').eventSourceArn).toEqual([u('module.queues["a"].aws_sqs_queue.this')]);
        expect(deps('aws_lambda_event_source_mapping.each["b"]').eventSourceArn).toEqual([u('module.queues["b"].aws_sqs_queue.this')]);
    });

    test("modules: an output names the resource its expression refers to; a variable, the caller's argument", () => {
        expect(deps('aws_lambda_event_source_mapping.each["a"]').functionName).toEqual([u("module.worker.aws_lambda_function.this")]);
        expect(deps('module.queues["a"].aws_sns_topic_subscription.this')).toEqual({
            topic: [u("aws_sns_topic.alerts")],
            endpoint: [u('module.queues["a"].aws_sqs_queue.this')],
        });
        expect(deps("module.worker.aws_iam_role_policy.this")).toEqual({ policy: [u('module.queues["b"].aws_sqs_queue.this')] });
    });

    test("data sources are followed to the resources their arguments name; a local, which the plan does not describe, stays a marker", () => {
        expect(deps("aws_iam_role_policy.p").policy).toEqual([u('module.queues["a"].aws_sqs_queue.this')]);
        expect(deps("aws_iam_role_policy.p").role).toEqual(["urn:pulumi:terraform::nowhere::terraform:index:reference::local.role_name"]);
    });

    test("dependencies hold every joined resource and depends_on; for_each's own references too", () => {
        const mapping = byName(resources, 'aws_lambda_event_source_mapping.each["a"]');
        expect(new Set(mapping.dependencies)).toEqual(
            new Set([u('module.queues["a"].aws_sqs_queue.this'), u("module.worker.aws_lambda_function.this"), u("aws_sns_topic.alerts"), ...["a", "b"].flatMap((k) => [u(`module.queues["${k}"].aws_sqs_queue.this`), u(`module.queues["${k}"].aws_sns_topic_subscription.this`)])]),
        );
    });

    test("an unknown attribute nothing refers to stays unset (no propertyDependencies entry), as in a first preview", () => {
        expect(deps("aws_sqs_queue.dlq[0]")).toEqual({});
        expect(byName(resources, "aws_sqs_queue.dlq[0]").outputs.arn).toBe(UNKNOWN);
    });
});

describe("bad input: exit 2 with what was expected, never a crash", () => {
    test.each([
        ["a Pulumi stack export", { version: 3, deployment: { resources: [] } }, /not a Terraform plan \(this is a Pulumi stack export: use --stack-state\)/],
        ["another JSON document", { hello: 1 }, /not a Terraform plan; expected the JSON of `terraform show -json <planfile>`/],
        ["a list", [], /not a Terraform plan/],
        ["format_version 2.0", { format_version: "2.0", resource_changes: [] }, /format_version "2.0"; expected 1.x/],
        ["format_version 0.1", { format_version: "0.1", resource_changes: [] }, /format_version "0.1"; expected 1.x/],
        ["Terraform state", { format_version: "1.0", values: { root_module: {} } }, /is Terraform state, not a plan/],
        ["an empty plan", { format_version: "1.2", planned_values: {} }, /empty plan \(no resource_changes\): expected a plan of a configuration with resources/],
        ["a plan of another provider", plan([change({ address: "google_storage_bucket.b", type: "google_storage_bucket", name: "b", provider: "registry.terraform.io/hashicorp/google" })]), /plan for registry.terraform.io\/hashicorp\/google, not for the AWS provider/],
        ["a plan of deletes only", plan([change({ address: "aws_sqs_queue.q", type: "aws_sqs_queue", name: "q", actions: ["delete"] })]), /only deletes and reads/],
    ])("%s", (_, document, message) => {
        expect(() => terraformPlanFrom(document, "plan.json")).toThrow(InputError);
        expect(() => terraformPlanFrom(document, "plan.json")).toThrow(message);
    });

    test("odd values inside a valid plan do not throw", () => {
        const odd = plan([
            change({ address: "aws_sqs_queue.q", type: "aws_sqs_queue", name: "q", after: { name: 5, redrive_policy: { not: "a string" }, tags: "x" } as never, unknown: "weird" as never }),
            change({ address: "aws_lambda_function.f", type: "aws_lambda_function", name: "f", after: { tracing_config: "odd", environment: [[1]] } as never, unknown: { tracing_config: [[true]] } }),
            { address: 5, type: null } as never,
        ]);
        (odd as Record<string, unknown>).configuration = { root_module: { resources: [{ address: "aws_sqs_queue.q", expressions: { name: { references: [5, "module", "aws_sqs_queue", "var.", "[0]"] } } }], module_calls: { x: null } } };
        const { resources } = terraformPlanFrom(odd, "plan.json");
        expect(resources.map((x) => x.name)).toContain("aws_sqs_queue.q");
    });

    test("a file that is not JSON, or empty, is refused plainly", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-plan-"));
        try {
            fs.writeFileSync(path.join(dir, "plan.json"), "Terraform will perform the following actions:");
            expect(() => readTerraformPlan(path.join(dir, "plan.json"))).toThrow(/is not JSON .*; expected the JSON of `terraform show -json <planfile>`/);
            fs.writeFileSync(path.join(dir, "plan.json"), " \n");
            expect(() => readTerraformPlan(path.join(dir, "plan.json"))).toThrow(/is empty/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("where each resource is written", () => {
    const examples = path.resolve(__dirname, "../../examples/terraform/anti-patterns");
    const { resources } = readTerraformPlan(path.join(examples, "plan.json"));

    test("a root module resource: its .tf file and line", () => {
        const queue = byName(resources, "aws_sqs_queue.unwatched-dlq");
        const line = fs.readFileSync(path.join(examples, "main.tf"), "utf8").split("\n").indexOf('resource "aws_sqs_queue" "unwatched-dlq" {') + 1;
        expect(queue.sourcePosition).toEqual({ file: path.join(examples, "main.tf"), line, column: 1 });
    });

    test("a module's resource: the module's folder from its source, the block's file and line there", () => {
        const fn = byName(resources, "module.thumbnailer.aws_lambda_function.this");
        expect(fn.sourcePosition?.file).toBe(path.resolve(examples, "../modules/function/main.tf"));
        expect(fn.sourcePosition?.line).toBeGreaterThan(1);
        expect(byName(resources, 'module.dlq["invoices-dlq"].aws_sqs_queue.this').sourcePosition?.file).toBe(path.resolve(examples, "../modules/alarmed-dlq/main.tf"));
    });
});
