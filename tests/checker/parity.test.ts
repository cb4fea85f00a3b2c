/**
 * Issue 3: the checker gives the same verdicts as the policies give in direct unit tests, for the same
 * resources, unknown values included. The same captured resources go through the in-process harness
 * (what the policy unit tests use) and through the built pack over gRPC (what the engine and the
 * checker use); the (policy, level, resource) sets must be equal. Needs `npm run build` first.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { allPolicies } from "../../policies/all";
import { analyzeResources } from "../../checker/analyze";
import { capture } from "../../checker/capture";
import { defaultPackDir } from "../../checker/cli";
import type { UserConfig } from "../../checker/config";
import type { AnalysisResult, CapturedResource } from "../../checker/types";
import { analyzerProperties } from "../../checker/engine-model";
import { memoized } from "../helpers/memoized";
import { analyze, analyzeCapturedStack } from "../helpers/policy-harness";
import { sharedCheck } from "../helpers/run-cache";

type PolicyConfig = Record<string, Record<string, unknown>>;

/** One line per verdict: "<policy> <level | unknown-at-preview | waived> <resource URN | (stack)>". */
async function inProcessVerdicts(resources: CapturedResource[], config: PolicyConfig): Promise<string[]> {
    const verdicts: string[] = [];
    for (const policy of allPolicies) {
        const level = policy.enforcementLevel === "remediate" ? "mandatory" : policy.enforcementLevel ?? "advisory";
        if (level === "disabled") continue;
        const policyConfig = config[policy.name] ?? {};
        if ("validateStack" in policy) {
            const outcome = await analyzeCapturedStack(policy as StackValidationPolicy, resources, policyConfig);
            for (const urn of outcome.urns) verdicts.push(`${policy.name} ${level} ${urn ?? "(stack)"}`);
            if (outcome.cantRunAtPreview) verdicts.push(`${policy.name} unknown-at-preview (stack)`);
            if (outcome.notApplicable?.startsWith("waived:")) verdicts.push(`${policy.name} waived (stack)`);
            continue;
        }
        for (const resource of resources) {
            const outcome = await analyze(policy as ResourceValidationPolicy, { type: resource.type, name: resource.name, props: analyzerProperties(resource.inputs), config: policyConfig });
            for (const _ of outcome.violations) verdicts.push(`${policy.name} ${level} ${resource.urn}`);
            if (outcome.cantRunAtPreview) verdicts.push(`${policy.name} unknown-at-preview ${resource.urn}`);
            if (outcome.notApplicable?.startsWith("waived:")) verdicts.push(`${policy.name} waived ${resource.urn}`);
        }
    }
    return verdicts.sort();
}

/** The same lines for the verdicts of the pack over gRPC. */
function packVerdicts(result: AnalysisResult): string[] {
    return [
        ...result.violations.map((v) => `${v.policy} ${v.unknownAtPreview ? "unknown-at-preview" : v.enforcementLevel} ${v.urn ?? "(stack)"}`),
        ...result.waivers.map((w) => `${w.policy} waived ${w.urn ?? "(stack)"}`),
    ].sort();
}

/** `overGrpc`: the pack's result for these resources with this config, when a check made it already. */
async function expectParity(resources: CapturedResource[], config: PolicyConfig = {}, overGrpc?: AnalysisResult) {
    const direct = await inProcessVerdicts(resources, config);
    const userConfig: UserConfig = Object.fromEntries(Object.entries(config).map(([name, properties]) => [name, properties]));
    const result = overGrpc ?? (await analyzeResources(resources, { packs: [{ dir: defaultPackDir(), config: userConfig }] }));
    expect(packVerdicts(result)).toEqual(direct);
    return direct;
}

/** A small program with both sides of several policies, and a memory size unknown until the update. */
function program() {
    const role = new aws.iam.Role("worker-role", {
        assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } }] }),
    });
    const deadLetters = new aws.sqs.Queue("orders-dlq", { messageRetentionSeconds: 1209600 });
    const queue = new aws.sqs.Queue("orders", {
        visibilityTimeoutSeconds: 180,
        redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: deadLetters.arn, maxReceiveCount: 5 }),
    });
    new aws.sqs.Queue("no-dlq");
    const worker = new aws.lambda.Function("worker", { role: role.arn, runtime: "nodejs22.x", handler: "index.handler", memorySize: 1024, timeout: 30 });
    new aws.lambda.Function("unsized", { role: role.arn, runtime: "nodejs22.x", handler: "index.handler" });
    new aws.lambda.Function("sized-later", { role: role.arn, runtime: "nodejs22.x", handler: "index.handler", memorySize: queue.arn.apply(() => 2048), timeout: 30 });
    new aws.lambda.EventSourceMapping("orders-source", { eventSourceArn: queue.arn, functionName: worker.name, batchSize: 10 });
    new aws.cloudwatch.MetricAlarm("orders-dlq-alarm", {
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: deadLetters.name },
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
    });
}

const waivers: PolicyConfig = {
    "lambda-memory-size": { waivers: [{ resource: "unsized", reason: "load-tested at 128 MB" }] },
    "sqs-queue-dlq": { waivers: [{ resource: "no-dlq", reason: "holds replayable events only" }] },
};

const antiPatterns = path.resolve(__dirname, "../../examples/anti-patterns");
const captured = memoized((mode) => capture(program, { preview: mode === "preview" }));
/** The gallery checked (captured, then analyzed by the pack with no config), once per Jest run. */
const gallery = (preview: boolean) => sharedCheck(antiPatterns, { preview });

describe("parity: in-process policies and the pack over gRPC give the same verdicts", () => {
    test("unknown at preview: a program in preview mode", async () => {
        const direct = await expectParity(await captured("preview"));
        expect(direct.some((v) => v.includes("unknown-at-preview"))).toBe(true);
    });

    test("a program in update mode", async () => {
        await expectParity(await captured("update"));
    });

    test("waivers through policy config, resource and stack policies", async () => {
        const direct = await expectParity(await captured("update"), waivers);
        expect(direct).toEqual(expect.arrayContaining([expect.stringMatching(/^lambda-memory-size waived /), "sqs-queue-dlq waived (stack)"]));
    });

    test("unknown at preview: the anti-pattern example", async () => {
        const checked = await gallery(true);
        const preview = await expectParity(checked.resources, {}, checked);
        expect(preview.length).toBeGreaterThan(10);
    });

    test("the anti-pattern example in update mode", async () => {
        const checked = await gallery(false);
        await expectParity(checked.resources, {}, checked);
    });
});
