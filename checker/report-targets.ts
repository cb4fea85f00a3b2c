/**
 * The reports one check writes, and where, from `--format` (or `--json`) and `--output` in the order given:
 * each `--output <file>` takes the most recent `--format` before it; a `--format` without an `--output` prints its
 * report on stdout, which one report at most may do. One `--format` and one `--output` pair in either order, and
 * `--output` alone writes the text report, as with a single report.
 */
import * as path from "path";
import type { Format } from "./report";

export interface ReportTarget {
    format: Format;
    /** The file the report is written to; stdout when absent. */
    output?: string;
}

/** `--format <format>` or `--json` (`flag`, as given), or `--output <file>`. */
export type ReportFlag = { format: Format; flag: string } | { output: string };

const isOutput = (flag: ReportFlag): flag is { output: string } => "output" in flag;

/** The reports the flags ask for; flags that do not say which report goes where throw `problem(message)`. */
export function reportTargets(flags: ReportFlag[], problem: (message: string) => Error = (message) => new Error(message)): ReportTarget[] {
    const formats = flags.filter((f) => !isOutput(f)) as { format: Format; flag: string }[];
    const outputs = flags.filter(isOutput);
    if (formats.length <= 1 && outputs.length <= 1) return [{ format: formats[0]?.format ?? "text", ...(outputs[0] ? { output: outputs[0].output } : {}) }];

    const reports: (ReportTarget & { flag: string })[] = [];
    for (const flag of flags) {
        if (!isOutput(flag)) {
            reports.push({ format: flag.format, flag: flag.flag });
            continue;
        }
        const last = reports[reports.length - 1];
        if (!last) throw problem(`--output ${flag.output} comes before any --format: with several reports, give each --output after its --format`);
        if (last.output !== undefined) {
            throw problem(`--output ${last.output} and --output ${flag.output} both follow ${last.flag}: give each --output a --format of its own before it`);
        }
        last.output = flag.output;
    }
    const toStdout = reports.filter((r) => r.output === undefined);
    if (toStdout.length > 1) {
        throw problem(`${toStdout.map((r) => r.flag).join(" and ")} would ${toStdout.length === 2 ? "both" : "all"} print on stdout: one report at most goes there, give the others an --output <file> after them`);
    }
    const files = new Map<string, string>();
    for (const { output } of reports) {
        if (output === undefined) continue;
        const file = path.resolve(output);
        if (files.has(file)) throw problem(`--output ${files.get(file)} and --output ${output} name the same file: give each report a file of its own`);
        files.set(file, output);
    }
    return reports.map(({ format, output }) => (output === undefined ? { format } : { format, output }));
}
