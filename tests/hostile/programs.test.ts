/**
 * Hostile and careless programs the checker must not pass or garble:
 * - a program in another runtime (python, yaml, go, dotnet, java), even with a stray index.js beside it, is refused
 *   with exit 2, naming what the checker runs and that `pulumi preview --policy-pack` checks such programs;
 * - a program that writes to stdout (console.log, process.stdout.write) does not break `--json`: the program's
 *   output goes to stderr, stdout carries the report alone.
 */
import * as fs from "fs";
import * as path from "path";
import { run } from "../../checker/cli";
import { packDir, removeCopies, tempDir } from "../checker/helpers";
import { HOSTILE_FIXTURES, runCli } from "./helpers";

jest.setTimeout(180_000);
afterAll(removeCopies);

const fixture = (name: string) => path.join(HOSTILE_FIXTURES, "programs", name);

async function check(args: string[]) {
    const lines: string[] = [];
    const result = await run(["check", ...args], (l) => lines.push(l));
    return { ...result, lines, errors: lines.filter((l) => l.startsWith("error:")) };
}

const refusal = (dir: string, runtime: string) =>
    `error: could not run the program ${dir}: ${path.join(dir, "Pulumi.yaml")}: runtime "${runtime}" is not supported: serverless-guardrails check runs Node.js programs ` +
    "(TypeScript or JavaScript, `runtime: nodejs`) on mocks. Programs in python, go, dotnet, java and yaml are checked by " +
    "`pulumi preview --policy-pack <this package's policies folder>`, which runs the same policies";

describe("runtimes other than Node.js", () => {
    test("python with a stray index.js: exit 2, and the JavaScript file never runs", async () => {
        const dir = fixture("runtime-python");
        const result = await check([dir, "--policy-pack", packDir("basic")]);
        expect(result).toMatchObject({ exitCode: 2, stdout: "" });
        expect(result.errors).toEqual([refusal(dir, "python")]);
        expect(result.lines.join("\n")).not.toContain("the stray index.js ran");
    });

    test("yaml (no index.ts at all): exit 2 with the same explanation, not 'has no index.ts'", async () => {
        const dir = fixture("runtime-yaml");
        const result = await check([dir, "--policy-pack", packDir("basic")]);
        expect(result.exitCode).toBe(2);
        expect(result.errors).toEqual([refusal(dir, "yaml")]);
    });

    test.each(["go", "dotnet", "java"])("%s (also in the long form, runtime.name): exit 2", async (runtime) => {
        const dir = tempDir(`sg-${runtime}-`);
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: app\nruntime:\n  name: ${runtime}\n  options:\n    binary: bin/app\n`);
        fs.writeFileSync(path.join(dir, "index.js"), 'console.log("the stray index.js ran");\n');
        const result = await check([dir, "--policy-pack", packDir("basic")]);
        expect(result.exitCode).toBe(2);
        expect(result.errors).toEqual([refusal(dir, runtime)]);
    });
});

describe("program output", () => {
    const dir = fixture("program-output");
    const said = ["hello from the program", "{ step: 'creating', queues: 1 }", "raw stdout line", "a line on stderr"];

    test("in the CLI's own process: the report on stdout parses, the program's lines go to the log (stderr)", async () => {
        const result = await check([dir, "--policy-pack", packDir("basic"), "--json"]);
        expect(result.exitCode).toBe(0);
        expect(JSON.parse(result.stdout).summary.resources).toBe(2);
        const log = result.lines.join("\n");
        for (const line of said) expect(log).toContain(line);
    });

    test("as its own process (`npx serverless-guardrails check --json > report.json`): stdout is the JSON report alone", async () => {
        const result = await runCli(["check", dir, "--policy-pack", packDir("basic"), "--json"], { timeoutMs: 150_000 });
        expect(result.code).toBe(0);
        expect(JSON.parse(result.stdout)).toMatchObject({ schemaVersion: 1, ok: true, summary: { resources: 2 } });
        for (const line of said) {
            expect(result.stdout).not.toContain(line);
            expect(result.stderr).toContain(line);
        }
    });
});
