import { lambdaRuntimeSupported } from "../../../policies/lambda/runtime-supported";
import { newestRuntimeLike, runtimeDeprecationDates } from "../../../policies/lib/runtimes";
import { T } from "../../../policies/lib/types";
import { UNKNOWN, analyze } from "../../helpers/policy-harness";

const fn = (props: Record<string, unknown>, config?: Record<string, unknown>) =>
    analyze(lambdaRuntimeSupported, { type: T.lambdaFunction, name: "worker", props, config });

describe("lambda-runtime-supported", () => {
    beforeEach(() => {
        jest.useFakeTimers({ doNotFake: ["setImmediate", "nextTick"] });
        jest.setSystemTime(new Date("2026-01-15T12:00:00Z"));
    });
    afterEach(() => jest.useRealTimers());

    test("compliant: a runtime far from its deprecation date", async () => {
        expect((await fn({ runtime: "nodejs22.x" })).violations).toEqual([]);
        expect((await fn({ runtime: "python3.13" })).violations).toEqual([]);
    });

    test("compliant: container images, custom and unlisted runtimes pass", async () => {
        expect((await fn({ packageType: "Image", imageUri: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1" })).violations).toEqual([]);
        expect((await fn({ packageType: "Image", runtime: "nodejs16.x" })).violations).toEqual([]);
        expect((await fn({ runtime: "provided.al2023" })).violations).toEqual([]);
        expect((await fn({ runtime: "cobol85" })).violations).toEqual([]);
    });

    test("violating: past its deprecation date, with the upgrade named", async () => {
        const { violations } = await fn({ runtime: "nodejs18.x" });
        expect(violations).toHaveLength(1);
        expect(violations[0]).toMatch(/`runtime` is `nodejs18.x`, which AWS deprecated on 2025-09-01: move to `nodejs24.x`/);
        expect((await fn({ runtime: "go1.x" })).violations[0]).toMatch(/provided.al2023/);
    });

    test("violating: within warnDays of its deprecation date", async () => {
        jest.setSystemTime(new Date("2026-03-01T00:00:00Z"));
        const { violations } = await fn({ runtime: "nodejs20.x" });
        expect(violations[0]).toMatch(/deprecates on 2026-04-30 \(in 60 days\)/);
        expect((await fn({ runtime: "nodejs20.x" }, { warnDays: 30 })).violations).toEqual([]);
    });

    test("violating: on the deprecation day itself", async () => {
        jest.setSystemTime(new Date("2026-04-30T00:00:00Z"));
        expect((await fn({ runtime: "nodejs20.x" })).violations[0]).toMatch(/deprecated on 2026-04-30/);
    });

    test("unknown at preview: the engine's can't-run advisory, no false verdict", async () => {
        const outcome = await fn({ runtime: UNKNOWN });
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toMatch(/runtime/);
    });

    test("malformed: odd values never throw", async () => {
        for (const runtime of [null, 18, ["nodejs18.x"], { name: "nodejs18.x" }, "", "constructor", "__proto__"]) {
            expect((await fn({ runtime })).violations).toEqual([]);
        }
    });

    test("waiver", async () => {
        const outcome = await fn({ runtime: "python3.8" }, { waivers: [{ resource: "worker", reason: "retired next sprint" }] });
        expect(outcome.notApplicable).toBe("waived: retired next sprint");
    });

    test("the table: valid dates, and a successor for every language", () => {
        for (const [runtime, date] of Object.entries(runtimeDeprecationDates)) {
            expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
            expect(Number.isNaN(Date.parse(date))).toBe(false);
            expect(newestRuntimeLike(runtime)).toBeDefined();
        }
        expect(newestRuntimeLike("python3.9")).toBe("python3.14");
    });
});
