/**
 * The README's samples of the text report are the reports the checker prints, so they cannot drift.
 * After a change to the pack, the gallery or the report, regenerate them with:
 *
 *     UPDATE_README=1 npx jest tests/checker/readme-samples.test.ts
 */
import * as fs from "fs";
import * as path from "path";
import { capture } from "../../checker/capture";
import { check } from "../../checker/check";
import { defaultPackDir } from "../../checker/cli";
import { buildReport, textReport } from "../../checker/report";
import { ROOT } from "./helpers";

const README = path.join(ROOT, "README.md");

interface Sample {
    /** The marker: <!-- sample:NAME --> ... <!-- /sample:NAME --> */
    name: string;
    program: string;
    /** Entries of these policies are shown, the others folded into "..."; all when absent. */
    policies?: string[];
}

const SAMPLES: Sample[] = [
    { name: "text-report-gallery", program: "examples/anti-patterns", policies: ["lambda-memory-size", "stream-bounded-retries", "dlq-alarm", "budget-alarm", "no-recursive-loops"] },
    { name: "text-report-reference-app", program: "." },
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

function markers(name: string) {
    return { start: `<!-- sample:${name} -->\n`, end: `<!-- /sample:${name} -->` };
}

async function reportOf(sample: Sample): Promise<string> {
    const dir = path.join(ROOT, sample.program);
    const outcome = await check({ mode: "both", packs: [{ dir: defaultPackDir() }], capture: (preview) => capture(dir, { preview }) });
    return textReport(buildReport(outcome.result, { mode: "both", programDir: dir }, outcome.parts));
}

describe("README samples of the text report", () => {
    test.each(SAMPLES)("$name is what `check $program` prints", async (sample) => {
        const block = "```\n" + excerpt(await reportOf(sample), sample.policies).replace(/\n+$/, "\n") + "```\n";
        const readme = fs.readFileSync(README, "utf8");
        const { start, end } = markers(sample.name);
        const from = readme.indexOf(start);
        const to = readme.indexOf(end);
        expect(from >= 0 && to > from ? "markers found" : `README.md lacks ${start.trim()} ... ${end}`).toBe("markers found");
        const current = readme.slice(from + start.length, to);
        if (process.env.UPDATE_README) {
            fs.writeFileSync(README, readme.slice(0, from + start.length) + block + readme.slice(to));
            return;
        }
        expect(current).toBe(block);
    }, 240_000);

    test("an excerpt folds the entries of other policies", () => {
        const text = ["Policies:", "    ❌ p@v1", "        - [mandatory]  a  (t: x)", "          why", "        - [advisory]  b  (t: y)", "          why", "        - [advisory]  c  (t: z)", "", "Summary:"].join("\n");
        expect(excerpt(text, ["a"])).toBe(["Policies:", "    ❌ p@v1", "        - [mandatory]  a  (t: x)", "          why", "        ...", "", "Summary:"].join("\n"));
    });
});
