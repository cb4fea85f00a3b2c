import { spawn } from "child_process";
import * as path from "path";
import { PackClient, PackError } from "../../checker/pack-client";
import { copyPack, packDir, packProcesses, removeCopies, UNKNOWN } from "./helpers";

const thingUrn = "urn:pulumi:dev::fixture::test:index:Thing::t";
const thingOf = (properties: Record<string, unknown>) => ({ type: "test:index:Thing", urn: thingUrn, name: "t", properties });

afterAll(removeCopies);

describe("pack client", () => {
    let pack: PackClient;
    beforeAll(async () => {
        pack = await PackClient.start(packDir("basic"));
    });
    afterAll(() => pack.close());

    it("reads the pack's metadata and policies", async () => {
        const info = await pack.getAnalyzerInfo();
        expect(info).toMatchObject({ name: "fixture-basic", version: "1.2.3", supportsConfig: true });
        expect(info.policies.map((p) => [p.name, p.type, p.enforcementLevel])).toEqual([
            ["no-public", "resource", "mandatory"],
            ["has-note", "resource", "advisory"],
            ["known-label", "resource", "mandatory"],
            ["set-size", "resource", "disabled"],
            ["no-forbidden-target", "stack", "mandatory"],
        ]);
        expect(info.policies[0].configSchema?.properties.maxSize).toEqual({ type: "integer", minimum: 1, default: 100 });
        expect((await pack.getPluginInfo()).version).toMatch(/^\d+\.\d+\.\d+/);
    });

    it("sends configured properties and levels, and gets violations back", async () => {
        await pack.configure({
            "no-public": { enforcementLevel: "advisory", properties: { allowPublic: false, maxSize: 3 } },
            "has-note": { enforcementLevel: "disabled" },
            "known-label": { enforcementLevel: "mandatory" },
            "set-size": { enforcementLevel: "disabled" },
            "no-forbidden-target": { enforcementLevel: "mandatory" },
        });
        const result = await pack.analyze(thingOf({ public: true, size: 5 }));
        expect(result.diagnostics.map((d) => [d.policyName, d.enforcementLevel, d.severity])).toEqual([
            ["no-public", "advisory", "high"],
            ["no-public", "advisory", "high"],
        ]);
        expect(result.diagnostics[1].message).toContain("`size` is over 3.");
    });

    it("passes unknowns as the engine's sentinels, so the pack reports it cannot judge at preview", async () => {
        const result = await pack.analyze(thingOf({ label: UNKNOWN, note: "n" }));
        expect(result.diagnostics).toEqual([
            expect.objectContaining({ policyName: "known-label", enforcementLevel: "advisory", message: expect.stringMatching(/^can't run policy 'known-label'.* during preview/) }),
        ]);
    });

    it("passes parent, dependencies and property dependencies to AnalyzeStack", async () => {
        const forbidden = { type: "test:index:Forbidden", urn: "urn:pulumi:dev::fixture::test:index:Forbidden::f", name: "f", properties: {} };
        const result = await pack.analyzeStack([
            forbidden,
            { ...thingOf({ target: UNKNOWN }), dependencies: [forbidden.urn], propertyDependencies: { target: [forbidden.urn] } },
        ]);
        expect(result.diagnostics).toEqual([expect.objectContaining({ policyName: "no-forbidden-target", urn: thingUrn })]);
    });
});

describe("pack client faults", () => {
    it("reports a pack that fails to start, with its stderr, and leaves no process", async () => {
        const dir = copyPack("broken-start");
        const error = await PackClient.start(dir).catch((e) => e);
        expect(error).toBeInstanceOf(PackError);
        expect(error.message).toMatch(/failed to start \(exited with code \d+\)/);
        expect(error.message).toContain("fixture pack fails while loading");
        expect(packProcesses(dir)).toEqual([]);
    });

    it("reports a pack whose first line is not a port, and kills it", async () => {
        const dir = copyPack("bad-port");
        const error = await PackClient.start(dir).catch((e) => e);
        expect(error).toBeInstanceOf(PackError);
        expect(error.message).toContain('did not print a port; its first line was: "hello, not a port"');
        expect(packProcesses(dir)).toEqual([]);
    });

    it("gives up on a pack that does not print its port in time, and kills it", async () => {
        const dir = copyPack("basic");
        const error = await PackClient.start(dir, { startTimeoutMs: 1 }).catch((e) => e);
        expect(error).toBeInstanceOf(PackError);
        expect(error.message).toContain("did not print its port within 1 ms");
        expect(packProcesses(dir)).toEqual([]);
    });

    it("reports a pack that dies during a call, with its stderr", async () => {
        const dir = copyPack("dies");
        const pack = await PackClient.start(dir);
        try {
            await pack.configure({ die: { enforcementLevel: "mandatory" } });
            const error = await pack.analyze(thingOf({})).catch((e) => e);
            expect(error).toBeInstanceOf(PackError);
            expect(error.message).toMatch(/died during analyze \(exited with code 3\)/);
            expect(error.message).toContain("fixture pack dying now");
            const again = await pack.analyze(thingOf({})).catch((e) => e);
            expect(again.message).toMatch(/is not running/);
        } finally {
            await pack.close();
        }
        expect(packProcesses(dir)).toEqual([]);
    });

    it("does not hang on a pack that never answers: each call has a time limit", async () => {
        const dir = copyPack("hangs");
        const pack = await PackClient.start(dir, { callTimeoutMs: 1500 });
        try {
            const error = await pack.analyze(thingOf({})).catch((e) => e);
            expect(error).toBeInstanceOf(PackError);
            expect(error.message).toContain("did not answer analyze within 1500 ms");
        } finally {
            await pack.close();
        }
        expect(packProcesses(dir)).toEqual([]);
    });

    it("close kills the pack and is safe to call twice", async () => {
        const dir = copyPack("empty");
        const pack = await PackClient.start(dir);
        expect(packProcesses(dir)).toHaveLength(1);
        await Promise.all([pack.close(), pack.close()]);
        expect(pack.isRunning).toBe(false);
        expect(packProcesses(dir)).toEqual([]);
        await expect(pack.getAnalyzerInfo()).rejects.toThrow(/not running/);
    });
});

describe("pack client and signals", () => {
    it("stops its packs when the process running it is terminated", async () => {
        const dir = copyPack("empty");
        const script = `require("ts-node/register/transpile-only");
            const { PackClient } = require(${JSON.stringify(require.resolve("../../checker/pack-client"))});
            PackClient.start(${JSON.stringify(dir)}).then(() => process.stdout.write("started\\n"));
            setInterval(() => {}, 1000);`;
        const child = spawn(process.execPath, ["-e", script], { cwd: path.resolve(__dirname, "../..") });
        await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error("the pack did not start in time")), 30_000);
            child.stdout.on("data", (d) => {
                if (String(d).includes("started")) {
                    clearTimeout(timer);
                    resolve();
                }
            });
        });
        const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
        try {
            expect(packProcesses(dir)).toHaveLength(1);
        } finally {
            child.kill("SIGTERM");
        }
        expect(await exited).toBe(143);
        expect(packProcesses(dir)).toEqual([]);
    });
});
