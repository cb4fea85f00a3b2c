/**
 * JUnit XML: one test suite per policy that runs, one test case per (policy, resource): every custom
 * resource, every other resource a finding is about, and the stack. A violation is a failure (its `type`
 * is the level), a notice the preview could not judge and a waiver are skipped test cases. Each test
 * case names the file and line where the program made the resource.
 */
import type { CapturedResource } from "../types";
import { STACK_TYPE } from "./locate";
import { describeChange, describeWhere, Finding, Location, ReportModel } from "./model";
import { tool } from "./tool";

function xml(text: string): string {
    return (
        text
            .replace(/&/g, "&amp;")
            .replace(/</g, "&lt;")
            .replace(/>/g, "&gt;")
            .replace(/"/g, "&quot;")
            // Characters XML 1.0 cannot carry.
            // eslint-disable-next-line no-control-regex
            .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, "")
    );
}

interface Case {
    name: string;
    location?: Location;
    findings: Finding[];
}

/** The findings as a JUnit XML document: a suite per policy that runs, a test case per (policy, resource). */
export function junitReport(model: ReportModel): string {
    const stack = model.resources.find((r) => r.type === STACK_TYPE);
    const shown = model.findings.filter((f) => !(f.kind === "cant-run" && f.judgedByUpdate));
    const suites: string[] = [];
    let tests = 0;
    let failures = 0;
    let skipped = 0;
    for (const pack of model.packs) {
        for (const policy of pack.details.filter((d) => d.enforcementLevel !== "disabled")) {
            const mine = shown.filter((f) => f.policyPack === pack.name && f.policy === policy.name);
            const cases = new Map<string, Case>();
            const caseFor = (key: string, name: string) => {
                let c = cases.get(key);
                if (!c) cases.set(key, (c = { name, findings: [] }));
                return c;
            };
            const resourceName = (r: CapturedResource) => `${r.name} (${r.type})`;
            for (const r of model.resources) if (r.custom) caseFor(r.urn, resourceName(r));
            if (stack) caseFor(stack.urn, resourceName(stack));
            for (const f of mine) {
                const key = f.subject.urn ?? stack?.urn ?? "(stack)";
                const c = caseFor(key, f.subject.name ? `${f.subject.name} (${f.subject.type})` : "(stack)");
                c.location ??= f.location;
                c.findings.push(f);
            }
            const body: string[] = [];
            let suiteFailures = 0;
            let suiteSkipped = 0;
            for (const [key, c] of cases) {
                const failed = c.findings.filter((f) => f.kind === "violation");
                const skips = c.findings.filter((f) => f.kind === "cant-run" || f.kind === "waiver");
                const notes = c.findings.filter((f) => f.kind === "remediation");
                const location = c.location ?? model.locate(key);
                const attrs = [`name="${xml(c.name)}"`, `classname="${xml(`${pack.name}.${policy.name}`)}"`, `time="0"`];
                if (location) attrs.push(`file="${xml(location.repoFile)}"`, `line="${location.line}"`);
                const inner: string[] = [];
                for (const f of failed) {
                    const label = f.part === "update" ? `${f.level}, judged on the values an update would have` : f.level;
                    inner.push(`      <failure type="${f.level}" message="${xml(`[${label}] ${f.message.split("\n")[0]}`)}">${xml(`${describeWhere(f)}\n${f.message}`)}</failure>`);
                }
                if (failed.length === 0 && skips.length > 0) {
                    const f = skips[0];
                    const why = f.kind === "waiver" ? `waived: ${f.message}` : `could not run at preview: ${f.unknownAt ?? f.message}`;
                    inner.push(`      <skipped message="${xml(why)}"/>`);
                }
                if (notes.length > 0) {
                    const text = notes.map((f) => `remediated: ${f.changes?.map(describeChange).join(", ") ?? "inputs changed"}`).join("\n");
                    inner.push(`      <system-out>${xml(text)}</system-out>`);
                }
                if (failed.length > 0) suiteFailures++;
                else if (skips.length > 0) suiteSkipped++;
                body.push(inner.length ? `    <testcase ${attrs.join(" ")}>\n${inner.join("\n")}\n    </testcase>` : `    <testcase ${attrs.join(" ")}/>`);
            }
            tests += cases.size;
            failures += suiteFailures;
            skipped += suiteSkipped;
            const suiteName = `${pack.name}@v${pack.version} ${policy.name}`;
            suites.push(
                `  <testsuite name="${xml(suiteName)}" tests="${cases.size}" failures="${suiteFailures}" errors="0" skipped="${suiteSkipped}" time="0">\n` +
                    `    <properties><property name="enforcementLevel" value="${policy.enforcementLevel}"/>${policy.severity ? `<property name="severity" value="${xml(policy.severity)}"/>` : ""}</properties>\n` +
                    body.join("\n") +
                    "\n  </testsuite>",
            );
        }
    }
    const info = tool();
    return [
        '<?xml version="1.0" encoding="UTF-8"?>',
        `<testsuites name="${xml(`${info.name} check (${model.mode})`)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="0">`,
        ...suites,
        "</testsuites>",
        "",
    ].join("\n");
}
