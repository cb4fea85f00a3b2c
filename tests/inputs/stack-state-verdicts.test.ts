/**
 * The Done-when of the stack-state input: a stack export of the reference application gives zero violations, and one
 * of the anti-pattern gallery gives the gallery's update-mode findings; both again with every property dependency
 * removed, as discovered resources arrive (the graph then joins through ARNs and names).
 * The exports are tests/fixtures/stack-exports (scripts/export-stack-fixtures.ts writes them from update-mode captures).
 */
import * as path from "path";
import { analyzeResources } from "../../checker/analyze";
import { readStackState, stackStateFrom, withoutPropertyDependencies } from "../../checker/inputs/stack-state";
import { analyze, type AnalysisResult, type CapturedResource } from "../../testing";
import { sharedCheck } from "../helpers/run-cache";

const ROOT = path.resolve(__dirname, "../..");
const exported = (name: string) => readStackState(path.join(ROOT, "tests", "fixtures", "stack-exports", `${name}.json`), { projectDir: ROOT }).resources;

function pairs(result: AnalysisResult): string[] {
    const names = new Map(result.resources.map((r) => [r.urn, r.type === "pulumi:pulumi:Stack" ? "(stack)" : r.name]));
    return [...new Set(result.violations.map((v) => `${v.policy} on ${names.get(v.urn ?? "") ?? "(stack)"}${v.unknownAtPreview ? " (can't run)" : ""}`))].sort();
}

/** The gallery's program run as an update. */
const galleryUpdate = () => sharedCheck(path.join(ROOT, "examples", "anti-patterns"), { preview: false });

describe.each([
    ["with property dependencies", (r: CapturedResource[]) => r],
    ["without property dependencies (ARN and name joins)", withoutPropertyDependencies],
])("stack export, %s", (_, prepare) => {
    test("the reference application: zero violations, every policy judged", async () => {
        const result = await analyze(prepare(exported("reference-app")));
        expect(pairs(result)).toEqual([]);
    });

    test("the anti-pattern gallery: exactly the findings of an update of the gallery", async () => {
        // One after the other, so that both use the worker's running pack (tests/setup/start-packs.ts).
        const fromState = await analyze(prepare(exported("anti-patterns")));
        const fromUpdate = await galleryUpdate();
        // A gallery changed since the export was written: run scripts/export-stack-fixtures.ts.
        const urns = (r: AnalysisResult) => r.resources.filter((x) => !x.type.startsWith("pulumi:providers:")).map((x) => x.urn).sort();
        expect(urns(fromState)).toEqual(urns(fromUpdate));
        expect(pairs(fromState)).toEqual(pairs(fromUpdate));
        expect(pairs(fromState)).toEqual(expect.arrayContaining(["dlq-alarm on unwatched-dlq", "no-recursive-loops on retrier", "budget-alarm on (stack)"]));
    }, 300_000);
});

test("a remediation is reported, not applied, as `pulumi policy analyze` does on a state (applyRemediations: false)", async () => {
    const resources = exported("anti-patterns");
    const packs = [{ dir: path.join(ROOT, "policies"), config: { "lambda-memory-size": { enforcementLevel: "remediate" as const } } }];
    const memory = (result: AnalysisResult) => {
        const thumbnailer = result.resources.find((r) => r.name === "thumbnailer")!.urn;
        return {
            remediated: result.remediations.some((r) => r.policy === "lambda-memory-size" && r.urn === thumbnailer && (r.changes?.length ?? 0) > 0),
            violation: result.violations.some((v) => v.policy === "lambda-memory-size" && v.urn === thumbnailer && v.enforcementLevel === "mandatory"),
        };
    };
    const reported = await analyzeResources(resources, { packs, applyRemediations: false });
    const applied = await analyzeResources(resources, { packs });
    expect(memory(reported)).toEqual({ remediated: true, violation: true });
    expect(memory(applied)).toEqual({ remediated: true, violation: false });
}, 300_000);

test("a secret stored in the state reaches the pack marked: the message shows [secret], not the value", async () => {
    const secret = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: JSON.stringify(value) });
    const fn = "urn:pulumi:dev::p::aws:lambda/function:Function::f";
    const state = stackStateFrom({
        version: 3,
        deployment: {
            resources: [
                { urn: "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev", custom: false, type: "pulumi:pulumi:Stack" },
                {
                    urn: fn,
                    custom: true,
                    id: "f",
                    type: "aws:lambda/function:Function",
                    inputs: { runtime: "nodejs24.x", handler: "index.handler", role: "arn:aws:iam::123456789012:role/r", memorySize: secret(64), timeout: 30 },
                    outputs: { arn: "arn:aws:lambda:us-east-1:123456789012:function:f", memorySize: secret(64), timeout: 30 },
                },
            ],
        },
    });
    const result = await analyze(state.resources);
    const memory = result.violations.filter((v) => v.policy === "lambda-memory-size" && v.urn === fn).map((v) => v.message);
    expect(memory.length).toBe(1);
    expect(memory[0]).toContain("[secret]");
    expect(memory[0]).not.toMatch(/\b64\b/);
}, 120_000);
