import { apiAccessLogJson, jsonFormatProblem } from "../../../policies/api-protection/access-log-format";
import { T } from "../../../policies/lib/types";
import { UNKNOWN, analyze } from "../../helpers/policy-harness";

const LOGS = "arn:aws:logs:eu-west-1:123456789012:log-group:api-access";
const JSON_FORMAT = JSON.stringify({ requestId: "$context.requestId", status: "$context.status", latency: "$context.responseLatency" });
// The console's presets (API Gateway developer guide, "Access logging for REST APIs").
const CLF = '$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] "$context.httpMethod $context.resourcePath $context.protocol" $context.status $context.responseLength $context.requestId';
const XML = '<request id="$context.requestId"> <ip>$context.identity.sourceIp</ip> <status>$context.status</status> </request>';
const CSV = "$context.identity.sourceIp,$context.identity.caller,$context.requestTime,$context.status,$context.requestId";

const restStage = (accessLogSettings: unknown, config?: Record<string, unknown>) =>
    analyze(apiAccessLogJson, { type: T.restApiStage, name: "prod", props: { restApi: "abc123", deployment: "dep", stageName: "prod", xrayTracingEnabled: true, accessLogSettings }, config });
const httpStage = (accessLogSettings: unknown) =>
    analyze(apiAccessLogJson, { type: T.httpApiStage, name: "http", props: { apiId: "abc123", name: "$default", accessLogSettings } });

describe("api-access-log-json", () => {
    test("compliant: a JSON object of $context variables, flat or nested, on REST and HTTP stages", async () => {
        expect((await restStage({ destinationArn: LOGS, format: JSON_FORMAT })).violations).toEqual([]);
        const nested = JSON.stringify({ requestId: "$context.requestId", caller: { ip: "$context.identity.sourceIp" } });
        expect((await httpStage({ destinationArn: LOGS, format: nested })).violations).toEqual([]);
    });

    test("compliant: no access log at all is api-access-logging's finding, not this one's", async () => {
        expect((await restStage(undefined)).violations).toEqual([]);
        expect((await restStage({ format: CLF })).violations).toEqual([]);
    });

    test.each([
        ["CLF", CLF, /is not JSON \(space-separated, like Common Log Format\)/],
        ["XML", XML, /is not JSON \(XML\)/],
        ["CSV", CSV, /is not JSON \(comma-separated\)/],
        ["an array", '["$context.requestId"]', /is not a JSON object/],
        ["JSON without variables", '{"service":"orders"}', /no `\$context` variable/],
        ["unquoted variables", '{"requestId":"$context.requestId","status":$context.status}', /is not JSON/],
    ])("violating: %s", async (_kind, format, message) => {
        const outcome = await restStage({ destinationArn: LOGS, format });
        expect(outcome.violations).toEqual([expect.stringMatching(message)]);
        expect(outcome.violations[0]).toMatch(/Logs Insights cannot query its fields/);
    });

    test("violating: a destination without a format, on an HTTP stage", async () => {
        expect((await httpStage({ destinationArn: LOGS })).violations).toEqual([expect.stringMatching(/`accessLogSettings.format` is not set/)]);
    });

    test("unknown at preview: a format built from another resource's output gets the can't-run advisory; an unknown destination still counts as set", async () => {
        const outcome = await restStage({ destinationArn: LOGS, format: UNKNOWN });
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toMatch(/format/);
        const unknownDestination = await restStage({ destinationArn: UNKNOWN, format: CLF });
        expect(unknownDestination.violations).toHaveLength(1);
        expect(unknownDestination.cantRunAtPreview).toBeUndefined();
    });

    test("malformed: odd formats and blocks give a message or nothing, never a throw", async () => {
        for (const format of [5, true, [], { requestId: "$context.requestId" }, "{", "null", "0", '"$context.requestId"']) {
            expect((await restStage({ destinationArn: LOGS, format })).violations).toHaveLength(1);
        }
        for (const accessLogSettings of [null, "on", [], 7, { destinationArn: null }]) {
            expect((await restStage(accessLogSettings)).violations).toEqual([]);
        }
        const deep = JSON.stringify(Array.from({ length: 50 }).reduce<unknown>((inner) => ({ a: inner }), "$context.requestId"));
        expect(jsonFormatProblem(deep)).toMatch(/no `\$context` variable/);
    });

    test("waiver", async () => {
        const outcome = await restStage({ destinationArn: LOGS, format: CLF }, { waivers: [{ resource: "prod", reason: "the SIEM parses CLF" }] });
        expect(outcome.notApplicable).toBe("waived: the SIEM parses CLF");
    });
});
