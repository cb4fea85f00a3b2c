/**
 * SARIF, GitHub workflow commands and JUnit, from a check of the `positions` fixture program with two packs.
 * The SARIF log is validated against the OASIS SARIF 2.1.0 JSON schema as Microsoft's SARIF SDK publishes it
 * (@microsoft/jest-sarif ships sarif-2.1.0-rtm.5.json, the same schema as the final 2.1.0 apart from its title
 * and id: sarif-vscode-extension#337), with ajv.
 */
import * as path from "path";
import AjvDraft04 from "ajv-draft-04";
import { buildReport, githubReport, junitReport, sarifReport, type ReportModel } from "../../checker/report";
import type { AnalysisResult } from "../../checker/types";
import { checkFixture, previewModelOf, programDir, ROOT } from "./helpers";

const schema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");

function sarifValidator() {
    // The schema's language pattern has a stray "]", which is an error only in a unicode regular expression.
    const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
    const parses = (text: string, base?: string) => {
        try {
            new URL(text, base);
            return true;
        } catch {
            return false;
        }
    };
    ajv.addFormat("uri", (s: string) => parses(s));
    ajv.addFormat("uri-reference", (s: string) => !/\s/.test(s) && parses(s, "file:///"));
    ajv.addFormat("date-time", (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(s) && !Number.isNaN(Date.parse(s)));
    return ajv.compile(schema);
}

let both: ReportModel;
let preview: ReportModel;
let again: ReportModel;
const fixture = "tests/fixtures/programs/positions";

beforeAll(async () => {
    const checked = await checkFixture("positions", "both", ["basic", "report"]);
    both = checked.model;
    preview = previewModelOf(checked.outcome, programDir("positions"));
    // A second run of its own, program included, for what must not change between runs.
    again = (await checkFixture("positions", "both", ["basic", "report"], { fresh: true })).model;
}, 120_000);

describe("SARIF", () => {
    it("validates against the official SARIF 2.1.0 schema", () => {
        const validate = sarifValidator();
        const log = sarifReport(both);
        expect(validate(log) ? [] : validate.errors).toEqual([]);
        // The validator does reject a broken log.
        expect(validate({ ...log, version: "2.0.0" })).toBe(false);
        expect(validate({ ...log, runs: [{ results: [] }] })).toBe(false);
    });

    it("has one rule per policy, with names, descriptions, help, severity and tags", () => {
        const run = (sarifReport(both) as any).runs[0];
        expect(run.tool.driver.name).toBe("serverless-guardrails");
        const rules = run.tool.driver.rules;
        expect(rules.map((r: any) => r.id)).toEqual(["no-public", "has-note", "known-label", "set-size", "no-forbidden-target", "size-floor", "plain-note", "label-is-word", "retired"]);
        const floor = rules.find((r: any) => r.id === "size-floor");
        expect(floor).toMatchObject({
            name: "SizeFloor",
            shortDescription: { text: "Things need a size of at least 10." },
            fullDescription: { text: "Things need a size of at least 10." },
            helpUri: "https://example.com/policies/size-floor",
            help: { text: "Set `size` to 10 or more." },
            properties: { "security-severity": "5.5", tags: expect.arrayContaining(["serverless-guardrails", "fixture-report"]) },
        });
        expect(floor.help.markdown).toContain("**How to fix**\n\nSet `size` to 10 or more.");
        expect(rules.find((r: any) => r.id === "label-is-word").properties["security-severity"]).toBe("8.0");
        expect(rules.find((r: any) => r.id === "retired").defaultConfiguration).toEqual({ enabled: false, level: "none" });
    });

    it("gives each result its rule, level, message, repository-relative file and line, the URN, and a fingerprint", () => {
        const run = (sarifReport(both) as any).runs[0];
        const results = run.results;
        expect(results.length).toBeGreaterThan(0);
        for (const r of results) {
            expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
            expect(["error", "warning", "note"]).toContain(r.level);
            expect(r.message.text.length).toBeGreaterThan(0);
            const physical = r.locations[0].physicalLocation;
            expect(physical.artifactLocation.uri).toMatch(new RegExp(`^${fixture}/(index\\.ts|things\\.ts|Pulumi\\.yaml)$`));
            expect(physical.region.startLine).toBeGreaterThan(0);
            expect(r.partialFingerprints["serverlessGuardrailsFinding/v1"]).toMatch(/^[0-9a-f]{64}$/);
        }
        const loop = results.find((r: any) => r.ruleId === "label-is-word");
        expect(loop).toMatchObject({
            level: "error",
            message: { text: expect.stringContaining("`outer-member` in `Group` `outer` (judged on the values an update would have): `label`") },
            properties: { part: "update" },
        });
        expect(loop.locations[0].logicalLocations).toEqual([{ kind: "resource", name: "outer-member", fullyQualifiedName: expect.stringMatching(/^urn:pulumi:dev::fixture-positions::.*test:index:Thing::outer-member$/) }]);
        expect(loop.locations[0].physicalLocation.region).toEqual({ startLine: 4, startColumn: 1 });
        expect(loop.relatedLocations[0].physicalLocation).toMatchObject({ artifactLocation: { uri: `${fixture}/things.ts` }, region: { startLine: 13, startColumn: 9 } });
        // A judged can't-run notice is replaced by the update's verdict; mandatory is an error, advisory a warning.
        expect(results.filter((r: any) => r.message.text.includes("could not run at preview"))).toEqual([]);
        expect(results.find((r: any) => r.ruleId === "plain-note").level).toBe("warning");
        expect(run.automationDetails.id).toBe(`serverless-guardrails/${fixture}/`);
    });

    it("keeps fingerprints stable across runs, and distinct per finding", () => {
        const prints = (m: ReportModel) => (sarifReport(m) as any).runs[0].results.map((r: any) => r.partialFingerprints["serverlessGuardrailsFinding/v1"]);
        expect(prints(again)).toEqual(prints(both));
        expect(new Set(prints(both)).size).toBe(prints(both).length);
    });
});

describe("GitHub workflow commands", () => {
    it("annotates the file and line of each finding: errors for mandatory, warnings for advisory", () => {
        const lines = githubReport(both).trimEnd().split("\n");
        const commands = lines.filter((l) => l.startsWith("::"));
        expect(commands.length).toBe(both.findings.filter((f) => !(f.kind === "cant-run" && f.judgedByUpdate)).length);
        for (const c of commands) expect(c).toMatch(new RegExp(`^::(error|warning|notice) file=${fixture}/[\\w.]+,line=\\d+,col=\\d+,title=[^:]+::\\S`));
        expect(commands).toContain(`::error file=${fixture}/things.ts,line=19,col=12,title=no-public (mandatory)::\`helped\`: \`public\` is true: set it to false.`);
        expect(commands.some((c) => c.startsWith("::warning ") && c.includes("title=plain-note (advisory)"))).toBe(true);
        expect(lines[lines.length - 1]).toMatch(/^serverless-guardrails: 8 resources, 7 policies: 3 mandatory and 5 advisory violations, 3 could not run at preview \(3 judged/);
    });

    it("escapes what would end a command early", () => {
        const result: AnalysisResult = {
            resources: [{ urn: "urn:pulumi:dev::p::test:index:Thing::a,b", type: "test:index:Thing", name: "a,b", custom: true, dependencies: [], propertyDependencies: {}, inputs: {}, outputs: {}, sourcePosition: { file: path.join(ROOT, "x:y.ts"), line: 2, column: 3 } }],
            violations: [{ policyPack: "p", policyPackVersion: "1", policy: "rule", enforcementLevel: "mandatory", message: "Why.\n100% wrong\r\nreally", description: "Why.", urn: "urn:pulumi:dev::p::test:index:Thing::a,b" }],
            waivers: [],
            remediations: [],
            policyPacks: [{ name: "p", version: "1", policies: 1 }],
        };
        const [line] = githubReport(buildReport(result, { programDir: ROOT, repoRoot: ROOT })).split("\n");
        expect(line).toBe("::error file=x%3Ay.ts,line=2,col=3,title=rule (mandatory)::`a,b`: 100%25 wrong%0D%0Areally");
    });
});

/** Tags open and close in order (the report is well-formed XML), and what each test case holds. */
function parseJunit(xml: string) {
    const stack: string[] = [];
    const cases: { name: string; classname: string; file?: string; line?: string; failures: string[]; skipped: boolean }[] = [];
    for (const tag of xml.replace(/^<\?xml[^>]*\?>/, "").matchAll(/<(\/?)([\w-]+)((?:\s+[\w-]+="[^"<>]*")*)\s*(\/?)>/g)) {
        const [, closing, name, attrs, selfClosing] = tag;
        const attr = (key: string) => new RegExp(`\\s${key}="([^"]*)"`).exec(attrs)?.[1];
        if (closing) {
            expect(stack.pop()).toBe(name);
            continue;
        }
        if (name === "testcase") cases.push({ name: attr("name")!, classname: attr("classname")!, file: attr("file"), line: attr("line"), failures: [], skipped: false });
        if (name === "failure") cases[cases.length - 1].failures.push(attr("type")!);
        if (name === "skipped") cases[cases.length - 1].skipped = true;
        if (!selfClosing) stack.push(name);
    }
    expect(stack).toEqual([]);
    return cases;
}

describe("JUnit", () => {
    it("has a test case per policy and resource, a failure per violation, and the file and line", () => {
        const xml = junitReport(both);
        expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
        const cases = parseJunit(xml);
        // 7 policies that run × (4 custom resources + the stack).
        expect(cases).toHaveLength(7 * 5);
        const helped = cases.find((c) => c.classname === "fixture-basic.no-public" && c.name === "helped (test:index:Thing)")!;
        expect(helped).toMatchObject({ failures: ["mandatory"], file: `${fixture}/things.ts`, line: "19" });
        expect(cases.find((c) => c.classname === "fixture-report.label-is-word" && c.name.startsWith("outer-member"))!.failures).toEqual(["mandatory"]);
        expect(cases.find((c) => c.classname === "fixture-report.plain-note" && c.name.startsWith("helped"))!.failures).toEqual(["advisory", "advisory"]);
        expect(cases.find((c) => c.classname === "fixture-basic.no-public" && c.name.startsWith("source"))).toMatchObject({ failures: [], skipped: false, line: "3" });
        expect(cases.every((c) => c.file && c.line)).toBe(true);
        expect(xml).not.toContain("retired");
        expect(xml).toMatch(/<testsuites name="serverless-guardrails check \(both\)" tests="35" failures="7" errors="0" skipped="0"/);
    });

    it("marks a notice the preview could not judge as skipped, in mode preview", () => {
        const cases = parseJunit(junitReport(preview));
        expect(cases.find((c) => c.classname === "fixture-report.label-is-word" && c.name.startsWith("outer-member"))!.skipped).toBe(true);
    });
});

describe("notes outside the findings", () => {
    it("lists multi-language components as not checked offline, and config placeholders", () => {
        const dir = programDir("positions");
        const result: AnalysisResult = {
            resources: [
                { urn: "urn:pulumi:dev::p::awsx:ec2:Vpc::net", type: "awsx:ec2:Vpc", name: "net", custom: false, remote: true, dependencies: [], propertyDependencies: {}, inputs: {}, outputs: {}, sourcePosition: { file: path.join(dir, "index.ts"), line: 5, column: 1 } },
            ],
            violations: [],
            waivers: [],
            remediations: [],
            policyPacks: [{ name: "p", version: "1", policies: 0 }],
        };
        const model = buildReport(result, { programDir: dir, placeholders: ["p:dbPassword"] });
        const { textReport, jsonReport } = require("../../checker/report");
        expect(textReport(model)).toContain("Not checked offline:\n    - `net` (awsx:ec2:Vpc), index.ts:5:1: its children are built by the awsx plugin at a real preview");
        expect(textReport(model)).toContain("    - `p:dbPassword` ran with a placeholder string");
        expect(jsonReport(model)).toMatchObject({ notChecked: [{ name: "net", plugin: "awsx", location: { file: "index.ts", line: 5 } }], placeholders: ["p:dbPassword"] });
        expect(githubReport(model)).toContain("::notice file=tests/fixtures/programs/positions/index.ts,line=5,col=1,title=not checked offline::");
    });
});
