/**
 * Policy packs already running, which `PackClient.start` uses instead of spawning a pack: a test facility, not a
 * feature. The test run (tests/setup/start-packs.ts) starts a few packs once and lists them in
 * SERVERLESS_GUARDRAILS_RUNNING_PACKS; the test processes and the CLI processes they spawn inherit the list.
 *
 * A pack serves one client at a time: Configure and ConfigureStack replace the pack's whole config and stack tags,
 * so two clients at once would judge with each other's. A client holds a lease on the pack: a lock file created
 * with O_EXCL that holds the client's pid, removed when the client closes, taken over once that pid is gone.
 */
import * as fs from "fs";
import * as path from "path";

export const RUNNING_PACKS_ENV = "SERVERLESS_GUARDRAILS_RUNNING_PACKS";

export interface RunningPack {
    /** The pack folder, resolved. */
    dir: string;
    /** Where its Analyzer service listens (`127.0.0.1:<port>`). */
    address: string;
    pid: number;
    /** The lease's lock file. */
    lock: string;
}

function realpath(dir: string): string {
    try {
        return fs.realpathSync(dir);
    } catch {
        return path.resolve(dir);
    }
}

/**
 * A pack still starting: its RunningPack (as JSON) appears in `readyFile` once it listens. The test run lists its
 * second pack of each folder this way, so that the suites start while it does.
 */
export interface StartingPack {
    dir: string;
    lock: string;
    readyFile: string;
}

function isStartingPack(value: any): value is StartingPack {
    return value !== null && typeof value === "object" && typeof value.dir === "string" && typeof value.lock === "string" && typeof value.readyFile === "string";
}

/** A starting pack's RunningPack, once its ready file holds one. */
function ready(pack: StartingPack): RunningPack | undefined {
    try {
        const running = JSON.parse(fs.readFileSync(pack.readyFile, "utf8"));
        return isRunningPack(running) && running.dir === pack.dir && running.lock === pack.lock ? running : undefined;
    } catch {
        return undefined;
    }
}

function isRunningPack(value: any): value is RunningPack {
    return (
        value !== null &&
        typeof value === "object" &&
        typeof value.dir === "string" &&
        typeof value.address === "string" &&
        Number.isInteger(value.pid) &&
        typeof value.lock === "string"
    );
}

/**
 * The running packs of `dir` that the environment lists (a starting one once it is ready); none when the variable
 * is unset or not a list of packs.
 */
export function runningPacksOf(dir: string, env: NodeJS.ProcessEnv = process.env): RunningPack[] {
    const text = env[RUNNING_PACKS_ENV];
    if (!text) return [];
    let list: unknown;
    try {
        list = JSON.parse(text);
    } catch {
        return [];
    }
    if (!Array.isArray(list)) return [];
    const wanted = realpath(dir);
    const packs = list.flatMap((item): RunningPack | RunningPack[] => (isRunningPack(item) ? item : isStartingPack(item) ? (ready(item) ?? []) : []));
    return packs.filter((pack) => realpath(pack.dir) === wanted);
}

function isAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

/** Creates `file` holding our pid, only if it does not exist. */
function create(file: string): boolean {
    try {
        fs.writeFileSync(file, String(process.pid), { flag: "wx" });
        return true;
    } catch {
        return false;
    }
}

/** True when the lock's holder has ended. An empty file is one being written: held. */
function holderIsGone(lock: string): boolean {
    let text: string;
    try {
        text = fs.readFileSync(lock, "utf8");
    } catch {
        return false;
    }
    const pid = Number(text);
    return text !== "" && Number.isInteger(pid) && pid > 0 && !isAlive(pid);
}

/**
 * Removes a dead holder's lock and takes it. The removal happens under a second lock, so that two processes that
 * both saw the holder dead cannot remove each other's fresh lock; whoever then creates the lock first has it.
 */
function takeOver(lock: string): boolean {
    const guard = `${lock}.takeover`;
    if (!create(guard)) return false;
    try {
        if (holderIsGone(lock)) fs.rmSync(lock, { force: true });
        return create(lock);
    } finally {
        fs.rmSync(guard, { force: true });
    }
}

const held = new Set<PackLease>();
let exitHookInstalled = false;

export class PackLease {
    private released = false;

    constructor(readonly pack: RunningPack) {
        held.add(this);
        if (!exitHookInstalled) {
            exitHookInstalled = true;
            process.on("exit", () => {
                for (const lease of held) lease.release();
            });
        }
    }

    /** Frees the pack for the next client. */
    release() {
        if (this.released) return;
        this.released = true;
        held.delete(this);
        fs.rmSync(this.pack.lock, { force: true });
    }

    /**
     * Keeps the pack from every other client while this process lives: a call of ours may still reach the pack
     * (it timed out, or the connection broke), and must not land in the next client's session.
     */
    keep() {
        this.released = true;
        held.delete(this);
    }
}

/** A lease on the pack, or undefined when another client holds it. */
export function takeLease(pack: RunningPack): PackLease | undefined {
    if (create(pack.lock) || (holderIsGone(pack.lock) && takeOver(pack.lock))) return new PackLease(pack);
    return undefined;
}
