/**
 * Starts a policy pack the way the Pulumi engine does and speaks the engine's Analyzer gRPC protocol
 * to it (the messages: pack-messages.ts). Every wait has a time limit; a pack that dies is reported with
 * its stderr; `close()` (or the exit of this process) kills the pack. In the test run, a client may use a
 * pack that is already running instead (pack-lease.ts); closing it then leaves the pack running.
 *
 * The pack runs in this process's process group, so whatever ends the group (a CI time limit, Ctrl-C,
 * `kill -9 -<pgid>`) ends the pack with it. When only this process dies, even by SIGKILL (the OOM killer),
 * the pack notices: a watchdog thread started in it before the pack host loads sees its parent change
 * and kills its own process. A thread, so that it works even while a policy keeps the main thread busy.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { PackLease, runningPacksOf, takeLease } from "./pack-lease";
import {
    AnalyzeResource,
    AnalyzeResult,
    AnalyzerInfo,
    PolicyConfigEntry,
    RemediateResult,
    StackConfiguration,
    StackResource,
    analyzeRequest,
    analyzeResultOf,
    analyzeStackRequest,
    analyzerInfoOf,
    configureRequest,
    configureStackRequest,
    pulumiRequire,
    remediateResultOf,
} from "./pack-messages";

const grpc: typeof grpcTypes = pulumiRequire("@grpc/grpc-js");
const { AnalyzerClient } = pulumiRequire("./proto/analyzer_grpc_pb");
const { Empty } = pulumiRequire("google-protobuf/google/protobuf/empty_pb");

export const DEFAULT_START_TIMEOUT_MS = 60_000;
export const DEFAULT_CALL_TIMEOUT_MS = 60_000;
const KILL_GRACE_MS = 2_000;
const STDERR_LIMIT = 64 * 1024;
const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;
/** The longest wait a Node.js timer can time (a longer one fires at once). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;
const WATCHDOG_POLL_MS = 250;
/** Limit for the calls that ready a running pack for a new client. */
const RESET_TIMEOUT_MS = 5_000;
/** Errors that leave it unknown whether the pack got the call. */
const UNANSWERED = new Set([grpc.status.DEADLINE_EXCEEDED, grpc.status.UNAVAILABLE, grpc.status.CANCELLED]);
const EMPTY_STACK: StackConfiguration = { stack: "", project: "", organization: "", tags: {}, dryRun: false, config: {}, configSecretKeys: [] };

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

function timerMs(ms: number): number {
    return Math.min(Math.max(ms, 1), MAX_TIMEOUT_MS);
}

/** A pack that could not be started, answered with an error, died, or did not answer in time. */
export class PackError extends Error {
    constructor(
        message: string,
        /** The pack folder. */
        readonly packDir: string,
        /** What the pack wrote to stderr (the last 64 KiB). */
        readonly stderr: string,
    ) {
        super(stderr.trim() ? `${message}\n--- pack stderr ---\n${stderr.trim()}` : message);
        this.name = "PackError";
    }
}

/** How a pack is started and called. */
export interface StartOptions {
    /** Milliseconds from spawn to the port line. Default 60000. */
    startTimeoutMs?: number;
    /** Milliseconds for each RPC. Default 60000. */
    callTimeoutMs?: number;
    /** Passed as the engine address argument (the pack does not call back in our use). */
    engineAddress?: string;
    /** Extra environment for the pack process. */
    env?: NodeJS.ProcessEnv;
}

const livePacks = new Set<ChildProcess>();

function killPack(child: ChildProcess, signal: NodeJS.Signals) {
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

/** Where the engine finds the pack host: `@pulumi/pulumi/cmd/run-policy-pack`, resolved from the pack's folder. */
export function resolvePackHost(packDir: string): string {
    try {
        return require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
    } catch {
        throw new PackError(
            `cannot start policy pack ${packDir}: @pulumi/pulumi is not installed for it (run npm install in the pack folder)`,
            packDir,
            "",
        );
    }
}

/** A running policy pack and a typed client for its Analyzer service. */
export class PackClient {
    private stderrText = "";
    private exited = false;
    private exitInfo = "";
    private readonly exitPromise: Promise<void>;
    private client: any;
    private closing?: Promise<void>;
    /** A call went unanswered: it may still reach the pack (see PackLease.keep). */
    private unanswered = false;

    /** Either `child`, the pack this client started, or `lease`, on a running pack. */
    private constructor(
        readonly packDir: string,
        private readonly callTimeoutMs: number,
        private readonly child?: ChildProcess,
        private readonly lease?: PackLease,
    ) {
        if (!child) {
            this.exitPromise = new Promise(() => {});
            return;
        }
        child.stderr?.setEncoding("utf8");
        child.stderr?.on("data", (chunk: string) => {
            this.stderrText = (this.stderrText + chunk).slice(-STDERR_LIMIT);
        });
        this.exitPromise = new Promise((resolve) => {
            child.once("exit", (code, signal) => {
                this.exited = true;
                this.exitInfo = signal ? `killed by ${signal}` : `exited with code ${code}`;
                livePacks.delete(child);
                resolve();
            });
        });
    }

    /**
     * Spawns the pack (cwd = pack dir) and waits for its port line; or, when the options ask for nothing of a
     * process (a start time limit, an engine address, an environment), uses a running pack of the folder that no
     * other client holds, if the environment lists one (pack-lease.ts).
     */
    static async start(packDir: string, options: StartOptions = {}): Promise<PackClient> {
        const dir = path.resolve(packDir);
        const callTimeoutMs = timerMs(options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS);
        if (options.startTimeoutMs === undefined && options.engineAddress === undefined && options.env === undefined) {
            const running = await PackClient.attach(dir, callTimeoutMs);
            if (running) return running;
        }
        const host = resolvePackHost(dir);
        installExitHook();
        const child = spawn(process.execPath, ["--import", WATCHDOG, host, options.engineAddress ?? "127.0.0.1:0", dir], {
            cwd: dir,
            stdio: ["ignore", "pipe", "pipe"],
            env: { ...process.env, FORCE_COLOR: "0", ...options.env },
        });
        livePacks.add(child);
        const pack = new PackClient(dir, callTimeoutMs, child);
        const startTimeoutMs = timerMs(options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
        let port: number;
        try {
            port = await pack.readPort(startTimeoutMs);
        } catch (e) {
            await pack.close();
            throw e;
        }
        pack.connect(`127.0.0.1:${port}`);
        return pack;
    }

    private static async attach(dir: string, callTimeoutMs: number): Promise<PackClient | undefined> {
        for (const running of runningPacksOf(dir)) {
            const lease = takeLease(running);
            if (!lease) continue;
            const pack = new PackClient(dir, callTimeoutMs, undefined, lease);
            pack.connect(running.address);
            try {
                await pack.reset();
                return pack;
            } catch {
                await pack.close();
            }
        }
        return undefined;
    }

    /**
     * Makes a running pack answer as a fresh one. Across calls a pack keeps only what Configure and ConfigureStack
     * set (@pulumi/policy server.js: the policy config and the stack tags), each replaced whole by the next such
     * call and both empty in a fresh pack: sending both empty resets it. (The checker sends both before it analyzes
     * anyway: analyze.ts. The state of our packs' own modules is caches keyed by content, or kept for one turn of
     * the event loop: policies/lib/graph.ts.)
     */
    private async reset() {
        await this.call("configure", configureRequest({}), RESET_TIMEOUT_MS);
        await this.call("configureStack", configureStackRequest(EMPTY_STACK), RESET_TIMEOUT_MS);
    }

    private connect(address: string) {
        this.client = new AnalyzerClient(address, grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
            "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
        });
    }

    private readPort(timeoutMs: number): Promise<number> {
        const child = this.child!;
        return new Promise<number>((resolve, reject) => {
            let stdout = "";
            let settled = false;
            const finish = (error?: PackError, port?: number) => {
                if (settled) return;
                settled = true;
                clearTimeout(timer);
                child.stdout?.removeListener("data", onData);
                child.removeListener("exit", onExit);
                child.removeListener("error", onError);
                // Keep draining stdout so that a chatty pack never blocks on a full pipe.
                child.stdout?.resume();
                if (error) reject(error);
                else resolve(port!);
            };
            const onData = (chunk: string) => {
                stdout += chunk;
                const newline = stdout.indexOf("\n");
                if (newline < 0) return;
                const line = stdout.slice(0, newline).trim();
                const port = Number(line);
                if (Number.isInteger(port) && port > 0 && port < 65536) finish(undefined, port);
                else finish(this.error(`policy pack ${this.packDir} did not print a port; its first line was: ${JSON.stringify(line.slice(0, 200))}`));
            };
            const onExit = () => {
                // Give stderr a moment to drain so the reason is in the message.
                setTimeout(() => finish(this.error(`policy pack ${this.packDir} failed to start (${this.exitInfo})`)), 50);
            };
            const onError = (e: Error) => finish(this.error(`policy pack ${this.packDir} could not be spawned: ${e.message}`));
            const timer = setTimeout(
                () => finish(this.error(`policy pack ${this.packDir} did not print its port within ${timeoutMs} ms`)),
                timeoutMs,
            );
            child.stdout?.setEncoding("utf8");
            child.stdout?.on("data", onData);
            child.once("exit", onExit);
            child.once("error", onError);
        });
    }

    private error(message: string): PackError {
        return new PackError(message, this.packDir, this.stderrText);
    }

    /** What the pack has written to stderr so far (the last 64 KiB). */
    get stderr(): string {
        return this.stderrText;
    }

    /** The pack process's id (of the running pack, when this client uses one); undefined before it has one. */
    get pid(): number | undefined {
        return this.child ? this.child.pid : this.lease?.pack.pid;
    }

    /** False once the pack has exited, or once this client is closed when it uses a running pack. */
    get isRunning(): boolean {
        return this.child ? !this.exited : !this.closing;
    }

    /** True when this client uses a pack that was already running (pack-lease.ts). */
    get usesRunningPack(): boolean {
        return this.lease !== undefined;
    }

    /** One RPC with a deadline; rejects with the pack's stderr when the pack dies or errs. */
    private call<Res>(method: string, request: unknown, timeoutMs = this.callTimeoutMs): Promise<Res> {
        if (this.exited) return Promise.reject(this.error(`policy pack ${this.packDir} is not running (${this.exitInfo}); ${method} not sent`));
        if (!this.client) return Promise.reject(this.error(`policy pack ${this.packDir} is closed; ${method} not sent`));
        return new Promise<Res>((resolve, reject) => {
            let settled = false;
            const deadline = new Date(Date.now() + timeoutMs);
            const onExit = () => {
                setTimeout(() => {
                    if (settled) return;
                    settled = true;
                    reject(this.error(`policy pack ${this.packDir} died during ${method} (${this.exitInfo})`));
                }, 50);
            };
            this.child?.once("exit", onExit);
            this.client[method](request, new grpc.Metadata(), { deadline }, (err: grpcTypes.ServiceError | null, response: Res) => {
                this.child?.removeListener("exit", onExit);
                if (settled) return;
                if (!err) {
                    settled = true;
                    resolve(response);
                    return;
                }
                if (UNANSWERED.has(err.code)) this.unanswered = true;
                const report = () => {
                    if (settled) return;
                    settled = true;
                    if (err.code === grpc.status.DEADLINE_EXCEEDED) {
                        reject(this.error(`policy pack ${this.packDir} did not answer ${method} within ${timeoutMs} ms`));
                    } else if (this.exited) {
                        reject(this.error(`policy pack ${this.packDir} died during ${method} (${this.exitInfo})`));
                    } else {
                        reject(this.error(`policy pack ${this.packDir} failed ${method}: ${err.details || err.message}`));
                    }
                };
                // A transport error may arrive just before the exit event: wait briefly for it.
                if (err.code === grpc.status.UNAVAILABLE && this.child && !this.exited) {
                    Promise.race([this.exitPromise, new Promise((r) => setTimeout(r, 500))]).then(report);
                } else {
                    report();
                }
            });
        });
    }

    /** GetAnalyzerInfo: the pack's name, version and policies. */
    async getAnalyzerInfo(): Promise<AnalyzerInfo> {
        return analyzerInfoOf(await this.call<analyzerPb.AnalyzerInfo>("getAnalyzerInfo", new Empty()));
    }

    /** GetPluginInfo: the pack's plugin version. */
    async getPluginInfo(): Promise<{
        /** The version the pack reports. */
        version: string;
    }> {
        const info = await this.call<any>("getPluginInfo", new Empty());
        return { version: info.getVersion() };
    }

    /** Configure with one entry per policy (as the engine sends it: level plus the policy's properties). */
    async configure(config: Record<string, PolicyConfigEntry>): Promise<void> {
        await this.call("configure", configureRequest(config));
    }

    /** ConfigureStack, as the engine calls it when it starts a pack for a stack (pkg/resource/plugin/analyzer_plugin.go NewAnalyzer). */
    async configureStack(stack: StackConfiguration): Promise<void> {
        await this.call("configureStack", configureStackRequest(stack));
    }

    /** Analyze: the resource policies' verdicts on one resource. */
    async analyze(resource: AnalyzeResource): Promise<AnalyzeResult> {
        return analyzeResultOf(await this.call<analyzerPb.AnalyzeResponse>("analyze", analyzeRequest(resource)));
    }

    /** Remediate: the remediation policies' changes to one resource's inputs. */
    async remediate(resource: AnalyzeResource): Promise<RemediateResult> {
        return remediateResultOf(await this.call<analyzerPb.RemediateResponse>("remediate", analyzeRequest(resource)));
    }

    /** AnalyzeStack: the stack policies' verdicts on every resource at once. */
    async analyzeStack(resources: StackResource[]): Promise<AnalyzeResult> {
        return analyzeResultOf(await this.call<analyzerPb.AnalyzeResponse>("analyzeStack", analyzeStackRequest(resources)));
    }

    /**
     * Closes the connection and kills the pack (SIGTERM, then SIGKILL); or, on a running pack, frees it for the
     * next client. Idempotent.
     */
    close(): Promise<void> {
        if (this.closing) return this.closing;
        this.closing = (async () => {
            try {
                this.client?.close();
            } catch {
                // closing a broken channel is fine
            }
            this.client = undefined;
            if (this.lease) {
                if (this.unanswered) this.lease.keep();
                else this.lease.release();
            }
            const child = this.child;
            if (!child) return;
            killPack(child, "SIGTERM");
            if (!this.exited) {
                const timer = setTimeout(() => killPack(child, "SIGKILL"), KILL_GRACE_MS);
                await this.exitPromise;
                clearTimeout(timer);
            }
            killPack(child, "SIGKILL");
            child.stdout?.destroy();
            child.stderr?.destroy();
            livePacks.delete(child);
        })();
        return this.closing;
    }
}

/** Starts a pack; shorthand for `PackClient.start`. */
export function startPack(packDir: string, options?: StartOptions): Promise<PackClient> {
    return PackClient.start(packDir, options);
}
