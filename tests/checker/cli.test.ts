import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseArgs, run, UsageError } from "../../checker/cli";
import type { JsonReport } from "../../checker/report";
import { PackClient } from "../../checker/pack-client";
import { cliEntry } from "../helpers/checker-cli";
import { memoized } from "../helpers/memoized";
import { envWithoutRunningPacks, runningPackOf, withOwnPacks, withRunningPacks } from "../setup/running-packs";
import { copyPack, packDir, packProcesses, programDir, removeCopies, tempDir, ROOT } from "./helpers";

afterAll(removeCopies);

const quiet = () => {};
const check = (program: string, ...flags: string[]) => run(["check", programDir(program), "--policy-pack", packDir("basic"), ...flags], quiet);

/** The CLI as its own process (as `npx serverless-guardrails` runs it), with a time limit. */
function runCli(args: string[], env?: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [...cliEntry(), ...args], { cwd: ROOT, env });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`the CLI did not finish within ${timeoutMs} ms\n${stderr}`));
        }, timeoutMs);
        child.on("exit", (code) => {
            clearTimeout(timer);
            resolve({ code, stdout, stderr });
        });
    });
}

describe("cli arguments", () => {
    it("reads the command, the folder and every flag", () => {
        expect(parseArgs(["check", "app", "--policy-pack", "a", "--policy-pack=b", "--policy-pack-config", "c.json", "--json", "--no-preview"])).toEqual({
            programDir: "app",
            packs: ["a", "b"],
            configs: ["c.json"],
            mode: "update",
            reports: [{ format: "json" }],
            programConfig: {},
            help: false,
        });
        expect(parseArgs(["check"])).toMatchObject({ programDir: ".", mode: "both", reports: [{ format: "text" }] });
        expect(parseArgs(["check", "--mode", "preview", "--format=sarif", "--output", "r.sarif"])).toMatchObject({ mode: "preview", reports: [{ format: "sarif", output: "r.sarif" }] });
    });

    it("rejects unknown commands, unknown flags and missing values", () => {
        expect(() => parseArgs([])).toThrow(UsageError);
        expect(() => parseArgs(["verify"])).toThrow(/unknown command verify/);
        expect(() => parseArgs(["check", "--fast"])).toThrow(/unknown option --fast/);
        expect(() => parseArgs(["check", "--policy-pack"])).toThrow(/--policy-pack needs a value/);
        expect(() => parseArgs(["check", "--mode", "later"])).toThrow(/--mode must be one of preview, update, both, got "later"/);
        expect(() => parseArgs(["check", "--format", "xml"])).toThrow(/--format must be one of text, json, sarif, github, junit/);
        expect(() => parseArgs(["check", "--json=yes"])).toThrow(/--json takes no value/);
    });

    it("pairs each --output with the --format before it; one --format and one --output pair in either order", () => {
        const reports = (...flags: string[]) => parseArgs(["check", ...flags]).reports;
        expect(reports("--output", "r.sarif", "--format", "sarif")).toEqual([{ format: "sarif", output: "r.sarif" }]);
        expect(reports("--output", "r.txt")).toEqual([{ format: "text", output: "r.txt" }]);
        expect(reports("--format", "sarif", "--output", "r.sarif", "--format", "github")).toEqual([{ format: "sarif", output: "r.sarif" }, { format: "github" }]);
        expect(reports("--format", "github", "--json", "--output", "r.json", "--format=junit", "--output=r.xml")).toEqual([
            { format: "github" },
            { format: "json", output: "r.json" },
            { format: "junit", output: "r.xml" },
        ]);
    });

    it("rejects report flags that do not say which report goes where, naming the flags", () => {
        const parse = (...flags: string[]) => () => parseArgs(["check", ...flags]);
        expect(parse("--format", "github", "--json")).toThrow(UsageError);
        expect(parse("--format", "github", "--json")).toThrow("--format github and --json would both print on stdout: one report at most goes there, give the others an --output <file> after them");
        expect(parse("--output", "a.sarif", "--format", "sarif", "--format", "github")).toThrow("--output a.sarif comes before any --format: with several reports, give each --output after its --format");
        expect(parse("--format", "sarif", "--output", "a.sarif", "--output", "b.sarif")).toThrow("--output a.sarif and --output b.sarif both follow --format sarif: give each --output a --format of its own before it");
        expect(parse("--format", "sarif", "--output", "r", "--format", "junit", "--output", "./r")).toThrow("--output r and --output ./r name the same file: give each report a file of its own");
    });

    it("prints help and exits 0", async () => {
        const result = await run(["--help"], quiet);
        expect(result.exitCode).toBe(0);
        expect(result.stdout).toContain("Usage: serverless-guardrails check [program-dir]");
    });

    it("exits 2 on bad usage", async () => {
        expect((await run(["check", "--nope"], quiet)).exitCode).toBe(2);
        const lines: string[] = [];
        expect((await run(["check", "--format", "text", "--format", "junit"], (l) => lines.push(l))).exitCode).toBe(2);
        expect(lines.join("\n")).toContain("error: --format text and --format junit would both print on stdout");
    });
});

describe("cli exit codes and report", () => {
    it("exits 1 with a mandatory violation and prints the report", async () => {
        const result = await check("violating");
        expect(result.exitCode).toBe(1);
        expect(result.stdout).toContain("❌ fixture-basic@v1.2.3");
        expect(result.stdout).toContain("- [mandatory]  no-public  (test:index:Thing: public-thing)");
        expect(result.stdout).toContain("- [mandatory]  no-forbidden-target  (test:index:Thing: pointing-thing)");
        expect(result.stdout).toContain("- [advisory]  has-note  (test:index:Thing: quiet-thing)");
        expect(result.stdout).toMatch(/2 mandatory violations, 1 advisory violation/);
    });

    it("exits 0 for a compliant program", async () => {
        const result = await check("clean");
        expect(result.exitCode).toBe(0);
        expect(result.stdout).toContain("✅ fixture-basic@v1.2.3");
        // fixture-basic has 5 policies; set-size is disabled, so 4 run.
        expect(result.stdout).toMatch(/4 resources checked by 4 policies in 1 policy pack/);
    });

    it("exits 0 when the config lowers every level to advisory", async () => {
        const file = path.join(tempDir("sg-cli-"), "advisory.json");
        fs.writeFileSync(file, JSON.stringify({ all: "advisory" }));
        const result = await check("violating", "--policy-pack-config", file);
        expect(result.exitCode).toBe(0);
        expect(result.stdout).toMatch(/0 mandatory violations, 3 advisory violations/);
    });

    it("prints the JSON report", async () => {
        const result = await check("violating", "--json");
        const report: JsonReport = JSON.parse(result.stdout);
        expect(report).toMatchObject({ schemaVersion: 1, ok: false, summary: { resources: 5, policies: 4, violations: { mandatory: 2, advisory: 1, total: 3 } } });
        expect(report.violations.map((v) => [v.policy, v.enforcementLevel, v.resourceType, v.resourceName]).sort()).toEqual([
            ["has-note", "advisory", "test:index:Thing", "quiet-thing"],
            ["no-forbidden-target", "mandatory", "test:index:Thing", "pointing-thing"],
            ["no-public", "mandatory", "test:index:Thing", "public-thing"],
        ]);
    });

    it("writes the report in the format asked for to --output, and nothing on stdout", async () => {
        const dir = tempDir("sg-cli-");
        const file = path.join(dir, "reports", "policy.sarif");
        const lines: string[] = [];
        const result = await run(["check", programDir("violating"), "--policy-pack", packDir("basic"), "--format", "sarif", "--output", file], (l) => lines.push(l));
        expect(result).toEqual({ exitCode: 1, stdout: "" });
        const log = JSON.parse(fs.readFileSync(file, "utf8"));
        expect(log.version).toBe("2.1.0");
        expect(log.runs[0].results.map((r: any) => `${r.ruleId} ${r.level} ${r.locations[0].physicalLocation.artifactLocation.uri}:${r.locations[0].physicalLocation.region.startLine}`).sort()).toEqual([
            "has-note warning tests/fixtures/programs/violating/index.ts:13",
            "no-forbidden-target error tests/fixtures/programs/violating/index.ts:14",
            "no-public error tests/fixtures/programs/violating/index.ts:12",
        ]);
        expect(lines.join("\n")).toContain(`sarif report written to ${file}`);
    });

    /** One check, two reports: SARIF to a file and GitHub workflow commands on stdout (the README's CI job). */
    const sarifAndGithub = memoized(async () => {
        const sarif = path.join(tempDir("sg-cli-"), "policy.sarif");
        const lines: string[] = [];
        const result = await run(["check", programDir("violating"), "--policy-pack", packDir("basic"), "--format", "sarif", "--output", sarif, "--format", "github"], (l) => lines.push(l));
        return { ...result, sarif, lines };
    });

    it("writes several reports from one check: each --output the report of the --format before it, the one without on stdout", async () => {
        const { exitCode, stdout, sarif, lines } = await sarifAndGithub("");
        expect(exitCode).toBe(1);
        expect(stdout.split("\n").filter((l) => l.startsWith("::error ")).length).toBe(2);
        expect(JSON.parse(fs.readFileSync(sarif, "utf8")).runs[0].results).toHaveLength(3);
        expect(lines).toContain(`serverless-guardrails: sarif report written to ${sarif}`);
    });

    it("prints GitHub workflow commands and JUnit XML", async () => {
        const github = await sarifAndGithub("");
        expect(github.exitCode).toBe(1);
        expect(github.stdout).toContain("::error file=tests/fixtures/programs/violating/index.ts,line=12,col=1,title=no-public (mandatory)::`public-thing`: `public` is true: set it to false.");
        const junit = await check("violating", "--format=junit");
        expect(junit.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="serverless-guardrails check \(both\)" tests="\d+" failures="3"/);
    });

    it("exits 2 when the report cannot be written", async () => {
        const blocker = path.join(tempDir("sg-cli-"), "a-file");
        fs.writeFileSync(blocker, "");
        const lines: string[] = [];
        const result = await run(["check", programDir("clean"), "--policy-pack", packDir("basic"), "--output", path.join(blocker, "report.txt")], (l) => lines.push(l));
        expect(result.exitCode).toBe(2);
        expect(lines.join("\n")).toMatch(/error: cannot write the report to .*report\.txt/);
    });

    it("exits 2 for a folder without Pulumi.yaml, saying so", async () => {
        const lines: string[] = [];
        const result = await run(["check", programDir("no-pulumi-yaml"), "--policy-pack", packDir("basic")], (l) => lines.push(l));
        expect(result.exitCode).toBe(2);
        expect(lines.join("\n")).toMatch(/is not a Pulumi program: Pulumi\.yaml not found/);
    });

    it("exits 2 for a config that fails its schema, naming each problem", async () => {
        const file = path.join(tempDir("sg-cli-"), "bad.json");
        fs.writeFileSync(file, JSON.stringify({ "no-public": { maxSize: -1 } }));
        const lines: string[] = [];
        const result = await run(["check", programDir("clean"), "--policy-pack", packDir("basic"), "--policy-pack-config", file], (l) => lines.push(l));
        expect(result.exitCode).toBe(2);
        expect(lines.join("\n")).toContain(`${file}: no-public: maxSize: must be >= 1, got -1`);
    });

    it("exits 2 when the config files do not pair with the packs", async () => {
        const result = await run(["check", programDir("clean"), "--policy-pack", packDir("basic"), "--policy-pack", packDir("empty"), "--policy-pack-config", "x.json"], quiet);
        expect(result.exitCode).toBe(2);
    });

    it("exits 2 for a pack that fails to start, with its error", async () => {
        const lines: string[] = [];
        const result = await withOwnPacks(() => run(["check", programDir("clean"), "--policy-pack", packDir("broken-start")], (l) => lines.push(l)));
        expect(result.exitCode).toBe(2);
        expect(lines.join("\n")).toContain("fixture pack fails while loading");
    });

    it("exits 2, without hanging, for a pack that never answers", async () => {
        // The pack is started here and handed to the CLI as a running pack (checker/pack-lease.ts), so that the
        // CLI's time limit times the call the pack never answers, not also a start on a busy machine.
        const hanging = await withOwnPacks(() => PackClient.start(packDir("hangs")));
        process.env.SERVERLESS_GUARDRAILS_TIMEOUT_MS = "1000";
        const lines: string[] = [];
        try {
            const listed = [runningPackOf(hanging, path.join(tempDir("sg-cli-"), "pack.lock"))];
            const result = await withRunningPacks(listed, () => run(["check", programDir("clean"), "--policy-pack", packDir("hangs")], (l) => lines.push(l)));
            expect(result.exitCode).toBe(2);
            expect(lines.join("\n")).toContain("did not answer analyze within 1000 ms");
        } finally {
            delete process.env.SERVERLESS_GUARDRAILS_TIMEOUT_MS;
            await hanging.close();
        }
    });

    it("exits 2 for a folder that is not a pack", async () => {
        const result = await run(["check", programDir("clean"), "--policy-pack", programDir("clean")], quiet);
        expect(result.exitCode).toBe(2);
    });
});

describe("cli as a process", () => {
    it("exits 2 for a program that throws, naming the program and the cause", async () => {
        const result = await runCli(["check", programDir("throws"), "--policy-pack", packDir("basic")]);
        expect(result.code).toBe(2);
        expect(result.stderr).toContain(programDir("throws"));
        expect(result.stderr).toContain("fixture program fails on purpose");
        expect(result.stdout).toBe("");
    });

    it("exits 2 for a pack that dies mid-call, and leaves no process behind", async () => {
        const dir = copyPack("dies");
        const result = await runCli(["check", programDir("clean"), "--policy-pack", dir], envWithoutRunningPacks());
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(/died during analyze/);
        expect(result.stderr).toContain("fixture pack dying now");
        expect(packProcesses(dir)).toEqual([]);
    });

    it("exits 1 on violations and leaves no pack process behind", async () => {
        const dir = copyPack("basic");
        const result = await runCli(["check", programDir("violating"), "--policy-pack", dir], envWithoutRunningPacks());
        expect(result.code).toBe(1);
        expect(result.stdout).toContain("- [mandatory]  no-public  (test:index:Thing: public-thing)");
        expect(packProcesses(dir)).toEqual([]);
    });
});
