import { apiStageTracing } from "../../../policies/api-protection/stage-tracing";
import { T } from "../../../policies/lib/types";
import { UNKNOWN, analyze } from "../../helpers/policy-harness";

const LOGS = { destinationArn: "arn:aws:logs:eu-west-1:123456789012:log-group:api-access", format: '{"requestId":"$context.requestId"}' };

const stage = (props: Record<string, unknown>, options: { config?: Record<string, unknown>; noProviderDefaults?: boolean } = {}) =>
    analyze(apiStageTracing, { type: T.restApiStage, name: "prod", props: { restApi: "abc123", deployment: "dep", stageName: "prod", accessLogSettings: LOGS, ...props }, ...options });

describe("api-stage-tracing", () => {
    test("compliant: xrayTracingEnabled true", async () => {
        const outcome = await stage({ xrayTracingEnabled: true });
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toBeUndefined();
    });

    test("violating: not set (the provider has no default, so the engine sends nothing), or false", async () => {
        expect((await stage({}, { noProviderDefaults: true })).violations).toEqual([expect.stringMatching(/`xrayTracingEnabled` is not set.*`xrayTracingEnabled: true`/)]);
        expect((await stage({ xrayTracingEnabled: false })).violations).toEqual([expect.stringMatching(/`xrayTracingEnabled` is `false`/)]);
        // With the checker's Check defaults too: absent or false, the verdict is the same.
        expect((await stage({})).violations).toHaveLength(1);
    });

    test("violating only REST stages: an HTTP API stage is not judged (HTTP APIs have no X-Ray)", async () => {
        const outcome = await analyze(apiStageTracing, { type: T.httpApiStage, name: "http", props: { apiId: "abc", name: "$default" } });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toBeUndefined();
    });

    test("unknown at preview: a flag from another resource's output gets the engine's can't-run advisory, no verdict", async () => {
        const outcome = await stage({ xrayTracingEnabled: UNKNOWN });
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toMatch(/xrayTracingEnabled/);
    });

    test("malformed: odd values give a message, never a throw", async () => {
        for (const xrayTracingEnabled of ["yes", 1, [], [true], { enabled: true }, "false"]) {
            expect((await stage({ xrayTracingEnabled })).violations).toHaveLength(1);
        }
        expect((await stage({ xrayTracingEnabled: "true" })).violations).toEqual([]);
        expect((await stage({ xrayTracingEnabled: null }, { noProviderDefaults: true })).violations[0]).toMatch(/is not set/);
    });

    test("waiver", async () => {
        const outcome = await stage({ xrayTracingEnabled: false }, { config: { waivers: [{ resource: "prod", reason: "traced at CloudFront by the CDN team" }] } });
        expect(outcome.notApplicable).toBe("waived: traced at CloudFront by the CDN team");
    });
});
