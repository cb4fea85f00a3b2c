import { lambdaRecursiveLoopDetection } from "../../../policies/lambda/recursive-loop-detection";
import { T } from "../../../policies/lib/types";
import { UNKNOWN, analyze, remediate } from "../../helpers/policy-harness";

const config = (props: Record<string, unknown>, policyConfig?: Record<string, unknown>) =>
    analyze(lambdaRecursiveLoopDetection, { type: T.lambdaRecursionConfig, name: "loop", props: { functionName: "worker", ...props }, config: policyConfig });

describe("lambda-recursive-loop-detection", () => {
    test("compliant: Terminate, or not stated (AWS defaults to Terminate)", async () => {
        expect((await config({ recursiveLoop: "Terminate" })).violations).toEqual([]);
        expect((await config({})).violations).toEqual([]);
    });

    test("violating: Allow", async () => {
        const { violations } = await config({ recursiveLoop: "Allow" });
        expect(violations).toHaveLength(1);
        expect(violations[0]).toMatch(/`recursiveLoop` is `Allow`.*`Terminate`/);
    });

    test("unknown at preview: the engine's can't-run advisory, no false verdict", async () => {
        const outcome = await config({ recursiveLoop: UNKNOWN });
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toMatch(/recursiveLoop/);
    });

    test("malformed: odd values never throw", async () => {
        for (const recursiveLoop of [null, 7, { Allow: true }, ["Allow"], ""]) {
            expect((await config({ recursiveLoop })).violations).toEqual([]);
        }
    });

    test("waiver: an intended, bounded loop", async () => {
        const outcome = await config({ recursiveLoop: "Allow" }, { waivers: [{ resource: "loop", reason: "bounded by a hop counter" }] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toBe("waived: bounded by a hop counter");
    });

    test("remediation sets Terminate and the result passes", async () => {
        const fixed = await remediate(lambdaRecursiveLoopDetection, { type: T.lambdaRecursionConfig, props: { functionName: "worker", recursiveLoop: "Allow" } });
        expect(fixed).toEqual({ functionName: "worker", recursiveLoop: "Terminate" });
        expect((await config(fixed!)).violations).toEqual([]);
        expect(await remediate(lambdaRecursiveLoopDetection, { type: T.lambdaRecursionConfig, props: { recursiveLoop: "Terminate" } })).toBeUndefined();
        expect(await remediate(lambdaRecursiveLoopDetection, { type: T.lambdaRecursionConfig, props: { recursiveLoop: UNKNOWN } })).toBeUndefined();
    });
});
