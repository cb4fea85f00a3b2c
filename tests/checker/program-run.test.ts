/**
 * Programs run the way Pulumi's Node.js host runs them (@pulumi/pulumi cmd/run): in the program's folder, with
 * beforeExit work awaited, type-checked by ts-node unless PULUMI_NODEJS_TRANSPILE_ONLY=true or noCheck, ES modules,
 * the stack's full config over Pulumi.yaml's defaults, and multi-language components named as not checked offline.
 * Each test asserts the exit code, the message and what was registered.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { run } from "../../checker/cli";
import { programFolder } from "../../checker/load-program";
import { runProgram } from "../../checker/program-process";
import { checkedBefore } from "../../checker/program-settings";
import type { JsonReport } from "../../checker/report";
import type { CapturedResource } from "../../checker/types";
import { cliEntry } from "../helpers/checker-cli";
import { packDir, programDir, removeCopies, ROOT, tempDir } from "./helpers";

jest.setTimeout(300_000);
afterAll(removeCopies);

const quiet = { onOutput: () => undefined };

async function withEnv<T>(env: Record<string, string | undefined>, body: () => Promise<T>): Promise<T> {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    const set = (values: Record<string, string | undefined>) => {
        for (const [k, v] of Object.entries(values)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    };
    set(env);
    try {
        return await body();
    } finally {
        set(saved);
    }
}

async function check(args: string[]) {
    const lines: string[] = [];
    const result = await run(["check", ...args], (l) => lines.push(l));
    return { ...result, lines, errors: lines.filter((l) => l.startsWith("error:")) };
}

const names = (resources: CapturedResource[]) => resources.map((r) => `${r.type} ${r.name}`);
const byName = (resources: CapturedResource[], name: string) => resources.find((r) => r.name === name)!;
const findings = (report: JsonReport) => report.violations.filter((v) => !v.unknownAtPreview).map((v) => `${v.enforcementLevel} ${v.policy} ${v.resourceName ?? "(stack)"}`);

describe("beforeExit work and the working directory", () => {
    const program = programDir("bucket-loop");
    let fromRoot: JsonReport;

    test("bucket.onObjectCreated's BucketNotification (made at beforeExit) closes the loop: no-recursive-loops reports it", async () => {
        const ran = await runProgram(program, { preview: false, ...quiet });
        const notification = byName(ran.resources, "thumbnailer") && ran.resources.find((r) => r.type === "aws:s3/bucketNotification:BucketNotification")!;
        expect(notification).toMatchObject({ name: "thumbnailer", parent: byName(ran.resources, "uploads").urn });
        expect(notification.propertyDependencies.lambdaFunctions).toEqual([ran.resources.find((r) => r.type === "aws:lambda/function:Function")!.urn]);

        const result = await check([program, "--format", "json"]);
        expect(result.exitCode).toBe(1);
        fromRoot = JSON.parse(result.stdout);
        const loop = fromRoot.violations.find((v) => v.policy === "no-recursive-loops" && !v.unknownAtPreview)!;
        expect(loop).toMatchObject({ enforcementLevel: "mandatory", resourceName: "thumbnailer", resourceType: "aws:lambda/function:Function" });
        expect(loop.message).toMatch(/S3 bucket `uploads` notifies function `thumbnailer` through bucket notification `thumbnailer`; function `thumbnailer` may write to S3 bucket `uploads` \(`s3:PutObject`\)/);
    });

    test("the same result from another working directory (a magic function's code is found from the program's own folder)", async () => {
        const cwd = tempDir("sg-elsewhere-");
        const args = [...cliEntry(), "check", path.relative(cwd, program), "--format", "json"];
        const child = spawn(process.execPath, args, {
            cwd,
            env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json"), PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
        expect({ code, stderr: stderr.includes("Failed to find package.json") ? stderr : "" }).toEqual({ code: 1, stderr: "" });
        expect(findings(JSON.parse(stdout))).toEqual(findings(fromRoot));
    });
});

describe("TypeScript", () => {
    const program = programDir("type-error");

    test("a type error fails the check, as ts-node fails `pulumi preview`", async () => {
        // jest.config.js runs programs transpile-only: the default, type-checked, is what this test is about.
        const result = await withEnv({ PULUMI_NODEJS_TRANSPILE_ONLY: undefined }, () => check([program, "--policy-pack", packDir("basic"), "--mode", "preview"]));
        expect(result.exitCode).toBe(2);
        expect(result.errors).toEqual([expect.stringContaining(`error: could not run the program ${program}: threw ⨯ Unable to compile TypeScript:`)]);
        expect(result.errors[0]).toContain("index.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.");
    });

    test("a program without type errors runs type-checked, and counts as checked (its next run skips the check) until a file it compiled changes", async () => {
        // @pulumi/pulumi alone: the type-check loads its declarations, not @pulumi/aws's as well (seconds fewer).
        const copy = tempDir("sg-typed-");
        fs.writeFileSync(path.join(copy, "Pulumi.yaml"), "name: typed\nruntime: nodejs\n");
        fs.writeFileSync(path.join(copy, "package.json"), JSON.stringify({ name: "typed" }));
        const entry = path.join(copy, "index.ts");
        fs.writeFileSync(entry, 'import * as pulumi from "@pulumi/pulumi";\n\nconst retention: number = 14 * 86400;\nnew pulumi.ComponentResource("typed:index:Thing", "thing");\nexport const retentionSeconds = retention;\n');
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"), "dir");
        const ran = await withEnv({ PULUMI_NODEJS_TRANSPILE_ONLY: undefined }, () => runProgram(copy, quiet));
        expect(names(ran.resources)).toEqual(["pulumi:pulumi:Stack typed-dev", "typed:index:Thing thing"]);
        expect(ran.resources[0].outputs).toEqual({ retentionSeconds: 14 * 86400 });
        expect(checkedBefore(programFolder(copy))).toBe(true);
        fs.utimesSync(entry, new Date(), new Date(Date.now() + 60_000));
        expect(checkedBefore(programFolder(copy))).toBe(false);
    });

    test("PULUMI_NODEJS_TRANSPILE_ONLY=true skips the type-check, as it does for Pulumi", async () => {
        const ran = await withEnv({ PULUMI_NODEJS_TRANSPILE_ONLY: "true" }, () => runProgram(program, quiet));
        expect(names(ran.resources)).toEqual(["pulumi:pulumi:Stack type-error-dev", "aws:sqs/queue:Queue jobs"]);
        expect(byName(ran.resources, "jobs").inputs.messageRetentionSeconds).toBe("fourteen days");
    });

    test("so does compilerOptions.noCheck in the program's tsconfig.json", async () => {
        const copy = tempDir("sg-nocheck-");
        for (const file of fs.readdirSync(program)) fs.copyFileSync(path.join(program, file), path.join(copy, file));
        fs.writeFileSync(path.join(copy, "tsconfig.json"), JSON.stringify({ compilerOptions: { noCheck: true } }));
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"), "dir");
        const ran = await withEnv({ PULUMI_NODEJS_TRANSPILE_ONLY: undefined }, () => runProgram(copy, quiet));
        expect(names(ran.resources)).toEqual(["pulumi:pulumi:Stack type-error-dev", "aws:sqs/queue:Queue jobs"]);
    });

    test("an ES module program (package.json type module, top-level await) runs through Pulumi's automatic ESM mode", async () => {
        // Pulumi's ESM hooks register ts-node before they are given its options (cmd/run/hooks.js calls makeHooks() as
        // it loads, initialize() comes after): PULUMI_NODEJS_TRANSPILE_ONLY does not reach them, ts-node's own variable does.
        const ran = await withEnv({ TS_NODE_TRANSPILE_ONLY: "true" }, () => runProgram(programDir("esm-program"), { preview: false, ...quiet }));
        expect(names(ran.resources)).toEqual(["pulumi:pulumi:Stack esm-program-dev", "aws:sqs/queue:Queue esm-dlq", "aws:sqs/queue:Queue esm-jobs"]);
        const dlq = byName(ran.resources, "esm-dlq");
        expect(JSON.parse(byName(ran.resources, "esm-jobs").inputs.redrivePolicy as string)).toEqual({ deadLetterTargetArn: dlq.outputs.arn, maxReceiveCount: 4 });
        expect(ran.resources[0].outputs).toEqual({ deadLetterUrl: dlq.outputs.url });
    });
});

describe("stacks and config", () => {
    const program = programDir("config-program");
    const queues = (resources: CapturedResource[]) => resources.filter((r) => r.type === "aws:sqs/queue:Queue").map((r) => r.name);

    test("the default stack (dev): typed defaults, nested values and a secure value as a placeholder the report lists", async () => {
        const ran = await runProgram(program, { preview: false, ...quiet });
        expect(ran).toMatchObject({ stack: "dev", placeholders: ["config-program:dbPassword"] });
        expect(queues(ran.resources)).toEqual(["orders-0", "orders-1", "credentials"]);
        expect(byName(ran.resources, "orders-0").inputs.messageRetentionSeconds).toBe(4 * 86400);
        expect(byName(ran.resources, "credentials").inputs.tags).toEqual({ password: "placeholder-for-secure-config-program:dbPassword" });
        expect(byName(ran.resources, "depth").inputs).toMatchObject({ threshold: 5, actionsEnabled: true, alarmDescription: "notify page and email" });
        expect(byName(ran.resources, "orders-0").outputs.arn).toMatch(/^arn:aws:sqs:eu-west-1:/);

        const text = await check([program, "--policy-pack", packDir("basic"), "--mode", "preview"]);
        expect(text.exitCode).toBe(0);
        expect(text.stdout).toContain("Config placeholders (secure values the checker cannot decrypt):\n    - `config-program:dbPassword` ran with a placeholder string");
        expect(text.lines).toContain(`serverless-guardrails: 5 resources registered (preview; stack dev, config from ${path.relative(process.cwd(), path.join(program, "Pulumi.dev.yaml"))})`);
    });

    test("--stack prod: its file's values, region and secure values (one inside a map)", async () => {
        const result = await check([program, "--stack", "prod", "--policy-pack", packDir("basic"), "--mode", "preview", "--format", "json"]);
        expect(result.exitCode).toBe(0);
        expect((JSON.parse(result.stdout) as JsonReport & { placeholders: string[] }).placeholders).toEqual(["config-program:alarm.webhook", "config-program:dbPassword"]);
        const ran = await runProgram(program, { stack: "prod", preview: false, ...quiet });
        expect(queues(ran.resources)).toEqual(["orders-0", "orders-1", "orders-2", "payments-0", "payments-1", "payments-2", "credentials"]);
        expect(byName(ran.resources, "depth").inputs).toMatchObject({ threshold: 1, alarmDescription: "notify page via placeholder-for-secure-config-program:alarm.webhook" });
        expect(byName(ran.resources, "payments-2").outputs.arn).toMatch(/^arn:aws:sqs:us-west-2:/);
        expect(ran.resources[0].urn).toBe("urn:pulumi:prod::config-program::pulumi:pulumi:Stack::config-program-prod");
    });

    test("--config overrides; a value of the wrong type and a stack without a required value are exit 2 with the fix", async () => {
        const ran = await runProgram(program, { programConfig: { replicas: "1", retentionDays: "7" }, ...quiet });
        expect(queues(ran.resources)).toEqual(["orders-0", "credentials"]);
        expect(byName(ran.resources, "orders-0").inputs.messageRetentionSeconds).toBe(7 * 86400);

        const wrongType = await check([program, "--config", "replicas=two", "--policy-pack", packDir("basic")]);
        expect(wrongType.exitCode).toBe(2);
        expect(wrongType.errors).toEqual([`error: could not run the program ${program}: Stack 'dev' with configuration key 'config-program:replicas' must be of type 'integer' (--config)`]);
        const missing = await check([program, "--stack", "staging", "--policy-pack", packDir("basic")]);
        expect(missing.exitCode).toBe(2);
        expect(missing.errors[0]).toMatch(/Stack 'staging' is missing configuration value 'dbPassword' \(declared in .*Pulumi\.yaml without a default\): set it in Pulumi\.staging\.yaml or with --config dbPassword=<value>$/);
        expect((await check([program, "--config", "replicas"])).exitCode).toBe(2);
    });

    test("no AWS region anywhere: exit 2 with the ways to set one; AWS_REGION is one", async () => {
        const program = programDir("no-region");
        const env = { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined, AWS_CONFIG_FILE: "/nonexistent", AWS_PROFILE: undefined };
        const result = await withEnv(env, () => check([program, "--policy-pack", packDir("basic"), "--mode", "preview"]));
        expect(result.exitCode).toBe(2);
        expect(result.errors).toEqual([
            `error: could not run the program ${program}: aws:sqs/queue:Queue "jobs" uses the default AWS provider, and no AWS region is set: a preview stops with "unable to find a configured AWS Region". ` +
                "Set it in the stack (`pulumi config set aws:region us-east-1 --stack dev`, or `aws:region` under `config:` in Pulumi.yaml), with --config aws:region=us-east-1, or with AWS_REGION",
        ]);
        const ran = await withEnv({ ...env, AWS_REGION: "eu-central-1" }, () => runProgram(program, { preview: false, ...quiet }));
        expect(byName(ran.resources, "jobs").outputs.arn).toMatch(/^arn:aws:sqs:eu-central-1:/);
    });
});

describe("multi-language components", () => {
    test("remote: true registrations are listed as not checked offline, naming their plugin; verdicts and exit code unchanged", async () => {
        const program = programDir("remote-component");
        const ran = await runProgram(program, quiet);
        expect(ran.resources.filter((r) => r.remote).map((r) => `${r.type} ${r.name}`)).toEqual(["awsx:ec2:Vpc network", "aws-apigateway:index:RestAPI public-api"]);
        expect(ran.resources.filter((r) => r.parent && r.parent !== ran.resources[0].urn)).toEqual([]);

        // One check, two reports: the text on stdout, the JSON to a file.
        const jsonFile = path.join(tempDir("sg-remote-"), "report.json");
        const text = await check([program, "--mode", "preview", "--format", "text", "--format", "json", "--output", jsonFile]);
        expect(text.exitCode).toBe(1);
        expect(text.stdout).toContain("Not checked offline:");
        expect(text.stdout).toMatch(/- `network` \(awsx:ec2:Vpc\), index\.js:\d+:\d+: its children are built by the awsx plugin at a real preview/);
        expect(text.stdout).toMatch(/- `public-api` \(aws-apigateway:index:RestAPI\), index\.js:\d+:\d+: its children are built by the aws-apigateway plugin at a real preview/);
        const report = JSON.parse(fs.readFileSync(jsonFile, "utf8")) as JsonReport & { notChecked: { type: string; name: string; plugin: string }[] };
        expect(report.notChecked.map(({ type, name, plugin }) => ({ type, name, plugin }))).toEqual([
            { type: "awsx:ec2:Vpc", name: "network", plugin: "awsx" },
            { type: "aws-apigateway:index:RestAPI", name: "public-api", plugin: "aws-apigateway" },
        ]);
        expect(findings(report)).toContain("mandatory sqs-queue-dlq jobs");
    });
});

test("no package.json in the program's folder: the nearest one above decides the entry, as with Pulumi, and a warning says so", async () => {
    const outer = tempDir("sg-outer-");
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(outer, "node_modules"), "dir");
    fs.writeFileSync(path.join(outer, "package.json"), JSON.stringify({ name: "outer", main: "other.js" }));
    fs.writeFileSync(path.join(outer, "other.js"), 'new (require("@pulumi/aws/sqs").Queue)("from-outer");\n');
    const app = path.join(outer, "app");
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, "Pulumi.yaml"), "name: app\nruntime: nodejs\nconfig:\n  aws:region: us-east-1\n");
    fs.writeFileSync(path.join(app, "index.js"), 'new (require("@pulumi/aws/sqs").Queue)("from-app");\n');
    const warnings: string[] = [];
    const ran = await runProgram(app, { onWarning: (m) => warnings.push(m), ...quiet });
    expect(names(ran.resources)).toEqual(["pulumi:pulumi:Stack app-dev", "aws:sqs/queue:Queue from-outer"]);
    expect(warnings).toEqual([
        `${app} has no package.json: as Pulumi's Node.js host does, the program's entry is the main (or exports) of ${path.join(outer, "package.json")}, outside the project. ` +
            "Give the program its own package.json, or name its entry file in Pulumi.yaml's main",
    ]);
    fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "app" }));
    warnings.length = 0;
    expect(names((await runProgram(app, { onWarning: (m) => warnings.push(m), ...quiet })).resources)).toEqual(["pulumi:pulumi:Stack app-dev", "aws:sqs/queue:Queue from-app"]);
    expect(warnings).toEqual([]);
});

test("the repository's own programs still run from their Pulumi.yaml (main names the file)", () => {
    // With `main` a folder, Pulumi's host would run the package.json main/exports above it (the library's dist).
    for (const file of ["Pulumi.yaml", "examples/anti-patterns/Pulumi.yaml"]) expect(fs.readFileSync(path.join(ROOT, file), "utf8")).toMatch(/^main: \S+\.ts$/m);
});
