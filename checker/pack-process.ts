/**
 * The pack process, spawned as the Pulumi engine spawns it (`run-policy-pack <engine address> <pack folder>`,
 * in the pack folder), that never outlives this process.
 *
 * The pack runs in this process's process group, so whatever ends the group (a CI time limit, Ctrl-C,
 * `kill -9 -<pgid>`) ends the pack with it. When only this process dies, even by SIGKILL (the OOM killer),
 * the pack notices: a watchdog thread started in it before the pack host loads sees its parent change
 * and kills its own process. A thread, so that it works even while a policy keeps the main thread busy.
 */
import { ChildProcess, spawn } from "child_process";
import { compiledCheckerFile } from "./compiled-twin";

const WATCHDOG_POLL_MS = 250;

/**
 * Loaded into the pack process with `--import` before the pack host: a thread that kills the pack as soon as
 * its parent (this process) is gone, i.e. the pack has been reparented. `process.ppid` is read afresh each time.
 */
const WATCHDOG = (() => {
    const thread = `const { workerData } = require("node:worker_threads");
setInterval(() => { if (process.ppid !== workerData.parent) process.kill(process.pid, "SIGKILL"); }, workerData.pollMs);`;
    const preload = `import { Worker } from "node:worker_threads";
new Worker(${JSON.stringify(thread)}, { eval: true, workerData: { parent: process.ppid, pollMs: ${WATCHDOG_POLL_MS} } }).unref();`;
    return `data:text/javascript,${encodeURIComponent(preload)}`;
})();

let lazySdkPreload: string[] | undefined;

/**
 * `--require` of lazy-sdk-modules-preload: the pack's @pulumi/pulumi loads TypeScript and @npmcli/arborist on first
 * use (about 0.2 of a pack's 1 CPU-s start), which a policy pack never serializes a function to need. The compiled
 * file only (node cannot require the TypeScript source); from the sources, its twin in dist/ when that is current,
 * else nothing, and the pack loads them at once as it always has.
 */
function lazySdkModules(): string[] {
    if (lazySdkPreload) return lazySdkPreload;
    const compiled = compiledCheckerFile(__dirname, __filename.endsWith(".js"), "lazy-sdk-modules-preload");
    lazySdkPreload = compiled ? ["--require", compiled] : [];
    return lazySdkPreload;
}

const livePacks = new Set<ChildProcess>();

export function killPack(child: ChildProcess, signal: NodeJS.Signals) {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
        child.kill(signal);
    } catch {
        // already gone
    }
}

let exitHookInstalled = false;
function installExitHook() {
    if (exitHookInstalled) return;
    exitHookInstalled = true;
    process.on("exit", () => {
        for (const child of livePacks) killPack(child, "SIGKILL");
    });
    // Node does not run exit handlers when a signal ends the process: stop the packs, then end as the signal would.
    for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
        process.once(signal, () => {
            for (const child of livePacks) killPack(child, "SIGKILL");
            if (process.listenerCount(signal) === 0) process.exit(code);
        });
    }
}

/**
 * Where the engine finds the pack host: `@pulumi/pulumi/cmd/run-policy-pack`, resolved from the pack's folder;
 * undefined when @pulumi/pulumi is not installed for the pack.
 */
export function packHostOf(packDir: string): string | undefined {
    try {
        return require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
    } catch {
        return undefined;
    }
}

/** Spawns the pack host for the pack in `dir`, with stdout and stderr piped. */
export function spawnPack(dir: string, host: string, engineAddress: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
    installExitHook();
    const child = spawn(process.execPath, ["--import", WATCHDOG, ...lazySdkModules(), host, engineAddress, dir], {
        cwd: dir,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, FORCE_COLOR: "0", ...env },
    });
    livePacks.add(child);
    child.once("exit", () => livePacks.delete(child));
    return child;
}

/**
 * Waits for the pack's first line on stdout, its port. Rejects with a message naming `dir` when the pack exits
 * first (`exitInfo` says how), prints something else, or takes longer than `timeoutMs`.
 */
export function readPort(child: ChildProcess, dir: string, timeoutMs: number, exitInfo: () => string): Promise<number> {
    return new Promise<number>((resolve, reject) => {
        let stdout = "";
        let settled = false;
        const finish = (error?: string, port?: number) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            child.stdout?.removeListener("data", onData);
            child.removeListener("exit", onExit);
            child.removeListener("error", onError);
            // Keep draining stdout so that a chatty pack never blocks on a full pipe.
            child.stdout?.resume();
            if (error) reject(new Error(error));
            else resolve(port!);
        };
        const onData = (chunk: string) => {
            stdout += chunk;
            const newline = stdout.indexOf("\n");
            if (newline < 0) return;
            const line = stdout.slice(0, newline).trim();
            const port = Number(line);
            if (Number.isInteger(port) && port > 0 && port < 65536) finish(undefined, port);
            else finish(`policy pack ${dir} did not print a port; its first line was: ${JSON.stringify(line.slice(0, 200))}`);
        };
        const onExit = () => {
            // Give stderr a moment to drain so the reason is in the message.
            setTimeout(() => finish(`policy pack ${dir} failed to start (${exitInfo()})`), 50);
        };
        const onError = (e: Error) => finish(`policy pack ${dir} could not be spawned: ${e.message}`);
        const timer = setTimeout(() => finish(`policy pack ${dir} did not print its port within ${timeoutMs} ms`), timeoutMs);
        child.stdout?.setEncoding("utf8");
        child.stdout?.on("data", onData);
        child.once("exit", onExit);
        child.once("error", onError);
    });
}
