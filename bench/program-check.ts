/**
 * The "program check" benchmark: `serverless-guardrails check` on a generated program (bench/program: a queue, its
 * dead-letter queue and an alarm on the DLQ per unit) of 1,000, 5,000 and 10,000 resources, as a user runs it (the
 * built CLI, `--mode preview`), against
 * - the same program on plain `pulumi.runtime.setMocks` with a trivial mock (bench/plain-mocks.js), and
 * - the same resources analyzed by the pack alone (analyzeResources: start, Remediate and Analyze per resource,
 *   AnalyzeStack).
 * Goals: check time <= 1.5 x (plain mocks + pack alone); peak memory <= 1.3 x plain mocks, memory being the
 * resident memory of the whole process tree (checker, program process, pack), sampled every 100 ms.
 * Both programs run transpile-only (PULUMI_NODEJS_TRANSPILE_ONLY=true): the type-check, which plain mocks do not
 * do, is measured apart at 1,000 resources.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { analyzeResources } from "../checker/analyze";
import { CAPTURE_TIMEOUT_ENV, heapLimitArgs, runProgram } from "../checker/program-process";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "serverless-guardrails.js");
const PROGRAM = path.join(__dirname, "program");
const PACK = path.join(ROOT, "policies");

export const PROGRAM_GOALS = { time: 1.5, memory: 1.3 };
export const PROGRAM_SIZES = [1000, 5000, 10000];
/** A big program on a busy machine takes minutes: the bench measures, it does not time out. */
const LIMIT_MS = 3_600_000;

/** Units of three resources, plus the stack. */
const unitsFor = (size: number) => Math.round((size - 1) / 3);

export interface Run {
    ms: number;
    peakMb: number;
}

export interface ProgramFigures {
    resources: number;
    checker: Run;
    plain: Run;
    packAloneMs: number;
    timeRatio: number;
    memoryRatio: number;
}

/** Resident memory of `pid` and its descendants, summed (Linux: /proc). */
function treeRssMb(pid: number): number {
    const parents = new Map<number, number>();
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
        } catch {
            // ended meanwhile
        }
    }
    const tree = new Set([pid]);
    for (let grew = true; grew; ) {
        grew = false;
        for (const [child, parent] of parents) if (tree.has(parent) && !tree.has(child)) grew = tree.add(child) !== undefined;
    }
    let kb = 0;
    for (const p of tree) {
        try {
            kb += Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0);
        } catch {
            // ended meanwhile
        }
    }
    return kb / 1024;
}

/** Runs node with `args` to its end: wall time and the peak of the process tree's resident memory. */
function measure(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
    return new Promise((resolve, reject) => {
        const start = performance.now();
        const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        let peakMb = 0;
        const sample = () => (peakMb = Math.max(peakMb, treeRssMb(child.pid!)));
        const timer = process.platform === "linux" ? setInterval(sample, 100) : undefined;
        child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-20_000)));
        child.on("error", reject);
        child.on("exit", (code) => {
            const ms = performance.now() - start;
            clearInterval(timer);
            if (code === 0 || code === 1) resolve({ ms, peakMb });
            else reject(new Error(`${args.join(" ")} exited ${code}:\n${stderr}`));
        });
    });
}

/** One size: plain mocks, the pack alone on the checker's resources, then the check itself. */
async function measureSize(size: number, log: (m: string) => void): Promise<ProgramFigures> {
    const units = String(unitsFor(size));
    const env = { ...process.env, PULUMI_NODEJS_TRANSPILE_ONLY: "true", [CAPTURE_TIMEOUT_ENV]: String(LIMIT_MS) };
    log(`program check, ${size} resources: plain mocks`);
    // The same heap limit as the checker gives its program process, so both can hold 10,000 resources.
    const plain = await measure([...heapLimitArgs(), path.join(__dirname, "plain-mocks.js"), PROGRAM, units], env);
    log(`program check, ${size} resources: the pack alone`);
    const saved = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
    process.env.PULUMI_NODEJS_TRANSPILE_ONLY = "true";
    let resources;
    try {
        resources = (await runProgram(PROGRAM, { programConfig: { units }, timeoutMs: LIMIT_MS, onOutput: () => undefined })).resources;
    } finally {
        if (saved === undefined) delete process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
        else process.env.PULUMI_NODEJS_TRANSPILE_ONLY = saved;
    }
    const start = performance.now();
    await analyzeResources(resources, { packs: [{ dir: PACK }], callTimeoutMs: 600_000 });
    const packAloneMs = performance.now() - start;
    log(`program check, ${size} resources: the check (serverless-guardrails check --mode preview)`);
    const report = path.join(os.tmpdir(), `sg-bench-report-${process.pid}.json`);
    const checker = await measure([BIN, "check", PROGRAM, "--config", `units=${units}`, "--mode", "preview", "--format", "json", "--output", report], env);
    fs.rmSync(report, { force: true });
    return {
        resources: resources.length,
        checker,
        plain,
        packAloneMs,
        timeRatio: checker.ms / (plain.ms + packAloneMs),
        memoryRatio: checker.peakMb / plain.peakMb,
    };
}

export async function measureProgramCheck(sizes: number[], log: (m: string) => void): Promise<Record<number, ProgramFigures>> {
    const figures: Record<number, ProgramFigures> = {};
    for (const size of sizes) figures[size] = await measureSize(size, log);
    return figures;
}

/** What type-checking adds to a check of the 1,000-resource program (plain mocks never type-check). */
export async function measureTypeCheck(log: (m: string) => void): Promise<{ withMs: number; withoutMs: number }> {
    const args = [BIN, "check", PROGRAM, "--config", `units=${unitsFor(1000)}`, "--mode", "preview", "--format", "json", "--output", os.devNull];
    log("program check: 1,000 resources with and without the type-check");
    const withoutMs = (await measure(args, { ...process.env, PULUMI_NODEJS_TRANSPILE_ONLY: "true", [CAPTURE_TIMEOUT_ENV]: String(LIMIT_MS) })).ms;
    const env: NodeJS.ProcessEnv = { ...process.env, [CAPTURE_TIMEOUT_ENV]: String(LIMIT_MS) };
    delete env.PULUMI_NODEJS_TRANSPILE_ONLY;
    const withMs = (await measure(args, env)).ms;
    return { withMs, withoutMs };
}
