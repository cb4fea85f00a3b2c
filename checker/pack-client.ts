/**
 * Starts a policy pack the way the Pulumi engine does and speaks the engine's Analyzer gRPC protocol
 * to it. Every wait has a time limit; a pack that dies is reported with its stderr; `close()` (or the
 * exit of this process) kills the pack.
 *
 * The pack runs in this process's process group, so whatever ends the group (a CI time limit, Ctrl-C,
 * `kill -9 -<pgid>`) ends the pack with it. When only this process dies, even by SIGKILL (the OOM killer),
 * the pack notices: a watchdog thread started in it before the pack host loads sees its parent change
 * and kills its own process. A thread, so that it works even while a policy keeps the main thread busy.
 */
import { ChildProcess, spawn } from "child_process";
import { createRequire } from "module";
import * as path from "path";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import type { EnforcementLevel } from "./types";

// The stubs and their runtime come from the copy that @pulumi/pulumi itself uses, so that message
// classes and `instanceof` checks inside grpc-js agree.
const pulumiRequire = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const grpc: typeof grpcTypes = pulumiRequire("@grpc/grpc-js");
const pb: typeof analyzerPb = pulumiRequire("./proto/analyzer_pb");
const { AnalyzerClient } = pulumiRequire("./proto/analyzer_grpc_pb");
const { Struct } = pulumiRequire("google-protobuf/google/protobuf/struct_pb");
const { Empty } = pulumiRequire("google-protobuf/google/protobuf/empty_pb");

export const DEFAULT_START_TIMEOUT_MS = 60_000;
export const DEFAULT_CALL_TIMEOUT_MS = 60_000;
const KILL_GRACE_MS = 2_000;
const STDERR_LIMIT = 64 * 1024;
const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;
/** The longest wait a Node.js timer can time (a longer one fires at once). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;
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

function timerMs(ms: number): number {
    return Math.min(Math.max(ms, 1), MAX_TIMEOUT_MS);
}

/** A pack that could not be started, answered with an error, died, or did not answer in time. */
export class PackError extends Error {
    constructor(
        message: string,
        readonly packDir: string,
        /** What the pack wrote to stderr (the last 64 KiB). */
        readonly stderr: string,
    ) {
        super(stderr.trim() ? `${message}\n--- pack stderr ---\n${stderr.trim()}` : message);
        this.name = "PackError";
    }
}

export interface StartOptions {
    /** Limit from spawn to the port line. */
    startTimeoutMs?: number;
    /** Limit for each RPC. */
    callTimeoutMs?: number;
    /** Passed as the engine address argument (the pack does not call back in our use). */
    engineAddress?: string;
    /** Extra environment for the pack process. */
    env?: NodeJS.ProcessEnv;
}

export interface PolicyInfo {
    name: string;
    displayName: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    type: "resource" | "stack" | "unknown";
    severity?: string;
    remediationSteps?: string;
    url?: string;
    tags: string[];
    configSchema?: { properties: Record<string, any>; required?: string[] };
}

export interface PolicyConfigEntry {
    enforcementLevel: EnforcementLevel;
    properties?: Record<string, unknown>;
}

export interface AnalyzerInfo {
    name: string;
    displayName: string;
    version: string;
    supportsConfig: boolean;
    description: string;
    tags: string[];
    policies: PolicyInfo[];
    /** The pack's own initial config (PolicyPack's `initialConfig`), per policy. */
    initialConfig: Record<string, Partial<PolicyConfigEntry>>;
}

export interface ProviderResource {
    type: string;
    urn: string;
    name: string;
    properties: Record<string, unknown>;
}

export interface ResourceOptions {
    protect?: boolean;
    ignoreChanges?: string[];
    deleteBeforeReplace?: boolean;
    additionalSecretOutputs?: string[];
    aliases?: string[];
    customTimeouts?: { create?: number; update?: number; delete?: number };
    parent?: string;
}

/** What ConfigureStack tells a pack about the stack (AnalyzerStackConfigureRequest). */
export interface StackConfiguration {
    stack: string;
    project: string;
    organization: string;
    /** Stack tags (`pulumi:project`, `pulumi:runtime`, ...): policies read them as `args.stackTags`. */
    tags: Record<string, string>;
    /** True for a preview. */
    dryRun: boolean;
    /** The program's config, namespaced keys (`aws:region`), string values. */
    config: Record<string, string>;
    configSecretKeys: string[];
}

/** A resource as Analyze and Remediate receive it. */
export interface AnalyzeResource {
    type: string;
    urn: string;
    name: string;
    properties: Record<string, unknown>;
    options?: ResourceOptions;
    provider?: ProviderResource;
}

/** A resource as AnalyzeStack receives it. */
export interface StackResource extends AnalyzeResource {
    parent?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
}

export interface Diagnostic {
    policyName: string;
    policyPackName: string;
    policyPackVersion: string;
    description: string;
    message: string;
    enforcementLevel: EnforcementLevel;
    urn?: string;
    severity?: string;
}

export interface PolicyNotApplicable {
    policyName: string;
    reason: string;
}

export interface AnalyzeResult {
    diagnostics: Diagnostic[];
    notApplicable: PolicyNotApplicable[];
}

export interface RemediationResult {
    policyName: string;
    policyPackName: string;
    policyPackVersion: string;
    description: string;
    /** The resource's full new properties, when the policy changed them. */
    properties?: Record<string, unknown>;
    diagnostic?: string;
}

export interface RemediateResult {
    remediations: RemediationResult[];
    notApplicable: PolicyNotApplicable[];
}

const levelNames: Record<number, EnforcementLevel> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };
const levelNumbers: Record<EnforcementLevel, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };
const severityNames: Record<number, string | undefined> = { 0: undefined, 1: "low", 2: "medium", 3: "high", 4: "critical" };

export function levelName(level: number): EnforcementLevel {
    return levelNames[level] ?? "advisory";
}

/** Plain JSON for a protobuf Struct: drops `undefined`, turns non-finite numbers and other odd values into strings. */
function jsonSafe(value: unknown): unknown {
    if (value === null || typeof value === "string" || typeof value === "boolean") return value;
    if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
    if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : jsonSafe(v)));
    if (typeof value === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
            if (v !== undefined) out[k] = jsonSafe(v);
        }
        return out;
    }
    return value === undefined ? null : String(value);
}

export function toStruct(value: Record<string, unknown>): any {
    return Struct.fromJavaScript(jsonSafe(value ?? {}));
}

function optionsMessage(options: ResourceOptions = {}): analyzerPb.AnalyzerResourceOptions {
    const message = new pb.AnalyzerResourceOptions();
    message.setProtect(options.protect ?? false);
    message.setIgnorechangesList(options.ignoreChanges ?? []);
    if (options.deleteBeforeReplace !== undefined) {
        message.setDeletebeforereplace(options.deleteBeforeReplace);
        message.setDeletebeforereplacedefined(true);
    }
    message.setAdditionalsecretoutputsList(options.additionalSecretOutputs ?? []);
    message.setAliasesList(options.aliases ?? []);
    const timeouts = new pb.AnalyzerResourceOptions.CustomTimeouts();
    timeouts.setCreate(options.customTimeouts?.create ?? 0);
    timeouts.setUpdate(options.customTimeouts?.update ?? 0);
    timeouts.setDelete(options.customTimeouts?.delete ?? 0);
    message.setCustomtimeouts(timeouts);
    if (options.parent) message.setParent(options.parent);
    return message;
}

function providerMessage(provider: ProviderResource): analyzerPb.AnalyzerProviderResource {
    const message = new pb.AnalyzerProviderResource();
    message.setType(provider.type);
    message.setUrn(provider.urn);
    message.setName(provider.name);
    message.setProperties(toStruct(provider.properties));
    return message;
}

export function analyzeRequest(resource: AnalyzeResource): analyzerPb.AnalyzeRequest {
    const message = new pb.AnalyzeRequest();
    message.setType(resource.type);
    message.setUrn(resource.urn);
    message.setName(resource.name);
    message.setProperties(toStruct(resource.properties));
    message.setOptions(optionsMessage(resource.options));
    if (resource.provider) message.setProvider(providerMessage(resource.provider));
    return message;
}

export function stackResourceMessage(resource: StackResource): analyzerPb.AnalyzerResource {
    const message = new pb.AnalyzerResource();
    message.setType(resource.type);
    message.setUrn(resource.urn);
    message.setName(resource.name);
    message.setProperties(toStruct(resource.properties));
    message.setOptions(optionsMessage({ ...resource.options, parent: resource.parent ?? resource.options?.parent }));
    if (resource.provider) message.setProvider(providerMessage(resource.provider));
    if (resource.parent) message.setParent(resource.parent);
    message.setDependenciesList(resource.dependencies ?? []);
    const dependencies = message.getPropertydependenciesMap();
    for (const [property, urns] of Object.entries(resource.propertyDependencies ?? {})) {
        const entry = new pb.AnalyzerPropertyDependencies();
        entry.setUrnsList(urns);
        dependencies.set(property, entry);
    }
    return message;
}

function notApplicableOf(list: analyzerPb.PolicyNotApplicable[]): PolicyNotApplicable[] {
    return list.map((n) => ({ policyName: n.getPolicyName(), reason: n.getReason() }));
}

function analyzeResultOf(response: analyzerPb.AnalyzeResponse): AnalyzeResult {
    return {
        diagnostics: response.getDiagnosticsList().map((d) => ({
            policyName: d.getPolicyname(),
            policyPackName: d.getPolicypackname(),
            policyPackVersion: d.getPolicypackversion(),
            description: d.getDescription(),
            message: d.getMessage(),
            enforcementLevel: levelName(d.getEnforcementlevel()),
            urn: d.getUrn() || undefined,
            severity: severityNames[d.getSeverity()],
        })),
        notApplicable: notApplicableOf(response.getNotApplicableList()),
    };
}

function analyzerInfoOf(info: analyzerPb.AnalyzerInfo): AnalyzerInfo {
    const policyTypes: Record<number, PolicyInfo["type"]> = { 1: "resource", 2: "stack" };
    const initialConfig: AnalyzerInfo["initialConfig"] = {};
    info.getInitialconfigMap().forEach((config: analyzerPb.PolicyConfig, policy: string) => {
        const entry: Partial<PolicyConfigEntry> = {};
        // A PolicyConfig without an explicit level carries ADVISORY (0); the pack sets a level only when it has one.
        entry.enforcementLevel = levelName(config.getEnforcementlevel());
        const properties = config.getProperties()?.toJavaScript();
        if (properties) entry.properties = properties as Record<string, unknown>;
        initialConfig[policy] = entry;
    });
    return {
        name: info.getName(),
        displayName: info.getDisplayname(),
        version: info.getVersion(),
        supportsConfig: info.getSupportsconfig(),
        description: info.getDescription(),
        tags: info.getTagsList(),
        initialConfig,
        policies: info.getPoliciesList().map((p) => {
            const schema = p.getConfigschema();
            return {
                name: p.getName(),
                displayName: p.getDisplayname(),
                description: p.getDescription(),
                enforcementLevel: levelName(p.getEnforcementlevel()),
                type: policyTypes[p.getPolicyType()] ?? "unknown",
                severity: severityNames[p.getSeverity()],
                remediationSteps: p.getRemediationSteps() || undefined,
                url: p.getUrl() || undefined,
                tags: p.getTagsList(),
                configSchema: schema
                    ? {
                          properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, any>,
                          required: schema.getRequiredList().length ? schema.getRequiredList() : undefined,
                      }
                    : undefined,
            };
        }),
    };
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

    private constructor(
        readonly packDir: string,
        private readonly child: ChildProcess,
        private readonly callTimeoutMs: number,
    ) {
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

    /** Spawns the pack (cwd = pack dir) and waits for its port line. */
    static async start(packDir: string, options: StartOptions = {}): Promise<PackClient> {
        const dir = path.resolve(packDir);
        const host = resolvePackHost(dir);
        installExitHook();
        const child = spawn(process.execPath, ["--import", WATCHDOG, host, options.engineAddress ?? "127.0.0.1:0", dir], {
            cwd: dir,
            stdio: ["ignore", "pipe", "pipe"],
            env: { ...process.env, FORCE_COLOR: "0", ...options.env },
        });
        livePacks.add(child);
        const pack = new PackClient(dir, child, timerMs(options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS));
        const startTimeoutMs = timerMs(options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
        let port: number;
        try {
            port = await pack.readPort(startTimeoutMs);
        } catch (e) {
            await pack.close();
            throw e;
        }
        pack.client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
            "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
        });
        return pack;
    }

    private readPort(timeoutMs: number): Promise<number> {
        const child = this.child;
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

    get pid(): number | undefined {
        return this.child.pid;
    }

    get isRunning(): boolean {
        return !this.exited;
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
            this.child.once("exit", onExit);
            this.client[method](request, new grpc.Metadata(), { deadline }, (err: grpcTypes.ServiceError | null, response: Res) => {
                this.child.removeListener("exit", onExit);
                if (settled) return;
                if (!err) {
                    settled = true;
                    resolve(response);
                    return;
                }
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
                if (err.code === grpc.status.UNAVAILABLE && !this.exited) {
                    Promise.race([this.exitPromise, new Promise((r) => setTimeout(r, 500))]).then(report);
                } else {
                    report();
                }
            });
        });
    }

    async getAnalyzerInfo(): Promise<AnalyzerInfo> {
        return analyzerInfoOf(await this.call<analyzerPb.AnalyzerInfo>("getAnalyzerInfo", new Empty()));
    }

    async getPluginInfo(): Promise<{ version: string }> {
        const info = await this.call<any>("getPluginInfo", new Empty());
        return { version: info.getVersion() };
    }

    /** Configure with one entry per policy (as the engine sends it: level plus the policy's properties). */
    async configure(config: Record<string, PolicyConfigEntry>): Promise<void> {
        const request = new pb.ConfigureAnalyzerRequest();
        const map = request.getPolicyconfigMap();
        for (const [policy, entry] of Object.entries(config)) {
            const message = new pb.PolicyConfig();
            message.setEnforcementlevel(levelNumbers[entry.enforcementLevel]);
            message.setProperties(toStruct(entry.properties ?? {}));
            map.set(policy, message);
        }
        await this.call("configure", request);
    }

    /** ConfigureStack, as the engine calls it when it starts a pack for a stack (pkg/resource/plugin/analyzer_plugin.go NewAnalyzer). */
    async configureStack(stack: StackConfiguration): Promise<void> {
        const request = new pb.AnalyzerStackConfigureRequest();
        request.setStack(stack.stack);
        request.setProject(stack.project);
        request.setOrganization(stack.organization);
        request.setDryRun(stack.dryRun);
        const tags = request.getTagsMap();
        for (const [key, value] of Object.entries(stack.tags)) tags.set(key, value);
        const config = request.getConfigMap();
        for (const [key, value] of Object.entries(stack.config)) config.set(key, value);
        request.setConfigSecretKeysList(stack.configSecretKeys);
        await this.call("configureStack", request);
    }

    async analyze(resource: AnalyzeResource): Promise<AnalyzeResult> {
        return analyzeResultOf(await this.call<analyzerPb.AnalyzeResponse>("analyze", analyzeRequest(resource)));
    }

    async remediate(resource: AnalyzeResource): Promise<RemediateResult> {
        const response = await this.call<analyzerPb.RemediateResponse>("remediate", analyzeRequest(resource));
        return {
            remediations: response.getRemediationsList().map((r) => ({
                policyName: r.getPolicyname(),
                policyPackName: r.getPolicypackname(),
                policyPackVersion: r.getPolicypackversion(),
                description: r.getDescription(),
                properties: (r.getProperties()?.toJavaScript() as Record<string, unknown> | undefined) ?? undefined,
                diagnostic: r.getDiagnostic() || undefined,
            })),
            notApplicable: notApplicableOf(response.getNotApplicableList()),
        };
    }

    async analyzeStack(resources: StackResource[]): Promise<AnalyzeResult> {
        const request = new pb.AnalyzeStackRequest();
        request.setResourcesList(resources.map(stackResourceMessage));
        return analyzeResultOf(await this.call<analyzerPb.AnalyzeResponse>("analyzeStack", request));
    }

    /** Closes the connection and kills the pack (SIGTERM, then SIGKILL). Idempotent. */
    close(): Promise<void> {
        if (this.closing) return this.closing;
        this.closing = (async () => {
            try {
                this.client?.close();
            } catch {
                // closing a broken channel is fine
            }
            this.client = undefined;
            killPack(this.child, "SIGTERM");
            if (!this.exited) {
                const timer = setTimeout(() => killPack(this.child, "SIGKILL"), KILL_GRACE_MS);
                await this.exitPromise;
                clearTimeout(timer);
            }
            killPack(this.child, "SIGKILL");
            this.child.stdout?.destroy();
            this.child.stderr?.destroy();
            livePacks.delete(this.child);
        })();
        return this.closing;
    }
}

/** Starts a pack; shorthand for `PackClient.start`. */
export function startPack(packDir: string, options?: StartOptions): Promise<PackClient> {
    return PackClient.start(packDir, options);
}
