/**
 * The command line of `serverless-guardrails check`: the usage text, the flags and how they are read into
 * CliOptions. Running a check from them is cli.ts.
 */
import { FORMATS, Format } from "./report";
import type { Mode } from "./report/model";
import { parseConfigPairs } from "./program-config";
import { CAPTURE_TIMEOUT_ENV } from "./program-process";
import { ReportFlag, ReportTarget, reportTargets } from "./report-targets";

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
