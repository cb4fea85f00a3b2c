import { apiAccessLogging } from "../../../policies/api-protection/access-logging";
import { T } from "../../../policies/lib/types";
import { UNKNOWN, analyze } from "../../helpers/policy-harness";

const LOGS = "arn:aws:logs:eu-west-1:123456789012:log-group:api-access";

const restStage = (props: Record<string, unknown>, config?: Record<string, unknown>) =>
    analyze(apiAccessLogging, { type: T.restApiStage, name: "prod", props: { restApi: "abc123", deployment: "dep", stageName: "prod", ...props }, config });
const httpStage = (props: Record<string, unknown>) =>
    analyze(apiAccessLogging, { type: T.httpApiStage, name: "prod", props: { apiId: "abc123", name: "$default", ...props } });

describe("api-access-logging", () => {
    test("compliant: REST and HTTP stages with an access log destination", async () => {
        expect((await restStage({ accessLogSettings: { destinationArn: LOGS, format: "$context.requestId" } })).violations).toEqual([]);
        expect((await httpStage({ accessLogSettings: { destinationArn: LOGS, format: "$context.requestId" } })).violations).toEqual([]);
    });

    test("violating: no accessLogSettings on either kind of stage", async () => {
        expect((await restStage({})).violations).toEqual([expect.stringMatching(/`accessLogSettings.destinationArn` is not set/)]);
        expect((await httpStage({ accessLogSettings: { format: "$context.requestId" } })).violations).toHaveLength(1);
    });

    test("unknown at preview: a log group ARN that is unknown still counts as set", async () => {
        const outcome = await restStage({ accessLogSettings: { destinationArn: UNKNOWN, format: "x" } });
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toBeUndefined();
        expect((await httpStage({ accessLogSettings: UNKNOWN })).cantRunAtPreview).toBeUndefined();
    });

    test("malformed: odd blocks never throw", async () => {
        for (const accessLogSettings of [null, "on", [], [{ destinationArn: LOGS }], { destinationArn: null }]) {
            expect((await restStage({ accessLogSettings })).violations).toHaveLength(1);
        }
    });

    test("waiver", async () => {
        const outcome = await restStage({}, { waivers: [{ resource: "prod", reason: "logged at CloudFront" }] });
        expect(outcome.notApplicable).toBe("waived: logged at CloudFront");
    });
});
