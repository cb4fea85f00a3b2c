/**
 * A program runs in a child process of its own: whatever it does to its process (process.exit early or late, a
 * promise that never settles, a loop that never yields, a crash, handles left open) ends only that process. The
 * checker ends with its own exit code (2 when it could not check) and says what happened, and nothing is left
 * running. Fixtures are plain JavaScript, so no test waits for a type-check.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import { run } from "../../checker/cli";
import { CAPTURE_TIMEOUT_ENV, runProgram } from "../../checker/program-process";
import { cliEntry } from "../helpers/checker-cli";
import { packDir, programDir, ROOT } from "./helpers";

jest.setTimeout(180_000);

/** What the busy-loop fixture prints as it enters its loop. */
const IN_THE_LOOP = "entering a loop that never yields";

/** Whether a process runs (a zombie, ended but not yet reaped by its new parent, does not). */
function alive(pid: number): boolean {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
    } catch {
        return false;
    }
}

/** Processes (other than this one) whose working directory is `dir`: a program's child process runs there. */
function runningIn(dir: string): number[] {
    const pids: number[] = [];
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
        try {
            if (fs.readlinkSync(`/proc/${entry}/cwd`) === dir && alive(Number(entry))) pids.push(Number(entry));
        } catch {
            // gone, or not ours to read
        }
    }
    return pids;
}

async function check(fixture: string, env: Record<string, string> = {}) {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    const lines: string[] = [];
    try {
        const result = await run(["check", programDir(fixture), "--policy-pack", packDir("basic"), "--mode", "preview"], (l) => lines.push(l));
        return { ...result, errors: lines.filter((l) => l.startsWith("error:")), lines };
    } finally {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    }
}

describe("a program that ends or stalls its process", () => {
    afterEach(() => {
        for (const fixture of ["exit-early", "exit-late", "hang", "busy-loop", "crash", "stray-handles"]) expect(runningIn(programDir(fixture))).toEqual([]);
    });

    test("process.exit(0) before it finished: exit 2 (never 0), naming the call and where it is", async () => {
        const result = await check("exit-early");
        expect(result.exitCode).toBe(2);
        expect(result.stdout).toBe("");
        expect(result.errors).toEqual([
            `error: could not run the program ${programDir("exit-early")}: the program called process.exit(0) before it finished (at tests/fixtures/programs/exit-early/index.js:5:9); nothing was checked`,
        ]);
    });

    test("process.exit(1) late in its event loop: exit 2 (never 1, which means violations)", async () => {
        const result = await check("exit-late");
        expect(result.exitCode).toBe(2);
        expect(result.errors).toEqual([expect.stringMatching(/exit-late: the program called process\.exit\(1\) before it finished \(at .*exit-late\/index\.js:5:26\); nothing was checked$/)]);
    });

    // Short time limits: these two tests wait for them to pass.
    test("a promise that never settles: stopped at the capture time limit, which the message names with how to raise it", async () => {
        const result = await check("hang", { [CAPTURE_TIMEOUT_ENV]: "1000" });
        expect(result.exitCode).toBe(2);
        expect(result.errors).toEqual([
            `error: could not run the program ${programDir("hang")}: did not finish within 1 s (a promise that never settles?); the capture time limit is 1 s: raise it with ${CAPTURE_TIMEOUT_ENV}=<milliseconds> (or the timeoutMs option)`,
        ]);
    });

    test("a loop that never yields: its process is killed past the time limit", async () => {
        const result = await check("busy-loop", { [CAPTURE_TIMEOUT_ENV]: "1000" });
        expect(result.exitCode).toBe(2);
        expect(result.errors).toEqual([
            `error: could not run the program ${programDir("busy-loop")}: did not finish within 1 s and did not answer (a loop that never yields?); the capture time limit is 1 s: raise it with ${CAPTURE_TIMEOUT_ENV}=<milliseconds> (or the timeoutMs option)`,
        ]);
    });

    test("a crash (its process killed): exit 2 naming the signal", async () => {
        const result = await check("crash");
        expect(result.exitCode).toBe(2);
        expect(result.errors).toEqual([`error: could not run the program ${programDir("crash")}: was ended by signal SIGKILL before it finished (killed from outside, or out of memory)`]);
    });

    test("a timer and a listening server left open: the check ends with its verdicts, the program's process is gone", async () => {
        const run = await runProgram(programDir("stray-handles"), { onOutput: () => undefined });
        expect(run.resources.map((r) => `${r.type} ${r.name}`)).toEqual(["pulumi:pulumi:Stack stray-handles-dev", "aws:sqs/queue:Queue jobs-dlq", "aws:sqs/queue:Queue jobs"]);
        const result = await check("stray-handles");
        expect(result.exitCode).toBe(0);
        expect(result.stdout).toMatch(/3 resources checked by \d+ policies in 1 policy pack/);
    });
});

test("the checker killed with kill -9 while the program runs a loop that never yields: the program's process ends too", async () => {
    const dir = programDir("busy-loop");
    const cli = spawn(process.execPath, [...cliEntry(), "check", dir, "--policy-pack", packDir("basic")], {
        cwd: ROOT,
        env: { ...process.env, [CAPTURE_TIMEOUT_ENV]: "600000" },
        stdio: ["ignore", "ignore", "pipe"],
    });
    // The program's output reaches the CLI's stderr: the fixture says when it enters its loop.
    let log = "";
    cli.stderr!.on("data", (chunk: Buffer) => (log += chunk.toString()));
    // Checked often: the program spins a core until it is gone.
    const until = async (condition: () => boolean, ms: number) => {
        for (const end = Date.now() + ms; Date.now() < end && !condition(); ) await new Promise((r) => setTimeout(r, 25));
        return condition();
    };
    try {
        expect(await until(() => log.includes(IN_THE_LOOP), 120_000)).toBe(true);
        const program = runningIn(dir);
        expect(program.length).toBeGreaterThan(0);
        cli.kill("SIGKILL");
        const gone = await until(() => !program.some(alive), 15_000);
        expect(gone).toBe(true);
    } finally {
        cli.kill("SIGKILL");
        for (const pid of runningIn(dir)) process.kill(pid, "SIGKILL");
    }
});
