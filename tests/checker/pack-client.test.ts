import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PackClient, PackError } from "../../checker/pack-client";
import { RUNNING_PACKS_ENV, runningPacksOf } from "../../checker/pack-lease";
import { checkerFile } from "../helpers/checker-cli";
import { envWithoutRunningPacks, runningPackOf, withoutRunningPacks } from "../setup/running-packs";
import { copyPack, packDir, packProcesses, removeCopies, tempDir, UNKNOWN } from "./helpers";

// The subject here is the pack process itself: every client starts its own, except where a test lists a running pack
// (this file's copy of process.env; a child process gets envWithoutRunningPacks()).
withoutRunningPacks();

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
        const pack = await PackClient.start(dir, { callTimeoutMs: 500 });
        try {
            const error = await pack.analyze(thingOf({})).catch((e) => e);
            expect(error).toBeInstanceOf(PackError);
            expect(error.message).toContain("did not answer analyze within 500 ms");
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
        const client = checkerFile(require.resolve("../../checker/pack-client"));
        const script = `const { PackClient } = require(${JSON.stringify(client.file)});
            PackClient.start(${JSON.stringify(dir)}).then(() => process.stdout.write("started\\n"));
            setInterval(() => {}, 1000);`;
        const child = spawn(process.execPath, [...client.nodeArgs, "-e", script], { cwd: path.resolve(__dirname, "../.."), env: envWithoutRunningPacks() });
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

/** Reports its config and the stack tags, as a fresh pack or one that other clients used would see them. */
const ECHO_PACK = `const { PolicyPack } = require("@pulumi/policy");
new PolicyPack("fixture-echo", { policies: [{
    name: "echo", description: "Reports its config and the stack tags.", enforcementLevel: "advisory",
    validateResource: (args, report) => {
        if (args.props.hang) return new Promise(() => {});
        report(JSON.stringify({ config: args.getConfig(), tags: [...args.stackTags] }));
    },
}] });`;

describe("a running pack listed in " + RUNNING_PACKS_ENV, () => {
    let dir: string;
    let lock: string;
    let running: PackClient;
    let fresh: unknown;
    const echo = async (pack: PackClient, properties: Record<string, unknown> = {}) => (await pack.analyze(thingOf(properties))).diagnostics;
    /** Spawns a pack of its own: the listed one is not used. */
    const expectOwnPack = async (pack: PackClient) => {
        expect(pack.usesRunningPack).toBe(false);
        expect(pack.pid).not.toBe(running.pid);
        await pack.close();
    };

    beforeAll(async () => {
        dir = copyPack("empty");
        fs.writeFileSync(path.join(dir, "index.js"), ECHO_PACK);
        running = await PackClient.start(dir);
        fresh = await echo(running);
        lock = path.join(tempDir("sg-lease-"), "pack.lock");
        process.env[RUNNING_PACKS_ENV] = JSON.stringify([runningPackOf(running, lock)]);
    });
    afterAll(async () => {
        withoutRunningPacks();
        await running?.close();
    });

    it("serves a client under a lease, answers each client as a fresh pack would, and outlives its clients", async () => {
        const first = await PackClient.start(dir);
        expect([first.usesRunningPack, first.pid]).toEqual([true, running.pid]);
        expect(fs.readFileSync(lock, "utf8")).toBe(String(process.pid));
        await first.configure({ echo: { enforcementLevel: "mandatory", properties: { word: "first" } } });
        await first.configureStack({ stack: "dev", project: "first", organization: "o", tags: { "pulumi:project": "first" }, dryRun: true, config: {}, configSecretKeys: [] });
        expect(await echo(first)).toEqual([expect.objectContaining({ enforcementLevel: "mandatory", message: expect.stringContaining('"word":"first"') })]);
        await first.close();
        expect(first.isRunning).toBe(false);
        expect(fs.existsSync(lock)).toBe(false);

        const second = await PackClient.start(dir);
        expect(second.usesRunningPack).toBe(true);
        expect(await echo(second)).toEqual(fresh);
        await second.close();
        expect(packProcesses(dir)).toHaveLength(1);
        expect(running.isRunning).toBe(true);
    });

    it("a pack listed as still starting is used once its ready file names it; until then a client starts its own", async () => {
        const readyFile = path.join(tempDir("sg-lease-"), "pack.ready");
        const listed = process.env[RUNNING_PACKS_ENV];
        process.env[RUNNING_PACKS_ENV] = JSON.stringify([{ dir: running.packDir, lock, readyFile }]);
        try {
            expect(runningPacksOf(dir)).toEqual([]);
            await expectOwnPack(await PackClient.start(dir));
            fs.writeFileSync(readyFile, JSON.stringify(runningPackOf(running, lock)));
            const client = await PackClient.start(dir);
            expect([client.usesRunningPack, client.pid]).toEqual([true, running.pid]);
            await client.close();
        } finally {
            process.env[RUNNING_PACKS_ENV] = listed;
        }
    });

    it("serves one client at a time: while another process holds the lease, a client starts its own pack", async () => {
        fs.writeFileSync(lock, String(process.ppid));
        try {
            await expectOwnPack(await PackClient.start(dir));
            expect(fs.readFileSync(lock, "utf8")).toBe(String(process.ppid));
        } finally {
            fs.rmSync(lock, { force: true });
        }
        expect(packProcesses(dir)).toHaveLength(1);
    });

    it("takes over the lease of a client that died holding it", async () => {
        const dead = spawnSync(process.execPath, ["-e", ""]).pid;
        fs.writeFileSync(lock, String(dead));
        const client = await PackClient.start(dir);
        expect(client.usesRunningPack).toBe(true);
        await client.close();
        expect(fs.existsSync(lock)).toBe(false);
    });

    it("is not used when the options shape the process (an engine address, an environment); time limits do not", async () => {
        const own = await Promise.all([{ engineAddress: "127.0.0.1:0" }, { env: {} }].map((options) => PackClient.start(dir, options)));
        for (const pack of own) await expectOwnPack(pack);
        // The start limit has no start to time.
        const limited = await PackClient.start(dir, { startTimeoutMs: 1, callTimeoutMs: 60_000 });
        expect(limited.usesRunningPack).toBe(true);
        await limited.close();
    });

    it("is not used by a variable that does not list packs", () => {
        for (const text of ["", "nonsense", "{}", JSON.stringify([{ dir }]), JSON.stringify([{ dir, address: "a", pid: "1", lock }])]) {
            expect(runningPacksOf(dir, { [RUNNING_PACKS_ENV]: text })).toEqual([]);
        }
    });

    // Last: it leaves the pack held by this process.
    it("stays held after a call that went unanswered, so that the call cannot reach the next client's session", async () => {
        const client = await PackClient.start(dir, { callTimeoutMs: 300 });
        expect(client.usesRunningPack).toBe(true);
        const error = await echo(client, { hang: true }).catch((e) => e);
        expect(error.message).toContain("did not answer analyze within 300 ms");
        await client.close();
        expect(fs.readFileSync(lock, "utf8")).toBe(String(process.pid));
        await expectOwnPack(await PackClient.start(dir));
    });
});
