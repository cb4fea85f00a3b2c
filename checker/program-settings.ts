/**
 * What program-process.ts decides around a program's run, before and after its child process: the capture time
 * limit, the heap limit, the AWS region the provider would use (and the preview's error without one), which
 * package.json picks the entry, and whether an unchanged TypeScript program needs its type-check again.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_CAPTURE_TIMEOUT_MS } from "./capture";
import type { ProgramFolder } from "./load-program";
import type { CapturedResource } from "./types";

/** The environment variable that sets the capture time limit for the CLI. */
export const CAPTURE_TIMEOUT_ENV = "SERVERLESS_GUARDRAILS_CAPTURE_TIMEOUT_MS";
/** Node.js timers cannot wait longer than this. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The capture time limit: `timeoutMs`, else SERVERLESS_GUARDRAILS_CAPTURE_TIMEOUT_MS, else 120 s. */
export function captureTimeLimit(timeoutMs?: number): number {
    if (timeoutMs !== undefined) return Math.min(timeoutMs, MAX_TIMER_MS);
    const text = process.env[CAPTURE_TIMEOUT_ENV];
    if (text === undefined || text === "") return DEFAULT_CAPTURE_TIMEOUT_MS;
    const ms = Number(text);
    if (!Number.isInteger(ms) || ms <= 0 || ms > MAX_TIMER_MS) {
        throw new Error(`${CAPTURE_TIMEOUT_ENV} must be a whole number of milliseconds from 1 to ${MAX_TIMER_MS}, got ${JSON.stringify(text)}`);
    }
    return ms;
}

export function limitHint(ms: number): string {
    return `the capture time limit is ${Math.round(ms / 1000)} s: raise it with ${CAPTURE_TIMEOUT_ENV}=<milliseconds> (or the timeoutMs option)`;
}

/** The region the AWS provider would use: config `aws:region`, else AWS_REGION / AWS_DEFAULT_REGION, else the AWS profile's. */
export function awsRegion(config: Record<string, string>, env: NodeJS.ProcessEnv = process.env): string | undefined {
    const region = config["aws:region"] || env.AWS_REGION || env.AWS_DEFAULT_REGION;
    if (region) return region;
    const file = env.AWS_CONFIG_FILE || path.join(os.homedir(), ".aws", "config");
    const profile = env.AWS_PROFILE || "default";
    if (!fs.existsSync(file)) return undefined;
    let section = "";
    for (const line of fs.readFileSync(file, "utf8").split(/\r?\n/)) {
        const header = /^\s*\[\s*(?:profile\s+)?([^\]]+?)\s*\]/.exec(line);
        if (header) section = header[1];
        const entry = /^\s*region\s*=\s*(\S+)/.exec(line);
        if (entry && section === profile) return entry[1];
    }
    return undefined;
}

/**
 * The preview would stop at the AWS provider's Configure ("unable to find a configured AWS Region",
 * pulumi-aws provider/resources.go preConfigureCallback) when a resource uses the default provider and no region
 * is set, or an explicit provider has none of its own.
 */
export function regionProblem(resources: CapturedResource[], region: string | undefined, stack: string): string | undefined {
    const awsProviders = new Map(resources.filter((r) => r.type === "pulumi:providers:aws").map((r) => [r.urn, r]));
    const users = resources.filter((r) => r.custom && r.type.startsWith("aws:"));
    const onDefault = users.find((r) => !r.provider || !awsProviders.has(r.provider));
    if (onDefault && !region) {
        return (
            `${onDefault.type} "${onDefault.name}" uses the default AWS provider, and no AWS region is set: a preview stops with "unable to find a configured AWS Region". ` +
            `Set it in the stack (\`pulumi config set aws:region us-east-1 --stack ${stack}\`, or \`aws:region\` under \`config:\` in Pulumi.yaml), ` +
            "with --config aws:region=us-east-1, or with AWS_REGION"
        );
    }
    const unset = [...awsProviders.values()].find((p) => !p.inputs.region && !process.env.AWS_REGION && !process.env.AWS_DEFAULT_REGION);
    if (unset && users.some((r) => r.provider === unset.urn)) {
        return `the AWS provider "${unset.name}" has no region: give it one (\`new aws.Provider("${unset.name}", { region: "us-east-1" })\`) or set AWS_REGION`;
    }
    return undefined;
}

/**
 * Type-checking a program costs seconds (ts-node loads every declaration it imports), and a check often runs the
 * same program twice (preview, then update). A program whose TypeScript files, as the last type-checked run
 * compiled them, are unchanged since (same size and modification time) runs the next time with
 * PULUMI_NODEJS_TRANSPILE_ONLY=true: the same files under the same options type-check the same.
 */
const typeChecked = new Map<string, Map<string, string>>();

function stamp(file: string): string | undefined {
    try {
        const stat = fs.statSync(file);
        return `${stat.size}:${stat.mtimeMs}`;
    } catch {
        return undefined;
    }
}

export function checkedBefore(program: ProgramFolder): boolean {
    const files = typeChecked.get(program.dir);
    return !!files && [...files].every(([file, was]) => (stamp(file) ?? "absent") === was);
}

export function remember(program: ProgramFolder, compiled: string[]) {
    const files = new Map<string, string>();
    for (const file of [...compiled, path.join(program.workDir, program.runtimeOptions.tsconfig ?? "tsconfig.json")]) files.set(file, stamp(file) ?? "absent");
    if (compiled.length > 0) typeChecked.set(program.dir, files);
}

/**
 * A heap limit for the program's process: V8's default (about 4 GB) stops a program of 10,000 resources, on a
 * machine that has the memory. Half of the machine's, unless the program's nodeargs or NODE_OPTIONS set one.
 */
export function heapLimitArgs(given: string[] = []): string[] {
    const set = [...given, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)].some((a) => a.startsWith("--max-old-space-size"));
    return set ? [] : [`--max-old-space-size=${Math.floor(os.totalmem() / 2 / 2 ** 20)}`];
}

/**
 * With entry "." Pulumi's host runs the `main`/`exports` of the nearest package.json above the working directory
 * (cmd/run/run.js npmPackageRootFromProgramPath). One above the project folder is most likely not the program's.
 */
export function foreignPackageJson(program: ProgramFolder): string | undefined {
    if (program.entryPoint !== ".") return undefined;
    for (let dir = program.workDir; ; dir = path.dirname(dir)) {
        const manifest = ["package.json", "package.yaml"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
        if (manifest) return dir === program.dir || dir.startsWith(program.dir + path.sep) ? undefined : manifest;
        if (path.dirname(dir) === dir) return undefined;
    }
}
