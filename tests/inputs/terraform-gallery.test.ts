/**
 * The Terraform gallery (examples/terraform): the anti-pattern configuration gives the Pulumi gallery's findings, with
 * the same (policy, resource) pairs, at plan time (every new ARN unknown, as at a first preview) and in a plan against
 * the applied infrastructure (every value known, as at an update); the compliant configuration gives none. Waivers
 * match Terraform addresses.
 */
import * as path from "path";
import { readTerraformPlan } from "../../checker/inputs/terraform-plan";
import { analyze, type AnalysisResult } from "../../testing";
import { memoized } from "../helpers/memoized";
import { sharedCheck } from "../helpers/run-cache";

const ROOT = path.resolve(__dirname, "../..");
const EXAMPLES = path.join(ROOT, "examples", "terraform");
const planOf = (file: string) => readTerraformPlan(path.join(EXAMPLES, file)).resources;

/**
 * The Pulumi gallery's name for a Terraform address: the module's name for a module's `this` resource
 * (`module.thumbnailer.aws_lambda_function.this` -> thumbnailer, `module.dlq["retries-dlq"]...` -> retries-dlq),
 * else the resource's own name.
 */
function galleryName(address: string): string {
    const inModule = /^module\.([^.[]+)(?:\["([^"]+)"\])?\.[a-z0-9_]+\.this$/.exec(address);
    if (inModule) return inModule[2] ?? inModule[1];
    return address.split(".").pop()!;
}

function pairs(result: AnalysisResult, name: (n: string) => string = (n) => n) {
    const names = new Map(result.resources.map((r) => [r.urn, r.type === "pulumi:pulumi:Stack" ? "(stack)" : name(r.name)]));
    const on = (urn: string | undefined) => names.get(urn ?? "") ?? "(stack)";
    return {
        findings: [...new Set(result.violations.filter((v) => !v.unknownAtPreview).map((v) => `${v.policy} on ${on(v.urn)}`))].sort(),
        cantRun: [...new Set(result.violations.filter((v) => v.unknownAtPreview).map((v) => v.policy))].sort(),
    };
}

const pulumiGallery = path.join(ROOT, "examples", "anti-patterns");

const analyzedPlan = memoized((file) => analyze(planOf(file)));

describe("the Terraform anti-pattern gallery gives the Pulumi gallery's findings", () => {
    test("at plan time: the pairs and can't-run notices of the Pulumi gallery's first preview", async () => {
        // One after the other, so that both use the worker's running pack (tests/setup/start-packs.ts).
        const fromPlan = await analyzedPlan("anti-patterns/plan.json");
        const fromPreview = await sharedCheck(pulumiGallery, { preview: true });
        expect(pairs(fromPlan, galleryName)).toEqual(pairs(fromPreview));
        expect(pairs(fromPlan, galleryName).findings).toEqual(expect.arrayContaining(["dlq-alarm on unwatched-dlq", "lambda-memory-size on thumbnailer", "budget-alarm on (stack)"]));
    }, 300_000);

    test("against the applied infrastructure (every action no-op, values known): the pairs of an update of the Pulumi gallery", async () => {
        const fromPlan = await analyzedPlan("anti-patterns/plan-applied.json");
        const fromUpdate = await sharedCheck(pulumiGallery, { preview: false });
        expect(pairs(fromPlan, galleryName)).toEqual(pairs(fromUpdate));
        expect(pairs(fromPlan, galleryName).findings).toEqual(
            expect.arrayContaining(["no-recursive-loops on retrier", "no-recursive-loops on counter", "managed-instances-vcpu-quota on analytics-fleet", "durable-checkpoint-permissions on refunds"]),
        );
    }, 300_000);

    test("findings name Terraform addresses", async () => {
        const result = await analyzedPlan("anti-patterns/plan.json");
        const names = new Map(result.resources.map((r) => [r.urn, r.name]));
        const named = result.violations.filter((v) => v.policy === "lambda-memory-size").map((v) => names.get(v.urn ?? ""));
        expect(named).toEqual(["module.thumbnailer.aws_lambda_function.this"]);
    });

    test("a waiver names a Terraform address (globs included)", async () => {
        const result = await analyze(planOf("anti-patterns/plan.json"), {
            config: {
                "lambda-memory-size": { waivers: [{ resource: "module.thumbnailer.*", reason: "image resizing is memory-bound: sized in ticket OPS-12" }] },
                "dlq-alarm": { waivers: [{ resource: "aws_sqs_queue.unwatched-dlq", reason: "drained by the nightly job" }] },
            },
        });
        const found = pairs(result, galleryName).findings;
        expect(found).not.toContain("lambda-memory-size on thumbnailer");
        expect(found).not.toContain("dlq-alarm on unwatched-dlq");
        expect(found).toContain("lambda-reserved-concurrency on thumbnailer");
        expect(result.waivers.map((w) => w.policy).sort()).toEqual(["dlq-alarm", "lambda-memory-size"]);
    });
});

describe("the compliant Terraform configuration", () => {
    test.each(["compliant/plan.json", "compliant/plan-applied.json"])("%s: no violation", async (file) => {
        expect(pairs(await analyzedPlan(file)).findings).toEqual([]);
    });

    test("against the applied infrastructure every policy judges (no can't-run notice)", async () => {
        expect(pairs(await analyzedPlan("compliant/plan-applied.json")).cantRun).toEqual([]);
    });
});
