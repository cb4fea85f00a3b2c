/**
 * SARIF 2.1.0 (OASIS), as GitHub code scanning reads it: one run, one rule per policy of every pack, one
 * result per finding with the file and line where the program made the resource (repository-relative,
 * under %SRCROOT%), the resource's URN as its logical location, and a fingerprint that does not move
 * when lines do. Waivers are results with an external suppression, so code scanning shows them as such.
 * Field choices follow GitHub's "SARIF support for code scanning" page (security-severity, tags,
 * partialFingerprints, automationDetails).
 */
import { createHash } from "crypto";
import * as path from "path";
import type { PolicyDetails } from "../types";
import { describeChange, describeSubject, Finding, ReportModel } from "./model";
import { tool } from "./tool";

/** The `$schema` of the SARIF log `sarifReport` writes. */
export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
export const FINGERPRINT = "serverlessGuardrailsFinding/v1";

type Level = "error" | "warning" | "note" | "none";

const LEVEL: Record<string, Level> = { mandatory: "error", advisory: "warning", remediate: "warning", disabled: "none" };

/** GitHub's bands: critical >= 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9. */
const SECURITY_SEVERITY: Record<string, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "2.0" };

function pascal(name: string): string {
    return name
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean)
        .map((w) => w[0].toUpperCase() + w.slice(1))
        .join("");
}

function firstSentence(text: string): string {
    const match = /^(.+?[.!?])(\s|$)/s.exec(text.trim());
    return (match ? match[1] : text.trim()).replace(/\s+/g, " ");
}

function rule(id: string, pack: { name: string; version: string }, d: PolicyDetails) {
    const severity = d.severity ?? (d.enforcementLevel === "mandatory" ? "medium" : "low");
    const steps = d.remediationSteps?.trim();
    const markdown = [
        `**${d.displayName || d.name}** (policy \`${d.name}\` of the \`${pack.name}\` policy pack, v${pack.version})`,
        "",
        d.description,
        ...(steps ? ["", "**How to fix**", "", steps] : []),
        ...(d.url ? ["", `[Documentation](${d.url})`] : []),
    ].join("\n");
    const r: Record<string, unknown> = {
        id,
        name: pascal(d.name),
        shortDescription: { text: d.displayName || firstSentence(d.description) || d.name },
        fullDescription: { text: d.description || d.name },
        help: { text: steps || d.description || d.name, markdown },
        defaultConfiguration: { enabled: d.enforcementLevel !== "disabled", level: LEVEL[d.enforcementLevel] ?? "warning" },
        properties: {
            "security-severity": SECURITY_SEVERITY[severity] ?? SECURITY_SEVERITY.medium,
            tags: [...new Set(["serverless-guardrails", pack.name, ...(d.tags ?? []), d.type === "stack" ? "stack-policy" : "resource-policy"])],
            precision: "very-high",
            policyPack: pack.name,
            enforcementLevel: d.enforcementLevel,
            severity,
        },
    };
    if (d.url) r.helpUri = d.url;
    return r;
}

/** Stable across runs: the pack, the policy, the resource (URN) and what the policy says, not the line. */
export function fingerprint(f: Finding): string {
    return createHash("sha256").update([f.kind, f.policyPack, f.policy, f.subject.urn ?? "(stack)", f.message].join("\0")).digest("hex");
}

function resultText(f: Finding): string {
    const who = describeSubject(f.subject);
    const part = f.part === "update" ? " (judged on the values an update would have)" : "";
    switch (f.kind) {
        case "violation":
            return `${who}${part}: ${f.message || f.violation?.description || f.policy}`;
        case "cant-run":
            return `${who}: ${f.policy} could not run at preview: ${f.unknownAt ?? f.message}`;
        case "remediation":
            return `${who}${part}: ${f.policy} changed ${f.changes?.length ? f.changes.map(describeChange).join(", ") : "its inputs"} before analysis; set this in the program`;
        case "waiver":
            return `${who}: ${f.policy} waived: ${f.message}`;
    }
}

function resultLevel(f: Finding): Level {
    if (f.kind === "violation") return f.level === "mandatory" ? "error" : "warning";
    return "note";
}

/** The findings as a SARIF 2.1.0 log (one run), as GitHub code scanning reads it. */
export function sarifReport(model: ReportModel): Record<string, unknown> {
    const rules: Record<string, unknown>[] = [];
    const ruleIndex = new Map<string, number>();
    const names = model.packs.flatMap((p) => p.details.map((d) => d.name));
    const ruleId = (pack: string, policy: string) => (names.filter((n) => n === policy).length > 1 ? `${pack}/${policy}` : policy);
    for (const pack of model.packs) {
        for (const d of pack.details) {
            const id = ruleId(pack.name, d.name);
            ruleIndex.set(`${pack.name}\0${d.name}`, rules.length);
            rules.push(rule(id, pack, d));
        }
    }
    const results = [];
    // In mode both a judged can't-run notice is replaced by the update part's verdicts.
    for (const f of model.findings.filter((f) => !(f.kind === "cant-run" && f.judgedByUpdate))) {
        const key = `${f.policyPack}\0${f.policy}`;
        if (!ruleIndex.has(key)) {
            ruleIndex.set(key, rules.length);
            const pack = model.packs.find((p) => p.name === f.policyPack) ?? { name: f.policyPack, version: f.policyPackVersion };
            rules.push(rule(ruleId(f.policyPack, f.policy), pack, { name: f.policy, description: f.violation?.description ?? f.policy, enforcementLevel: "advisory" }));
        }
        const logical: Record<string, unknown> = { kind: "resource" };
        if (f.subject.urn) logical.fullyQualifiedName = f.subject.urn;
        if (f.subject.name) logical.name = f.subject.name;
        const result: Record<string, unknown> = {
            ruleId: (rules[ruleIndex.get(key)!] as { id: string }).id,
            ruleIndex: ruleIndex.get(key),
            level: resultLevel(f),
            message: { text: resultText(f) },
            locations: [
                {
                    physicalLocation: {
                        artifactLocation: { uri: f.location.repoFile, uriBaseId: "%SRCROOT%" },
                        region: { startLine: f.location.line, startColumn: f.location.column },
                    },
                    logicalLocations: [logical],
                },
            ],
            partialFingerprints: { [FINGERPRINT]: fingerprint(f) },
            properties: {
                kind: f.kind,
                part: f.part,
                policyPack: f.policyPack,
                ...(f.subject.type ? { resourceType: f.subject.type } : {}),
                ...(f.subject.ancestors.length ? { components: f.subject.ancestors.map((a) => `${a.type}::${a.name}`) } : {}),
            },
        };
        if (f.madeAt) {
            result.relatedLocations = [
                {
                    id: 1,
                    message: { text: "where the resource itself is made" },
                    physicalLocation: { artifactLocation: { uri: f.madeAt.repoFile, uriBaseId: "%SRCROOT%" }, region: { startLine: f.madeAt.line, startColumn: f.madeAt.column } },
                },
            ];
        }
        if (f.kind === "waiver") result.suppressions = [{ kind: "external", status: "accepted", justification: f.message }];
        results.push(result);
    }
    const info = tool();
    const programPath = path.relative(model.context.repoRoot, model.context.programDir).split(path.sep).join("/") || ".";
    return {
        $schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [
            {
                tool: { driver: { name: info.name, version: info.version, semanticVersion: info.version, informationUri: info.url, rules } },
                // GitHub keeps one set of alerts per category: one per program folder.
                automationDetails: { id: `serverless-guardrails/${programPath}/` },
                columnKind: "utf16CodeUnits",
                results,
                properties: {
                    mode: model.mode,
                    policyPacks: model.packs.map((p) => `${p.name}@${p.version}`),
                    notCheckedOffline: model.notChecked.map((n) => n.urn),
                    configPlaceholders: model.placeholders,
                },
            },
        ],
    };
}
