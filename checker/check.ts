/**
 * A check in one of three modes:
 * - `preview`: the program captured as a first preview and analyzed as the engine would: the faithful
 *   mirror of `pulumi preview --policy-pack`, "can't run policy ... during preview" notices included;
 * - `update`: the program captured as an update (computed outputs get plausible values) and analyzed;
 * - `both` (the default): the preview's verdicts, then, for each (policy, resource) the preview could not
 *   judge, the verdict of an update-mode run of the same program, labelled as such.
 *
 * In `both`, the packs are started once, while the program runs, and serve both runs; the update capture
 * starts when the preview capture ends, so that it runs while the pack analyzes the preview (and is stopped
 * when the preview judged everything, as any capture is when the packs fail), and so that
 * it can skip type-checking the files the preview's run has just checked (program-process.ts); and the
 * update run analyzes only what the preview could not judge: Analyze for the resources with a can't-run
 * notice, AnalyzeStack only when a stack policy could not run.
 */
import { AnalysisScope, AnalyzeOptions, openAnalysis, AnalysisSession } from "./analyze";
import type { AnalysisResult, CapturedResource, NotApplicable, Remediation, Violation } from "./types";
import type { CheckParts, Mode } from "./report/model";

/** A check: the packs and how to run them, the mode, and how to capture the program. */
export interface CheckOptions extends Omit<AnalyzeOptions, "packs"> {
    /** `preview`, `update` or `both` (see `Mode`). */
    mode: Mode;
    /** The policy packs, each a folder and its config. */
    packs: AnalyzeOptions["packs"];
    /**
     * Runs the program on mocks, as a first preview (true) or as an update (false). `signal` is aborted when the
     * check no longer needs the capture (the packs failed; mode both's update, once the preview judged
     * everything): stop it then.
     */
    capture: (preview: boolean, signal?: AbortSignal) => Promise<CapturedResource[]>;
}

/** What a check found. */
export interface CheckOutcome {
    /** The mode it ran in. */
    mode: Mode;
    /** Both parts merged: the base run's findings, then the update part's (see `parts`). */
    result: AnalysisResult;
    /** Mode both: which of `result`'s items the update part gave; empty otherwise. */
    parts: CheckParts;
    /** The runs themselves, for tests and tools: the preview run (modes preview and both). */
    preview?: AnalysisResult;
    /** The update run (mode update, or mode both when the preview left something unjudged). */
    update?: AnalysisResult;
}

/** The update capture of mode `both` failed where its values were needed. */
export class UpdateCaptureError extends Error {
    constructor(
        /** What the update capture threw. */
        readonly cause: unknown,
    ) {
        super(`as an update (to judge what the preview could not): ${(cause as Error)?.message ?? cause}`);
        this.name = "UpdateCaptureError";
    }
}

const pairKey = (pack: string, policy: string, urn?: string) => `${pack}\0${policy}\0${urn ?? ""}`;
const policyKey = (pack: string, policy: string) => `${pack}\0${policy}`;

/** What the preview could not judge: (policy, resource) pairs of Analyze, and whole stack policies of AnalyzeStack. */
export interface Unjudged {
    /** (pack, policy, URN) keys of the resources a policy could not judge. */
    pairs: Set<string>;
    /** (pack, policy) keys of the stack policies that could not run. */
    stackPolicies: Set<string>;
    /** The preview's can't-run notices themselves. */
    notices: Violation[];
}

/** What the preview could not judge: its can't-run notices, as the pairs and stack policies an update run should judge. */
export function unjudgedBy(preview: AnalysisResult): Unjudged {
    const unjudged: Unjudged = { pairs: new Set(), stackPolicies: new Set(), notices: [] };
    for (const v of preview.violations) {
        if (!v.unknownAtPreview) continue;
        unjudged.notices.push(v);
        if (v.urn) unjudged.pairs.add(pairKey(v.policyPack, v.policy, v.urn));
        else unjudged.stackPolicies.add(policyKey(v.policyPack, v.policy));
    }
    return unjudged;
}

export function updateScope(unjudged: Unjudged): AnalysisScope {
    const urns = new Set<string>();
    for (const key of unjudged.pairs) urns.add(key.split("\0")[2]);
    return { analyze: urns, stack: unjudged.stackPolicies.size > 0 };
}

/** The preview's findings, then the update's verdicts on what the preview could not judge. */
export function merge(
    preview: AnalysisResult,
    update: AnalysisResult,
    unjudged: Unjudged,
): {
    /** The preview's findings, then the update's on what it could not judge. */
    result: AnalysisResult;
    /** Which of `result`'s items came from the update, and which notices it judged. */
    parts: CheckParts;
} {
    // A stack policy may report some resources before it meets an unknown: those pairs the preview judged.
    const judgedAtPreview = new Set(preview.violations.filter((v) => !v.unknownAtPreview).map((v) => pairKey(v.policyPack, v.policy, v.urn)));
    const wanted = (pack: string, policy: string, urn: string | undefined) =>
        unjudged.pairs.has(pairKey(pack, policy, urn)) ||
        (unjudged.stackPolicies.has(policyKey(pack, policy)) && !judgedAtPreview.has(pairKey(pack, policy, urn)));
    const violations = update.violations.filter((v) => wanted(v.policyPack, v.policy, v.urn));
    const remediations = update.remediations.filter((r: Remediation) => unjudged.pairs.has(pairKey(r.policyPack, r.policy, r.urn)));
    const waivers = update.waivers.filter((w: NotApplicable) => wanted(w.policyPack, w.policy, w.urn));
    // A notice is judged unless the update could not run that policy either.
    const stillUnknown = new Set(violations.filter((v) => v.unknownAtPreview).map((v) => pairKey(v.policyPack, v.policy, v.urn)));
    const judged = new Set(unjudged.notices.filter((n) => !stillUnknown.has(pairKey(n.policyPack, n.policy, n.urn))));
    return {
        result: {
            resources: preview.resources,
            violations: [...preview.violations, ...violations],
            waivers: [...preview.waivers, ...waivers],
            remediations: [...preview.remediations, ...remediations],
            policyPacks: preview.policyPacks,
        },
        parts: { fromUpdate: new Set<object>([...violations, ...remediations, ...waivers]), judged },
    };
}

/** Settles every promise, then throws the first failure (after closing the session if it opened). */
async function settle<T extends readonly unknown[]>(session: Promise<AnalysisSession>, ...work: { [K in keyof T]: Promise<T[K]> }): Promise<[AnalysisSession, ...T]> {
    const settled = await Promise.allSettled([session, ...work]);
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failure) {
        if (settled[0].status === "fulfilled") await (settled[0].value as AnalysisSession).close();
        throw failure.reason;
    }
    return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as [AnalysisSession, ...T];
}

/**
 * Runs a check in `options.mode` (see the top of this file): the packs start while the program is captured.
 * Throws what the capture or the packs throw; `UpdateCaptureError` when mode both's update capture fails.
 */
export async function check(options: CheckOptions): Promise<CheckOutcome> {
    const { mode, capture, ...analyzeOptions } = options;
    // The packs start while the program runs: both are child work the checker only waits for. A capture is
    // stopped once the check cannot use it: the packs failed (their error is the check's), or mode both's update
    // capture, when the preview judged everything.
    const unneeded = new AbortController();
    const opening = openAnalysis(analyzeOptions);
    opening.catch(() => unneeded.abort(new Error("the policy packs could not be used")));
    if (mode !== "both") {
        const [session, resources] = await settle<[CapturedResource[]]>(opening, capture(mode === "preview", unneeded.signal));
        try {
            const result = await session.run(resources);
            return { mode, result, parts: {}, [mode]: result };
        } finally {
            await session.close();
        }
    }
    const previewCapture = capture(true, unneeded.signal);
    const updateCapture = previewCapture.then(() => capture(false, unneeded.signal));
    updateCapture.catch(() => undefined); // awaited below, only when needed: its failure is not ours otherwise
    let session: AnalysisSession;
    let previewResources: CapturedResource[];
    try {
        [session, previewResources] = await settle<[CapturedResource[]]>(opening, previewCapture);
    } catch (e) {
        unneeded.abort();
        await updateCapture.catch(() => undefined);
        throw e;
    }
    try {
        const preview = await session.run(previewResources);
        const unjudged = unjudgedBy(preview);
        if (unjudged.notices.length === 0) return { mode, result: preview, parts: {}, preview };
        let updateResources: CapturedResource[];
        try {
            updateResources = await updateCapture;
        } catch (e) {
            throw new UpdateCaptureError(e);
        }
        options.onProgress?.(`judging ${unjudged.notices.length} can't-run notice${unjudged.notices.length === 1 ? "" : "s"} on the values an update would have`);
        const update = await session.run(updateResources, updateScope(unjudged));
        const { result, parts } = merge(preview, update, unjudged);
        return { mode, result, parts, preview, update };
    } finally {
        // An update capture the check did not need is stopped, not waited for (a no-op once it has finished).
        unneeded.abort();
        await session.close();
    }
}
