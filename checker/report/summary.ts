/** The counts every format's summary shows. */
import type { Finding, ReportModel } from "./model";

/** Verdicts by level. */
export interface Counts {
    /** Mandatory violations. */
    mandatory: number;
    /** Advisory violations. */
    advisory: number;
    /** Both. */
    total: number;
}

/** The counts every format's summary shows. */
export interface ReportSummary {
    /** Resources captured, the stack and components included. */
    resources: number;
    /** Policy packs that ran. */
    policyPacks: number;
    /** Policies that run, across all packs (disabled policies are not counted). */
    policies: number;
    /** Verdicts by level, of every part; the engine's "can't run during preview" notices are counted apart, in `unknownAtPreview`. */
    violations: Counts;
    /** Can't-run notices of the preview: a value the policy needs is unknown until the update. */
    unknownAtPreview: number;
    /** Waivers (policies not applicable with a reason starting "waived:"). */
    waivers: number;
    /** Remediations the packs made (one that could not run is counted as an advisory violation instead). */
    remediations: number;
    /** Mode both: the verdicts of each part. */
    byPart?: {
        /** The preview's verdicts. */
        preview: Counts;
        /** The update part's verdicts. */
        update: Counts;
    };
    /** Mode both: can't-run notices the update part judged. */
    judgedByUpdate?: number;
    /** Mode both: can't-run notices the update part could not judge either. */
    unjudged: number;
}

function counts(findings: Finding[]): Counts {
    const verdicts = findings.filter((f) => f.kind === "violation");
    const mandatory = verdicts.filter((f) => f.level === "mandatory").length;
    return { mandatory, advisory: verdicts.length - mandatory, total: verdicts.length };
}

export function summarize(model: ReportModel): ReportSummary {
    const notices = model.findings.filter((f) => f.kind === "cant-run");
    const summary: ReportSummary = {
        resources: model.resources.length,
        policyPacks: model.packs.length,
        policies: model.packs.reduce((sum, p) => sum + p.policies, 0),
        violations: counts(model.findings),
        unknownAtPreview: notices.length,
        waivers: model.findings.filter((f) => f.kind === "waiver").length,
        remediations: model.findings.filter((f) => f.kind === "remediation").length,
        unjudged: model.mode === "both" ? notices.filter((f) => !f.judgedByUpdate).length : 0,
    };
    if (model.mode === "both") {
        summary.byPart = { preview: counts(model.findings.filter((f) => f.part === "preview")), update: counts(model.findings.filter((f) => f.part === "update")) };
        summary.judgedByUpdate = notices.length - summary.unjudged;
    }
    return summary;
}
