import { lambdaTracing } from "../../../policies/lambda/tracing";
import { T } from "../../../policies/lib/types";
import { UNKNOWN, analyze } from "../../helpers/policy-harness";

const fn = (props: Record<string, unknown>, config?: Record<string, unknown>) =>
    analyze(lambdaTracing, { type: T.lambdaFunction, name: "worker", props: { runtime: "nodejs22.x", ...props }, config });

describe("lambda-tracing", () => {
    test("compliant: Active", async () => {
        expect((await fn({ tracingConfig: { mode: "Active" } })).violations).toEqual([]);
    });

    test("violating: no tracingConfig, or PassThrough", async () => {
        expect((await fn({})).violations[0]).toMatch(/`tracingConfig.mode` is not set/);
        expect((await fn({ tracingConfig: { mode: "PassThrough" } })).violations[0]).toMatch(/`tracingConfig.mode` is `PassThrough`, not `Active`/);
    });

    test("unknown at preview: the engine's can't-run advisory, no false verdict", async () => {
        const outcome = await fn({ tracingConfig: { mode: UNKNOWN } });
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toMatch(/tracingConfig/);
        expect((await fn({ tracingConfig: UNKNOWN })).cantRunAtPreview).toMatch(/tracingConfig/);
    });

    test("malformed: odd blocks give a message, never a throw", async () => {
        for (const tracingConfig of [null, "Active", [], [{ mode: "Active" }], { mode: 1 }, { mode: { deep: true } }]) {
            expect((await fn({ tracingConfig })).violations).toHaveLength(1);
        }
    });

    test("waiver", async () => {
        const outcome = await fn({}, { waivers: [{ resource: "worker", reason: "traced by OpenTelemetry" }] });
        expect(outcome.notApplicable).toBe("waived: traced by OpenTelemetry");
        expect(outcome.violations).toEqual([]);
    });
});
