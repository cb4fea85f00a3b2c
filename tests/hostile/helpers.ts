/**
 * Shared by the hostile-input tests: the compiled serverless-guardrails pack started as the engine starts it,
 * configured as the engine configures it, and values in the engine's wire form (secrets marked).
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { reconcileConfig, userConfigFrom, type UserConfig } from "../../checker/config";
import { PackClient } from "../../checker/pack-client";
import type { AnalyzeResource } from "../../checker/pack-messages";
import { cliEntry } from "../helpers/checker-cli";

export const ROOT = path.resolve(__dirname, "../..");
export const POLICIES_DIR = path.join(ROOT, "policies");
export const HOSTILE_FIXTURES = path.join(__dirname, "fixtures");

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A value as the engine sends a secret to a pack (and as a pack returns one). */
export function secret(value: unknown): Record<string, unknown> {
    return { [SIG]: SECRET_SIG, value };
}

export function isSecret(value: unknown): value is { value: unknown } {
    return value !== null && typeof value === "object" && (value as Record<string, unknown>)[SIG] === SECRET_SIG;
}

export function resource(type: string, name: string, properties: Record<string, unknown>): AnalyzeResource {
    return { type, name, urn: `urn:pulumi:dev::app::${type}::${name}`, properties };
}

/** The compiled pack (policies/bin, built by `npm test` before Jest): one of the test run's running packs when one is free. */
export async function startPack(): Promise<PackClient> {
    if (!fs.existsSync(path.join(POLICIES_DIR, "bin", "index.js"))) throw new Error("policies/bin is missing: run `npm run build` first");
    return PackClient.start(POLICIES_DIR);
}

/**
 * Configure as the engine does: every policy with its schema defaults, under the given `--policy-pack-config`.
 * lambda-runtime-supported is off unless asked for: its verdict depends on today's date.
 */
export async function configure(pack: PackClient, config: UserConfig = {}): Promise<void> {
    const info = await pack.getAnalyzerInfo();
    await pack.configure(reconcileConfig(info, userConfigFrom({ "lambda-runtime-supported": "disabled", ...config })));
}

export interface CliRun {
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
}

/** The CLI as its own process, as `npx serverless-guardrails` runs it; `detached` makes it lead its own process group. */
export function spawnCli(args: string[], options: { detached?: boolean; env?: NodeJS.ProcessEnv } = {}) {
    const child = spawn(process.execPath, [...cliEntry(), ...args], {
        cwd: ROOT,
        detached: options.detached,
        env: { ...process.env, ...options.env },
        stdio: ["ignore", "pipe", "pipe"],
    });
    const output = { stdout: "", stderr: "" };
    child.stdout.on("data", (d) => (output.stdout += d));
    child.stderr.on("data", (d) => (output.stderr += d));
    const done = new Promise<CliRun>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, ...output })));
    return { child, output, done };
}

/** Runs the CLI to its end, with a time limit. */
export async function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliRun> {
    const { child, output, done } = spawnCli(args, options);
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    const result = await done;
    clearTimeout(timer);
    if (result.signal === "SIGKILL") throw new Error(`the CLI did not finish in time\n${output.stderr}`);
    return result;
}

/** Waits until `condition` holds, checking every 100 ms; false when `timeoutMs` passes first. */
export async function eventually(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if (condition()) return true;
        if (Date.now() > deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}
