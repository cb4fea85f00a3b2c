/**
 * `serverless-guardrails check --terraform-plan FILE` and `--stack-state FILE` through the CLI: exit codes, every
 * report format naming Terraform addresses and the .tf file, bad input ending in exit 2 with what was expected.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EXIT_ERROR, EXIT_OK, EXIT_VIOLATIONS, run } from "../../checker/cli";

const ROOT = path.resolve(__dirname, "../..");
const EXAMPLES = path.join(ROOT, "examples", "terraform");
const EXPORTS = path.join(ROOT, "tests", "fixtures", "stack-exports");

async function cli(...args: string[]) {
    const lines: string[] = [];
    const result = await run(["check", ...args], (line) => lines.push(line));
    return { ...result, stderr: lines.join("\n") };
}

describe("--terraform-plan", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-cli-plan-"));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    test("the anti-pattern plan: exit 1, findings named by address and placed in their .tf file", async () => {
        const { exitCode, stdout, stderr } = await cli("--terraform-plan", path.join(EXAMPLES, "anti-patterns", "plan.json"));
        expect(exitCode).toBe(EXIT_VIOLATIONS);
        expect(stdout).toContain("module.thumbnailer.aws_lambda_function.this");
        expect(stdout).toMatch(/`aws_sqs_queue\.unwatched-dlq`, main\.tf:\d+:1/);
        expect(stdout).toMatch(/\.\.\/modules\/function\/main\.tf:\d+:1/);
        expect(stderr).toContain("not judged (7, no policy reads their types): aws_api_gateway_deployment.public-api-deployment");
    });

    test("every format names the Terraform address and the .tf file: json, sarif, github, junit", async () => {
        // One check, its reports in every format: three to files, the last on stdout.
        const files = ["json", "sarif", "github"].map((format) => ({ format, file: path.join(dir, `plan-report.${format}`) }));
        const flags = [...files.flatMap(({ format, file }) => ["--format", format, "--output", file]), "--format", "junit"];
        const { exitCode, stdout } = await cli("--terraform-plan", path.join(EXAMPLES, "anti-patterns", "plan.json"), ...flags);
        expect(exitCode).toBe(EXIT_VIOLATIONS);
        const reports = [...files.map(({ format, file }) => ({ format, text: fs.readFileSync(file, "utf8") })), { format: "junit", text: stdout }];
        for (const { format, text } of reports) {
            for (const name of ["module.thumbnailer.aws_lambda_function.this", "aws_sqs_queue.unwatched-dlq", "modules/function/main.tf"]) expect({ format, has: text.includes(name) }).toEqual({ format, has: true });
            // The root module's own file: relative to it, or (SARIF) to the repository root.
            expect({ format, text }).toEqual({ format, text: expect.stringMatching(/(^|[^/]|examples\/terraform\/anti-patterns\/)main\.tf/) });
        }
    });

    test("the compliant plan: exit 0", async () => {
        const { exitCode, stdout } = await cli("--terraform-plan", path.join(EXAMPLES, "compliant", "plan-applied.json"));
        expect(stdout).toContain("0 mandatory violations, 0 advisory violations");
        expect(exitCode).toBe(EXIT_OK);
    });
});

describe("--stack-state", () => {
    test("the reference application's export: exit 0, no violation", async () => {
        const { exitCode, stdout } = await cli(ROOT, "--stack-state", path.join(EXPORTS, "reference-app.json"));
        expect(stdout).toContain("0 mandatory violations, 0 advisory violations");
        expect(exitCode).toBe(EXIT_OK);
    });

    test("the gallery's export: exit 1, positions relative to the project folder given beside the flag", async () => {
        const { exitCode, stdout } = await cli(path.join(ROOT, "examples", "anti-patterns"), "--stack-state", path.join(EXPORTS, "anti-patterns.json"));
        expect(exitCode).toBe(EXIT_VIOLATIONS);
        expect(stdout).toMatch(/`thumbnailer`, index\.ts:\d+:\d+/);
    });
});

describe("bad input: exit 2 with a message that says what was expected", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-cli-inputs-"));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = (name: string, content: unknown) => {
        const at = path.join(dir, name);
        fs.writeFileSync(at, typeof content === "string" ? content : JSON.stringify(content));
        return at;
    };

    test.each([
        ["--terraform-plan", "notes.txt", "not JSON at all", /is not JSON .*expected the JSON of `terraform show -json <planfile>`/],
        ["--terraform-plan", "other.json", { kind: "something else" }, /is not a Terraform plan; expected the JSON of `terraform show -json <planfile>`/],
        ["--terraform-plan", "v2.json", { format_version: "2.0", resource_changes: [] }, /format_version "2.0"; expected 1.x/],
        [
            "--terraform-plan",
            "gcp.json",
            { format_version: "1.2", resource_changes: [{ address: "google_pubsub_topic.t", mode: "managed", type: "google_pubsub_topic", name: "t", provider_name: "registry.terraform.io/hashicorp/google", change: { actions: ["create"], after: {} } }] },
            /not for the AWS provider/,
        ],
        ["--terraform-plan", "empty.json", { format_version: "1.2", terraform_version: "1.9.8", planned_values: { root_module: {} }, applyable: false, complete: true, errored: false }, /empty plan/],
        ["--terraform-plan", "state.json", { version: 3, deployment: { resources: [] } }, /use --stack-state/],
        ["--stack-state", "plan.json", { format_version: "1.2", resource_changes: [] }, /use --terraform-plan/],
        ["--stack-state", "v1.json", { version: 1, deployment: {} }, /deployment version 1; expected version 3/],
    ])("%s %s", async (flag, name, content, message) => {
        const { exitCode, stdout, stderr } = await cli(flag, file(name, content));
        expect({ exitCode, stdout }).toEqual({ exitCode: EXIT_ERROR, stdout: "" });
        expect(stderr).toMatch(message);
        expect(stderr).not.toMatch(/unexpected failure|\n\s+at /);
    });

    test("a missing file, and both flags at once", async () => {
        const missing = await cli("--terraform-plan", path.join(dir, "nope.json"));
        expect(missing.exitCode).toBe(EXIT_ERROR);
        expect(missing.stderr).toMatch(/cannot be read \(ENOENT\)/);
        const both = await cli("--terraform-plan", "a.json", "--stack-state", "b.json");
        expect(both.exitCode).toBe(EXIT_ERROR);
        expect(both.stderr).toContain("give --stack-state or --terraform-plan, not both");
    });
});
