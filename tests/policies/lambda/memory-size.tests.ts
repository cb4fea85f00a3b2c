import { lambdaMemorySize } from "../../../policies/lambda/memory-size";
import { T } from "../../../policies/lib/types";
import { UNKNOWN, analyze, remediate } from "../../helpers/policy-harness";

const fn = (props: Record<string, unknown>, config?: Record<string, unknown>) =>
    analyze(lambdaMemorySize, { type: T.lambdaFunction, name: "worker", props: { runtime: "nodejs22.x", ...props }, config });

describe("lambda-memory-size", () => {
    test("compliant: memory chosen within range", async () => {
        expect((await fn({ memorySize: 1024 })).violations).toEqual([]);
    });

    test("violating: unset (the provider fills in 128)", async () => {
        const { violations } = await fn({});
        expect(violations).toHaveLength(1);
        expect(violations[0]).toMatch(/memorySize.*128 MB/);
    });

    test("violating: unset on a host that does not fill provider defaults", async () => {
        const outcome = await analyze(lambdaMemorySize, { type: T.lambdaFunction, props: {}, noProviderDefaults: true });
        expect(outcome.violations[0]).toMatch(/not set/);
    });

    test("violating: outside the configured range", async () => {
        expect((await fn({ memorySize: 256 }, { minimumMb: 512 })).violations[0]).toMatch(/outside the allowed range \[512, 10240\]/);
        expect((await fn({ memorySize: 4096 }, { maximumMb: 2048 })).violations[0]).toMatch(/4096 MB/);
    });

    test("config: allowPlatformDefault accepts 128", async () => {
        expect((await fn({}, { allowPlatformDefault: true })).violations).toEqual([]);
    });

    test("unknown at preview: the engine's can't-run advisory, no false verdict", async () => {
        const outcome = await fn({ memorySize: UNKNOWN });
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toMatch(/memorySize/);
    });

    test("malformed: wrong type gives a message, never a throw", async () => {
        expect((await fn({ memorySize: "lots" })).violations[0]).toMatch(/not a number/);
        expect((await fn({ memorySize: null }, {})).violations).toHaveLength(1);
        await expect(fn({ memorySize: { nested: [1] } })).resolves.toBeDefined();
    });

    test("waiver: named resource is not applicable, with the reason", async () => {
        const outcome = await fn({}, { waivers: [{ resource: "work*", reason: "load-tested at 128 MB" }] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toBe("waived: load-tested at 128 MB");
    });

    test("remediation sets remediateToMb and the result passes", async () => {
        const fixed = await remediate(lambdaMemorySize, { type: T.lambdaFunction, props: {}, config: { remediateToMb: 2048 } });
        expect(fixed?.memorySize).toBe(2048);
        expect((await fn(fixed!)).violations).toEqual([]);
        expect(await remediate(lambdaMemorySize, { type: T.lambdaFunction, props: { memorySize: 512 } })).toBeUndefined();
        expect(await remediate(lambdaMemorySize, { type: T.lambdaFunction, props: { memorySize: UNKNOWN } })).toBeUndefined();
    });

    test("compliant: a Managed Instances function is judged by managed-instances-function-settings, not here", async () => {
        const managed = { capacityProviderConfig: { lambdaManagedInstancesCapacityProviderConfig: { capacityProviderArn: "arn:aws:lambda:us-east-1:123456789012:capacity-provider:fleet" } } };
        expect((await fn({ ...managed, memorySize: 32768 })).violations).toEqual([]);
        expect((await fn({ ...managed }, { maximumMb: 1024 })).violations).toEqual([]);
        // 1024 MB would be below the 2048 MB AWS requires on Managed Instances: no remediation for them.
        expect(await remediate(lambdaMemorySize, { type: T.lambdaFunction, props: managed })).toBeUndefined();
    });
});
