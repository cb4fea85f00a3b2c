/**
 * Every policy the pack serves is complete: metadata Pulumi Cloud shows, a config schema with
 * defaults, the four kinds of test, a README table row and a README section.
 */
import Ajv from "ajv";
import * as fs from "fs";
import * as path from "path";
import { allPolicies } from "../../policies/all";
import { notImported } from "../helpers/folder-suite";

const root = path.join(__dirname, "..", "..");
const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");

function testFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) return testFiles(full);
        // A folder's suite (all.test.ts) loads one `<policy>.tests.ts` per policy.
        return /\.tests?\.ts$/.test(entry.name) ? [full] : [];
    });
}
const sources = testFiles(__dirname).map((file) => ({ file, text: fs.readFileSync(file, "utf8") }));

/** Titles of the tests inside the top-level `describe("<name>"` block(s) of the policy tests. */
function testTitles(name: string): string[] {
    const titles: string[] = [];
    for (const { text } of sources) {
        let at = text.indexOf(`describe("${name}"`);
        while (at >= 0) {
            const next = text.indexOf("\ndescribe(", at + 1);
            const block = text.slice(at, next < 0 ? undefined : next);
            for (const match of block.matchAll(/\b(?:test|it)(?:\.each\([^)]*\))?\(\s*(["'`])((?:(?!\1).)*)\1/g)) titles.push(match[2]);
            at = text.indexOf(`describe("${name}"`, at + 1);
        }
    }
    return titles;
}

const ajv = new Ajv({ strict: false });
const policies = allPolicies.map((policy) => [policy.name, policy] as const);

describe("meta: every policy of the pack", () => {
    test("every <policy>.tests.ts is loaded by the suite of its folder (all.test.ts)", () => {
        const folders = [...new Set(sources.filter(({ file }) => file.endsWith(".tests.ts")).map(({ file }) => path.dirname(file)))];
        expect(folders.length).toBeGreaterThan(0);
        expect(folders.flatMap(notImported).map((file) => path.relative(root, file))).toEqual([]);
    });

    test("names are kebab-case and unique", () => {
        const names = allPolicies.map((p) => p.name);
        expect(new Set(names).size).toBe(names.length);
        for (const name of names) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    });

    describe.each(policies)("%s", (name, policy) => {
        test("has the metadata Pulumi Cloud shows", () => {
            expect(policy.displayName).toEqual(expect.any(String));
            expect(policy.description.length).toBeGreaterThan(40);
            expect(["low", "medium", "high", "critical"]).toContain(policy.severity);
            expect(["advisory", "mandatory", "remediate", "disabled"]).toContain(policy.enforcementLevel);
            expect(policy.remediationSteps).toEqual(expect.any(String));
            expect(policy.remediationSteps!.length).toBeGreaterThan(20);
            expect(policy.url).toMatch(new RegExp(`#${name}$`));
            expect(policy.tags).toEqual(expect.arrayContaining([expect.any(String)]));
        });

        test("config schema compiles and every setting but waivers has a default", () => {
            const schema = { type: "object", ...(policy.configSchema ?? {}) };
            expect(() => ajv.compile(schema)).not.toThrow();
            const properties = policy.configSchema?.properties ?? {};
            expect(properties).toHaveProperty("waivers");
            for (const [key, property] of Object.entries(properties)) {
                if (key !== "waivers") expect({ key, default: (property as any).default }).toEqual({ key, default: expect.anything() });
            }
        });

        test("has compliant, violating, unknown at preview and malformed tests", () => {
            const titles = testTitles(name).map((t) => t.toLowerCase());
            for (const kind of ["compliant", "violating", "unknown at preview", "malformed"]) {
                expect({ kind, found: titles.some((t) => t.includes(kind)) }).toEqual({ kind, found: true });
            }
        });

        test("has a README table row and section", () => {
            expect(readme).toMatch(new RegExp(`^\\| \`${name}\``, "m"));
            expect(readme).toMatch(new RegExp(`^#### ${name}\\s*$`, "m"));
        });
    });
});
