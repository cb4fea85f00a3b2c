/**
 * The Terraform side of the benchmark (bench/terraform.ts) plans the same resources as its Pulumi program
 * (bench/terraform-program): same types, names and verdicts, so the timing compares like with like.
 */
import * as path from "path";
import { terraformPlanFrom } from "../../checker/inputs/terraform-plan";
import { analyze, capture } from "../../testing";
import { benchPlan, PROGRAM } from "../../bench/terraform";

const name = (r: { type: string; name: string }) => (r.type === "pulumi:pulumi:Stack" ? "(stack)" : r.name.split(".").pop()!);

test("the benchmark's plan and program hold the same resources and give the same verdicts", async () => {
    const planned = terraformPlanFrom(benchPlan(3), path.join(PROGRAM, "plan.json")).resources;
    const captured = await capture(PROGRAM, { preview: true, programConfig: { units: "3" } });
    const kinds = (list: typeof planned) => list.filter((r) => r.custom && !r.type.startsWith("pulumi:")).map((r) => `${r.type} ${name(r)}`).sort();
    expect(kinds(planned)).toEqual(kinds(captured));
    expect(kinds(planned)).toHaveLength(30);
    // One after the other, so that both use the worker's running pack (tests/setup/start-packs.ts).
    const fromPlan = await analyze(planned);
    const fromProgram = await analyze(captured);
    const pairs = (result: Awaited<ReturnType<typeof analyze>>) => {
        const byUrn = new Map(result.resources.map((r) => [r.urn, name(r)]));
        return [...new Set(result.violations.map((v) => `${v.policy} on ${byUrn.get(v.urn ?? "") ?? "(stack)"}${v.unknownAtPreview ? " (can't run)" : ""}`))].sort();
    };
    expect(pairs(fromPlan)).toEqual(pairs(fromProgram));
});
