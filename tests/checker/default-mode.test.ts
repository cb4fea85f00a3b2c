/**
 * The default check (`--mode both`) on the reference application and on the anti-pattern gallery: the
 * gallery's recursive loops are reported, no can't-run notice is left unexplained, every finding carries a
 * file and line in every format, and the README's samples of the text report are these very reports.
 *
 * After a change to the pack, the gallery or the report, regenerate the README samples with:
 *
 *     UPDATE_README=1 npx jest tests/checker/default-mode.test.ts
 */
import * as fs from "fs";
import * as path from "path";
import { check } from "../../checker/check";
import { defaultPackDir } from "../../checker/cli";
import { buildReport, githubReport, jsonReport, junitReport, sarifReport, textReport, type ReportModel } from "../../checker/report";
import { sharedCapture } from "../helpers/run-cache";
import { ROOT } from "./helpers";

const README = path.join(ROOT, "README.md");
const GALLERY = path.join(ROOT, "examples", "anti-patterns");

async function checkDefault(dir: string): Promise<ReportModel> {
    // The program's captures are shared with the other suites (once per Jest run); the check itself is this suite's.
    const outcome = await check({ mode: "both", packs: [{ dir: defaultPackDir() }], capture: (preview) => sharedCapture(dir, { preview }) });
    return buildReport(outcome.result, { mode: "both", programDir: dir }, outcome.parts);
}

let gallery: ReportModel;
let app: ReportModel;

beforeAll(async () => {
    gallery = await checkDefault(GALLERY);
    app = await checkDefault(ROOT);
}, 600_000);

const pairs = (model: ReportModel) => model.findings.filter((f) => f.kind === "violation").map((f) => `${f.policy} on ${f.subject.name ?? "(stack)"}`);

describe("the default check", () => {
    it("reports the gallery's two recursive loops", () => {
        expect(pairs(gallery)).toEqual(expect.arrayContaining(["no-recursive-loops on retrier", "no-recursive-loops on counter"]));
        expect(gallery.ok).toBe(false);
    });

    it("leaves no can't-run notice unexplained: the update part judged each one", () => {
        for (const model of [gallery, app]) {
            const notices = model.findings.filter((f) => f.kind === "cant-run");
            expect(notices.filter((f) => !f.judgedByUpdate)).toEqual([]);
            // Each names a resource of the program, where it was made.
            for (const f of notices) expect(f.subject.name && !f.subject.stack).toBeTruthy();
        }
        expect(textReport(app)).not.toMatch(/- \[advisory\]  \S+  \S+\n.*\n\s+can't run policy/);
    });

    it("finds nothing wrong with the reference application", () => {
        expect(pairs(app)).toEqual([]);
        expect(app.ok).toBe(true);
    });

    it("gives every finding a file and line, in every format", () => {
        const shown = gallery.findings.filter((f) => !(f.kind === "cant-run" && f.judgedByUpdate));
        expect(shown.length).toBeGreaterThan(10);
        for (const f of gallery.findings) {
            expect(fs.existsSync(path.join(GALLERY, f.location.file))).toBe(true);
            expect(f.location.line).toBeGreaterThan(0);
        }
        const json = jsonReport(gallery);
        for (const v of [...json.violations, ...json.remediations, ...json.waivers]) expect(v.location.line).toBeGreaterThan(0);
        const results = (sarifReport(gallery) as any).runs[0].results;
        expect(results).toHaveLength(shown.length);
        for (const r of results) {
            expect(r.locations[0].physicalLocation.artifactLocation.uri).toMatch(/^examples\/anti-patterns\/\S+/);
            expect(r.locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
        }
        const commands = githubReport(gallery).split("\n").filter((l) => l.startsWith("::"));
        expect(commands).toHaveLength(shown.length);
        for (const c of commands) expect(c).toMatch(/^::\w+ file=examples\/anti-patterns\/[^,]+,line=[1-9]\d*,col=\d+,/);
        const cases = junitReport(gallery).match(/<testcase [^>]*>/g) ?? [];
        expect(cases.length).toBeGreaterThan(0);
        for (const c of cases) expect(c).toMatch(/ file="examples\/anti-patterns\/[^"]+" line="[1-9]\d*"/);
        const text = textReport(gallery).split("\n");
        const where = text.filter((l) => /^ {8}- \[/.test(l));
        expect(where.length).toBe(gallery.findings.length); // judged notices are listed too, with what became of them
        for (const [i, line] of text.entries()) {
            if (/^ {8}- \[/.test(line)) expect(text[i + 1]).toMatch(/, [\w./-]+:[1-9]\d*:\d+( \(made at [\w./-]+:\d+:\d+\))?$/);
        }
    });
});

// ---- README samples ---------------------------------------------------------------------------------

interface Sample {
    /** The marker: <!-- sample:NAME --> ... <!-- /sample:NAME --> */
    name: string;
    model: () => ReportModel;
    /** Entries of these policies are shown, the others folded into "..."; all when absent. */
    policies?: string[];
}

const SAMPLES: Sample[] = [
    { name: "text-report-gallery", model: () => gallery, policies: ["lambda-memory-size", "stream-bounded-retries", "dlq-alarm", "budget-alarm", "no-recursive-loops"] },
    { name: "text-report-reference-app", model: () => app },
];

/** The report with only some policies' entries; each run of left-out entries becomes one "..." line. */
function excerpt(text: string, policies?: string[]): string {
    if (!policies) return text;
    const out: string[] = [];
    let keep = true;
    let folded = false;
    for (const line of text.split("\n")) {
        const entry = /^ {8}- \[[^\]]+\] {2}(\S+)/.exec(line);
        if (entry) keep = policies.includes(entry[1]);
        else if (!line.startsWith(" ".repeat(10))) keep = true;
        if (keep) {
            out.push(line);
            folded = false;
        } else if (!folded) {
            out.push("        ...");
            folded = true;
        }
    }
    return out.join("\n");
}

describe("README samples of the text report", () => {
    test.each(SAMPLES)("$name is what the checker prints", (sample) => {
        const block = "```\n" + excerpt(textReport(sample.model()), sample.policies).replace(/\n+$/, "\n") + "```\n";
        const readme = fs.readFileSync(README, "utf8");
        const start = `<!-- sample:${sample.name} -->\n`;
        const end = `<!-- /sample:${sample.name} -->`;
        const from = readme.indexOf(start);
        const to = readme.indexOf(end);
        expect(from >= 0 && to > from ? "markers found" : `README.md lacks ${start.trim()} ... ${end}`).toBe("markers found");
        if (process.env.UPDATE_README) {
            fs.writeFileSync(README, readme.slice(0, from + start.length) + block + readme.slice(to));
            return;
        }
        // Differs? Regenerate: UPDATE_README=1 npx jest tests/checker/default-mode.test.ts
        expect(readme.slice(from + start.length, to)).toBe(block);
    });

    test("an excerpt folds the entries of other policies", () => {
        const text = ["Policies:", "    ❌ p@v1", "        - [mandatory]  a  (t: x)", "          why", "        - [advisory]  b  (t: y)", "          why", "        - [advisory]  c  (t: z)", "", "Summary:"].join("\n");
        expect(excerpt(text, ["a"])).toBe(["Policies:", "    ❌ p@v1", "        - [mandatory]  a  (t: x)", "          why", "        ...", "", "Summary:"].join("\n"));
    });
});
