/**
 * The child process that runs a program folder for program-process.ts: it captures the program (capture.ts, in
 * this process) and sends the resources back over IPC. Whatever the program does to its process (process.exit,
 * open handles, a hang, a crash) ends this process only; the parent learns why from the IPC messages, or, when
 * the process ends before it could answer, from one line this process writes to file descriptor 3 on exit.
 */
import "./typescript-code-cache-preload";
import * as fs from "fs";
import * as path from "path";
import { Worker } from "worker_threads";
import { capture, CaptureError } from "./capture";
import { isCheckerFile } from "./checker-files";
import { useLazySdkModules } from "./lazy-sdk-modules";
import { pulumiRootFor } from "./load-program";
import { CHECKER_PID_ENV, ChildMessage, ChildRequest, EXIT_NOTE_FD, EXIT_PARENT_GONE, ExitNote } from "./program-process";
import { transpileCacheStats, useTranspileCache } from "./transpile-cache";

/** The first stack frame in the program's own code: " (at index.ts:4:7)". */
export function programFrame(stack: string | undefined): string | undefined {
    for (const line of (stack ?? "").split("\n").slice(1)) {
        const location = /^\s*at (?:.*\()?(.+?:\d+:\d+)\)?$/.exec(line)?.[1];
        if (!location || location.startsWith("node:") || location.includes(`${path.sep}node_modules${path.sep}`)) continue;
        const file = location.startsWith("file://") ? location.slice("file://".length) : location;
        if (isCheckerFile(file)) continue;
        return path.relative(process.cwd(), file) || file;
    }
    return undefined;
}

/** The program's TypeScript files that ts-node compiled (CommonJS only: ES modules are not in require.cache). */
function compiledTypeScript(): string[] {
    return Object.keys(require.cache).filter((f) => /\.[cm]?tsx?$/.test(f) && !f.includes(`${path.sep}node_modules${path.sep}`) && !isCheckerFile(f));
}

let answered = false;
let exitCall: ExitNote["exitCall"];
const realExit = process.exit.bind(process) as (code?: number) => never;

process.exit = ((code?: number | string | null) => {
    if (!answered && !exitCall) exitCall = { code: Number(code ?? process.exitCode ?? 0), where: programFrame(new Error().stack) };
    return realExit(code as number);
}) as typeof process.exit;

process.on("exit", (code) => {
    if (answered) return;
    const note: ExitNote = { code, exitCall };
    try {
        fs.writeSync(EXIT_NOTE_FD, JSON.stringify(note) + "\n");
    } catch {
        // the parent is gone: nobody to tell
    }
});

// The parent ended (or was killed): end too, whatever the program left running.
process.on("disconnect", () => {
    if (!answered) realExit(EXIT_PARENT_GONE);
});
const checker = Number(process.env[CHECKER_PID_ENV]);
if (!process.connected || (checker && process.ppid !== checker)) realExit(EXIT_PARENT_GONE);
// The same from a thread of its own, for a program that never yields: once this process has another parent
// (the checker was killed with `kill -9`), the watcher ends it.
new Worker(
    `const { workerData } = require("worker_threads");
    setInterval(() => { if (process.ppid !== workerData.checker) process.kill(process.pid, "SIGKILL"); }, 500);`,
    { eval: true, workerData: { checker: checker || process.ppid } },
).unref();

function answer(message: ChildMessage) {
    answered = true;
    // Exit as soon as the answer is out: the program's timers, sockets and pending promises end with this process.
    process.send!(message, undefined, undefined, () => realExit(0));
}

process.once("message", async (request: ChildRequest) => {
    useLazySdkModules();
    useTranspileCache(request.dir);
    try {
        // Loaded before "started": the parent's watchdog and the capture's own time limit then start together.
        require(path.join(pulumiRootFor(request.dir), "runtime", "index.js"));
    } catch {
        // capture reports it
    }
    const start = Date.now();
    process.send!({ type: "started" } satisfies ChildMessage);
    try {
        const resources = await capture(request.dir, {
            ...request.options,
            inThisProcess: true,
            onResource: (_, count) => {
                if (count % request.progressEvery === 0) process.send!({ type: "progress", count, elapsedMs: Date.now() - start } satisfies ChildMessage);
            },
        });
        answer({
            type: "done",
            resources,
            elapsedMs: Date.now() - start,
            maxRssBytes: process.resourceUsage().maxRSS * 1024,
            compiled: compiledTypeScript(),
            transpileCache: transpileCacheStats(),
        });
    } catch (error) {
        const prefix = error instanceof CaptureError ? `program ${error.program}: ` : "";
        const message = error instanceof CaptureError && error.message.startsWith(prefix) ? error.message.slice(prefix.length) : `failed: ${(error as Error)?.stack ?? error}`;
        answer({ type: "error", message, elapsedMs: Date.now() - start });
    }
});
