/**
 * serverless-guardrails/testing: check a Pulumi program against policy packs in a unit test, the way
 * `pulumi preview --policy-pack` would, with no cloud account and no Pulumi CLI.
 *
 *     const result = await checkProgram(() => { new aws.sqs.Queue("orders"); });
 *     expectViolation(result, "sqs-queue-dlq", "orders");
 */
import { analyzeResources, PackSpec } from "../checker/analyze";
import { capture, CaptureOptions, ProgramCallback } from "../checker/capture";
import { defaultPackDir } from "../checker/cli";
import type { UserConfig } from "../checker/config";
import type { AnalysisResult, CapturedResource } from "../checker/types";

export { capture, CaptureError, UNKNOWN_SENTINEL } from "../checker/capture";
export type { CaptureOptions, ProgramCallback } from "../checker/capture";
export { expectNoViolation, expectNoViolations, expectViolation, violationsOf } from "./assertions";
export type { NoViolationsOptions } from "./assertions";
export { guardrailMatchers } from "./matchers";
export type { AnalysisResult, CapturedResource, Violation } from "../checker/types";
export type { UserConfig } from "../checker/config";

/** How `analyze` and `checkProgram` run the policy packs. */
export interface KitAnalyzeOptions {
    /** Policy pack folders (or folder and config); default: the serverless-guardrails pack. */
    policyPacks?: (string | PackSpec)[];
    /** Policy config in the `--policy-pack-config` format (or its file), for every pack given as a folder. */
    config?: string | UserConfig;
    /**
     * Milliseconds: the limit for each pack's start-up and for each call to it (and, in `checkProgram`, for the
     * program run). Default: 60 s per pack start-up and per call; 120 s for the program run.
     */
    timeoutMs?: number;
}

/** Hands captured resources to the policy packs as the engine does: Remediate, Analyze, then AnalyzeStack. */
export function analyze(captured: CapturedResource[], options: KitAnalyzeOptions = {}): Promise<AnalysisResult> {
    const given = options.policyPacks && options.policyPacks.length > 0 ? options.policyPacks : [defaultPackDir()];
    const packs = given.map((pack) => (typeof pack === "string" ? { dir: pack, config: options.config } : pack));
    const limits = options.timeoutMs ? { startTimeoutMs: options.timeoutMs, callTimeoutMs: options.timeoutMs } : {};
    return analyzeResources(captured, { packs, ...limits });
}

/** Captures the program (a callback or a folder with Pulumi.yaml) and analyzes it, in one call. */
export async function checkProgram(program: string | ProgramCallback, options: CaptureOptions & KitAnalyzeOptions = {}): Promise<AnalysisResult> {
    const { policyPacks, config, timeoutMs, ...captureOptions } = options;
    const resources = await capture(program, { timeoutMs, ...captureOptions });
    return analyze(resources, { policyPacks, config, timeoutMs });
}
