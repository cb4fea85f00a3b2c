/**
 * GitHub Actions workflow commands (`::error file=...,line=...,col=...,title=...::message`): each finding
 * becomes an annotation on the file and line where the program made the resource, on the pull request and
 * the run's summary. Mandatory violations are errors, advisory ones warnings; the rest are notices.
 * GitHub keeps 10 annotations of each kind per step and 50 per job (actions/toolkit docs/problem-matchers.md):
 * SARIF upload to code scanning has no such limit.
 * Escaping as in @actions/core's command.ts: `%`, CR and LF in the message; also `:` and `,` in properties.
 */
import { describeChange, describeSubject, Finding, ReportModel } from "./model";
import { summarize } from "./summary";

const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

function command(f: Finding): string {
    const who = describeSubject(f.subject);
    let kind = "notice";
    let text: string;
    if (f.kind === "violation") {
        kind = f.level === "mandatory" ? "error" : "warning";
        const part = f.part === "update" ? " (judged on the values an update would have)" : "";
        text = `${who}${part}: ${f.message || f.violation?.description || f.policy}`;
    } else if (f.kind === "cant-run") {
        text = `${who}: could not run at preview: ${f.unknownAt ?? f.message}`;
    } else if (f.kind === "remediation") {
        text = `${who}: changed ${f.changes?.length ? f.changes.map(describeChange).join(", ") : "its inputs"} before analysis; set this in the program`;
    } else {
        text = `${who}: waived: ${f.message}`;
    }
    const title = `${f.policy} (${f.kind === "violation" ? f.level : f.kind})`;
    const props = [`file=${escapeProperty(f.location.repoFile)}`, `line=${f.location.line}`, `col=${f.location.column}`, `title=${escapeProperty(title)}`];
    return `::${kind} ${props.join(",")}::${escapeData(text)}`;
}

/** GitHub shows at most 10 annotations of each kind per step (and 50 per job): errors first, so the blocking ones are shown. */
const ORDER: Record<string, number> = { error: 0, warning: 1, notice: 2 };

/** The findings as GitHub Actions workflow commands, one a line (errors first), then the components not checked offline and a summary line. */
export function githubReport(model: ReportModel): string {
    const commands = model.findings.filter((f) => !(f.kind === "cant-run" && f.judgedByUpdate)).map(command);
    const kind = (c: string) => ORDER[c.slice(2, c.indexOf(" "))] ?? 3;
    const lines = commands.map((c, i) => ({ c, i })).sort((a, b) => kind(a.c) - kind(b.c) || a.i - b.i).map(({ c }) => c);
    for (const n of model.notChecked) {
        const props = [`file=${escapeProperty(n.location.repoFile)}`, `line=${n.location.line}`, `col=${n.location.column}`, `title=${escapeProperty("not checked offline")}`];
        lines.push(`::notice ${props.join(",")}::${escapeData(`\`${n.name}\` (${n.type}): its children are built by the ${n.plugin} plugin at a real preview, so the checker did not see them`)}`);
    }
    const s = summarize(model);
    lines.push(
        `serverless-guardrails: ${s.resources} resources, ${s.policies} policies: ${s.violations.mandatory} mandatory and ${s.violations.advisory} advisory violations` +
            (s.unknownAtPreview > 0 ? `, ${s.unknownAtPreview} could not run at preview${model.mode === "both" ? ` (${s.judgedByUpdate ?? 0} judged on the values an update would have)` : ""}` : ""),
    );
    return lines.join("\n") + "\n";
}
