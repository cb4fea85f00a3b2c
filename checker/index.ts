/** The offline checker as a library: drive policy packs over captured resources, merge config, report. */
export * from "./types";
export { analyzeResources, openAnalysis } from "./analyze";
export type { AnalysisScope, AnalysisSession, AnalyzeOptions, PackSpec } from "./analyze";
export { check, merge, unjudgedBy, UpdateCaptureError } from "./check";
export type { CheckOptions, CheckOutcome } from "./check";
export { ConfigError, loadUserConfig, parseUserConfig, reconcileConfig, userConfigFrom } from "./config";
export type { ConfigProblem, ParsedConfig, PolicySettings, UserConfig } from "./config";
export { PackClient, PackError, startPack } from "./pack-client";
export { CAPTURE_TIMEOUT_ENV, runProgram } from "./program-process";
export type { ProgramRun, ProgramRunOptions } from "./program-process";
export {
    buildReport,
    FORMATS,
    formatReport,
    githubReport,
    hasMandatoryViolation,
    jsonReport,
    junitReport,
    REPORT_SCHEMA_VERSION,
    SARIF_SCHEMA,
    sarifReport,
    summarize,
    textReport,
} from "./report";
export type { Finding, Format, JsonReport, JsonViolation, Location, Mode, ReportContext, ReportModel, ReportSummary } from "./report";
