/**
 * The text report: per policy pack, its own findings in the shape `pulumi preview` prints them
 * (`- [level]  policy  (type: name)` and the message), each with where the program made the resource;
 * in mode `both`, then the verdicts judged on the values an update would have; then a summary.
 */
import { describeChange, describeLocation, describeWhere, Finding, PackReport, ReportModel } from "./model";
import { summarize } from "./summary";

function plural(n: number, word: string, many = `${word}s`) {
    return `${n} ${n === 1 ? word : many}`;
}

function indent(text: string, prefix: string): string {
    return text
        .split("\n")
        .map((line) => (line ? prefix + line : line))
        .join("\n");
}

function subject(f: Finding): string {
    if (f.subject.stack && !f.subject.urn) return "(stack)";
    return f.subject.type ? `(${f.subject.type}: ${f.subject.name})` : `(${f.subject.urn})`;
}

const LEVEL_ORDER: Record<string, number> = { mandatory: 0, advisory: 1 };

/** Mandatory first, then advisory; within a level a policy's findings together, in the order they came. */
function ordered(findings: Finding[]): Finding[] {
    const firstSeen = new Map<string, number>();
    findings.forEach((f, i) => firstSeen.has(f.policy) || firstSeen.set(f.policy, i));
    return findings
        .map((f, i) => ({ f, i }))
        .sort((a, b) => (LEVEL_ORDER[a.f.level] ?? 2) - (LEVEL_ORDER[b.f.level] ?? 2) || firstSeen.get(a.f.policy)! - firstSeen.get(b.f.policy)! || a.i - b.i)
        .map(({ f }) => f);
}

class PackSection {
    private readonly described = new Set<string>();
    readonly lines: string[] = [];

    constructor(private readonly pack: PackReport) {}

    /** The policy's description, the first time the section shows one of its verdicts. */
    private description(f: Finding): string | undefined {
        if (this.described.has(f.policy)) return undefined;
        this.described.add(f.policy);
        return this.pack.details.find((d) => d.name === f.policy)?.description ?? f.violation?.description;
    }

    entry(label: string, f: Finding, body: string[]) {
        this.lines.push(`        - [${label}]  ${f.policy}  ${subject(f)}`);
        this.lines.push(`          ${describeWhere(f)}`);
        for (const text of body) if (text) this.lines.push(indent(text, "          "));
    }

    violation(f: Finding) {
        this.entry(f.level, f, [this.description(f) ?? "", f.message]);
    }

    remediation(f: Finding) {
        const changed = f.changes && f.changes.length > 0 ? `changed ${f.changes.map(describeChange).join(", ")}` : "changed this resource's inputs";
        this.entry("remediate", f, [`${changed} before the resource was analyzed (the deployment would use the changed values)`]);
    }
}

function cantRunOutcome(f: Finding, updateFindings: Finding[]): string {
    const same = (u: Finding) => u.policy === f.policy && (f.violation?.urn ? u.subject.urn === f.subject.urn : true);
    const violations = updateFindings.filter((u) => u.kind === "violation" && same(u)).length;
    const remediations = updateFindings.filter((u) => u.kind === "remediation" && same(u)).length;
    const unknown = f.unknownAt ?? "a value it needs is unknown until the update";
    if (!f.judgedByUpdate) return `could not run at preview: ${unknown}`;
    const found = [violations ? plural(violations, "violation") : "", remediations ? plural(remediations, "remediation") : ""].filter(Boolean);
    const verdict = found.length === 0 ? "no violation" : `${found.join(" and ")}, listed above`;
    return `could not run at preview: ${unknown}\non the values an update would have: ${verdict}`;
}

function packLines(model: ReportModel, pack: PackReport): string[] {
    const section = new PackSection(pack);
    const both = model.mode === "both";
    const mine = pack.findings;
    const base = mine.filter((f) => f.part !== "update" || model.mode === "update");
    const fromUpdate = both ? mine.filter((f) => f.part === "update") : [];
    // In mode both a can't-run notice is not a finding of its own: it opens the update part.
    const notices = both ? base.filter((f) => f.kind === "cant-run") : [];
    const listed = ordered(base.filter((f) => (f.kind === "violation" || f.kind === "cant-run") && !notices.includes(f)));
    for (const f of listed) {
        if (f.kind === "cant-run") section.entry("advisory", f, [f.message]);
        else section.violation(f);
    }
    for (const f of base.filter((f) => f.kind === "remediation")) section.remediation(f);
    for (const f of base.filter((f) => f.kind === "waiver")) section.entry("waived", f, [f.message]);
    if (notices.length > 0) {
        section.lines.push("        judged on the values an update would have (the preview could not know them):");
        for (const f of ordered(fromUpdate.filter((f) => f.kind === "violation"))) section.violation(f);
        for (const f of fromUpdate.filter((f) => f.kind === "remediation")) section.remediation(f);
        for (const f of fromUpdate.filter((f) => f.kind === "waiver")) section.entry("waived", f, [f.message]);
        for (const f of notices) section.entry(f.judgedByUpdate ? "judged" : "advisory", f, [cantRunOutcome(f, fromUpdate)]);
    }
    const violations = mine.filter((f) => f.kind === "violation");
    const open = mine.filter((f) => f.kind === "cant-run" && !f.judgedByUpdate);
    const mark = violations.some((f) => f.level === "mandatory") ? "❌" : violations.length || open.length ? "⚠️ " : "✅";
    return [`    ${mark} ${pack.name}@v${pack.version}`, ...section.lines];
}

export function textReport(model: ReportModel): string {
    const lines: string[] = ["Policies:"];
    for (const pack of model.packs) lines.push(...packLines(model, pack));
    if (model.notChecked.length > 0) {
        lines.push("", "Not checked offline:");
        for (const n of model.notChecked) {
            lines.push(`    - \`${n.name}\` (${n.type}), ${describeLocation(n.location)}: its children are built by the ${n.plugin} plugin at a real preview`);
        }
    }
    if (model.placeholders.length > 0) {
        lines.push("", "Config placeholders (secure values the checker cannot decrypt):");
        for (const key of model.placeholders) lines.push(`    - \`${key}\` ran with a placeholder string`);
    }
    const s = summarize(model);
    lines.push("", "Summary:");
    lines.push(`    ${plural(s.resources, "resource")} checked by ${plural(s.policies, "policy", "policies")} in ${plural(s.policyPacks, "policy pack")}`);
    if (model.mode === "both" && s.byPart) {
        const p = s.byPart.preview;
        const u = s.byPart.update;
        lines.push(`    at preview: ${plural(p.mandatory, "mandatory violation")}, ${plural(p.advisory, "advisory violation")}`);
        if (s.unknownAtPreview > 0) {
            lines.push(
                `    on the values an update would have, for ${plural(s.unknownAtPreview, "can't-run notice")} of the preview: ${plural(u.mandatory, "mandatory violation")}, ${plural(u.advisory, "advisory violation")}`,
            );
        }
        if (s.unjudged > 0) lines.push(`    ${plural(s.unjudged, "policy", "policies")} could not run even on the values of an update`);
    } else {
        lines.push(`    ${plural(s.violations.mandatory, "mandatory violation")}, ${plural(s.violations.advisory, "advisory violation")}`);
        if (s.unknownAtPreview > 0) {
            lines.push(
                `    ${plural(s.unknownAtPreview, "policy", "policies")} could not run at preview (a value they need is unknown until the update; \`--mode both\`, the default, judges them on the values an update would have)`,
            );
        }
    }
    lines.push(`    ${plural(s.waivers, "waiver")}, ${plural(s.remediations, "remediation")}`);
    return lines.join("\n") + "\n";
}
