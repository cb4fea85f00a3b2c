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
import { FORMATS, Format, formatReport, hasMandatoryViolation } from "./report";
import type { Mode } from "./report/model";
import { parseConfigPairs } from "./program-config";
import { CAPTURE_TIMEOUT_ENV, runProgram } from "./program-process";
import { ReportFlag, ReportTarget, reportTargets } from "./report-targets";
import type { CapturedResource } from "./types";
import { fileInput, InputError } from "./inputs";

export const EXIT_OK = 0;
export const EXIT_VIOLATIONS = 1;
export const EXIT_ERROR = 2;
const PROGRESS_EVERY = 500;

export const USAGE = `Usage: serverless-guardrails check [program-dir] [options]
       serverless-guardrails check --stack-state <file> | --terraform-plan <file> [options]

Runs the Pulumi program in program-dir (default: the current folder; it must hold Pulumi.yaml) on mocks,
with no cloud account and no Pulumi CLI, and checks its resources against policy packs exactly as
\`pulumi preview --policy-pack\` would.

Options:
  --policy-pack <dir>          a policy pack folder; repeat for several (default: the serverless-guardrails pack)
  --policy-pack-config <file>  policy config in the --policy-pack-config format; give one per pack, in order
  --mode <mode>                preview: exactly what \`pulumi preview\` reports at a first preview;
                               update: run as an update (computed outputs get plausible values);
                               both (default): the preview's verdicts, then, where the preview could not
                               judge, the verdicts on the values an update would have
  --format <format>            text (default), json, sarif (SARIF 2.1.0 for code scanning),
                               github (workflow commands: annotations on the pull request), junit;
                               repeat for several reports from one check
  --json                       the same as --format json
  --output <file>              write the report of the --format before it to a file instead of stdout
                               (one --format and one --output: in either order); a --format without
                               an --output prints on stdout, which one report at most may do
  --no-preview                 the same as --mode update
  --stack <name>               the stack: its Pulumi.<name>.yaml config, over Pulumi.yaml's config defaults
                               (default: the only stack file, else dev)
  --config <key=value>         a config value over the stack's (a bare key is the project's); repeat for more
  --config-file <file>         use this stack config file instead of Pulumi.<stack>.yaml
  --stack-state <file>         check a stack's state instead of a program: the JSON of \`pulumi stack export\`,
                               analyzed as \`pulumi policy analyze\` analyzes it (program-dir: the project
                               folder its source positions are relative to; default: the current folder)
  --terraform-plan <file>      check a Terraform plan instead of a program: the JSON of
                               \`terraform show -json <planfile>\`, resources named by their Terraform addresses
                               (program-dir: the root module's folder; default: the plan file's folder)
  --help                       show this help

Exit codes: 0 no mandatory violation, 1 a mandatory violation, 2 the program, a pack or the config
could not be evaluated.

Environment: SERVERLESS_GUARDRAILS_TIMEOUT_MS limits a pack's start-up and each call to it (default 60000);
${CAPTURE_TIMEOUT_ENV} limits a run of the program (default 120000); PULUMI_NODEJS_TRANSPILE_ONLY=true
skips type-checking the program, as it does for \`pulumi preview\`.
`;

export const MODES: readonly Mode[] = ["preview", "update", "both"];
export { FORMATS };
export type { Format, Mode };

export interface CliOptions {
    programDir: string;
    packs: string[];
    configs: string[];
    mode: Mode;
    /** --format / --json and --output, paired (report-targets.ts). */
    reports: ReportTarget[];
    /** --stack, --config (key=value, last wins), --config-file. */
    stack?: string;
    programConfig: Record<string, string>;
    configFile?: string;
    /** --stack-state / --terraform-plan: a file to check instead of a program (checker/inputs). */
    stackState?: string;
    terraformPlan?: string;
    help: boolean;
}

export class UsageError extends Error {}

function oneOf<T extends string>(flag: string, allowed: readonly T[], value: string): T {
    if ((allowed as readonly string[]).includes(value)) return value as T;
    throw new UsageError(`${flag} must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`);
}

/** The options as the flags are read: the report flags are paired once all are read. */
type Parsing = CliOptions & { reportFlags: ReportFlag[] };

/** Each flag: whether it takes a value, and what it sets. Add a flag here (and to USAGE). */
const FLAGS: Record<string, { value: boolean; apply: (options: Parsing, value: string, flag: string) => void }> = {
    "--help": { value: false, apply: (o) => (o.help = true) },
    "-h": { value: false, apply: (o) => (o.help = true) },
    "--policy-pack": { value: true, apply: (o, v) => o.packs.push(v) },
    "--policy-pack-config": { value: true, apply: (o, v) => o.configs.push(v) },
    "--mode": { value: true, apply: (o, v, f) => (o.mode = oneOf(f, MODES, v)) },
    "--no-preview": { value: false, apply: (o) => (o.mode = "update") },
    "--format": { value: true, apply: (o, v, f) => o.reportFlags.push({ format: oneOf(f, FORMATS, v), flag: `${f} ${v}` }) },
    "--json": { value: false, apply: (o, _v, f) => o.reportFlags.push({ format: "json", flag: f }) },
    "--output": { value: true, apply: (o, v) => o.reportFlags.push({ output: v }) },
    "--stack": { value: true, apply: (o, v) => (o.stack = v) },
    "--config": { value: true, apply: (o, v) => configPair(o, v) },
    "-c": { value: true, apply: (o, v) => configPair(o, v) },
    "--config-file": { value: true, apply: (o, v) => (o.configFile = v) },
    "--stack-state": { value: true, apply: (o, v) => (o.stackState = v) },
    "--terraform-plan": { value: true, apply: (o, v) => (o.terraformPlan = v) },
};

function configPair(options: CliOptions, pair: string) {
    try {
        Object.assign(options.programConfig, parseConfigPairs([pair]));
    } catch (e) {
        throw new UsageError((e as Error).message);
    }
}

export function parseArgs(argv: string[]): CliOptions {
    const parsing: Parsing = { programDir: ".", packs: [], configs: [], mode: "both", reports: [], programConfig: {}, help: false, reportFlags: [] };
    const positional: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
        const spec = FLAGS[flag];
        if (!spec) {
            if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}`);
            positional.push(arg);
            continue;
        }
        if (!spec.value) {
            if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
            spec.apply(parsing, "", flag);
            continue;
        }
        let value = inline;
        if (value === undefined) {
            value = argv[++i];
            if (value === undefined || value.startsWith("--")) throw new UsageError(`${flag} needs a value`);
        }
        spec.apply(parsing, value, flag);
    }
    const { reportFlags, ...options } = parsing;
    if (options.help) return options;
    if (positional[0] !== "check") {
        throw new UsageError(positional.length === 0 ? "missing command: check" : `unknown command ${positional[0]} (the command is: check)`);
    }
    if (positional.length > 2) throw new UsageError(`one program folder at most, got ${positional.slice(1).join(" ")}`);
    if (positional[1]) options.programDir = positional[1];
    if (options.stackState && options.terraformPlan) throw new UsageError("give --stack-state or --terraform-plan, not both");
    options.reports = reportTargets(reportFlags, (message) => new UsageError(message));
    return options;
}

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
