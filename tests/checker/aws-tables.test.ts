/**
 * The AWS tables (checker/generated/aws-resources.json) are what the installed @pulumi/aws declares:
 * derived again here, they must equal the committed file, so an upgrade of @pulumi/aws cannot change
 * the checker's model of the engine unseen (run `npm run generate` after one).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { deriveTables, tablesJson } from "../../scripts/aws-tables/derive";
import { TABLE_TYPES } from "../../scripts/aws-tables/facts";
import { T } from "../../policies/lib/types";

const generated = path.join(__dirname, "..", "..", "checker", "generated", "aws-resources.json");
const awsRoot = path.dirname(require.resolve("@pulumi/aws/package.json"));

describe("AWS tables generated from @pulumi/aws", () => {
    const derived = deriveTables();

    test("no drift: the committed tables are what the installed @pulumi/aws gives (else run `npm run generate`)", () => {
        expect(fs.readFileSync(generated, "utf8")).toBe(tablesJson(derived));
        expect(derived.awsVersion).toBe(require("@pulumi/aws/package.json").version);
    });

    test("cover every type the pack judges", () => {
        for (const type of Object.values(T)) expect(TABLE_TYPES).toContain(type);
        for (const type of TABLE_TYPES) expect(derived.resources[type]).toBeDefined();
    });

    test("computed attributes: an Optional+Computed output the program may leave out, but not a required argument nor a plain optional one", () => {
        const queue = derived.resources[T.sqsQueue];
        expect(queue.computed).toMatchObject({ arn: "string", url: "string", redrivePolicy: "string", policy: "string", sqsManagedSseEnabled: "boolean" });
        expect(queue.computed.visibilityTimeoutSeconds).toBeUndefined();
        expect(derived.resources[T.lambdaFunction].computed).toMatchObject({ tracingConfig: "block", loggingConfig: "block", architectures: "array" });
        expect(derived.resources[T.lambdaFunction].computed.role).toBeUndefined();
        expect(derived.resources[T.lambdaEventSourceMapping].computed).toMatchObject({ maximumRetryAttempts: "number", maximumRecordAgeInSeconds: "number" });
    });

    test("auto-names, JSON documents, nested blocks and Check defaults", () => {
        expect(derived.resources[T.sqsQueue].autoName).toEqual({ property: "name", maxLength: 80, separator: "-", fifoSuffixWhen: "fifoQueue" });
        expect(derived.resources[T.logGroup].autoName).toEqual({ property: "name", maxLength: 255, separator: "-" });
        expect(derived.resources[T.s3Bucket].autoName?.property).toBe("bucket");
        expect(derived.resources[T.restApiStage].autoName).toBeUndefined();
        expect(derived.resources[T.iamRolePolicy].documents).toEqual(["policy"]);
        expect(derived.resources[T.iamRole].documents).toEqual(["assumeRolePolicy"]);
        expect(derived.resources[T.sqsQueue].documents).toEqual([]);
        expect(derived.resources[T.lambdaEventInvokeConfig].blocks).toEqual({ destinationConfig: { blocks: { onFailure: {}, onSuccess: {} } } });
        expect(derived.resources[T.lambdaFunction].defaults).toEqual({ memorySize: 128, packageType: "Zip", reservedConcurrentExecutions: -1, timeout: 3 });
        expect(derived.resources[T.restApiStage].defaults).toEqual({});
    });

    test("a fact that no longer fits the declarations fails the derivation with its reason", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "aws-decl-"));
        try {
            fs.mkdirSync(path.join(root, "types"));
            fs.copyFileSync(path.join(awsRoot, "types", "input.d.ts"), path.join(root, "types", "input.d.ts"));
            fs.copyFileSync(path.join(awsRoot, "package.json"), path.join(root, "package.json"));
            for (const table of Object.values(derived.resources)) {
                fs.mkdirSync(path.dirname(path.join(root, table.declaration)), { recursive: true });
                fs.copyFileSync(path.join(awsRoot, table.declaration), path.join(root, table.declaration));
            }
            // As if visibilityTimeoutSeconds became Optional+Computed: a Terraform default is then impossible.
            const queue = path.join(root, "sqs", "queue.d.ts");
            fs.writeFileSync(queue, fs.readFileSync(queue, "utf8").replace("readonly visibilityTimeoutSeconds: pulumi.Output<number | undefined>", "readonly visibilityTimeoutSeconds: pulumi.Output<number>"));
            fs.rmSync(path.join(root, "sns", "topicPolicy.d.ts"));
            expect(() => deriveTables(root)).toThrow(/visibilityTimeoutSeconds, which is computed[\s\S]*topicPolicy.d.ts is missing|topicPolicy.d.ts is missing[\s\S]*visibilityTimeoutSeconds, which is computed/);
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });
});
