import { lambdaTimeout } from "../../../policies/lambda/timeout";
import { T } from "../../../policies/lib/types";
import { UNKNOWN, analyze } from "../../helpers/policy-harness";

const fn = (props: Record<string, unknown>, config?: Record<string, unknown>) =>
    analyze(lambdaTimeout, { type: T.lambdaFunction, name: "worker", props: { runtime: "nodejs22.x", ...props }, config });

describe("lambda-timeout", () => {
    test("compliant: timeout chosen and within the maximum", async () => {
        expect((await fn({ timeout: 30 })).violations).toEqual([]);
        expect((await fn({ timeout: 900 })).violations).toEqual([]);
    });

    test("violating: unset (the provider fills in 3)", async () => {
        const { violations } = await fn({});
        expect(violations).toHaveLength(1);
        expect(violations[0]).toMatch(/`timeout` is 3 seconds, the platform default/);
    });

    test("violating: unset on a host that does not fill provider defaults", async () => {
        const outcome = await analyze(lambdaTimeout, { type: T.lambdaFunction, props: {}, noProviderDefaults: true });
        expect(outcome.violations[0]).toMatch(/`timeout` is not set/);
    });

    test("violating: above the configured maximum", async () => {
        expect((await fn({ timeout: 120 }, { maximumSeconds: 60 })).violations[0]).toMatch(/120 seconds, above the allowed maximum of 60/);
    });

    test("config: allowPlatformDefault accepts 3 and unset", async () => {
        expect((await fn({}, { allowPlatformDefault: true })).violations).toEqual([]);
        const unset = await analyze(lambdaTimeout, { type: T.lambdaFunction, props: {}, noProviderDefaults: true, config: { allowPlatformDefault: true } });
        expect(unset.violations).toEqual([]);
    });

    test("unknown at preview: the engine's can't-run advisory, no false verdict", async () => {
        const outcome = await fn({ timeout: UNKNOWN });
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toMatch(/timeout/);
    });

    test("malformed: wrong types give a message, never a throw", async () => {
        expect((await fn({ timeout: "soon" })).violations[0]).toMatch(/not a number/);
        expect((await fn({ timeout: { a: [1] } })).violations[0]).toMatch(/not a number/);
        expect((await fn({ timeout: null })).violations).toHaveLength(1);
        expect((await fn({ timeout: "30" })).violations).toEqual([]);
    });

    test("waiver: named resource is not applicable, with the reason", async () => {
        const outcome = await fn({}, { waivers: [{ resource: "worker", reason: "health check, 3 s is enough" }] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toBe("waived: health check, 3 s is enough");
    });

    test("compliant: a Managed Instances function may run up to managedInstancesMaximumSeconds (AWS: 90 minutes)", async () => {
        const managed = { capacityProviderConfig: { lambdaManagedInstancesCapacityProviderConfig: { capacityProviderArn: "arn:aws:lambda:us-east-1:123456789012:capacity-provider:fleet" } } };
        expect((await fn({ ...managed, timeout: 3600 })).violations).toEqual([]);
        expect((await fn({ ...managed, timeout: 5400 })).violations).toEqual([]);
        expect((await fn({ timeout: 3600 })).violations[0]).toMatch(/above the allowed maximum of 900/);
        expect((await fn({ ...managed, timeout: 3600 }, { managedInstancesMaximumSeconds: 1800 })).violations[0]).toMatch(/above the allowed maximum of 1800/);
    });

    test("violating: a durable function keeps the per-invocation rule (the execution has its own timeout)", async () => {
        expect((await fn({ durableConfig: { executionTimeout: 86400 } })).violations[0]).toMatch(/3 seconds, the platform default/);
    });
});
