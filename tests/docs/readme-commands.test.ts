/**
 * Every command in the README is run here or by .ci/run, so the docs cannot drift:
 * - `npm ci` and `npm test` are what .ci/run runs;
 * - every `npx serverless-guardrails ...` and `npm run ...` line (shell blocks and the CI job's `run:` steps) runs
 *   here from the repository root, with the exit code the README promises;
 * - `cd policies && npm run build` runs here; `npm install` there is the same install .ci/run's `npm ci` does;
 * - the `pulumi ...` commands need the Pulumi CLI and AWS: their inputs are tested instead (the pack launched as the
 *   engine launches it in tests/integration, and the README's config file validated against the pack's schemas).
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { loadUserConfig, reconcileConfig } from "../../checker/config";
import { PackClient } from "../../checker/pack-client";

const run = promisify(execFile);
const root = path.join(__dirname, "..", "..");
const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");

function commandLines(): string[] {
    const lines: string[] = [];
    for (const block of readme.matchAll(/```(sh|yaml)\n([\s\S]*?)```/g)) {
        for (const raw of block[2].split("\n")) {
            const line = raw.replace(/^\s*-?\s*run:\s*/, "").replace(/\s+#.*$/, "").trim();
            if (/^(npx|npm|pulumi|cd)\b/.test(line)) lines.push(line);
        }
    }
    return lines;
}

const coveredByCi = new Set(["npm ci && npm run check", "npm test", "npm ci", "npm install"]);
const needsPulumiCli = (line: string) => line.startsWith("pulumi ");

async function exitCodeOf(line: string): Promise<number> {
    const [command, ...rest] = line.replace(/\s*>\s*\S+$/, "").split(/\s+/);
    // As written, with npx kept from reaching the registry: it must find this package's own bin.
    const [file, args] = command === "npx" ? ["npx", ["--no-install", ...rest]] : [command, rest];
    try {
        await run(file, args, { cwd: root, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
        return 0;
    } catch (error: any) {
        if (typeof error.code !== "number") throw error;
        return error.code;
    }
}

describe("README commands", () => {
    const lines = commandLines();

    test("every command is accounted for", () => {
        expect(lines.length).toBeGreaterThan(8);
        const runHere = lines.filter((l) => l.startsWith("npx serverless-guardrails") || l.startsWith("npm run"));
        const other = lines.filter((l) => !runHere.includes(l) && !coveredByCi.has(l) && !needsPulumiCli(l) && l !== "cd policies");
        expect(other).toEqual([]);
    });

    test.each(lines.filter((l) => l.startsWith("npx serverless-guardrails") || (l.startsWith("npm run") && l !== "npm run build")))(
        "%s",
        async (line) => {
            const expected = line.includes("examples/anti-patterns") ? 1 : 0;
            expect(await exitCodeOf(line)).toBe(expected);
        },
        300_000,
    );

    test("cd policies && npm run build: the pack builds on its own", async () => {
        await run("npm", ["run", "build"], { cwd: path.join(root, "policies"), timeout: 300_000 });
        expect(fs.existsSync(path.join(root, "policies", "bin", "index.js"))).toBe(true);
    }, 300_000);

    test("the README's --policy-pack-config example is examples/policy-config.json and fits the pack's schemas", async () => {
        const example = readme.match(/```json\n(\{\n  "all"[\s\S]*?)```/)![1];
        const file = fs.readFileSync(path.join(root, "examples", "policy-config.json"), "utf8");
        expect(JSON.parse(example)).toEqual(JSON.parse(file));
        const pack = await PackClient.start(path.join(root, "policies"));
        try {
            const config = reconcileConfig(await pack.getAnalyzerInfo(), loadUserConfig(path.join(root, "examples", "policy-config.json")));
            expect(config["lambda-memory-size"]).toMatchObject({ enforcementLevel: "remediate", properties: { minimumMb: 256, remediateToMb: 1024 } });
            expect(config["lambda-tracing"]).toMatchObject({ enforcementLevel: "disabled" });
        } finally {
            await pack.close();
        }
    }, 120_000);
});
