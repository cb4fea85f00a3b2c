/**
 * The cost of `--mode both` (the default) against `--mode preview`: the whole CLI as a user runs it
 * (`node bin/serverless-guardrails.js check <program> --mode ...`, the built package), on the reference
 * application and on the anti-pattern gallery, whose first previews both leave can't-run notices for the
 * update part to judge. Runs interleaved, medians. Goal: both <= 1.6 × preview.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "serverless-guardrails.js");
export const MODES_GOAL = 1.6;

export const PROGRAMS: Record<string, string> = {
    "reference application": ROOT,
    "anti-pattern gallery": path.join(ROOT, "examples", "anti-patterns"),
};

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One CLI run; the exit code must be 0 or 1 (a report), never 2. */
function timeCheck(dir: string, mode: string): Promise<number> {
    return new Promise((resolve, reject) => {
        const start = performance.now();
        const child = spawn(process.execPath, [BIN, "check", dir, "--mode", mode, "--format", "json"], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += d));
        child.on("error", reject);
        child.on("exit", (code) => {
            const elapsed = performance.now() - start;
            if (code === 0 || code === 1) resolve(elapsed);
            else reject(new Error(`check ${dir} --mode ${mode} exited ${code}:\n${stderr}`));
        });
    });
}

export interface ModeFigures {
    previewMs: number;
    bothMs: number;
    ratio: number;
}

export async function measureModes(reps: number, log: (message: string) => void): Promise<Record<string, ModeFigures>> {
    if (!fs.existsSync(path.join(ROOT, "dist", "checker", "cli.js"))) throw new Error("the checker is not built: run `npm run build` first");
    const figures: Record<string, ModeFigures> = {};
    for (const [label, dir] of Object.entries(PROGRAMS)) {
        await timeCheck(dir, "preview"); // warm the file cache and ts-node's
        const preview: number[] = [];
        const both: number[] = [];
        for (let rep = 0; rep < reps; rep++) {
            log(`check modes, ${label}: run ${rep + 1} of ${reps}`);
            preview.push(await timeCheck(dir, "preview"));
            both.push(await timeCheck(dir, "both"));
        }
        const previewMs = median(preview);
        const bothMs = median(both);
        figures[label] = { previewMs, bothMs, ratio: bothMs / previewMs };
    }
    return figures;
}
