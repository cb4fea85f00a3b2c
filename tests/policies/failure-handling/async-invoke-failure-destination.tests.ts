import { asyncInvokeFailureDestination } from "../../../policies/failure-handling/async-invoke-failure-destination";
import { T } from "../../../policies/lib/types";
import { UNKNOWN, analyze } from "../../helpers/policy-harness";

const invokeConfig = (props: Record<string, unknown>, config?: Record<string, unknown>) =>
    analyze(asyncInvokeFailureDestination, { type: T.lambdaEventInvokeConfig, name: "worker-async", props: { functionName: "worker", ...props }, config });

const onFailure = (destination: unknown) => ({ destinationConfig: { onFailure: { destination } } });

describe("async-invoke-failure-destination", () => {
    test("compliant: a standard queue, topic, bus or function", async () => {
        for (const arn of [
            "arn:aws:sqs:eu-west-1:123456789012:failures",
            "arn:aws:sns:eu-west-1:123456789012:failures",
            "arn:aws:events:eu-west-1:123456789012:event-bus/default",
            "arn:aws:lambda:eu-west-1:123456789012:function:on-failure",
        ]) {
            expect((await invokeConfig(onFailure(arn))).violations).toEqual([]);
        }
    });

    test("violating: no on-failure destination", async () => {
        const { violations } = await invokeConfig({ maximumRetryAttempts: 2 });
        expect(violations).toEqual([expect.stringMatching(/`destinationConfig.onFailure.destination` is not set/)]);
        expect((await invokeConfig({ destinationConfig: { onSuccess: { destination: "arn:aws:sqs:eu-west-1:1:ok" } } })).violations).toHaveLength(1);
    });

    test("violating: a FIFO queue or topic", async () => {
        expect((await invokeConfig(onFailure("arn:aws:sqs:eu-west-1:123456789012:failures.fifo"))).violations[0]).toMatch(/FIFO/);
        expect((await invokeConfig(onFailure("arn:aws:sns:eu-west-1:123456789012:failures.fifo"))).violations).toHaveLength(1);
    });

    test("unknown at preview: an unknown destination is set, so it passes without an advisory", async () => {
        const outcome = await invokeConfig(onFailure(UNKNOWN));
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toBeUndefined();
        expect((await invokeConfig({ destinationConfig: UNKNOWN })).cantRunAtPreview).toBeUndefined();
    });

    test("malformed: odd blocks never throw", async () => {
        for (const destinationConfig of [null, "arn", [], { onFailure: null }, { onFailure: "x" }, { onFailure: { destination: "" } }]) {
            expect((await invokeConfig({ destinationConfig })).violations).toHaveLength(1);
        }
        expect((await invokeConfig(onFailure({ nested: [1] }))).violations).toEqual([]);
    });

    test("waiver", async () => {
        const outcome = await invokeConfig({}, { waivers: [{ resource: "worker-*", reason: "best-effort cache warmer" }] });
        expect(outcome.notApplicable).toBe("waived: best-effort cache warmer");
    });
});
