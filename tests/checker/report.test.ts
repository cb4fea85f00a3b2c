/**
 * The text and JSON reports, from a check of the `positions` fixture program with two packs: where each
 * finding's resource was made, which part each verdict came from, and the report polish (description once
 * per policy, what a remediation changed, disabled policies not counted, each pack's own findings,
 * can't-run lines that name their resource).
 */
import { buildReport, jsonReport, textReport, type ReportModel } from "../../checker/report";
import { checkFixture, previewModelOf, programDir } from "./helpers";

let both: ReportModel;
let preview: ReportModel;

beforeAll(async () => {
    const checked = await checkFixture("positions", "both", ["basic", "report"]);
    both = checked.model;
    preview = previewModelOf(checked.outcome, programDir("positions"));
}, 120_000);

/** The lines of one pack's section of the text report. */
function section(text: string, pack: string): string[] {
    const lines = text.split("\n");
    const start = lines.findIndex((l) => l.includes(` ${pack}@v`));
    const end = lines.findIndex((l, i) => i > start && (/^ {4}\S/.test(l) || l === ""));
    return lines.slice(start, end);
}

/** The entry `- [level]  policy  (type: name)` and the lines under it. */
function entry(text: string, header: string): string[] {
    const lines = text.split("\n");
    const start = lines.findIndex((l) => l.includes(header));
    if (start < 0) throw new Error(`no entry ${header} in\n${text}`);
    const end = lines.findIndex((l, i) => i > start && !l.startsWith("          "));
    return lines.slice(start, end);
}

describe("text report", () => {
    it("says where each resource was made: its own line, or its components' construction site and their path", () => {
        const text = textReport(both);
        expect(entry(text, "[mandatory]  no-public  (test:index:Thing: helped)")[1]).toBe("          `helped`, things.ts:19:12");
        expect(entry(text, "[mandatory]  known-label  (test:index:Thing: team-group-member)")[1]).toBe(
            "          `team-group-member` in `Team` `team` › `Group` `team-group`, index.ts:6:1 (made at things.ts:13:9)",
        );
    });

    it("prints a policy's description once, however many messages it has", () => {
        const text = textReport(both);
        const report = section(text, "fixture-report").join("\n");
        expect(report.match(/- \[advisory\]  plain-note/g)).toHaveLength(5);
        expect(report.match(/Notes are short and plain\./g)).toHaveLength(1);
        const helped = text.split("\n").filter((l) => l.includes("`note` has capitals.") || l.includes("`note` is longer than 5 characters."));
        expect(helped.length).toBe(5);
    });

    it("says what a remediation changed", () => {
        expect(entry(textReport(both), "[remediate]  size-floor  (test:index:Thing: source)")).toContain(
            "          changed `size` 1 → 10 before the resource was analyzed (the deployment would use the changed values)",
        );
    });

    it("does not count disabled policies", () => {
        // fixture-basic: 5 policies, set-size disabled; fixture-report: 4, retired disabled.
        expect(textReport(both)).toContain("8 resources checked by 7 policies in 2 policy packs");
    });

    it("lists in each pack's section only that pack's findings", () => {
        const text = textReport(both);
        const basic = section(text, "fixture-basic").join("\n");
        const report = section(text, "fixture-report").join("\n");
        expect(basic).toContain("no-public");
        expect(basic).not.toMatch(/plain-note|size-floor|label-is-word/);
        expect(report).toContain("plain-note");
        expect(report).not.toMatch(/no-public|known-label/);
    });

    it("preview: a stack policy's can't-run line names the resource like other findings", () => {
        const lines = entry(textReport(preview), "[advisory]  label-is-word  (test:index:Thing: outer-member)");
        expect(lines[1]).toBe("          `outer-member` in `Group` `outer`, index.ts:4:1 (made at things.ts:13:9)");
        expect(lines[2]).toMatch(/can't run policy 'label-is-word' from policy pack 'fixture-report@v2.0.0' during preview: string value at \.outer-member\.label/);
        expect(textReport(preview)).toContain("could not run at preview (a value they need is unknown until the update; `--mode both`, the default, judges them");
    });

    it("both: the update part's verdicts under their own heading, and every can't-run notice with what became of it", () => {
        const text = textReport(both);
        const report = section(text, "fixture-report");
        const heading = report.indexOf("        judged on the values an update would have (the preview could not know them):");
        expect(heading).toBeGreaterThan(0);
        const verdict = report.findIndex((l) => l.includes("- [mandatory]  label-is-word  (test:index:Thing: outer-member)"));
        expect(verdict).toBeGreaterThan(heading);
        expect(entry(text, "[judged]  label-is-word  (test:index:Thing: outer-member)").slice(2)).toEqual([
            "          could not run at preview: `label` is unknown until the update",
            "          on the values an update would have: 1 violation, listed above",
        ]);
        expect(entry(text, "[judged]  known-label  (test:index:Thing: outer-member)").slice(2)).toEqual([
            "          could not run at preview: `label` is unknown until the update",
            "          on the values an update would have: no violation",
        ]);
        expect(entry(text, "[judged]  size-floor  (test:index:Thing: outer-member)")[3]).toBe("          on the values an update would have: 1 remediation, listed above");
        expect(text).toContain("    at preview: 2 mandatory violations, 5 advisory violations");
        expect(text).toContain("    on the values an update would have, for 3 can't-run notices of the preview: 1 mandatory violation, 0 advisory violations");
        expect(text).not.toMatch(/\[advisory\]  \S+  \S+ \S+\n\s+\S.*\n\s+can't run policy/); // no bare notice left in mode both
    });
});

describe("JSON report", () => {
    it("gives every violation its part and where the program made its resource", () => {
        const report = jsonReport(both);
        expect(report).toMatchObject({ schemaVersion: 1, mode: "both", ok: false });
        expect(report.violations.length).toBeGreaterThan(0);
        for (const v of report.violations) {
            expect(v.location.file).toMatch(/^(index|things)\.ts$|^Pulumi\.yaml$/);
            expect(v.location.line).toBeGreaterThan(0);
            expect(["preview", "update"]).toContain(v.part);
        }
        const updated = report.violations.filter((v) => v.part === "update");
        expect(updated.map((v) => [v.policy, v.resourceName, v.where])).toEqual([
            ["label-is-word", "outer-member", "`outer-member` in `Group` `outer`, index.ts:4:1 (made at things.ts:13:9)"],
        ]);
        expect(updated[0].components).toEqual([{ type: "test:index:Group", name: "outer" }]);
        const notices = report.violations.filter((v) => v.unknownAtPreview);
        expect(notices.every((v) => v.judgedByUpdate === true && v.resourceName === "outer-member")).toBe(true);
        expect(report.summary).toMatchObject({
            policies: 7,
            byPart: { preview: { mandatory: 2, advisory: 5 }, update: { mandatory: 1, advisory: 0 } },
            unknownAtPreview: 3,
            judgedByUpdate: 3,
        });
        expect(report.policyPacks).toEqual([
            { name: "fixture-basic", version: "1.2.3", policies: 4, disabled: 1 },
            { name: "fixture-report", version: "2.0.0", policies: 3, disabled: 1 },
        ]);
        expect(report.remediations.find((r) => r.resourceName === "source")).toMatchObject({ policy: "size-floor", changes: [{ path: "size", before: 1, after: 10 }], location: { file: "index.ts", line: 3, column: 16 } });
    });
});

describe("can't-run notices in a pack's own words", () => {
    it("names the resource the path starts with, and keeps the pack's explanation", () => {
        const dir = "/tmp/some-program";
        const stack = { urn: "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev", type: "pulumi:pulumi:Stack", name: "p-dev", custom: false, dependencies: [], propertyDependencies: {}, inputs: {}, outputs: {} };
        const policy = {
            urn: "urn:pulumi:dev::p::aws:iam/rolePolicy:RolePolicy::x-policy",
            type: "aws:iam/rolePolicy:RolePolicy",
            name: "x-policy",
            custom: true,
            parent: stack.urn,
            dependencies: [],
            propertyDependencies: {},
            inputs: {},
            outputs: {},
            sourcePosition: { file: `${dir}/index.ts`, line: 3, column: 1 },
        };
        const why = "the policy document at .x-policy.policy of role `x-role` can't be known during preview: it is built from outputs of queue `q`";
        const model = buildReport(
            {
                resources: [stack, policy],
                violations: [{ policyPack: "p", policyPackVersion: "1", policy: "loops", enforcementLevel: "advisory", unknownAtPreview: true, message: `can't run policy 'loops' from policy pack 'p@v1' during preview: ${why}` }],
                waivers: [],
                remediations: [],
                policyPacks: [{ name: "p", version: "1", policies: 1 }],
            },
            { programDir: dir, repoRoot: dir, mode: "preview" },
        );
        expect(model.findings[0]).toMatchObject({ kind: "cant-run", subject: { name: "x-policy" }, location: { file: "index.ts", line: 3 }, unknownAt: why });
        expect(entry(textReport(model), "[advisory]  loops  (aws:iam/rolePolicy:RolePolicy: x-policy)")[1]).toBe("          `x-policy`, index.ts:3:1");
    });
});
