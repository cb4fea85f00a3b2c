/**
 * `check --stack-state`: a `pulumi stack export` (deployment v3) handed to the pack the way `pulumi policy analyze`
 * hands it (pulumi/pulumi pkg/resource/deploy/analyze_snapshot.go): Analyze gets inputs, AnalyzeStack gets outputs,
 * parent, dependencies, property dependencies and the provider.
 */
import * as fs from "fs";
import * as path from "path";
import { InputError } from "../../checker/inputs/input-error";
import { readStackState, stackStateFrom, withoutPropertyDependencies } from "../../checker/inputs/stack-state";
import { UNKNOWN } from "../checker/helpers";

const ROOT = path.resolve(__dirname, "../..");
const EXPORTS = path.join(ROOT, "tests", "fixtures", "stack-exports");
const SECRET = "4dabf18193072939515e22adb298388d";

function exportOf(resources: unknown[]) {
    return { version: 3, deployment: { manifest: { time: "2026-01-01T00:00:00Z", magic: "", version: "v3.248.0" }, resources } };
}

const stackUrn = "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev";
const providerUrn = "urn:pulumi:dev::p::pulumi:providers:aws::default_7_48_0";

describe("reading a stack export", () => {
    test("every resource of the reference app's export, the default provider included, in snapshot order", () => {
        const { resources } = readStackState(path.join(EXPORTS, "reference-app.json"), { projectDir: ROOT });
        const stored = JSON.parse(fs.readFileSync(path.join(EXPORTS, "reference-app.json"), "utf8")).deployment.resources;
        expect(resources.map((r) => r.urn)).toEqual(stored.map((r: { urn: string }) => r.urn));
        const provider = resources.find((r) => r.type === "pulumi:providers:aws");
        expect(provider?.name).toMatch(/^default_/);
        const functions = resources.filter((r) => r.type === "aws:lambda/function:Function");
        expect(functions.length).toBeGreaterThan(3);
        for (const fn of functions) {
            expect(fn.provider).toBe(provider?.urn);
            expect(fn.outputs.arn).toMatch(/^arn:aws:lambda:/);
            expect(fn.name).toBe(fn.urn.split("::").pop());
            expect(fn.sourcePosition?.file.startsWith(ROOT + path.sep)).toBe(true);
        }
        expect(resources.some((r) => Object.keys(r.propertyDependencies).length > 0)).toBe(true);
    });

    test("inputs and outputs apart; parent, dependencies, property dependencies and provider reference kept", () => {
        const state = stackStateFrom(
            exportOf([
                { urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack" },
                { urn: providerUrn, custom: true, id: "prov-1", type: "pulumi:providers:aws", inputs: { region: "eu-west-1" }, outputs: { region: "eu-west-1" } },
                {
                    urn: "urn:pulumi:dev::p::aws:sqs/queue:Queue::jobs",
                    custom: true,
                    id: "https://sqs/jobs",
                    type: "aws:sqs/queue:Queue",
                    inputs: { visibilityTimeoutSeconds: 60 },
                    outputs: { visibilityTimeoutSeconds: 60, arn: "arn:aws:sqs:eu-west-1:1:jobs" },
                    parent: stackUrn,
                    provider: `${providerUrn}::prov-1`,
                    dependencies: ["urn:pulumi:dev::p::aws:sqs/queue:Queue::dlq"],
                    propertyDependencies: { redrivePolicy: ["urn:pulumi:dev::p::aws:sqs/queue:Queue::dlq"], tags: [] },
                    sourcePosition: "project:///index.ts#4,7",
                },
            ]),
            "state.json",
            { projectDir: "/project" },
        );
        const jobs = state.resources[2];
        expect(jobs).toEqual({
            urn: "urn:pulumi:dev::p::aws:sqs/queue:Queue::jobs",
            type: "aws:sqs/queue:Queue",
            name: "jobs",
            custom: true,
            parent: stackUrn,
            provider: providerUrn,
            dependencies: ["urn:pulumi:dev::p::aws:sqs/queue:Queue::dlq"],
            propertyDependencies: { redrivePolicy: ["urn:pulumi:dev::p::aws:sqs/queue:Queue::dlq"] },
            inputs: { visibilityTimeoutSeconds: 60 },
            outputs: { visibilityTimeoutSeconds: 60, arn: "arn:aws:sqs:eu-west-1:1:jobs" },
            sourcePosition: { file: "/project/index.ts", line: 4, column: 7 },
        });
        expect(withoutPropertyDependencies(state.resources)[2].propertyDependencies).toEqual({});
    });

    test("resources marked for deletion are left out, as the engine leaves them out", () => {
        const { resources } = stackStateFrom(
            exportOf([
                { urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack" },
                { urn: "urn:pulumi:dev::p::aws:sqs/queue:Queue::old", custom: true, type: "aws:sqs/queue:Queue", delete: true },
            ]),
        );
        expect(resources.map((r) => r.name)).toEqual(["p-dev"]);
    });

    test("secrets: a plaintext secret is decrypted and its path kept for the mark; an encrypted one is unknown, and counted", () => {
        const state = stackStateFrom(
            exportOf([
                {
                    urn: "urn:pulumi:dev::p::aws:lambda/function:Function::f",
                    custom: true,
                    type: "aws:lambda/function:Function",
                    inputs: {
                        environment: { variables: { TOKEN: { [SECRET]: "1b47061264138c4ac30d75fd1eb44270", plaintext: '"abc"' } } },
                        memorySize: { [SECRET]: "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:xyz" },
                        role: { [SECRET]: "5cf8f73096256a8f31e491e813e4eb8e", urn: "urn:pulumi:dev::p::aws:iam/role:Role::r", id: "r-1" },
                    },
                },
            ]),
        );
        expect(state.resources[0].inputs).toEqual({ environment: { variables: { TOKEN: "abc" } }, memorySize: UNKNOWN, role: "r-1" });
        expect(state.encryptedSecrets).toBe(1);
        expect(state.resources[0].secrets).toEqual(["environment.variables.TOKEN", "memorySize"]);
    });

    test.each([
        ["a Terraform plan", { format_version: "1.2", resource_changes: [] }, /not a Pulumi stack export \(this is a Terraform plan: use --terraform-plan\)/],
        ["Terraform state", { format_version: "1.0", values: {} }, /Terraform state/],
        ["another document", { hello: "world" }, /not a Pulumi stack export; expected the JSON of `pulumi stack export`/],
        ["a list", [1, 2], /not a Pulumi stack export/],
        ["deployment version 2", { version: 2, deployment: { resources: [] } }, /deployment version 2; expected version 3/],
        ["an empty stack", exportOf([]), /no resources \(an empty stack\)/],
        ["a resource without a URN", exportOf([{ type: "x" }]), /resources\[0\] has no urn or type/],
    ])("%s is refused with what was expected", (_, document, message) => {
        expect(() => stackStateFrom(document, "state.json")).toThrow(InputError);
        expect(() => stackStateFrom(document, "state.json")).toThrow(message);
    });

    test("a file that is not JSON, empty or missing is refused plainly", () => {
        const dir = fs.mkdtempSync(path.join(require("os").tmpdir(), "sg-state-"));
        try {
            fs.writeFileSync(path.join(dir, "bad.json"), "{ not json");
            fs.writeFileSync(path.join(dir, "empty.json"), "");
            expect(() => readStackState(path.join(dir, "bad.json"))).toThrow(/is not JSON .*; expected the JSON of `pulumi stack export`/);
            expect(() => readStackState(path.join(dir, "empty.json"))).toThrow(/is empty; expected/);
            expect(() => readStackState(path.join(dir, "missing.json"))).toThrow(/cannot be read \(ENOENT\)/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
