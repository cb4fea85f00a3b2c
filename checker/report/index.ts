/**
 * The checker's reports, all written from one finding model (model.ts): text shaped like the policy
 * section of `pulumi preview`, JSON (schema in the README), SARIF 2.1.0, GitHub workflow commands, JUnit.
 */
import type { AnalysisResult } from "../types";
import { githubReport } from "./github";
import { jsonReport } from "./json";
import { junitReport } from "./junit";
import { buildReport, CheckParts, ReportContext, ReportModel } from "./model";
import { sarifReport } from "./sarif";
import { summarize as summarizeModel, ReportSummary } from "./summary";
import { textReport as textOf } from "./text";

export { buildReport, describeSubject, describeWhere, findRepoRoot } from "./model";
export type { CheckParts, Finding, FindingKind, Location, Mode, PackReport, Part, ReportContext, ReportModel, Subject } from "./model";
export { REPORT_SCHEMA_VERSION } from "./json";
export type { JsonReport, JsonViolation } from "./json";
export type { Counts, ReportSummary } from "./summary";
export { SARIF_SCHEMA } from "./sarif";
export { githubReport, junitReport, sarifReport };

/** The report formats (the CLI's `--format`). */
export const FORMATS = ["text", "json", "sarif", "github", "junit"] as const;
/** One of `FORMATS`. */
export type Format = (typeof FORMATS)[number];

const asModel = (input: AnalysisResult | ReportModel, context?: ReportContext): ReportModel => ("findings" in input ? input : buildReport(input, context));

/** True when a verdict is mandatory (can't-run notices are not verdicts): the CLI then exits 1. */
export function hasMandatoryViolation(result: AnalysisResult): boolean {
    return result.violations.some((v) => v.enforcementLevel === "mandatory" && !v.unknownAtPreview);
}

/** The counts every format's summary shows, of an analysis (or of a model built with `buildReport`). */
export function summarize(input: AnalysisResult | ReportModel, context?: ReportContext): ReportSummary {
    return summarizeModel(asModel(input, context));
}

/** The text report, shaped like the policy section of `pulumi preview`, of an analysis (or of a model). */
export function textReport(input: AnalysisResult | ReportModel, context?: ReportContext): string {
    return textOf(asModel(input, context));
}

/** The JSON report (schema version `REPORT_SCHEMA_VERSION`) of an analysis (or of a model), as an object. */
export function jsonReportOf(input: AnalysisResult | ReportModel, context?: ReportContext) {
    return jsonReport(asModel(input, context));
}
export { jsonReportOf as jsonReport };

/** The report in one of the formats, as the CLI prints or writes it. */
export function formatReport(format: Format, result: AnalysisResult, context: ReportContext = {}, parts: CheckParts = {}): string {
    const model = buildReport(result, context, parts);
    switch (format) {
        case "text":
            return textOf(model);
        case "json":
            return JSON.stringify(jsonReport(model), null, 2) + "\n";
        case "sarif":
            return JSON.stringify(sarifReport(model), null, 2) + "\n";
        case "github":
            return githubReport(model);
        case "junit":
            return junitReport(model);
    }
}
