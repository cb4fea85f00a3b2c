import { durableExecutionBounds } from "../../../policies/durable-functions/execution-bounds";
import { T } from "../../../policies/lib/types";
import { UNKNOWN, analyze } from "../../helpers/policy-harness";

const fn = (durableConfig: unknown, config?: Record<string, unknown>) =>
    analyze(durableExecutionBounds, { type: T.lambdaFunction, name: "orders", props: { runtime: "nodejs24.x", ...(durableConfig === undefined ? {} : { durableConfig }) }, config });

describe("durable-execution-bounds", () => {
    test("compliant: a day's timeout and a week's history; retention unset is AWS's 14 days", async () => {
        expect((await fn({ executionTimeout: 86400, retentionPeriod: 7 })).violations).toEqual([]);
        expect((await fn({ executionTimeout: 3600 })).violations).toEqual([]);
        expect((await fn({ executionTimeout: 31622400, retentionPeriod: 90 }, { maximumExecutionTimeoutSeconds: 31622400 })).violations).toEqual([]);
    });

    test("compliant: a function that is not durable is not this policy's business", async () => {
        expect((await fn(undefined)).violations).toEqual([]);
    });

    test("violating: a timeout above the maximum, a retention outside the bounds, no timeout", async () => {
        expect((await fn({ executionTimeout: 31622400 })).violations[0]).toMatch(/31622400 seconds, above the allowed maximum of 2592000/);
        expect((await fn({ executionTimeout: 3600, retentionPeriod: 1 })).violations[0]).toMatch(/`durableConfig.retentionPeriod` is 1 days, outside the allowed range \[7, 90\]/);
        expect((await fn({ executionTimeout: 3600 }, { minimumRetentionDays: 30 })).violations[0]).toMatch(/14 days, outside the allowed range \[30, 90\]/);
        expect((await fn({ retentionPeriod: 14 })).violations[0]).toMatch(/`durableConfig.executionTimeout` is not set/);
        expect((await fn({ executionTimeout: 40000000, retentionPeriod: 0 })).violations).toHaveLength(2);
    });

    test("unknown at preview: an unknown timeout gives the engine's advisory, no false verdict", async () => {
        const outcome = await fn({ executionTimeout: UNKNOWN, retentionPeriod: 7 });
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toMatch(/executionTimeout/);
    });

    test("malformed: odd values give a message, never a throw", async () => {
        expect((await fn("forever")).violations[0]).toMatch(/not a block/);
        expect((await fn([1])).violations[0]).toMatch(/not a block/);
        expect((await fn({ executionTimeout: "long", retentionPeriod: { days: 1 } })).violations).toHaveLength(2);
        expect((await fn({ executionTimeout: -5 })).violations[0]).toMatch(/not a positive number/);
    });

    test("waiver: a waived function is not applicable", async () => {
        expect((await fn({ executionTimeout: 31622400 }, { waivers: [{ resource: "orders", reason: "yearly renewal workflow" }] })).notApplicable).toMatch(/yearly renewal/);
    });
});
