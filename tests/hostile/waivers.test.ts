/**
 * Waivers a careless or hostile config can hold: a glob that makes a backtracking regular expression take
 * exponential time, and a waiver too long to be a resource name. Neither may hang or fail a preview.
 */
import { ConfigError, reconcileConfig, userConfigFrom } from "../../checker/config";
import type { PackClient } from "../../checker/pack-client";
import { analyzeRequest } from "../../checker/pack-messages";
import { findWaiver, globMatches, MAX_WAIVER_RESOURCE_LENGTH } from "../../policies/lib/waivers";
import { T } from "../../policies/lib/types";
import { configure, resource, startPack } from "./helpers";

const FORTY_PARTS = Array.from({ length: 40 }, (_, i) => `part${i}`).join("-");
const BACKTRACKING_GLOB = `${"*-".repeat(12)}x`;

describe("waiver globs", () => {
    test("match as globs: * any run, ? one character, everything else literally", () => {
        expect(globMatches("orders-*", "orders-queue")).toBe(true);
        expect(globMatches("*-dlq", "orders-dlq")).toBe(true);
        expect(globMatches("a*b*c", "a-b-b-c")).toBe(true);
        expect(globMatches("a*b*c", "a-c-b")).toBe(false);
        expect(globMatches("q?", "q1")).toBe(true);
        expect(globMatches("q?", "q12")).toBe(false);
        expect(globMatches("a.b(c)+[d]", "a.b(c)+[d]")).toBe(true);
        expect(globMatches("a.b", "axb")).toBe(false);
        expect(globMatches("*", "")).toBe(true);
        expect(globMatches("ab*ba", "aba")).toBe(false);
    });

    test("a glob that backtracks catastrophically as a regular expression is answered at once", () => {
        const started = process.hrtime.bigint();
        expect(findWaiver([{ resource: BACKTRACKING_GLOB, reason: "r" }], FORTY_PARTS, `urn:pulumi:dev::app::${T.lambdaFunction}::${FORTY_PARTS}`)).toBeUndefined();
        expect(globMatches(`${"*a".repeat(1000)}b`, "a".repeat(MAX_WAIVER_RESOURCE_LENGTH))).toBe(false);
        expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
    });

    test("a 100,000-character waiver neither throws nor matches", () => {
        const long = "*".repeat(50_000) + "?".repeat(50_000);
        expect(() => findWaiver([{ resource: long, reason: "r" }], "fn", "urn:x")).not.toThrow();
        expect(findWaiver([{ resource: long, reason: "r" }], "fn", "urn:x")).toBeUndefined();
    });

    test("the schema caps a waiver's resource: the checker reports a longer one as a config error", async () => {
        const pack = await startPack();
        try {
            const info = await pack.getAnalyzerInfo();
            const user = userConfigFrom({ "lambda-memory-size": { waivers: [{ resource: "x".repeat(100_000), reason: "pasted by mistake" }] } });
            let error: unknown;
            try {
                reconcileConfig(info, user, "config.json");
            } catch (e) {
                error = e;
            }
            expect(error).toBeInstanceOf(ConfigError);
            expect((error as ConfigError).message).toContain(
                `config.json: lambda-memory-size: waivers/0/resource: must NOT have more than ${MAX_WAIVER_RESOURCE_LENGTH} characters`,
            );
        } finally {
            await pack.close();
        }
    });
});

describe("waivers in the running pack", () => {
    let pack: PackClient;
    beforeAll(async () => {
        pack = await startPack();
    });
    afterAll(() => pack?.close());

    const fn = resource(T.lambdaFunction, FORTY_PARTS, { runtime: "nodejs22.x", memorySize: 128, timeout: 30 });
    const call = (method: string, target = fn) => (pack as any).call(method, analyzeRequest(target), 5000);

    test("Analyze and Remediate answer within 5 s with the backtracking glob as a waiver", async () => {
        await configure(pack, { "lambda-memory-size": { enforcementLevel: "remediate", waivers: [{ resource: BACKTRACKING_GLOB, reason: "r" }] } });
        const analyzed = await call("analyze");
        expect(analyzed.getDiagnosticsList().map((d: any) => d.getPolicyname())).toContain("lambda-memory-size");
        const remediated = await call("remediate");
        expect(remediated.getRemediationsList().map((r: any) => r.getPolicyname())).toContain("lambda-memory-size");
    });

    test("a 100,000-character waiver (a host that skips the schema) does not fail the call", async () => {
        const waivers = [{ resource: "*".repeat(50_000) + "x".repeat(50_000), reason: "r" }];
        const levels = Object.fromEntries((await pack.getAnalyzerInfo()).policies.map((p) => [p.name, { enforcementLevel: p.enforcementLevel, properties: {} }]));
        await pack.configure({ ...levels, "lambda-memory-size": { enforcementLevel: "mandatory", properties: { waivers } } });
        const analyzed = await call("analyze");
        expect(analyzed.getDiagnosticsList().map((d: any) => d.getPolicyname())).toContain("lambda-memory-size");
    });

    test("a glob that matches still waives", async () => {
        await configure(pack, { "lambda-memory-size": { waivers: [{ resource: "part0-*-part39", reason: "sized by load test" }] } });
        const result = await pack.analyze(fn);
        expect(result.diagnostics.map((d) => d.policyName)).not.toContain("lambda-memory-size");
        expect(result.notApplicable).toContainEqual({ policyName: "lambda-memory-size", reason: "waived: sized by load test" });
    });
});
