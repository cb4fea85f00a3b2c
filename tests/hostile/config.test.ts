/**
 * Careless configuration: a misspelt setting (the engine ignores it, so the default silently stays), settings
 * that contradict each other, and a time limit beyond what a Node.js timer can wait.
 */
import { analyzeResources } from "../../checker/analyze";
import { run } from "../../checker/cli";
import { ConfigError, reconcileConfig, unknownSettings, userConfigFrom } from "../../checker/config";
import { PackClient } from "../../checker/pack-client";
import { analyzeRequest, type AnalyzerInfo } from "../../checker/pack-messages";
import { T } from "../../policies/lib/types";
import { packDir, programDir } from "../checker/helpers";
import { withOwnPacks } from "../setup/running-packs";
import { POLICIES_DIR, resource, startPack } from "./helpers";

const fn = resource(T.lambdaFunction, "worker", { runtime: "nodejs22.x", memorySize: 1024, timeout: 30, reservedConcurrentExecutions: 5, tracingConfig: { mode: "Active" } });
const CONTRADICTORY = { minimumMb: 4096, maximumMb: 256 };

let info: AnalyzerInfo;
beforeAll(async () => {
    const pack = await startPack();
    info = await pack.getAnalyzerInfo();
    await pack.close();
});

describe("a setting the policy does not have", () => {
    test("is warned about, naming the key and the closest valid one", () => {
        const user = userConfigFrom({ "lambda-memory-size": { minimumMB: 512, enforcementlevel: "advisory", colour: "red" } });
        expect(unknownSettings(info, user, "policy.json").map((w) => [w.policy, w.property, w.message])).toEqual([
            ["lambda-memory-size", "minimumMB", expect.stringContaining('did you mean "minimumMb"?')],
            ["lambda-memory-size", "enforcementlevel", expect.stringContaining('did you mean "enforcementLevel"?')],
            ["lambda-memory-size", "colour", expect.stringContaining('its settings are "enforcementLevel", "allowPlatformDefault", "maximumMb", "minimumMb", "remediateToMb", "waivers"')],
        ]);
        // The engine accepts extra keys, so this is a warning: the config is still valid.
        expect(() => reconcileConfig(info, user)).not.toThrow();
    });

    test("the checker prints the warning while the run goes on", async () => {
        const warnings: string[] = [];
        const result = await analyzeResources([], {
            packs: [{ dir: POLICIES_DIR, config: { "lambda-memory-size": { minimumMB: 512 } as any } }],
            onWarning: (m) => warnings.push(m),
        });
        expect(result.violations).toEqual([]);
        expect(warnings).toEqual([
            'lambda-memory-size: minimumMB: is not a setting of this policy, so it is ignored (as the engine ignores it): did you mean "minimumMb"?',
        ]);
    });
});

describe("settings that contradict each other", () => {
    test("the checker reports minimumMb above maximumMb as a config error (exit 2)", async () => {
        let error: unknown;
        try {
            await analyzeResources([], { packs: [{ dir: POLICIES_DIR, config: { "lambda-memory-size": CONTRADICTORY as any } }] });
        } catch (e) {
            error = e;
        }
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).message).toContain("lambda-memory-size: maximumMb: is 256, below minimumMb (4096), so no resource can comply");
    });

    test("so is a remediation target outside the allowed range", () => {
        const user = userConfigFrom({ "lambda-memory-size": { minimumMb: 512, remediateToMb: 256 } });
        expect(() => reconcileConfig(info, user)).toThrow(/lambda-memory-size: remediateToMb: is 256, below minimumMb \(512\)/);
    });

    test("under the engine (which checks each setting alone) the policy reports a violation that says so, and does not remediate", async () => {
        const pack = await startPack();
        try {
            const config = reconcileConfig(info, userConfigFrom({ "lambda-runtime-supported": "disabled" }));
            config["lambda-memory-size"] = { enforcementLevel: "remediate", properties: { ...config["lambda-memory-size"].properties, ...CONTRADICTORY } };
            await pack.configure(config);
            const analyzed = await pack.analyze(fn);
            const memory = analyzed.diagnostics.filter((d) => d.policyName === "lambda-memory-size");
            expect(memory.map((d) => d.enforcementLevel)).toEqual(["mandatory"]);
            expect(memory[0].message).toContain("The configuration of policy lambda-memory-size is contradictory: `minimumMb` (4096) is above `maximumMb` (256);");
            expect(memory[0].message).toContain("so nothing can comply. Fix the policy's settings in the policy pack config; the resource was not judged.");
            const remediated = await pack.remediate({ ...fn, properties: { ...fn.properties, memorySize: 128 } });
            expect(remediated.remediations.map((r) => r.policyName)).not.toContain("lambda-memory-size");
        } finally {
            await pack.close();
        }
    });
});

describe("SERVERLESS_GUARDRAILS_TIMEOUT_MS above 2^31 - 1", () => {
    const before = process.env.SERVERLESS_GUARDRAILS_TIMEOUT_MS;
    afterEach(() => {
        if (before === undefined) delete process.env.SERVERLESS_GUARDRAILS_TIMEOUT_MS;
        else process.env.SERVERLESS_GUARDRAILS_TIMEOUT_MS = before;
    });

    test("is a clear usage error (exit 2) before anything runs", async () => {
        process.env.SERVERLESS_GUARDRAILS_TIMEOUT_MS = String(2 ** 31);
        const lines: string[] = [];
        const result = await run(["check", programDir("clean"), "--policy-pack", packDir("basic")], (l) => lines.push(l));
        expect(result.exitCode).toBe(2);
        expect(lines.join("\n")).toContain(
            "error: SERVERLESS_GUARDRAILS_TIMEOUT_MS must be at most 2147483647 (about 24.8 days), the longest wait Node.js can time, got 2147483648",
        );
        expect(lines.join("\n")).not.toContain("running");
    });

    test("a library caller's longer limit is clamped, not fired at once", async () => {
        // The start limit times a start: a pack of its own.
        const pack = await withOwnPacks(() => PackClient.start(packDir("basic"), { startTimeoutMs: 2 ** 40, callTimeoutMs: 2 ** 40 }));
        expect(pack.usesRunningPack).toBe(false);
        try {
            expect((await pack.getAnalyzerInfo()).name).toBe("fixture-basic");
            const request = analyzeRequest({ type: "test:index:Thing", name: "t", urn: "urn:pulumi:dev::fixture::test:index:Thing::t", properties: {} });
            await expect((pack as any).call("analyze", request)).resolves.toBeDefined();
        } finally {
            await pack.close();
        }
    });
});
