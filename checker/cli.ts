/**
 * `serverless-guardrails check [program-dir]`: runs a Pulumi program on mocks, hands its resources to
 * the policy packs as the engine does, prints the report. Exit 0: no mandatory violation; 1: at least
 * one; 2: the program, a pack or the config could not be evaluated.
 */
import * as fs from "fs";
import * as path from "path";
import { PackSpec } from "./analyze";
import { check, UpdateCaptureError } from "./check";
import { CaptureError } from "./capture";
import { ConfigError } from "./config";
import { MAX_TIMEOUT_MS, PackError } from "./pack-client";
import { formatReport, hasMandatoryViolation } from "./report";
import type { Mode } from "./report/model";
import { runProgram } from "./program-process";
import type { CapturedResource } from "./types";
import { fileInput, InputError } from "./inputs";
import { CliOptions, parseArgs, USAGE, UsageError } from "./cli-args";

export const EXIT_OK = 0;
export const EXIT_VIOLATIONS = 1;
export const EXIT_ERROR = 2;
const PROGRESS_EVERY = 500;

export { FORMATS, MODES, parseArgs, USAGE, UsageError } from "./cli-args";
export type { CliOptions, Format } from "./cli-args";
export type { Mode };

/** The serverless-guardrails pack shipped with this package (the folder holding PulumiPolicy.yaml). */
export function defaultPackDir(): string {
    let dir = __dirname;
    for (;;) {
        const candidate = path.join(dir, "policies");
        if (fs.existsSync(path.join(candidate, "PulumiPolicy.yaml"))) return candidate;
        const parent = path.dirname(dir);
        if (parent === dir) throw new Error("cannot find the serverless-guardrails policy pack next to the checker");
        dir = parent;
    }
}

function packSpecs(options: CliOptions): PackSpec[] {
    const dirs = options.packs.length > 0 ? options.packs.map((p) => path.resolve(p)) : [defaultPackDir()];
    if (options.configs.length > 0 && options.configs.length !== dirs.length) {
        throw new UsageError(
            `give one --policy-pack-config per --policy-pack, in the same order (${dirs.length} pack${dirs.length === 1 ? "" : "s"}, ${options.configs.length} config files)`,
        );
    }
    for (const dir of dirs) {
        if (!fs.existsSync(path.join(dir, "PulumiPolicy.yaml"))) throw new PackError(`no policy pack at ${dir}: PulumiPolicy.yaml not found`, dir, "");
    }
    return dirs.map((dir, i) => ({ dir, config: options.configs[i] ? path.resolve(options.configs[i]) : undefined }));
}

export class ProgramError extends Error {}

/** `SERVERLESS_GUARDRAILS_TIMEOUT_MS` overrides the limit on a pack's start-up and on each call to it. */
function timeLimits(): { startTimeoutMs?: number; callTimeoutMs?: number } {
    const text = process.env.SERVERLESS_GUARDRAILS_TIMEOUT_MS;
    if (text === undefined || text === "") return {};
    const ms = Number(text);
    if (!Number.isInteger(ms) || ms <= 0) throw new UsageError(`SERVERLESS_GUARDRAILS_TIMEOUT_MS must be a whole number of milliseconds, got ${JSON.stringify(text)}`);
    // Node.js timers cannot wait longer (a longer one fires at once, which would fail every call).
    if (ms > MAX_TIMEOUT_MS) throw new UsageError(`SERVERLESS_GUARDRAILS_TIMEOUT_MS must be at most ${MAX_TIMEOUT_MS} (about 24.8 days), the longest wait Node.js can time, got ${text}`);
    return { startTimeoutMs: ms, callTimeoutMs: ms };
}

const MODE_LABEL: Record<Mode, string> = {
    preview: "preview",
    update: "update",
    both: "preview, then update for what the preview cannot judge",
};

function writeReport(file: string, report: string) {
    try {
        fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
        fs.writeFileSync(file, report);
    } catch (e) {
        throw new UsageError(`cannot write the report to ${file}: ${(e as Error).message}`);
    }
}

/** "420 resources/s" */
export function perSecond(count: number, ms: number): string {
    return `${Math.round(count / Math.max(ms / 1000, 0.001))} resources/s`;
}

export interface RunResult {
    exitCode: number;
    stdout: string;
}

/** Runs the CLI without touching the process: what it would print on stdout, and its exit code. */
export async function run(argv: string[], log: (line: string) => void = (l) => process.stderr.write(l + "\n")): Promise<RunResult> {
    let options: CliOptions;
    try {
        options = parseArgs(argv);
    } catch (e) {
        log(`error: ${(e as Error).message}\n\n${USAGE}`);
        return { exitCode: EXIT_ERROR, stdout: "" };
    }
    if (options.help) return { exitCode: EXIT_OK, stdout: USAGE };
    try {
        const packs = packSpecs(options);
        const limits = timeLimits();
        const input = fileInput({ ...options, dir: options.programDir === "." ? undefined : options.programDir }, log);
        const programDir = input?.dir ?? path.resolve(options.programDir);
        if (!input && !fs.existsSync(path.join(programDir, "Pulumi.yaml"))) {
            throw new ProgramError(`${programDir} is not a Pulumi program: Pulumi.yaml not found`);
        }
        if (!input) log(`serverless-guardrails: running ${programDir} on mocks (${MODE_LABEL[options.mode]})`);
        let configPlaceholders: string[] = [];
        const capture = async (preview: boolean, signal?: AbortSignal): Promise<CapturedResource[]> => {
            try {
                const ran = await runProgram(programDir, {
                    preview,
                    signal,
                    stack: options.stack,
                    programConfig: options.programConfig,
                    configFile: options.configFile,
                    progressEvery: PROGRESS_EVERY,
                    onProgress: (count, ms) => log(`serverless-guardrails: ${count} resources registered so far (${perSecond(count, ms)})`),
                    onOutput: (text) => log(text.replace(/\n$/, "")),
                    onWarning: (message) => log(`warning: ${message}`),
                });
                configPlaceholders = ran.placeholders;
                const config = ran.stackFile ? `config from ${path.relative(process.cwd(), ran.stackFile) || ran.stackFile}` : "no stack config file";
                log(`serverless-guardrails: ${ran.resources.length} resources registered (${preview ? "preview" : "update"}; stack ${ran.stack}, ${config})`);
                return ran.resources;
            } catch (e) {
                if (e instanceof CaptureError) throw new ProgramError(`could not run the ${e.message}`);
                throw new ProgramError(`could not run the program ${programDir}: ${(e as Error)?.message ?? e}`);
            }
        };
        const mode = input?.mode ?? options.mode;
        const outcome = await check({
            mode,
            packs,
            capture: input?.capture ?? capture,
            // A state or a plan is fixed: remediations are reported, not applied (as `pulumi policy analyze` does).
            ...(input ? { applyRemediations: false } : {}),
            ...limits,
            onProgress: (m) => log(`serverless-guardrails: ${m}`),
            onWarning: (m) => log(`warning: ${m}`),
        });
        const context = { mode, programDir, stackFile: input?.stackFile, placeholders: configPlaceholders };
        const reports = options.reports.map((target) => ({ ...target, text: formatReport(target.format, outcome.result, context, outcome.parts) }));
        for (const { format, output, text } of reports) {
            if (output === undefined) continue;
            writeReport(output, text);
            log(`serverless-guardrails: ${format} report written to ${output}`);
        }
        const exitCode = hasMandatoryViolation(outcome.result) ? EXIT_VIOLATIONS : EXIT_OK;
        return { exitCode, stdout: reports.find((r) => r.output === undefined)?.text ?? "" };
    } catch (e) {
        const kind =
            e instanceof ConfigError || e instanceof PackError || e instanceof ProgramError || e instanceof UsageError || e instanceof UpdateCaptureError || e instanceof InputError;
        log(`error: ${kind ? (e as Error).message : `unexpected failure: ${(e as Error)?.stack ?? e}`}`);
        return { exitCode: EXIT_ERROR, stdout: "" };
    }
}

export async function main(argv: string[]): Promise<never> {
    // A stray failure of the program must not end the process with 1, which means "violations".
    const fail = (e: unknown) => {
        process.stderr.write(`error: the program failed: ${(e as Error)?.stack ?? e}\n`);
        process.exit(EXIT_ERROR);
    };
    process.on("uncaughtException", fail);
    process.on("unhandledRejection", fail);
    const { exitCode, stdout } = await run(argv);
    // Exit explicitly (a program on mocks may leave handles open), after stdout has drained.
    return new Promise<never>(() => {
        process.stdout.write(stdout, () => process.exit(exitCode));
    });
}

if (require.main === module) {
    void main(process.argv.slice(2));
}
