/**
 * Every command in the README is run here or by .ci/run, so the docs cannot drift:
 * - `npm ci` and `npm test` are what .ci/run runs;
 * - every `npx serverless-guardrails ...` and `npm run ...` line (shell blocks and the CI job's `run:` steps) runs
 *   here from the repository root, with the exit code the README promises, one at a time (two at once would
 *   need a second running pack, which costs more CPU than the wait it saves), a report it writes with --output
 *   going to a folder of its own; `npx serverless-guardrails` runs the bin npx resolves it to (a test asks npx,
 *   once), and `npm run <script>` runs package.json's script, which spares each line npm's own start (about 1 CPU-s);
 *   two lines that come to the same command (`npm run check` and `npx serverless-guardrails check`) run it once;
 * - `cd policies`, `npm install` and `npm run build` (the publishing steps) run in a copy of policies/ alone in
 *   tests/package (`npm run test:package`, which .ci/run calls after `npm test`): building here would empty the
 *   policies/bin that suites running beside this one start the pack from;
 * - the `pulumi ...` commands need the Pulumi CLI and AWS: their inputs are tested instead (the pack launched as the
 *   engine launches it in tests/integration, and the README's config file validated against the pack's schemas).
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { loadUserConfig, reconcileConfig } from "../../checker/config";
import { PackClient } from "../../checker/pack-client";

const run = promisify(execFile);
const root = path.join(__dirname, "..", "..");
const OWN_BIN = path.join(root, "bin", "serverless-guardrails.js");
const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts;

function commandLines(): string[] {
    const lines: string[] = [];
    for (const block of readme.matchAll(/```(sh|yaml)\n([\s\S]*?)```/g)) {
        for (const raw of block[2].split("\n")) {
            const line = raw.replace(/^\s*-?\s*run:\s*/, "").replace(/\s+#.*$/, "").trim();
            if (/^(npx|npm|pulumi|cd)\b/.test(line)) lines.push(...line.split(/\s*&&\s*/));
        }
    }
    return lines;
}

const coveredByCi = new Set(["npm test", "npm ci"]);
const coveredByPackageTest = new Set(["cd policies", "npm install", "npm run build"]);
const needsPulumiCli = (line: string) => line.startsWith("pulumi ");

/** What a command did: its exit code, its stdout, and the files it wrote with --output (by the name the README gives). */
interface Ran {
    code: number;
    stdout: string;
    outputs: Map<string, string>;
}

/**
 * The command a line runs: for `npx serverless-guardrails`, the bin npx resolves it to (see "npx finds this package's
 * own bin"); for `npm run <script>`, package.json's script, with `node bin/serverless-guardrails.js` as that bin.
 */
function commandOf(words: string[]): string[] {
    if (words[0] === "npx" && words[1] === "serverless-guardrails") return [OWN_BIN, ...words.slice(2)];
    if (words[0] !== "npm" || words[1] !== "run") return words;
    const script = scripts[words[2]];
    if (script === undefined) throw new Error(`package.json has no script ${words[2]}`);
    const command = [...script.split(/\s+/), ...words.slice(3)];
    return command[0] === "node" && command[1] === "bin/serverless-guardrails.js" ? [OWN_BIN, ...command.slice(2)] : command;
}

const ranCommands = new Map<string, Promise<Ran>>();

/** Runs a line's command, once for every line that comes to the same command. */
function runLine(line: string): Promise<Ran> {
    const words = line.replace(/\s*>\s*\S+$/, "").split(/\s+/);
    const command = commandOf(words);
    const key = JSON.stringify(command);
    if (!ranCommands.has(key)) ranCommands.set(key, runCommand(command));
    return ranCommands.get(key)!;
}

async function runCommand(words: string[]): Promise<Ran> {
    const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-readme-"));
    const outputs = new Map<string, string>();
    const [file, ...args] = words.map((word, i) => {
        if (words[i - 1] !== "--output") return word;
        outputs.set(word, path.join(outputDir, path.basename(word)));
        return outputs.get(word)!;
    });
    const read = () => new Map([...outputs].filter(([, at]) => fs.existsSync(at)).map(([name, at]) => [name, fs.readFileSync(at, "utf8")]));
    try {
        const { stdout } = await run(file, args, { cwd: root, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
        return { code: 0, stdout, outputs: read() };
    } catch (error: any) {
        if (typeof error.code !== "number") throw error;
        return { code: error.code, stdout: String(error.stdout), outputs: read() };
    } finally {
        fs.rmSync(outputDir, { recursive: true, force: true });
    }
}

describe("README commands", () => {
    const lines = commandLines();

    test("every command is accounted for", () => {
        expect(lines.length).toBeGreaterThan(8);
        const runHere = lines.filter((l) => l.startsWith("npx serverless-guardrails") || l.startsWith("npm run"));
        const other = lines.filter((l) => !runHere.includes(l) && !coveredByCi.has(l) && !needsPulumiCli(l) && !coveredByPackageTest.has(l));
        expect(other).toEqual([]);
    });

    test.each(lines.filter((l) => l.startsWith("npx serverless-guardrails") || (l.startsWith("npm run") && l !== "npm run build")))(
        "%s",
        async (line) => {
            const expected = line.includes("examples/anti-patterns") ? 1 : 0;
            const ran = await runLine(line);
            expect(ran.code).toBe(expected);
            // The CI job's one check: SARIF to the file code scanning uploads, annotations (then the summary) on stdout.
            if (ran.outputs.has("guardrails.sarif")) {
                expect(JSON.parse(ran.outputs.get("guardrails.sarif")!)).toMatchObject({ version: "2.1.0", runs: [{ automationDetails: { id: "serverless-guardrails/./" } }] });
                expect(ran.stdout).toMatch(/^serverless-guardrails: \d+ resources, \d+ policies: 0 mandatory and \d+ advisory violations/m);
            }
        },
        300_000,
    );

    test("npx finds this package's own bin, without the registry", async () => {
        const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
        expect(path.join(root, manifest.bin["serverless-guardrails"])).toBe(OWN_BIN);
        const viaNpx = await run("npx", ["--no-install", "serverless-guardrails", "--help"], { cwd: root });
        const direct = await run(OWN_BIN, ["--help"], { cwd: root });
        expect(viaNpx.stdout).toMatch(/^Usage: serverless-guardrails check/m);
        expect(viaNpx.stdout).toBe(direct.stdout);
    });

    test("the publishing steps are the ones the package test runs in a copy of policies/", () => {
        const packageTest = fs.readFileSync(path.join(root, "tests", "package", "install.test.ts"), "utf8");
        expect(readme).toMatch(/```sh\ncd policies\nnpm install[^\n]*\nnpm run build[^\n]*\npulumi policy publish/);
        expect(packageTest).toContain("`npm install && npm run build` work in a copy of policies/ alone");
    });

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
