/**
 * Runs a Pulumi program on mocks and records every resource the way the engine knows it: type,
 * name, URN, parent, dependencies, property dependencies, provider, inputs after the provider's
 * Check, and the state after the step (computed outputs unknown in a preview).
 *
 * Each capture runs in its own async-local Pulumi store (as Pulumi's automation API runs inline
 * programs), so captures can run one after another, or side by side, in one process.
 */
import * as path from "path";
import { fileURLToPath } from "url";
import { CapturedResource, SourcePosition } from "./types";
import { isCheckerFile } from "./checker-files";
import { MockEnvironment, UNKNOWN_SENTINEL, dataSourceAnswer, defaultEnvironment, resourceState } from "./mocks";
import { ProgramFolder, programFolder, pulumiRootFor, runEntry } from "./load-program";
import { CheckFailure, checkResource } from "./engine-model";
import { optionsOf } from "./registration";
import { secretPaths } from "./secrets";
import { defaultProviderFor } from "./default-providers";

export { UNKNOWN_SENTINEL } from "./mocks";

/** A callback that creates resources; what it returns becomes the stack's outputs. */
export type ProgramCallback = () => unknown;

/** How `capture` runs a program. */
export interface CaptureOptions {
    /** Preview (default): computed outputs are unknown, as in a first preview. false: an update, with plausible ARNs, ids, names, URLs. */
    preview?: boolean;
    /** Defaults to the Pulumi.yaml `name`, or "project" for a callback. */
    project?: string;
    /** Defaults to "dev". Its Pulumi.<stack>.yaml config is read for a program folder. */
    stack?: string;
    /** Program config: `"aws:region"`, `"<project>:key"`, or a bare key (given the project's namespace). */
    programConfig?: Record<string, string>;
    /** Account, region and partition the mocks answer with (region defaults to config `aws:region`). */
    environment?: Partial<MockEnvironment>;
    /** Time limit for the whole run (default 120 s). */
    timeoutMs?: number;
    /** Called as each resource is registered (progress for long programs). */
    onResource?: (resource: CapturedResource, count: number) => void;
    /** A config file that replaces Pulumi.<stack>.yaml (the CLI's `--config-file`). */
    configFile?: string;
    /**
     * A program folder runs in a child process of its own (program-process.ts), as Pulumi's host runs it, so that
     * process.exit or a hang ends only that process; the child itself sets this to run it here.
     */
    inThisProcess?: boolean;
}

/** The program could not be run: it threw, did not finish in time, or its folder is not a program. */
export class CaptureError extends Error {
    constructor(
        /** The program: its folder's absolute path, or `callback` (`callback <name>` for a named function). */
        readonly program: string,
        message: string,
        /** What the program (or the loading of its folder or config) threw, when it threw. */
        readonly cause?: unknown,
    ) {
        super(`program ${program}: ${message}`);
        this.name = "CaptureError";
    }
}

export const DEFAULT_CAPTURE_TIMEOUT_MS = 120_000;

const STACK_TYPE = "pulumi:pulumi:Stack";
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

/**
 * A property value as the engine hands it to a policy pack: secrets unwrapped, resource references
 * as the id (custom) or URN (component), unknowns as the sentinel; assets keep their wire form.
 */
export function plainValue(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(plainValue);
    if (value === null || typeof value !== "object") return value;
    const record = value as Record<string, unknown>;
    switch (record[SIG]) {
        case SECRET_SIG:
            return plainValue(record.value);
        case RESOURCE_SIG:
            if (!("id" in record)) return record.urn;
            return record.id === "" || record.id === undefined ? UNKNOWN_SENTINEL : plainValue(record.id);
        case OUTPUT_VALUE_SIG:
            return "value" in record ? plainValue(record.value) : UNKNOWN_SENTINEL;
    }
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(record)) result[key] = plainValue(item);
    return result;
}

function structToPlain(struct: any): Record<string, unknown> {
    const js = struct && typeof struct.toJavaScript === "function" ? struct.toJavaScript() : {};
    return (plainValue(js) ?? {}) as Record<string, unknown>;
}

function providerUrn(ref: string): string | undefined {
    if (!ref) return undefined;
    const parts = ref.split("::");
    return parts.length > 1 ? parts.slice(0, -1).join("::") : ref;
}

function positionOf(pos: any): SourcePosition | undefined {
    const uri: string = pos?.getUri?.() ?? "";
    const line: number = pos?.getLine?.() ?? 0;
    if (!uri || line <= 0) return undefined;
    let file = uri;
    try {
        if (uri.startsWith("file:")) file = fileURLToPath(uri);
    } catch {
        return undefined;
    }
    return { file, line, column: pos.getColumn?.() || 1 };
}

const NODE_MODULES = `${path.sep}node_modules${path.sep}`;
const isLibrary = (p: SourcePosition) => p.file.includes(NODE_MODULES) || isCheckerFile(p.file);

/** The registration's place in the program's own code (see SourcePosition in types.ts). */
function sourcePositionOf(req: any): SourcePosition | undefined {
    const sent = positionOf(req.getSourceposition?.());
    if (sent && !isLibrary(sent)) return sent;
    const frames: any[] = req.getStacktrace?.()?.getFramesList?.() ?? [];
    for (const frame of frames) {
        const position = positionOf(frame?.getPc?.());
        if (position && !isLibrary(position)) return position;
    }
    return sent;
}

function propertyDependenciesOf(req: any): Record<string, string[]> {
    const result: Record<string, string[]> = {};
    const map = req.getPropertydependenciesMap?.();
    map?.forEach((deps: any, key: string) => {
        const urns: string[] = deps?.getUrnsList?.() ?? [];
        if (urns.length > 0) result[key] = [...urns];
    });
    return result;
}

/** Program config as the engine passes it: every key namespaced (`project:key`), values as strings. */
function namespacedConfig(project: string, config: Record<string, string>): Record<string, string> {
    const result: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        result[key.includes(":") ? key : `${project}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return result;
}

function describeError(error: unknown): string {
    if (error instanceof Error) return error.message;
    return String(error);
}

/** " (at src/index.ts:4:7)": the first frame of the stack trace that is the program's own code. */
function whereThrown(error: unknown): string {
    const stack = error instanceof Error ? error.stack ?? "" : "";
    for (const line of stack.split("\n").slice(1)) {
        const match = /^\s*at (?:.*\()?(.+?:\d+:\d+)\)?$/.exec(line);
        if (!match) continue;
        const location = match[1];
        if (location.startsWith("node:") || location.includes(`${path.sep}node_modules${path.sep}`)) continue;
        if (isCheckerFile(location)) continue;
        return ` (at ${path.relative(process.cwd(), location)})`;
    }
    return "";
}

interface PulumiRuntime {
    runtime: any;
    state: any;
    settings: any;
    config: any;
}

function loadRuntime(root: string): PulumiRuntime {
    const load = (rel: string) => require(path.join(root, ...rel.split("/")));
    return { runtime: load("runtime/index.js"), state: load("runtime/state.js"), settings: load("runtime/settings.js"), config: load("runtime/config.js") };
}

/**
 * Runs `program` (a callback that creates resources, or a folder with Pulumi.yaml) on Pulumi mocks
 * and returns every resource it registered, the stack and components included, in registration order.
 */
export async function capture(program: string | ProgramCallback, options: CaptureOptions = {}): Promise<CapturedResource[]> {
    if (typeof program === "string" && !options.inThisProcess) {
        // Required here: program-process.ts needs this module's exports first.
        const { captureInChild } = require("./program-process") as typeof import("./program-process");
        return captureInChild(program, options);
    }
    let folder: ProgramFolder | undefined;
    const label = typeof program === "string" ? path.resolve(program) : program.name ? `callback ${program.name}` : "callback";
    try {
        if (typeof program === "string") folder = programFolder(program);
    } catch (error) {
        throw new CaptureError(label, describeError(error), error);
    }
    const preview = options.preview ?? true;
    const project = options.project ?? folder?.project ?? "project";
    const stack = options.stack ?? folder?.defaultStack() ?? "dev";
    let stackConfig: { values: Record<string, string>; secretKeys: string[] } | undefined;
    try {
        stackConfig = folder?.configFor(stack, { file: options.configFile });
    } catch (error) {
        throw new CaptureError(label, describeError(error), error);
    }
    const config = namespacedConfig(project, { ...(stackConfig?.values ?? {}), ...(options.programConfig ?? {}) });
    const env: MockEnvironment = { ...defaultEnvironment, region: config["aws:region"] ?? defaultEnvironment.region, ...options.environment };
    let pulumi: PulumiRuntime;
    try {
        pulumi = loadRuntime(folder ? pulumiRootFor(folder.dir) : path.dirname(require.resolve("@pulumi/pulumi/package.json")));
    } catch (error) {
        throw new CaptureError(label, describeError(error), error);
    }
    const init = folder ? () => runEntry(folder!) : (program as ProgramCallback);
    const previousStackResource = (globalThis as any).stackResource;
    try {
        return await pulumi.state.withLocalStorage(() =>
            run(pulumi, init, label, { preview, project, stack, config, secretKeys: stackConfig?.secretKeys ?? [], env, timeoutMs: options.timeoutMs ?? DEFAULT_CAPTURE_TIMEOUT_MS, onResource: options.onResource }),
        );
    } finally {
        (globalThis as any).stackResource = previousStackResource;
        // settings.ts keeps the last monitor in a module variable too; clear it inside a throwaway store.
        pulumi.state.withLocalStorage(() => pulumi.settings.resetOptions("", "", -1, "", "", false, ""));
    }
}

/**
 * Pulumi's Node.js host lets the event loop drain, then waits for the work of `beforeExit` handlers
 * (@pulumi/pulumi cmd/run/index.js): @pulumi/aws creates the BucketNotification of `bucket.onObjectCreated` in
 * one. The handlers run here, inside the capture's Pulumi store, until a round registers nothing more.
 */
async function runBeforeExit(pulumi: PulumiRuntime, resources: CapturedResource[]): Promise<void> {
    for (let round = 0; round < 10; round++) {
        const handlers = process.listeners("beforeExit");
        const before = resources.length;
        for (const handler of handlers) handler.call(process, 0);
        await pulumi.settings.waitForRPCs();
        if (handlers.length === 0 || resources.length === before) return;
    }
}

interface RunSettings {
    preview: boolean;
    project: string;
    stack: string;
    config: Record<string, string>;
    secretKeys: string[];
    env: MockEnvironment;
    timeoutMs: number;
    onResource?: (resource: CapturedResource, count: number) => void;
}

async function run(pulumi: PulumiRuntime, init: ProgramCallback, label: string, s: RunSettings): Promise<CapturedResource[]> {
    const resources: CapturedResource[] = [];
    const byUrn = new Map<string, CapturedResource>();
    // The wrapped registerResource computes the state from the raw request (sentinels, secrets, references
    // intact) and hands it to newResource, which MockMonitor calls synchronously from that same call.
    let pending: { id: string | undefined; state: Record<string, unknown> } | undefined;

    const mocks = {
        newResource(args: { type: string; name: string; id?: string; custom?: boolean }) {
            const answer = pending;
            pending = undefined;
            if (answer) return answer;
            // A read (`Resource.get`): the resource exists, so its outputs are known.
            const read = resourceState(args.type, args.name, {}, false, s.env);
            return { id: args.id || read.id, state: read.state };
        },
        call(args: { token: string; inputs: Record<string, unknown> }) {
            return dataSourceAnswer(args.token, args.inputs ?? {}, s.env) ?? args.inputs ?? {};
        },
    };

    await pulumi.runtime.setMocks(mocks, s.project, s.stack, s.preview);
    pulumi.config.setAllConfig(s.config, s.secretKeys);
    const monitor = pulumi.settings.getMonitor();
    // The engine leaves the root stack out of its children's qualified types, and keeps the full chain below it.
    monitor.newUrn = (parent: string, type: string, name: string) => {
        const parentType = parent ? parent.split("::")[2] : "";
        const qualified = parentType && parentType !== STACK_TYPE ? `${parentType}$${type}` : type;
        return `urn:pulumi:${s.stack}::${s.project}::${qualified}::${name}`;
    };

    const checkFailures: CheckFailure[] = [];
    const duplicateUrns = new Set<string>();
    const registerResource = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) => {
        const type: string = req.getType();
        const name: string = req.getName();
        const custom: boolean = req.getCustom();
        const given = structToPlain(req.getObject());
        const urn: string = monitor.newUrn(req.getParent(), type, name);
        // The engine refuses a second registration of a URN (pulumi/pulumi sdk/go/common/diag/errors.go, 2001).
        if (byUrn.has(urn)) duplicateUrns.add(urn);
        let inputs = given;
        let outputs: Record<string, unknown> = {};
        if (custom) {
            // The engine sends a custom resource's inputs through the provider's Check; components skip it.
            try {
                inputs = checkResource(type, urn, given);
            } catch (error) {
                if (!(error instanceof CheckFailure)) throw error;
                checkFailures.push(error);
            }
            const answer = resourceState(type, name, given, s.preview, s.env, urn, inputs);
            pending = answer;
            outputs = { ...answer.state, id: answer.id ?? UNKNOWN_SENTINEL };
        } else {
            pending = { id: undefined, state: {} };
        }
        const resource: CapturedResource = {
            urn,
            type,
            name,
            custom,
            parent: req.getParent() || undefined,
            dependencies: [...new Set<string>(req.getDependenciesList())],
            propertyDependencies: propertyDependenciesOf(req),
            provider: providerUrn(req.getProvider()),
            inputs,
            outputs,
        };
        if (resource.parent === undefined) delete resource.parent;
        if (resource.provider === undefined) delete resource.provider;
        const options = optionsOf(req, { stack: s.stack, project: s.project, type, name, parent: req.getParent(), urnOf: monitor.newUrn });
        if (Object.keys(options).length > 0) resource.options = options;
        const packageVersion: string = req.getVersion?.() ?? "";
        if (packageVersion) resource.packageVersion = packageVersion;
        if (custom && !resource.provider) {
            const defaultProvider = defaultProviderFor(type, packageVersion || undefined, s);
            if (defaultProvider) resource.defaultProvider = defaultProvider;
        }
        const sourcePosition = sourcePositionOf(req);
        if (sourcePosition) resource.sourcePosition = sourcePosition;
        const secrets = secretPaths(req.getObject()?.toJavaScript?.());
        if (secrets.length > 0) resource.secrets = secrets;
        // A multi-language component (awsx, aws-apigateway, ...): its provider plugin builds its children at a real preview.
        if (req.getRemote?.()) resource.remote = true;
        resources.push(resource);
        byUrn.set(urn, resource);
        s.onResource?.(resource, resources.length);
        return registerResource(req, callback);
    };

    const registerResourceOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req: any, callback: (err: any, resp: any) => void) => {
        const resource = byUrn.get(req.getUrn());
        if (resource && !resource.custom) resource.outputs = structToPlain(req.getOutputs());
        return registerResourceOutputs(req, callback);
    };

    const failures: unknown[] = [];
    const onFailure = (error: unknown) => failures.push(error);
    process.on("unhandledRejection", onFailure);
    process.on("uncaughtException", onFailure);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
            () => reject(new CaptureError(label, `did not finish within ${Math.round(s.timeoutMs / 1000)} s (a promise that never settles?)`)),
            s.timeoutMs,
        );
    });
    try {
        // The program's own failure is kept apart from Pulumi's, whose outputs would reject unobserved.
        let thrown: { error: unknown } | undefined;
        const guarded = async () => {
            try {
                return await init();
            } catch (error) {
                thrown = { error };
                return undefined;
            }
        };
        await Promise.race([pulumi.runtime.runInPulumiStack(guarded), deadline]);
        if (thrown) throw thrown.error;
        await Promise.race([pulumi.settings.waitForRPCs(), deadline]);
        await Promise.race([runBeforeExit(pulumi, resources), deadline]);
    } catch (error) {
        if (error instanceof CaptureError) throw error;
        throw new CaptureError(label, `threw ${describeError(error)}${whereThrown(error)}`, error);
    } finally {
        clearTimeout(timer);
        // Node reports unhandled rejections after the current turn: keep listening until then.
        await new Promise((resolve) => setImmediate(resolve));
        process.off("unhandledRejection", onFailure);
        process.off("uncaughtException", onFailure);
    }
    if (duplicateUrns.size > 0) {
        throw new CaptureError(label, [...duplicateUrns].map((urn) => `Duplicate resource URN '${urn}'; try giving it a unique name`).join("; "));
    }
    if (failures.length > 0) {
        throw new CaptureError(label, `failed: ${failures.map(describeError).join("; ")}`, failures[0]);
    }
    if (checkFailures.length > 0) {
        throw new CaptureError(label, `the provider's Check rejects ${checkFailures.map((f) => f.message).join("; ")}`, checkFailures[0]);
    }
    const logErrors = pulumi.state.getStore().logErrorCount ?? 0;
    if (logErrors > 0) throw new CaptureError(label, `logged ${logErrors} error(s) (see the output above)`);
    return resources;
}
