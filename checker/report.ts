/**
 * The checker's output: a text report shaped like the policy section of `pulumi preview`, and a JSON
 * document (schema version 1, documented in the README's checker section).
 */
import type { AnalysisResult, CapturedResource, EnforcementLevel, Violation } from "./types";

export const REPORT_SCHEMA_VERSION = 1;

export interface ReportSummary {
    resources: number;
    policyPacks: number;
    policies: number;
    /** Verdicts by level; the engine's "can't run during preview" notices are counted apart, in `unknownAtPreview`. */
    violations: { mandatory: number; advisory: number; total: number };
    /** Policies that could not judge because a value they need is unknown until the update. */
    unknownAtPreview: number;
    waivers: number;
    remediations: number;
}

export interface JsonReport {
    schemaVersion: number;
    /** True when no violation is mandatory (the CLI exits 0). */
    ok: boolean;
    summary: ReportSummary;
    policyPacks: { name: string; version: string; policies: number }[];
    violations: (Violation & { resourceType?: string; resourceName?: string })[];
    waivers: { policyPack: string; policy: string; reason: string; urn?: string; resourceType?: string; resourceName?: string }[];
    remediations: { policyPack: string; policy: string; urn: string; diagnostic?: string; resourceType?: string; resourceName?: string }[];
}

export function hasMandatoryViolation(result: AnalysisResult): boolean {
    return result.violations.some((v) => v.enforcementLevel === "mandatory");
}

export function summarize(result: AnalysisResult): ReportSummary {
    const verdicts = result.violations.filter((v) => !v.unknownAtPreview);
    const count = (level: EnforcementLevel) => verdicts.filter((v) => v.enforcementLevel === level).length;
    return {
        resources: result.resources.length,
        policyPacks: result.policyPacks.length,
        policies: result.policyPacks.reduce((sum, p) => sum + p.policies, 0),
        violations: { mandatory: count("mandatory"), advisory: count("advisory"), total: verdicts.length },
        unknownAtPreview: result.violations.length - verdicts.length,
        waivers: result.waivers.length,
        remediations: result.remediations.filter((r) => !r.diagnostic).length,
    };
}

function resourceIndex(result: AnalysisResult): Map<string, CapturedResource> {
    return new Map(result.resources.map((r) => [r.urn, r]));
}

function withResource<T extends { urn?: string }>(item: T, index: Map<string, CapturedResource>) {
    const resource = item.urn ? index.get(item.urn) : undefined;
    return resource ? { ...item, resourceType: resource.type, resourceName: resource.name } : { ...item };
}

export function jsonReport(result: AnalysisResult): JsonReport {
    const index = resourceIndex(result);
    return {
        schemaVersion: REPORT_SCHEMA_VERSION,
        ok: !hasMandatoryViolation(result),
        summary: summarize(result),
        policyPacks: result.policyPacks,
        violations: result.violations.map((v) => withResource(v, index)),
        waivers: result.waivers.map((w) => withResource(w, index)),
        remediations: result.remediations.map((r) => withResource(r, index)),
    };
}

function plural(n: number, word: string, many = `${word}s`) {
    return `${n} ${n === 1 ? word : many}`;
}

function subject(urn: string | undefined, index: Map<string, CapturedResource>): string {
    if (!urn) return "(stack)";
    const resource = index.get(urn);
    if (resource) return `(${resource.type}: ${resource.name})`;
    const parts = urn.split("::");
    return parts.length >= 4 ? `(${parts[2].split("$").pop()}: ${parts[3]})` : `(${urn})`;
}

function indent(text: string, prefix: string): string {
    return text
        .split("\n")
        .map((line) => (line ? prefix + line : line))
        .join("\n");
}

/**
 * The text report: per policy pack, each violation as `- [level]  policy  (type: name)` followed by
 * its message, as `pulumi preview` prints them; then waivers, remediations and a summary.
 */
export function textReport(result: AnalysisResult): string {
    const index = resourceIndex(result);
    const lines: string[] = [];
    const levelOrder: Record<string, number> = { mandatory: 0, advisory: 1 };
    lines.push("Policies:");
    for (const pack of result.policyPacks) {
        const violations = result.violations
            .filter((v) => v.policyPack === pack.name)
            .map((v, order) => ({ v, order }))
            .sort((a, b) => (levelOrder[a.v.enforcementLevel] ?? 2) - (levelOrder[b.v.enforcementLevel] ?? 2) || a.order - b.order)
            .map(({ v }) => v);
        const mark = violations.some((v) => v.enforcementLevel === "mandatory") ? "❌" : violations.length ? "⚠️ " : "✅";
        lines.push(`    ${mark} ${pack.name}@v${pack.version}`);
        for (const v of violations) {
            lines.push(`        - [${v.enforcementLevel}]  ${v.policy}  ${subject(v.urn, index)}`);
            lines.push(indent(v.message, "          "));
        }
        for (const r of result.remediations.filter((r) => r.policyPack === pack.name && !r.diagnostic)) {
            lines.push(`        - [remediate]  ${r.policy}  ${subject(r.urn, index)}`);
            lines.push("          the policy changed this resource's inputs before it was analyzed");
        }
        for (const w of result.waivers.filter((w) => w.policyPack === pack.name)) {
            lines.push(`        - [waived]  ${w.policy}  ${subject(w.urn, index)}`);
            lines.push(indent(w.reason.replace(/^waived:\s*/, ""), "          "));
        }
    }
    const s = summarize(result);
    lines.push("");
    lines.push("Summary:");
    lines.push(`    ${plural(s.resources, "resource")} checked by ${plural(s.policies, "policy", "policies")} in ${plural(s.policyPacks, "policy pack")}`);
    lines.push(`    ${plural(s.violations.mandatory, "mandatory violation")}, ${plural(s.violations.advisory, "advisory violation")}`);
    if (s.unknownAtPreview > 0) {
        lines.push(`    ${plural(s.unknownAtPreview, "policy", "policies")} could not run at preview (a value they need is unknown until the update; \`--no-preview\` judges them)`);
    }
    lines.push(`    ${plural(s.waivers, "waiver")}, ${plural(s.remediations, "remediation")}`);
    return lines.join("\n") + "\n";
}
