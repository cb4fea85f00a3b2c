import { lambdaReservedConcurrency } from "../../../policies/lambda/reserved-concurrency";
import { T } from "../../../policies/lib/types";
import { UNKNOWN, analyze } from "../../helpers/policy-harness";

const fn = (props: Record<string, unknown>, config?: Record<string, unknown>) =>
    analyze(lambdaReservedConcurrency, { type: T.lambdaFunction, name: "worker", props: { runtime: "nodejs22.x", ...props }, config });

describe("lambda-reserved-concurrency", () => {
    test("compliant: reserved concurrency set", async () => {
        expect((await fn({ reservedConcurrentExecutions: 10 })).violations).toEqual([]);
        expect((await fn({ reservedConcurrentExecutions: 1 })).violations).toEqual([]);
    });

    test("violating: unset (the provider fills in -1)", async () => {
        const { violations } = await fn({});
        expect(violations).toHaveLength(1);
        expect(violations[0]).toMatch(/`reservedConcurrentExecutions` is -1/);
    });

    test("violating: unset on a host that does not fill provider defaults", async () => {
        const outcome = await analyze(lambdaReservedConcurrency, { type: T.lambdaFunction, props: {}, noProviderDefaults: true });
        expect(outcome.violations[0]).toMatch(/`reservedConcurrentExecutions` is not set/);
    });

    test("violating: 0 gets its own message (the function can never run)", async () => {
        const { violations } = await fn({ reservedConcurrentExecutions: 0 });
        expect(violations).toHaveLength(1);
        expect(violations[0]).toMatch(/is 0.*can never run/);
    });

    test("violating: below the configured minimum", async () => {
        expect((await fn({ reservedConcurrentExecutions: 2 }, { minimum: 5 })).violations[0]).toMatch(/is 2, below the allowed minimum of 5/);
    });

    test("unknown at preview: the engine's can't-run advisory, no false verdict", async () => {
        const outcome = await fn({ reservedConcurrentExecutions: UNKNOWN });
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toMatch(/reservedConcurrentExecutions/);
    });

    test("malformed: wrong types give a message, never a throw", async () => {
        expect((await fn({ reservedConcurrentExecutions: "many" })).violations[0]).toMatch(/not a number/);
        expect((await fn({ reservedConcurrentExecutions: [5] })).violations[0]).toMatch(/not a number/);
        expect((await fn({ reservedConcurrentExecutions: null })).violations).toHaveLength(1);
    });

    test("waiver: glob on the URN", async () => {
        const outcome = await fn({}, { waivers: [{ resource: "urn:pulumi:*::worker", reason: "account has one function" }] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toBe("waived: account has one function");
    });

    test("compliant: a Managed Instances function draws on its capacity provider, not on reserved concurrency", async () => {
        expect((await fn({ capacityProviderConfig: { lambdaManagedInstancesCapacityProviderConfig: { capacityProviderArn: "arn:aws:lambda:us-east-1:123456789012:capacity-provider:fleet" } } })).violations).toEqual([]);
        // A durable function runs on the default compute: the rule still holds.
        expect((await fn({ durableConfig: { executionTimeout: 3600 } })).violations).toHaveLength(1);
    });
});
