/**
 * Secret-wrapped values, sent to the compiled pack in the engine's wire form (pulumi/pulumi analyzer_plugin.go
 * marshals Analyze, AnalyzeStack and Remediate with KeepSecrets):
 * - a remediation reads a secret as its value, leaves a compliant one alone and keeps what it writes secret;
 * - a message names the property and shows its value only when that value is not secret.
 */
import * as path from "path";
import { run } from "../../checker/cli";
import type { PackClient } from "../../checker/pack-client";
import { analyzeRequest, type StackResource } from "../../checker/pack-messages";
import { T } from "../../policies/lib/types";
import { configure, HOSTILE_FIXTURES, isSecret, resource, secret, startPack } from "./helpers";

const KINESIS = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders";
const SQS = "arn:aws:sqs:eu-west-1:123456789012:orders";
const FAILED = { destinationConfig: { onFailure: { destinationArn: "arn:aws:sqs:eu-west-1:123456789012:orders-failed" } } };

const fn = (properties: Record<string, unknown>) =>
    resource(T.lambdaFunction, "worker", { runtime: "nodejs22.x", memorySize: 1024, timeout: 30, reservedConcurrentExecutions: 5, tracingConfig: { mode: "Active" }, ...properties });

let pack: PackClient;
beforeAll(async () => {
    pack = await startPack();
});
afterAll(() => pack?.close());

describe("remediation of secret-wrapped inputs", () => {
    beforeAll(() =>
        configure(pack, {
            "lambda-memory-size": "remediate",
            "lambda-recursive-loop-detection": "remediate",
            "batch-item-failures": "remediate",
            "stream-bounded-retries": "remediate",
        }),
    );

    test("a compliant secret memorySize is left alone", async () => {
        const result = await pack.remediate(fn({ memorySize: secret(2048) }));
        expect(result.remediations.map((r) => r.policyName)).not.toContain("lambda-memory-size");
    });

    test("a non-compliant secret memorySize is fixed, and stays secret", async () => {
        const result = await pack.remediate(fn({ memorySize: secret(128) }));
        const fix = result.remediations.find((r) => r.policyName === "lambda-memory-size");
        expect(fix?.properties?.memorySize).toEqual(secret(1024));
    });

    test("a secret recursiveLoop Allow is remediated to a secret Terminate", async () => {
        const result = await pack.remediate(resource(T.lambdaRecursionConfig, "loop", { functionName: "worker", recursiveLoop: secret("Allow") }));
        expect(result.remediations.map((r) => [r.policyName, r.properties?.recursiveLoop])).toEqual([["lambda-recursive-loop-detection", secret("Terminate")]]);
    });

    test("a secret functionResponseTypes comes back secret", async () => {
        const mapping = resource(T.lambdaEventSourceMapping, "orders", { eventSourceArn: SQS, functionName: "worker", functionResponseTypes: secret([]) });
        const result = await pack.remediate(mapping);
        const fix = result.remediations.find((r) => r.policyName === "batch-item-failures");
        expect(fix?.properties?.functionResponseTypes).toEqual(secret(["ReportBatchItemFailures"]));
        expect(fix?.properties?.functionName).toBe("worker");
    });

    test("a secret list that already reports item failures is left alone", async () => {
        const mapping = resource(T.lambdaEventSourceMapping, "orders", { eventSourceArn: SQS, functionName: "worker", functionResponseTypes: secret(["ReportBatchItemFailures"]) });
        const result = await pack.remediate(mapping);
        expect(result.remediations.map((r) => r.policyName)).toEqual([]);
    });

    test("chained remediations (the second gets the first one's result) keep every secret", async () => {
        const mapping = resource(T.lambdaEventSourceMapping, "stream", {
            eventSourceArn: KINESIS,
            functionName: "worker",
            startingPosition: "LATEST",
            ...FAILED,
            tumblingWindowInSeconds: secret(60),
            functionResponseTypes: secret([]),
        });
        const result = await pack.remediate(mapping);
        expect(result.remediations.map((r) => r.policyName)).toEqual(["stream-bounded-retries", "batch-item-failures"]);
        const last = result.remediations[1].properties!;
        expect(last).toMatchObject({ maximumRetryAttempts: 10, tumblingWindowInSeconds: secret(60), functionResponseTypes: secret(["ReportBatchItemFailures"]) });
        // And what the remediations produced passes Analyze.
        const analyzed = await pack.analyze({ ...mapping, properties: last });
        expect(analyzed.diagnostics.filter((d) => ["stream-bounded-retries", "batch-item-failures"].includes(d.policyName))).toEqual([]);
    });

    test("Analyze flags what Remediate fixes: a secret Allow", async () => {
        const result = await pack.analyze(resource(T.lambdaRecursionConfig, "loop", { functionName: "worker", recursiveLoop: secret("Allow") }));
        expect(result.diagnostics.map((d) => d.policyName)).toEqual(["lambda-recursive-loop-detection"]);
    });
});

describe("messages show a value only when it is not secret", () => {
    beforeAll(() =>
        configure(pack, {
            "lambda-runtime-supported": "mandatory",
            "lambda-timeout": { maximumSeconds: 60 },
            "lambda-reserved-concurrency": { minimum: 5 },
            "lambda-memory-size": { maximumMb: 4096 },
        }),
    );

    /** The messages of one policy for the resource; the property must be named in each. */
    async function messages(policy: string, target: ReturnType<typeof resource>) {
        const result = await pack.analyze(target);
        return result.diagnostics.filter((d) => d.policyName === policy).map((d) => d.message);
    }

    const cases: [policy: string, property: string, plain: ReturnType<typeof resource>, hidden: ReturnType<typeof resource>, value: RegExp][] = [
        ["lambda-runtime-supported", "runtime", fn({ runtime: "nodejs16.x" }), fn({ runtime: secret("nodejs16.x") }), /nodejs16|2024-06-12/],
        ["lambda-timeout", "timeout", fn({ timeout: 120 }), fn({ timeout: secret(120) }), /120/],
        ["lambda-reserved-concurrency", "reservedConcurrentExecutions", fn({ reservedConcurrentExecutions: 3 }), fn({ reservedConcurrentExecutions: secret(3) }), /\b3\b/],
        ["lambda-memory-size", "memorySize", fn({ memorySize: 8192 }), fn({ memorySize: secret(8192) }), /8192/],
        ["lambda-tracing", "tracingConfig.mode", fn({ tracingConfig: { mode: "PassThrough" } }), fn({ tracingConfig: secret({ mode: "PassThrough" }) }), /PassThrough/],
        [
            "lambda-permission-source-scoped",
            "principal",
            resource(T.lambdaPermission, "invoke", { action: "lambda:InvokeFunction", function: "worker", principal: "events.amazonaws.com" }),
            resource(T.lambdaPermission, "invoke", { action: "lambda:InvokeFunction", function: "worker", principal: secret("events.amazonaws.com") }),
            /events\.amazonaws/,
        ],
    ];

    test.each(cases)("%s names `%s` and hides its secret value", async (policy, property, plain, hidden, value) => {
        const shown = await messages(policy, plain);
        expect(shown).toHaveLength(1);
        expect(shown[0]).toMatch(value);
        const masked = await messages(policy, hidden);
        expect(masked).toHaveLength(1);
        expect(masked[0]).toContain(`\`${property}\``);
        expect(masked[0]).toContain("[secret]");
        expect(masked[0]).not.toMatch(value);
    });

    test("AnalyzeStack: a secret redrive policy's maxReceiveCount is not printed", async () => {
        const queue = (redrivePolicy: unknown) => ({
            ...resource(T.sqsQueue, "orders", { name: "orders", redrivePolicy, visibilityTimeoutSeconds: 300 }),
            dependencies: [],
            propertyDependencies: {},
        });
        const document = JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:eu-west-1:123456789012:orders-dlq", maxReceiveCount: 1 });
        const plain = await pack.analyzeStack([queue(document)]);
        const hidden = await pack.analyzeStack([queue(secret(document))]);
        const of = (r: typeof plain) => r.diagnostics.filter((d) => d.policyName === "sqs-queue-dlq").map((d) => d.message);
        expect(of(plain)).toEqual([expect.stringContaining("after 1 receive(s)")]);
        expect(of(hidden)).toEqual([expect.stringContaining("after [secret] receive(s)")]);
    });
});

describe("stack policies show a value only when it is not secret", () => {
    beforeAll(() => configure(pack));

    /** A queue, a function reserving `reserved` and a mapping between them with maximumConcurrency 10. */
    const stack = (reserved: unknown): StackResource[] => {
        const queue = resource(T.sqsQueue, "jobs", { name: "jobs", arn: SQS, visibilityTimeoutSeconds: 300 });
        const worker = fn({ name: "worker", reservedConcurrentExecutions: reserved });
        const mapping = resource(T.lambdaEventSourceMapping, "jobs-mapping", { eventSourceArn: SQS, functionName: "worker", scalingConfig: { maximumConcurrency: 10 } });
        return [
            { ...queue, dependencies: [], propertyDependencies: {} as Record<string, string[]> },
            { ...worker, dependencies: [], propertyDependencies: {} as Record<string, string[]> },
            { ...mapping, dependencies: [queue.urn, worker.urn], propertyDependencies: { eventSourceArn: [queue.urn], functionName: [worker.urn] } },
        ];
    };
    const messages = async (reserved: unknown) =>
        (await pack.analyzeStack(stack(reserved))).diagnostics.filter((d) => d.policyName === "lambda-concurrency-quota").map((d) => d.message.split("\n").pop());

    test("lambda-concurrency-quota: a secret reservation is named, not shown", async () => {
        expect(await messages(5)).toEqual([expect.stringContaining("reserves 5 concurrent executions, less than the `scalingConfig.maximumConcurrency` 10")]);
        expect(await messages(secret(5))).toEqual([expect.stringContaining("reserves [secret] concurrent executions, less than the `scalingConfig.maximumConcurrency` 10")]);
    });
});

describe("requests the engine never sends", () => {
    test("Remediate and Analyze without properties are answered (read as no properties)", async () => {
        await configure(pack, { "lambda-memory-size": "remediate" });
        const request = analyzeRequest(fn({}));
        request.clearProperties();
        const call = (method: string) => (pack as any).call(method, request, 5000);
        const remediated = await call("remediate");
        expect(remediated.getRemediationsList().map((r: any) => r.getPolicyname())).toEqual(["lambda-memory-size"]);
        const analyzed = await call("analyze");
        expect(analyzed.getDiagnosticsList().map((d: any) => d.getPolicyname())).toEqual(expect.arrayContaining(["lambda-memory-size"]));
    });

    test("secret markers do not change what a value is judged as", async () => {
        await configure(pack);
        const plain = await pack.analyze(fn({ memorySize: 128 }));
        const hidden = await pack.analyze(fn({ memorySize: secret(128) }));
        expect(hidden.diagnostics.map((d) => d.policyName)).toEqual(plain.diagnostics.map((d) => d.policyName));
        expect(isSecret(secret(1))).toBe(true);
    });
});

describe("the offline checker sends secrets marked, as the engine does", () => {
    test("a program's secret values appear in the report as [secret]", async () => {
        const program = path.join(HOSTILE_FIXTURES, "programs", "secret-values");
        const lines: string[] = [];
        const result = await run(["check", program, "--policy-pack-config", path.join(program, "policy-config.json"), "--json"], (l) => lines.push(l));
        expect({ exitCode: result.exitCode, errors: lines.filter((l) => l.startsWith("error:")) }).toEqual({ exitCode: 0, errors: [] });
        const report = JSON.parse(result.stdout);
        const message = (policy: string) => report.violations.filter((v: any) => v.policy === policy).map((v: any) => v.message.split("\n").pop());
        expect(message("lambda-timeout")).toEqual(["`timeout` is [secret], above the allowed maximum of 60: lower it to at most 60."]);
        expect(message("lambda-reserved-concurrency")).toEqual(["`reservedConcurrentExecutions` is [secret], below the allowed minimum of 5: raise it to at least 5."]);
        const changes = report.remediations.filter((r: any) => r.policy === "lambda-memory-size").flatMap((r: any) => r.changes);
        expect(changes).toContainEqual({ path: "memorySize", before: "[secret]", after: "[secret]" });
        expect(result.stdout).not.toMatch(/120 seconds|is 3\b|"value": ?(120|3|128|1024)\b/);
    });
});
