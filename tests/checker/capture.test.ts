import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { CaptureError, UNKNOWN_SENTINEL, capture } from "../../checker/capture";
import type { CapturedResource } from "../../checker/types";

const fixtures = path.join(__dirname, "..", "fixtures", "programs");

class Worker extends pulumi.ComponentResource {
    readonly queue: aws.sqs.Queue;
    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("test:index:Worker", name, {}, opts);
        this.queue = new aws.sqs.Queue(`${name}-queue`, { visibilityTimeoutSeconds: 60 }, { parent: this });
        const fn = new aws.lambda.Function(
            `${name}-fn`,
            { role: "arn:aws:iam::123456789012:role/worker", runtime: "nodejs22.x", handler: "index.handler", environment: { variables: { TOKEN: pulumi.secret("s3cr3t") } } },
            { parent: this },
        );
        new aws.lambda.EventSourceMapping(`${name}-esm`, { eventSourceArn: this.queue.arn, functionName: fn.name }, { parent: this, dependsOn: [fn] });
        this.registerOutputs({ queueUrl: this.queue.url });
    }
}

const program = () => {
    const worker = new Worker("orders");
    new aws.dynamodb.Table("events", { hashKey: "id", attributes: [{ name: "id", type: "S" }], streamEnabled: true, streamViewType: "NEW_IMAGE" });
    return { queueUrl: worker.queue.url };
};

const byName = (resources: CapturedResource[], name: string) => {
    const found = resources.find((r) => r.name === name);
    if (!found) throw new Error(`no resource ${name} among ${resources.map((r) => r.name).join(", ")}`);
    return found;
};

/** Sorted by URN; the stack's source position (where `capture` was called) left out, as it differs between calls. */
const byUrn = (resources: CapturedResource[]) =>
    [...resources].sort((a, b) => a.urn.localeCompare(b.urn)).map((r) => (r.type === "pulumi:pulumi:Stack" ? { ...r, sourcePosition: undefined } : r));

describe("capture", () => {
    test("records the stack, components and their children with parents, parents first", async () => {
        const resources = await capture(program);
        expect(resources[0].type).toBe("pulumi:pulumi:Stack");
        expect(resources.map((r) => r.type).sort()).toEqual([
            "aws:dynamodb/table:Table",
            "aws:lambda/eventSourceMapping:EventSourceMapping",
            "aws:lambda/function:Function",
            "aws:sqs/queue:Queue",
            "pulumi:pulumi:Stack",
            "test:index:Worker",
        ]);
        const position = (urn?: string) => resources.findIndex((r) => r.urn === urn);
        for (const r of resources.slice(1)) expect(position(r.parent)).toBeLessThan(position(r.urn));
        const stack = byName(resources, "project-dev");
        const worker = byName(resources, "orders");
        expect(stack).toMatchObject({ custom: false, urn: "urn:pulumi:dev::project::pulumi:pulumi:Stack::project-dev" });
        expect(stack.parent).toBeUndefined();
        expect(worker).toMatchObject({ custom: false, parent: stack.urn });
        expect(byName(resources, "orders-queue")).toMatchObject({
            custom: true,
            parent: worker.urn,
            urn: "urn:pulumi:dev::project::test:index:Worker$aws:sqs/queue:Queue::orders-queue",
        });
        expect(byName(resources, "events").parent).toBe(stack.urn);
    });

    test("records dependencies and property dependencies by URN", async () => {
        const resources = await capture(program);
        const esm = byName(resources, "orders-esm");
        const queue = byName(resources, "orders-queue");
        const fn = byName(resources, "orders-fn");
        expect(esm.propertyDependencies).toEqual({ eventSourceArn: [queue.urn], functionName: [fn.urn] });
        expect(esm.dependencies.sort()).toEqual([fn.urn, queue.urn].sort());
        expect(queue.propertyDependencies).toEqual({});
    });

    test("unknown at preview: the planned state has every computed attribute unknown, auto-names known, and inputs derived from them alike", async () => {
        const resources = await capture(program);
        const queue = byName(resources, "orders-queue");
        expect(queue.outputs).toMatchObject({ arn: UNKNOWN_SENTINEL, url: UNKNOWN_SENTINEL, id: UNKNOWN_SENTINEL, visibilityTimeoutSeconds: 60 });
        // Optional+Computed attributes the program left out are unknown too (the provider's planned state).
        expect(queue.outputs).toMatchObject({ redrivePolicy: UNKNOWN_SENTINEL, policy: UNKNOWN_SENTINEL, sqsManagedSseEnabled: UNKNOWN_SENTINEL, region: "us-east-1", tagsAll: {} });
        expect(queue.outputs.name).toMatch(/^orders-queue-[0-9a-f]{7}$/);
        const fn = byName(resources, "orders-fn");
        expect(byName(resources, "orders-esm").inputs).toMatchObject({ eventSourceArn: UNKNOWN_SENTINEL, functionName: fn.inputs.name });
        expect(byName(resources, "orders-esm").outputs).toMatchObject({ maximumRetryAttempts: UNKNOWN_SENTINEL, uuid: UNKNOWN_SENTINEL });
        expect(byName(resources, "events").outputs.streamArn).toBe(UNKNOWN_SENTINEL);
        expect(byName(resources, "orders").outputs).toEqual({ queueUrl: UNKNOWN_SENTINEL });
    });

    test("inputs are what the provider's Check returns: auto-names, Terraform defaults, secrets unwrapped, the bridge's __defaults", async () => {
        const fn = byName(await capture(program), "orders-fn");
        expect(fn.inputs).toMatchObject({ memorySize: 128, timeout: 3, reservedConcurrentExecutions: -1, packageType: "Zip", runtime: "nodejs22.x" });
        expect(fn.inputs.name).toMatch(/^orders-fn-[0-9a-f]{7}$/);
        expect(fn.inputs.__defaults).toEqual(["memorySize", "name", "packageType", "reservedConcurrentExecutions", "timeout"]);
        expect(fn.inputs.environment).toEqual({ __defaults: [], variables: { TOKEN: "s3cr3t" } });
        // Falsy Terraform defaults are not filled in since bridge 3.127.
        expect(fn.inputs).not.toHaveProperty("publish");
        const { __defaults, environment, ...rest } = fn.inputs;
        expect(fn.outputs).toMatchObject({ ...rest, environment: { variables: { TOKEN: "s3cr3t" } } });
        expect(fn.outputs).not.toHaveProperty("__defaults");
    });

    test("Check: JSON documents serialised with sorted keys, or one unknown when a leaf is; FIFO auto-names end in .fifo; resource options recorded", async () => {
        const resources = await capture(() => {
            const queue = new aws.sqs.Queue("jobs", { fifoQueue: true }, { protect: true, ignoreChanges: ["tags"], customTimeouts: { create: "2m" } });
            new aws.iam.RolePolicy("known", { role: "r", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:123456789012:x" }] } });
            new aws.iam.RolePolicy("unknown", { role: "r", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: queue.arn }] } });
        });
        const queue = byName(resources, "jobs");
        expect(queue.inputs.name).toMatch(/^jobs-[0-9a-f]{7}\.fifo$/);
        expect(queue.options).toEqual({ protect: true, ignoreChanges: ["tags"], customTimeouts: { create: 120 } });
        expect(byName(resources, "known").inputs.policy).toBe('{"Statement":[{"Action":"sqs:SendMessage","Effect":"Allow","Resource":"arn:aws:sqs:us-east-1:123456789012:x"}],"Version":"2012-10-17"}');
        expect(byName(resources, "unknown").inputs.policy).toBe(UNKNOWN_SENTINEL);
        expect(byName(resources, "unknown").packageVersion).toBe(require("@pulumi/aws/package.json").version);
    });

    test("malformed: an auto-name that cannot fit fails as the provider's Check fails the preview", async () => {
        await expect(capture(() => new aws.lambda.Function("x".repeat(60), { role: "arn:aws:iam::123456789012:role/r" }))).rejects.toThrow(/Check rejects .*plus 7 random chars is longer than maximum length 64/);
    });

    test("update mode: plausible ARNs, ids, names and URLs that flow into the inputs of other resources", async () => {
        const resources = await capture(program, { preview: false });
        const queue = byName(resources, "orders-queue");
        expect(queue.outputs.arn).toMatch(/^arn:aws:sqs:us-east-1:123456789012:orders-queue-[0-9a-f]{7}$/);
        expect(queue.outputs.url).toBe(`https://sqs.us-east-1.amazonaws.com/123456789012/${queue.outputs.name}`);
        const fn = byName(resources, "orders-fn");
        expect(fn.outputs.arn).toBe(`arn:aws:lambda:us-east-1:123456789012:function:${fn.outputs.name}`);
        expect(fn.outputs.invokeArn).toBe(`arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fn.outputs.arn}/invocations`);
        expect(byName(resources, "orders-esm").inputs).toMatchObject({ eventSourceArn: queue.outputs.arn, functionName: fn.outputs.name });
        expect(byName(resources, "events").outputs.streamArn).toMatch(/^arn:aws:dynamodb:us-east-1:123456789012:table\/events-[0-9a-f]{7}\/stream\//);
        expect(byName(resources, "project-dev").outputs).toEqual({ queueUrl: queue.outputs.url });
        expect(byUrn(await capture(program, { preview: false }))).toEqual(byUrn(resources));
    });

    test("data sources get plausible answers, IAM policy documents rendered as AWS renders them", async () => {
        const resources = await capture(
            async () => {
                const identity = await aws.getCallerIdentity();
                const region = await aws.getRegion();
                const partition = await aws.getPartition();
                const zones = await aws.getAvailabilityZones();
                const document = await aws.iam.getPolicyDocument({
                    statements: [
                        { sid: "Send", actions: ["sqs:SendMessage"], resources: ["arn:aws:sqs:eu-west-1:123456789012:q"], principals: [{ type: "Service", identifiers: ["sns.amazonaws.com"] }] },
                        { effect: "Deny", actions: ["sqs:*", "sns:*"], resources: ["*"], conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }] },
                    ],
                });
                return { account: identity.accountId, region: region.name, partition: partition.partition, zones: zones.names, document: document.json };
            },
            { programConfig: { "aws:region": "eu-west-1" } },
        );
        const outputs = resources[0].outputs;
        expect(outputs).toMatchObject({ account: "123456789012", region: "eu-west-1", partition: "aws", zones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] });
        expect(JSON.parse(outputs.document as string)).toEqual({
            Version: "2012-10-17",
            Statement: [
                { Sid: "Send", Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:eu-west-1:123456789012:q", Principal: { Service: "sns.amazonaws.com" } },
                { Effect: "Deny", Action: ["sns:*", "sqs:*"], Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
            ],
        });
    });

    test("progress: each resource is reported as it registers; the mocks answer for the given account", async () => {
        const counts: number[] = [];
        const resources = await capture(program, { preview: false, environment: { accountId: "210987654321" }, onResource: (_, count) => counts.push(count) });
        expect(counts).toEqual(resources.map((_, i) => i + 1));
        expect(byName(resources, "orders-queue").outputs.arn).toMatch(/^arn:aws:sqs:us-east-1:210987654321:/);
    });

    test("an explicit provider is recorded by URN", async () => {
        const resources = await capture(() => {
            const provider = new aws.Provider("eu", { region: "eu-west-1" });
            new aws.sns.Topic("alerts", {}, { provider });
        });
        expect(byName(resources, "alerts").provider).toBe(byName(resources, "eu").urn);
    });

    test("a program that throws gives a clear error naming the program and the cause", async () => {
        const failing = async function buildsOrders() {
            new aws.sqs.Queue("first");
            throw new Error("orders table is missing");
        };
        await expect(capture(failing)).rejects.toThrow(CaptureError);
        await expect(capture(failing)).rejects.toThrow(/program callback buildsOrders: threw orders table is missing/);
    });

    test("a program that never finishes is stopped by the time limit", async () => {
        const hanging = () => new Promise(() => undefined);
        await expect(capture(hanging, { timeoutMs: 300 })).rejects.toThrow(/did not finish within/);
    });

    test("no state leaks between captures: a failed or hung run does not change the next", async () => {
        const before = await capture(program, { preview: false });
        await expect(capture(() => new Promise(() => undefined), { timeoutMs: 100 })).rejects.toThrow();
        await expect(capture(() => { throw new Error("boom"); })).rejects.toThrow(/boom/);
        const [preview, update] = await Promise.all([capture(program), capture(program, { preview: false })]);
        expect(byUrn(update)).toEqual(byUrn(before));
        expect(byName(preview, "orders-queue").outputs.arn).toBe(UNKNOWN_SENTINEL);
    });

    test("a folder with Pulumi.yaml: its main, project name, stack config and outputs", async () => {
        const dir = path.join(fixtures, "small-program");
        const resources = await capture(dir, { preview: false });
        expect(resources.map((r) => r.name)).toEqual(["small-program-dev", "orders-dlq", "orders"]);
        const dlq = byName(resources, "orders-dlq");
        expect(dlq.urn).toBe("urn:pulumi:dev::small-program::aws:sqs/queue:Queue::orders-dlq");
        expect(dlq.inputs.messageRetentionSeconds).toBe(7 * 86400);
        expect(JSON.parse(byName(resources, "orders").inputs.redrivePolicy as string)).toEqual({ deadLetterTargetArn: dlq.outputs.arn, maxReceiveCount: 5 });
        expect(byName(resources, "orders").propertyDependencies).toEqual({ redrivePolicy: [dlq.urn] });
        expect(resources[0].outputs).toMatchObject({ region: "eu-west-1", queueUrl: expect.stringMatching(/^https:\/\/sqs\.eu-west-1\.amazonaws\.com\//) });
        // A second capture runs the program again.
        expect((await capture(dir, { preview: false })).map((r) => r.name)).toEqual(["small-program-dev", "orders-dlq", "orders"]);
    });

    test("malformed: a folder without Pulumi.yaml, a missing folder, a throwing program", async () => {
        await expect(capture(path.join(fixtures, "no-pulumi-yaml"))).rejects.toThrow(/has no Pulumi\.yaml/);
        await expect(capture(path.join(fixtures, "nowhere"))).rejects.toThrow(/does not exist/);
        await expect(capture(path.join(fixtures, "throwing-aws-program"))).rejects.toThrow(/throwing-aws-program: threw the table name is missing \(at .*throwing-aws-program\/index\.ts:4:7\)/);
    });
});
