/** The offline checker as a library: drive policy packs over captured resources, merge config, report. */
export * from "./types";
export { analyzeResources } from "./analyze";
export type { AnalyzeOptions, PackSpec } from "./analyze";
export { ConfigError, loadUserConfig, parseUserConfig, reconcileConfig, userConfigFrom } from "./config";
export type { ConfigProblem, ParsedConfig, PolicySettings, UserConfig } from "./config";
export { PackClient, PackError, startPack } from "./pack-client";
export { hasMandatoryViolation, jsonReport, summarize, textReport } from "./report";
export type { JsonReport } from "./report";
