/**
 * Captures and checks of program folders shared by suites whose subject is neither the capture nor the run itself
 * (the gallery's and the reference application's verdicts, the Terraform and stack-state inputs compared with them,
 * parity, the reports): each is made once per Jest run, as the checker makes it (the program in a child process of
 * its own, the pack over gRPC), and read back by every suite that asks again. The suites that test capturing call
 * `capture` themselves.
 *
 * They are kept in the folder the global setup names in SG_RUN_CACHE (run-cache-folder.ts); in a run without it,
 * a suite still makes each once for all its tests.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as v8 from "v8";
import { capture, type CaptureOptions } from "../../checker/capture";
import { defaultPackDir } from "../../checker/cli";
import type { AnalysisResult, CapturedResource } from "../../checker/types";
import { analyze } from "../../testing";
import { RUN_CACHE_ENV } from "./run-cache-folder";

export type SharedCaptureOptions = Pick<CaptureOptions, "preview" | "programConfig" | "stack" | "configFile">;

/** The resources of the program folder `dir` as `capture(dir, options)` captures them, once per Jest run. */
export function sharedCapture(dir: string, options: SharedCaptureOptions = {}): Promise<CapturedResource[]> {
    return oncePerRun(["capture", path.resolve(dir), captureKey(options), filesOf(dir)], () => capture(dir, options));
}

/** `checkProgram(dir, options)` (the serverless-guardrails pack, no config), once per Jest run. */
export function sharedCheck(dir: string, options: SharedCaptureOptions = {}): Promise<AnalysisResult> {
    return oncePerRun(["check", path.resolve(dir), captureKey(options), filesOf(dir), filesOf(defaultPackDir())], async () => analyze(await sharedCapture(dir, options)));
}

const captureKey = (options: SharedCaptureOptions) => [options.preview ?? true, options.programConfig ?? {}, options.stack ?? "", options.configFile ?? ""];

/** Folders no program or pack loads from: their files do not change a result. */
const SKIPPED = new Set(["node_modules", "dist", "tests"]);

/** The size and time of each file under `dir`: a file changed during the run makes a new result. */
function filesOf(dir: string): string {
    const hash = createHash("sha256");
    const walk = (folder: string) => {
        for (const entry of fs.readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            if (entry.name.startsWith(".") || SKIPPED.has(entry.name)) continue;
            const file = path.join(folder, entry.name);
            if (entry.isDirectory()) walk(file);
            else if (entry.isFile()) {
                const stat = fs.statSync(file);
                hash.update(`${file}\0${stat.size}\0${stat.mtimeMs}\0`);
            }
        }
    };
    if (fs.existsSync(dir)) walk(path.resolve(dir));
    return hash.digest("hex");
}

/** Per suite: the serialized result, so that each caller gets a copy of its own to change. */
const inThisSuite = new Map<string, Promise<Buffer>>();
const WAIT_MS = 100;

async function oncePerRun<T>(keyParts: unknown[], make: () => Promise<T>): Promise<T> {
    const key = createHash("sha256").update(JSON.stringify(keyParts)).digest("hex").slice(0, 32);
    let serialized = inThisSuite.get(key);
    if (!serialized) {
        // v8's structured clone, as the program's child sends its resources (program-process.ts: serialization "advanced").
        serialized = load(key, async () => v8.serialize(await make()));
        inThisSuite.set(key, serialized);
    }
    return v8.deserialize(await serialized) as T;
}

/** The result from the run's cache folder, made here if no other suite has made it or is making it. */
async function load(key: string, make: () => Promise<Buffer>): Promise<Buffer> {
    const folder = process.env[RUN_CACHE_ENV];
    if (!folder) return make();
    const file = path.join(folder, `${key}.v8`);
    const lock = `${file}.lock`;
    for (;;) {
        const found = readIfThere(file);
        if (found) return found;
        const claimed = claim(lock);
        if (claimed === "unusable") return make();
        if (claimed === "mine") {
            try {
                const made = await make();
                try {
                    fs.writeFileSync(`${file}.${process.pid}`, made);
                    fs.renameSync(`${file}.${process.pid}`, file);
                } catch {
                    // The folder went away: this suite has its result all the same.
                }
                return made;
            } finally {
                // A failure leaves no file: the next suite to ask makes it again, and sees the failure itself.
                fs.rmSync(lock, { force: true });
            }
        }
        if (!holderAlive(lock)) fs.rmSync(lock, { force: true });
        else await new Promise((resolve) => setTimeout(resolve, WAIT_MS));
    }
}

function readIfThere(file: string): Buffer | undefined {
    try {
        return fs.readFileSync(file);
    } catch {
        return undefined;
    }
}

/** "unusable": the folder is gone (the run is ending) or cannot be written; the suite makes its own. */
function claim(lock: string): "mine" | "taken" | "unusable" {
    try {
        fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
        return "mine";
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EEXIST" ? "taken" : "unusable";
    }
}

/** Whether the process that claimed the lock still runs (a worker that crashed mid-capture leaves its lock). */
function holderAlive(lock: string): boolean {
    let pid: number;
    try {
        pid = Number(fs.readFileSync(lock, "utf8"));
    } catch {
        return true; // gone already: the next turn finds the file or claims the lock
    }
    if (!Number.isInteger(pid) || pid <= 0) return true; // claimed, its pid not written yet
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}
