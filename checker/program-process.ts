/**
 * Runs a program folder in a child process of its own (program-child.ts), so that whatever the program does to
 * its process ends only that process: `process.exit`, open handles, a hang, a crash, running out of memory. The
 * checker always ends with its own exit code and says what happened: "the program called process.exit(0) before
 * it finished", "did not finish within 120 s", and so on.
 *
 * The folder is read here first (Pulumi.yaml, the stack and its config), so a bad project or config fails before
 * any process starts; the child runs the program as Pulumi's Node.js host does (load-program.ts).
 */
import { spawn } from "child_process";
import * as path from "path";
import { CaptureError, CaptureOptions } from "./capture";
import { compiledCheckerFile } from "./compiled-twin";
import { EXITED_AFTER_MESSAGE, programFolder, ProgramFolder } from "./load-program";
import type { ResolvedConfig } from "./program-config";
import {
    awsRegion,
    captureTimeLimit,
    checkedBefore,
    foreignPackageJson,
    heapLimitArgs,
    limitHint,
    MAX_TIMER_MS,
    regionProblem,
    remember,
} from "./program-settings";
import type { TranspileCacheStats } from "./transpile-cache";
import type { CapturedResource } from "./types";

export { CAPTURE_TIMEOUT_ENV, heapLimitArgs } from "./program-settings";

/** The parent's request (IPC message). */
export interface ChildRequest {
    dir: string;
    options: Omit<CaptureOptions, "onResource" | "inThisProcess">;
    progressEvery: number;
}

export type ChildMessage =
    | { type: "started" }
    | { type: "progress"; count: number; elapsedMs: number }
    | { type: "done"; resources: CapturedResource[]; elapsedMs: number; maxRssBytes: number; compiled: string[]; transpileCache?: TranspileCacheStats }
    | { type: "error"; message: string; elapsedMs: number };

/** What the child writes to EXIT_NOTE_FD when it ends without having answered. */
export interface ExitNote {
    code: number;
    /** Set when the program called process.exit: the code it gave and where it called it. */
    exitCall?: { code: number; where?: string };
}

/** The child writes its exit note on this file descriptor. */
export const EXIT_NOTE_FD = 3;
/** The child's exit code when the parent went away first. */
export const EXIT_PARENT_GONE = 3;

/** Tells the child which process it answers to, so that it can tell when that process is gone. */
export const CHECKER_PID_ENV = "SERVERLESS_GUARDRAILS_CHECKER_PID";

/** How long past the time limit the child may take to report it before it is killed: 5 s, or the limit if shorter. */
const KILL_GRACE_MS = 5_000;
/** How long the child may take to load the checker and Pulumi before the program starts. */
const START_LIMIT_MS = 120_000;

/** How `runProgram` runs a program folder: the capture options, and what it tells the caller as it goes. */
export interface ProgramRunOptions extends CaptureOptions {
    /** Called every `progressEvery` resources (default 500) with the count and the time since the program started. */
    onProgress?: (count: number, elapsedMs: number) => void;
    /** Resources between two `onProgress` calls. Default 500. */
    progressEvery?: number;
    /** Where the program's own output goes (its stdout and stderr both): default this process's stderr, never stdout. */
    onOutput?: (text: string) => void;
    /** Called with what is likely a mistake in the folder but not an error (default: "warning: ..." on stderr). */
    onWarning?: (message: string) => void;
    /** Ends the program's process when aborted: runProgram then rejects with the signal's reason. */
    signal?: AbortSignal;
}

/** What a program folder registered, and the project, stack and config it ran with. */
export interface ProgramRun {
    /** Every resource the program registered, the stack and components included, in registration order. */
    resources: CapturedResource[];
    /** The project: Pulumi.yaml's `name`. */
    project: string;
    /** The stack it ran as. */
    stack: string;
    /** The stack file that was read, if any. */
    stackFile?: string;
    /** Config keys whose `secure:` value stood in as a placeholder. */
    placeholders: string[];
    /** From the program's start to its last resource, in the child. */
    elapsedMs: number;
    /** The child process's peak resident memory. */
    childMaxRssBytes?: number;
    /** How many of the program's files the transpile cache answered (transpile-only runs with the cache on). */
    transpileCache?: TranspileCacheStats;
}

/** runtime.options.nodeargs split the simple way (no quoting), with the heap limit. */
function nodeArgs(program: ProgramFolder): string[] {
    const given = (program.runtimeOptions.nodeargs ?? "").split(/\s+/).filter(Boolean);
    return [...heapLimitArgs(given), ...given];
}

/**
 * The child's entry: the compiled script next to this one; from the TypeScript sources, its twin in dist/ when that
 * is built from them as they are now, else the source through ts-node.
 */
function childEntry(): string[] {
    const compiled = compiledCheckerFile(__dirname, __filename.endsWith(".js"), "program-child");
    if (compiled) return [compiled];
    const tsNode = require.resolve("ts-node", { paths: [__dirname] });
    // Scoped to the checker's own folder: the program's files are for the ts-node that Pulumi's run.js registers.
    const options = {
        transpileOnly: true,
        skipProject: true,
        scope: true,
        scopeDir: __dirname,
        compilerOptions: { module: "commonjs", moduleResolution: "node10", target: "es2022", esModuleInterop: true },
    };
    // -e, not --require: Pulumi's run.js turns its automatic ESM mode off when node runs with --require.
    return ["-e", `require(${JSON.stringify(tsNode)}).register(${JSON.stringify(options)}); require(${JSON.stringify(path.join(__dirname, "program-child.ts"))});`];
}

/** "(at index.ts:4:7)" in a message from the child (relative to the program's folder) made relative to this process's folder. */
function relocated(message: string, workDir: string): string {
    return message.replace(/\(at ([^()\s]+):(\d+):(\d+)\)/g, (whole, file: string, line: string, column: string) => {
        if (file.startsWith("node:") || file.includes("://")) return whole;
        return `(at ${path.relative(process.cwd(), path.resolve(workDir, file)) || file}:${line}:${column})`;
    });
}

/** Why the child ended without an answer, from its exit note, exit code and signal. */
function endedWithoutAnswer(note: ExitNote | undefined, code: number | null, signal: NodeJS.Signals | null, outOfMemory: boolean): string {
    if (note?.exitCall) {
        const where = note.exitCall.where ? ` (at ${note.exitCall.where})` : "";
        return `the program called process.exit(${note.exitCall.code}) before it finished${where}; nothing was checked`;
    }
    if (outOfMemory) return "ran out of memory (the JavaScript heap limit; raise it with nodeargs: --max-old-space-size=<MB> under runtime.options in Pulumi.yaml)";
    if (signal) return `was ended by signal ${signal} before it finished (killed from outside, or out of memory)`;
    if (code === EXITED_AFTER_MESSAGE) return "stopped after printing why (see the program's output above)";
    if (code === 0) return "ended before it finished: nothing was left to run while it still waited (a promise that never settles, with nothing pending to settle it)";
    return `ended with exit code ${code} before it finished (see the program's output above)`;
}

/**
 * Runs the program folder `dir` on mocks in a child process and returns what it registered, with the stack and
 * config it ran with. Throws CaptureError for a bad folder or config, a failing program, or one that ends early.
 */
export async function runProgram(dir: string, options: ProgramRunOptions = {}): Promise<ProgramRun> {
    const label = path.resolve(dir);
    let program: ProgramFolder;
    let stack: string;
    let config: ResolvedConfig;
    let timeLimit: number;
    try {
        program = programFolder(dir);
        stack = options.stack ?? program.defaultStack();
        config = program.configFor(stack, { file: options.configFile, overrides: options.programConfig });
        timeLimit = captureTimeLimit(options.timeoutMs);
    } catch (error) {
        throw new CaptureError(label, (error as Error).message, error);
    }
    const region = awsRegion(config.values);
    const { onProgress, onOutput = (text: string) => process.stderr.write(text), progressEvery = 500, onResource, onWarning, signal, ...captureOptions } = options;
    signal?.throwIfAborted();
    const foreign = foreignPackageJson(program);
    if (foreign) {
        (onWarning ?? ((m: string) => process.stderr.write(`warning: ${m}\n`)))(
            `${program.dir} has no package.json: as Pulumi's Node.js host does, the program's entry is the main (or exports) of ${foreign}, ` +
                "outside the project. Give the program its own package.json, or name its entry file in Pulumi.yaml's main",
        );
    }
    const request: ChildRequest = {
        dir: program.dir,
        options: {
            ...captureOptions,
            stack,
            timeoutMs: timeLimit,
            environment: { ...(region && !config.values["aws:region"] ? { region } : {}), ...captureOptions.environment },
        },
        progressEvery,
    };
    // Pulumi type-checks a TypeScript program unless PULUMI_NODEJS_TRANSPILE_ONLY says otherwise (cmd/run/run.js).
    const typeChecks = program.runtimeOptions.typescript && !process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
    const skipCheck = typeChecks && checkedBefore(program);
    const child = spawn(process.execPath, [...nodeArgs(program), ...childEntry()], {
        cwd: program.workDir,
        env: { ...process.env, [CHECKER_PID_ENV]: String(process.pid), ...(skipCheck ? { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } : {}) },
        stdio: ["ignore", "pipe", "pipe", "pipe", "ipc"],
        serialization: "advanced",
    });
    let exitNote = "";
    let outOfMemory = false;
    // Both of the program's streams go to the log: stdout stays the report's alone.
    child.stdout!.on("data", (chunk: Buffer) => onOutput(chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => {
        const text = chunk.toString();
        if (text.includes("JavaScript heap out of memory")) outOfMemory = true;
        onOutput(text);
    });
    (child.stdio[EXIT_NOTE_FD] as NodeJS.ReadableStream).on("data", (chunk: Buffer) => (exitNote += chunk.toString()));

    let started = false;
    const outcome = await new Promise<{ message?: ChildMessage; code: number | null; signal: NodeJS.Signals | null; killedAfter?: number }>((resolve) => {
        let answer: ChildMessage | undefined;
        let killedAfter: number | undefined;
        // The time limit counts from the program's start; loading the checker and Pulumi before it has its own.
        const arm = (ms: number, limit: number) =>
            setTimeout(() => {
                killedAfter = limit;
                child.kill("SIGKILL");
            }, Math.min(ms, MAX_TIMER_MS));
        let watchdog = arm(START_LIMIT_MS, START_LIMIT_MS);
        const stop = () => child.kill("SIGKILL");
        process.once("exit", stop);
        signal?.addEventListener("abort", stop, { once: true });
        child.on("message", (message: ChildMessage) => {
            if (message.type === "started") {
                started = true;
                clearTimeout(watchdog);
                watchdog = arm(timeLimit + Math.min(KILL_GRACE_MS, timeLimit), timeLimit);
            } else if (message.type === "progress") onProgress?.(message.count, message.elapsedMs);
            else answer = message;
        });
        child.on("error", () => undefined);
        child.on("close", (code, endSignal) => {
            clearTimeout(watchdog);
            process.off("exit", stop);
            signal?.removeEventListener("abort", stop);
            resolve({ message: answer, code, signal: endSignal, killedAfter });
        });
        child.send(request);
    });

    const { message } = outcome;
    signal?.throwIfAborted();
    if (message?.type === "done") {
        const problem = regionProblem(message.resources, region, stack);
        if (problem) throw new CaptureError(label, problem);
        if (typeChecks && !skipCheck) remember(program, message.compiled);
        message.resources.forEach((resource, i) => onResource?.(resource, i + 1));
        return {
            resources: message.resources,
            project: program.project,
            stack,
            stackFile: config.file,
            placeholders: config.placeholders,
            elapsedMs: message.elapsedMs,
            childMaxRssBytes: message.maxRssBytes,
            transpileCache: message.transpileCache,
        };
    }
    if (message?.type === "error") {
        const timedOut = message.message.startsWith("did not finish within");
        const detail = relocated(message.message, program.workDir);
        throw new CaptureError(label, timedOut ? `${detail}; ${limitHint(timeLimit)}` : detail);
    }
    if (outcome.killedAfter === START_LIMIT_MS && outcome.killedAfter !== timeLimit) {
        throw new CaptureError(label, `its process did not start within ${START_LIMIT_MS / 1000} s (loading the checker and @pulumi/pulumi)`);
    }
    if (outcome.killedAfter !== undefined) {
        throw new CaptureError(label, `did not finish within ${Math.round(timeLimit / 1000)} s and did not answer (a loop that never yields?); ${limitHint(timeLimit)}`);
    }
    if (outcome.code === EXIT_PARENT_GONE) throw new CaptureError(label, "its process lost the checker");
    if (!started) throw new CaptureError(label, `its process could not start (exit code ${outcome.code ?? outcome.signal}; see the output above)`);
    let note: ExitNote | undefined;
    try {
        note = exitNote.trim() ? (JSON.parse(exitNote.trim().split("\n").pop() as string) as ExitNote) : undefined;
    } catch {
        note = undefined;
    }
    throw new CaptureError(label, relocated(endedWithoutAnswer(note, outcome.code, outcome.signal, outOfMemory), program.workDir));
}

/** capture() for a program folder: the resources of runProgram. */
export async function captureInChild(dir: string, options: ProgramRunOptions = {}): Promise<CapturedResource[]> {
    return (await runProgram(dir, options)).resources;
}
