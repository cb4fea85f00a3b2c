import * as fs from "fs";
import * as path from "path";
import { ConfigError, loadUserConfig, parseUserConfig, reconcileConfig } from "../../checker/config";
import type { AnalyzerInfo, PolicyInfo } from "../../checker/pack-messages";
import { removeCopies, tempDir } from "./helpers";

afterAll(removeCopies);

function policy(name: string, extra: Partial<PolicyInfo> = {}): PolicyInfo {
    return { name, displayName: name, description: name, enforcementLevel: "mandatory", type: "resource", tags: [], ...extra };
}

const info: AnalyzerInfo = {
    name: "pack",
    displayName: "pack",
    version: "1.0.0",
    supportsConfig: true,
    description: "",
    tags: [],
    initialConfig: {},
    policies: [
        policy("memory", {
            configSchema: {
                properties: {
                    minimumMb: { type: "integer", minimum: 128, default: 128 },
                    allowDefault: { type: "boolean", default: false },
                    waivers: { type: "array", items: { type: "object", required: ["resource", "reason"] }, default: [] },
                },
            },
        }),
        policy("tracing", { enforcementLevel: "advisory" }),
        policy("named", { configSchema: { properties: { prefix: { type: "string" } }, required: ["prefix"] } }),
    ],
};

function problemsOf(fn: () => unknown) {
    try {
        fn();
    } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as ConfigError).problems;
    }
    throw new Error("expected a ConfigError");
}

const withPrefix = { named: { properties: { prefix: "svc-" } } };

describe("config merge", () => {
    it("starts every policy from its level and its schema defaults", () => {
        const config = reconcileConfig(info, withPrefix);
        expect(config.memory).toEqual({ enforcementLevel: "mandatory", properties: { minimumMb: 128, allowDefault: false, waivers: [] } });
        expect(config.tracing).toEqual({ enforcementLevel: "advisory", properties: {} });
        expect(Object.keys(config).sort()).toEqual(["memory", "named", "tracing"]);
    });

    it("applies the pack's initial config, then the user's, over the defaults", () => {
        const config = reconcileConfig(
            { ...info, initialConfig: { memory: { enforcementLevel: "advisory", properties: { minimumMb: 256 } } } },
            { memory: { properties: { allowDefault: true } }, ...withPrefix },
        );
        expect(config.memory).toEqual({ enforcementLevel: "advisory", properties: { minimumMb: 256, allowDefault: true, waivers: [] } });
    });

    it("sets every level with all, then lets a policy's own entry win", () => {
        const config = reconcileConfig(info, { all: { enforcementLevel: "disabled" }, tracing: { enforcementLevel: "mandatory" }, ...withPrefix });
        expect(config.memory.enforcementLevel).toBe("disabled");
        expect(config.named.enforcementLevel).toBe("disabled");
        expect(config.tracing.enforcementLevel).toBe("mandatory");
    });

    it("reads the --policy-pack-config forms: a level, an object with a level, settings", () => {
        const { config, problems } = parseUserConfig({
            all: "advisory",
            memory: { enforcementLevel: "remediate", minimumMb: 512 },
            tracing: "disabled",
            named: { prefix: "x" },
        });
        expect(problems).toEqual([]);
        expect(config).toEqual({
            all: { enforcementLevel: "advisory" },
            memory: { enforcementLevel: "remediate", properties: { minimumMb: 512 } },
            tracing: { enforcementLevel: "disabled" },
            named: { properties: { prefix: "x" } },
        });
    });

    it("treats an empty file as no config", () => {
        const file = path.join(tempDir("sg-config-"), "empty.json");
        fs.writeFileSync(file, "  \n");
        expect(loadUserConfig(file)).toEqual({});
    });
});

describe("config validation", () => {
    it("reports every schema failure with its policy and property", () => {
        const problems = problemsOf(() =>
            reconcileConfig(info, { memory: { properties: { minimumMb: 64, allowDefault: "yes", waivers: [{ resource: "a" }] } } }),
        );
        const lines = problems.map((p) => `${p.policy} ${p.property} ${p.message}`);
        expect(lines).toEqual(
            expect.arrayContaining([
                expect.stringMatching(/^memory minimumMb must be >= 128, got 64/),
                expect.stringMatching(/^memory allowDefault must be boolean, got "yes"/),
                expect.stringMatching(/^memory waivers\/0\/reason is required/),
                expect.stringMatching(/^named prefix is required/),
            ]),
        );
        expect(problems).toHaveLength(4);
    });

    it("judges each reconcile on its own values, with a pack answer read again (its schemas compiled once, by their text)", () => {
        const again = (): AnalyzerInfo => structuredClone(info);
        const bad = { memory: { properties: { minimumMb: 64 } }, ...withPrefix };
        const first = problemsOf(() => reconcileConfig(again(), bad)).map((p) => `${p.policy} ${p.property}`);
        expect(reconcileConfig(again(), withPrefix).memory.properties).toEqual({ minimumMb: 128, allowDefault: false, waivers: [] });
        expect(problemsOf(() => reconcileConfig(again(), bad)).map((p) => `${p.policy} ${p.property}`)).toEqual(first);
        expect(first).toEqual(["memory minimumMb"]);
    });

    it("rejects a policy name the pack does not have, naming the pack's policies", () => {
        const problems = problemsOf(() => reconcileConfig(info, { memroy: { enforcementLevel: "advisory" }, ...withPrefix }, "cfg.json"));
        expect(problems).toEqual([
            { source: "cfg.json", policy: "memroy", message: expect.stringContaining("no policy of that name (its policies: memory, tracing, named)") },
        ]);
    });

    it("rejects a bad enforcement level in either form", () => {
        const { problems } = parseUserConfig({ all: "strict", memory: { enforcementLevel: 3 }, tracing: 42 });
        expect(problems.map((p) => [p.policy, p.property])).toEqual([["all", undefined], ["memory", "enforcementLevel"], ["tracing", undefined]]);
        expect(problems[0].message).toContain("not an enforcement level");
    });

    it("reports a file that is not JSON or not an object, with the file name", () => {
        const dir = tempDir("sg-config-");
        fs.writeFileSync(path.join(dir, "bad.json"), "{ nope");
        fs.writeFileSync(path.join(dir, "list.json"), "[1, 2]");
        expect(problemsOf(() => loadUserConfig(path.join(dir, "bad.json")))[0].message).toMatch(/is not valid JSON/);
        expect(problemsOf(() => loadUserConfig(path.join(dir, "list.json")))[0].message).toMatch(/must be a JSON object/);
        expect(problemsOf(() => loadUserConfig(path.join(dir, "missing.json")))[0].message).toMatch(/cannot read the file/);
    });

    it("lists every problem in the error message", () => {
        try {
            reconcileConfig(info, { memory: { properties: { minimumMb: 1 } }, ghost: { enforcementLevel: "advisory" } }, "cfg.json");
            throw new Error("expected a ConfigError");
        } catch (e) {
            const message = (e as Error).message;
            expect(message).toContain("cfg.json: ghost: policy pack pack has no policy of that name");
            expect(message).toContain("cfg.json: memory: minimumMb: must be >= 128, got 1");
            expect(message).toContain("cfg.json: named: prefix: is required");
        }
    });
});
