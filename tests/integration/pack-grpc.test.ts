/**
 * The compiled pack (policies/bin, built by `npm test` before Jest), started the way the engine starts it
 * and spoken to over the Analyzer gRPC protocol: GetAnalyzerInfo, Configure, Remediate then Analyze.
 */
import Ajv from "ajv";
import * as fs from "fs";
import * as path from "path";
import { PackClient } from "../../checker/pack-client";
import type { PolicyConfigEntry, PolicyInfo } from "../../checker/pack-messages";
import { allPolicies } from "../../policies/all";
import { T } from "../../policies/lib/types";
import { withoutRunningPacks } from "../setup/running-packs";

// Started as the engine starts it: a pack of this file's own, not one of the test run's running packs.
withoutRunningPacks();

const policiesDir = path.join(__dirname, "..", "..", "policies");
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const KINESIS = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders";

const resource = (type: string, name: string, properties: Record<string, unknown>) => ({
    type,
    name,
    urn: `urn:pulumi:dev::app::${type}::${name}`,
    properties,
});

/**
 * What the engine sends in Configure: an entry for every policy, schema defaults under the overrides.
 * lambda-runtime-supported is off here: its verdict depends on today's date (its unit test fakes the clock).
 */
function engineConfig(policies: PolicyInfo[], overrides: Record<string, PolicyConfigEntry["enforcementLevel"]>) {
    const levels: typeof overrides = { "lambda-runtime-supported": "disabled", ...overrides };
    const config: Record<string, PolicyConfigEntry> = {};
    for (const policy of policies) {
        const properties: Record<string, unknown> = {};
        for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
            if (schema.default !== undefined) properties[key] = schema.default;
        }
        config[policy.name] = { enforcementLevel: levels[policy.name] ?? policy.enforcementLevel, properties };
    }
    return config;
}

describe("the compiled pack over gRPC, started as the engine starts it", () => {
    let pack: PackClient;
    let policies: PolicyInfo[];

    beforeAll(async () => {
        if (!fs.existsSync(path.join(policiesDir, "bin", "index.js"))) throw new Error("policies/bin is missing: run `npm run build` first");
        pack = await PackClient.start(policiesDir);
        policies = (await pack.getAnalyzerInfo()).policies;
    });
    afterAll(() => pack?.close());

    test("GetAnalyzerInfo: every policy, with metadata and config schemas that are valid JSON Schema with defaults", async () => {
        const info = await pack.getAnalyzerInfo();
        expect(info.name).toBe("serverless-guardrails");
        expect(info.supportsConfig).toBe(true);
        expect(policies.map((p) => p.name).sort()).toEqual(allPolicies.map((p) => p.name).sort());
        const ajv = new Ajv({ strict: false });
        for (const policy of policies) {
            expect(policy).toMatchObject({
                displayName: expect.any(String),
                description: expect.any(String),
                severity: expect.stringMatching(/^(low|medium|high|critical)$/),
                remediationSteps: expect.any(String),
                url: expect.stringMatching(new RegExp(`#${policy.name}$`)),
            });
            expect(policy.tags.length).toBeGreaterThan(0);
            expect(() => ajv.compile({ type: "object", ...policy.configSchema })).not.toThrow();
            for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
                expect({ policy: policy.name, key, hasDefault: schema.default !== undefined }).toEqual({ policy: policy.name, key, hasDefault: true });
            }
        }
    });

    test("Configure (an entry for every policy), then Remediate chains fixes and Analyze passes the result", async () => {
        await pack.configure(
            engineConfig(policies, {
                "lambda-memory-size": "remediate",
                "lambda-recursive-loop-detection": "remediate",
                "stream-bounded-retries": "remediate",
                "batch-item-failures": "remediate",
            }),
        );

        const fn = resource(T.lambdaFunction, "worker", { runtime: "nodejs22.x", memorySize: 128, timeout: 30, reservedConcurrentExecutions: 5, tracingConfig: { mode: "Active" } });
        const fnFix = await pack.remediate(fn);
        expect(fnFix.remediations.map((r) => r.policyName)).toEqual(["lambda-memory-size"]);
        const fixedFn = fnFix.remediations[0].properties!;
        expect(fixedFn.memorySize).toBe(1024);
        expect((await pack.analyze({ ...fn, properties: fixedFn })).diagnostics).toEqual([]);

        const mapping = resource(T.lambdaEventSourceMapping, "orders", {
            eventSourceArn: KINESIS,
            functionName: "worker",
            startingPosition: "LATEST",
            destinationConfig: { onFailure: { destinationArn: "arn:aws:sqs:eu-west-1:123456789012:orders-failed" } },
        });
        const mappingFix = await pack.remediate(mapping);
        expect(mappingFix.remediations.map((r) => r.policyName)).toEqual(["stream-bounded-retries", "batch-item-failures"]);
        const fixedMapping = mappingFix.remediations[mappingFix.remediations.length - 1].properties!;
        expect(fixedMapping).toMatchObject({
            maximumRetryAttempts: 10,
            maximumRecordAgeInSeconds: 3600,
            bisectBatchOnFunctionError: true,
            functionResponseTypes: ["ReportBatchItemFailures"],
        });
        expect((await pack.analyze({ ...mapping, properties: fixedMapping })).diagnostics).toEqual([]);

        const loop = resource(T.lambdaRecursionConfig, "loop", { functionName: "worker", recursiveLoop: "Allow" });
        const loopFix = await pack.remediate(loop);
        expect(loopFix.remediations[0].properties?.recursiveLoop).toBe("Terminate");
    });

    test("Remediate keeps a function's inline code archive (AssetArchive) and its secrets as the engine can read them", async () => {
        await pack.configure(engineConfig(policies, { "lambda-memory-size": "remediate" }));
        const sig = "4dabf18193072939515e22adb298388d";
        const code = {
            [sig]: "0def7320c3a5731c473e5ecbe6d01bc7",
            assets: { "index.js": { [sig]: "c44067f5952c0a294b673a41bacd8c17", text: "exports.handler = async () => {};" } },
        };
        const secret = { [sig]: "1b47061264138c4ac30d75fd1eb44270", value: "s3cr3t" };
        const fn = resource(T.lambdaFunction, "inline", { runtime: "nodejs22.x", handler: "index.handler", role: "arn:aws:iam::1:role/r", code, environment: { variables: { TOKEN: secret } } });
        const fix = await pack.remediate(fn);
        const fixed = fix.remediations[0].properties!;
        expect(fixed.memorySize).toBe(1024);
        expect(fixed.code).toEqual(code);
        expect(fixed.environment).toEqual({ variables: { TOKEN: secret } });
        expect((await pack.analyze({ ...fn, properties: fixed })).diagnostics.filter((d) => d.policyName === "lambda-memory-size")).toEqual([]);
    });

    test("Analyze: violations of multi-type policies on each of their types, nothing on unrelated types", async () => {
        await pack.configure(engineConfig(policies, {}));
        const namesFor = async (type: string, name: string, properties: Record<string, unknown>) =>
            (await pack.analyze(resource(type, name, properties))).diagnostics.map((d) => `${d.policyName}:${d.enforcementLevel}`);

        expect(await namesFor(T.eventTarget, "rule-target", { rule: "r", arn: "arn:aws:lambda:eu-west-1:1:function:w" })).toEqual(["eventbridge-target-dlq:mandatory"]);
        expect(await namesFor(T.schedulerSchedule, "nightly", { target: { arn: "a", roleArn: "r" }, scheduleExpression: "rate(1 day)" })).toEqual(["eventbridge-target-dlq:mandatory"]);
        expect(await namesFor(T.pipe, "pipe", { source: KINESIS, target: "t", roleArn: "r" })).toEqual(["eventbridge-target-dlq:mandatory"]);
        expect(await namesFor(T.restApiStage, "rest", { restApi: "a", deployment: "d", stageName: "prod" })).toEqual(["api-access-logging:advisory", "api-stage-tracing:advisory"]);
        expect(await namesFor(T.httpApiStage, "http", { apiId: "a", name: "$default" })).toEqual(["api-access-logging:advisory"]);
        const clf = { destinationArn: "arn:aws:logs:eu-west-1:1:log-group:access", format: "$context.requestId $context.status" };
        expect(await namesFor(T.restApiStage, "rest", { restApi: "a", deployment: "d", stageName: "prod", xrayTracingEnabled: true, accessLogSettings: clf })).toEqual(["api-access-log-json:advisory"]);
        expect(await namesFor(T.httpApiStage, "http", { apiId: "a", name: "$default", accessLogSettings: clf })).toEqual(["api-access-log-json:advisory"]);
        expect(await namesFor("aws:s3/bucketV2:BucketV2", "bucket", { bucket: "b" })).toEqual([]);
    });

    test("Analyze at preview: set-but-unknown values still get a verdict; a value that must be read gives the can't-run advisory", async () => {
        const target = await pack.analyze(resource(T.eventTarget, "t", { rule: UNKNOWN, arn: UNKNOWN, deadLetterConfig: { arn: UNKNOWN } }));
        expect(target.diagnostics).toEqual([]);

        const fn = await pack.analyze(
            resource(T.lambdaFunction, "fresh", { runtime: "nodejs22.x", memorySize: UNKNOWN, timeout: 30, reservedConcurrentExecutions: 5, tracingConfig: { mode: "Active" } }),
        );
        expect(fn.diagnostics).toEqual([
            expect.objectContaining({ policyName: "lambda-memory-size", enforcementLevel: "advisory", message: expect.stringMatching(/can't run policy 'lambda-memory-size'.*during preview/) }),
        ]);
    });

    test("waivers configured over gRPC make the policy not applicable, with the reason", async () => {
        const config = engineConfig(policies, {});
        config["lambda-function-url-auth"].properties = { waivers: [{ resource: "public-*", reason: "signed webhook" }] };
        await pack.configure(config);
        const result = await pack.analyze(resource(T.lambdaFunctionUrl, "public-hook", { functionName: "w", authorizationType: "NONE" }));
        expect(result.diagnostics).toEqual([]);
        expect(result.notApplicable).toContainEqual({ policyName: "lambda-function-url-auth", reason: "waived: signed webhook" });
    });
});
