/**
 * Starts a policy pack the way the Pulumi engine does (the process: pack-process.ts) and speaks the engine's
 * Analyzer gRPC protocol to it (the messages: pack-messages.ts). Every wait has a time limit; a pack that dies
 * is reported with its stderr; `close()` (or the exit of this process) kills the pack. In the test run, a client
 * may use a pack that is already running instead (pack-lease.ts); closing it then leaves the pack running.
 */
import type { ChildProcess } from "child_process";
import * as path from "path";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { PackLease, runningPacksOf, takeLease } from "./pack-lease";
import { killPack, packHostOf, readPort, spawnPack } from "./pack-process";
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
/** Limit for the calls that ready a running pack for a new client. */
const RESET_TIMEOUT_MS = 5_000;
/** Errors that leave it unknown whether the pack got the call. */
const UNANSWERED = new Set([grpc.status.DEADLINE_EXCEEDED, grpc.status.UNAVAILABLE, grpc.status.CANCELLED]);
const EMPTY_STACK: StackConfiguration = { stack: "", project: "", organization: "", tags: {}, dryRun: false, config: {}, configSecretKeys: [] };

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

/** A running policy pack and a typed client for its Analyzer service. */
export class PackClient {
    private stderrText = "";
    private exited = false;
    private exitInfo = "";
    private readonly exitPromise: Promise<void>;
    private client: any;
    private closing?: Promise<void>;
    private addressText = "";
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
                resolve();
            });
        });
    }

    /**
     * Spawns the pack (cwd = pack dir) and waits for its port line; or, unless the options shape the process (an
     * engine address, an environment), uses a running pack of the folder that no other client holds, if the
     * environment lists one (pack-lease.ts). The start limit then has no start to time; the call limit holds.
     */
    static async start(packDir: string, options: StartOptions = {}): Promise<PackClient> {
        const dir = path.resolve(packDir);
        const callTimeoutMs = timerMs(options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS);
        if (options.engineAddress === undefined && options.env === undefined) {
            const running = await PackClient.attach(dir, callTimeoutMs);
            if (running) return running;
        }
        const host = packHostOf(dir);
        if (!host) throw new PackError(`cannot start policy pack ${dir}: @pulumi/pulumi is not installed for it (run npm install in the pack folder)`, dir, "");
        const child = spawnPack(dir, host, options.engineAddress ?? "127.0.0.1:0", options.env);
        const pack = new PackClient(dir, callTimeoutMs, child);
        let port: number;
        try {
            port = await readPort(child, dir, timerMs(options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS), () => pack.exitInfo);
        } catch (e) {
            const error = pack.error((e as Error).message);
            await pack.close();
            throw error;
        }
        pack.connect(`127.0.0.1:${port}`);
        return pack;
    }

    /** A client on a listed running pack of `dir` that no other client holds, or undefined when there is none. */
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
        this.addressText = address;
        this.client = new AnalyzerClient(address, grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
            "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
        });
    }

    private error(message: string): PackError {
        return new PackError(message, this.packDir, this.stderrText);
    }

    /** What the pack has written to stderr so far (the last 64 KiB). */
    get stderr(): string {
        return this.stderrText;
    }

    /** Where the pack's Analyzer service listens (`127.0.0.1:<port>`). */
    get address(): string {
        return this.addressText;
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
        })();
        return this.closing;
    }
}

/** Starts a pack; shorthand for `PackClient.start`. */
export function startPack(packDir: string, options?: StartOptions): Promise<PackClient> {
    return PackClient.start(packDir, options);
}
