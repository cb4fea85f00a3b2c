import { lambdaConcurrencyQuota } from "../../../policies/scaling/lambda-concurrency-quota";
import { T } from "../../../policies/lib/types";
import { nowAndAtFirstPreview, ref, resource, survivesMalformed } from "../../helpers/graph-fixtures";
import type { StackResourceInput } from "../../helpers/policy-harness";
import { analyzeStack, urnOf } from "../../helpers/policy-harness";

const policy = lambdaConcurrencyQuota;

function worker(reserved: unknown, maximumConcurrency?: unknown, source: "sqs" | "kinesis" = "sqs"): StackResourceInput[] {
    const sourceNode = source === "sqs" ? resource(T.sqsQueue, "jobs") : resource(T.kinesisStream, "jobs");
    const graph = [sourceNode, resource(T.lambdaFunction, "worker", reserved === undefined ? {} : { reservedConcurrentExecutions: reserved })];
    graph.push(
        resource(
            T.lambdaEventSourceMapping,
            "jobs-mapping",
            { eventSourceArn: ref(graph, "jobs"), functionName: ref(graph, "worker", "name"), ...(maximumConcurrency === undefined ? {} : { scalingConfig: { maximumConcurrency } }), ...(source === "kinesis" ? { startingPosition: "LATEST" } : {}) },
            { eventSourceArn: ["jobs"], functionName: ["worker"] },
        ),
    );
    return graph;
}

const reserving = (amounts: number[]) => amounts.map((amount, i) => resource(T.lambdaFunction, `fn-${i}`, { reservedConcurrentExecutions: amount }));

describe("lambda-concurrency-quota", () => {
    test("compliant: reservations within the account quota minus 100, and at least each SQS mapping's maximum", async () => {
        for (const graph of [worker(undefined, 50), worker(-1, 50), worker(50, 50), worker(10), worker(5, 50, "kinesis"), reserving([400, 500])]) {
            const { known, preview, planned } = await nowAndAtFirstPreview(policy, graph);
            expect(known.violations).toEqual([]);
            expect(preview.violations).toEqual([]);
            expect(planned.violations).toEqual([]);
            expect(preview.cantRunAtPreview).toBeUndefined();
            expect(planned.cantRunAtPreview).toBeUndefined();
        }
    });

    test("violating: reserving less than the mapping's maximumConcurrency, reported on the function naming mapping and queue", async () => {
        const { known, preview, planned } = await nowAndAtFirstPreview(policy, worker(10, 50));
        expect(known.violations).toHaveLength(1);
        expect(known.violations[0]).toMatch(/function `worker` reserves 10 concurrent executions, less than the `scalingConfig.maximumConcurrency` 50 of event source mapping `jobs-mapping` from queue `jobs`/);
        expect(known.urns).toEqual([urnOf(T.lambdaFunction, "worker")]);
        expect(preview.violations).toEqual(known.violations);
        expect(planned.violations).toEqual(known.violations);
    });

    test("violating: the stack reserves more than accountConcurrency − 100, reported on the largest reservation", async () => {
        const { known, preview, planned } = await nowAndAtFirstPreview(policy, reserving([400, 501]));
        expect(known.violations).toHaveLength(1);
        expect(known.violations[0]).toMatch(/reserves 901 concurrent executions \(function `fn-1` 501, function `fn-0` 400\), more than the 900/);
        expect(known.urns).toEqual([urnOf(T.lambdaFunction, "fn-1")]);
        expect(preview.violations).toEqual(known.violations);
        expect(planned.violations).toEqual(known.violations);
        expect((await analyzeStack(policy, reserving([400, 501]), { accountConcurrency: 3000 })).violations).toEqual([]);
    });

    test("violating: a long list of reservations is cut to the largest ten", async () => {
        const outcome = await analyzeStack(policy, reserving(Array.from({ length: 30 }, (_, i) => 30 + i)));
        expect(outcome.violations).toHaveLength(1);
        expect(outcome.violations[0]).toMatch(/\(function `fn-29` 59, function `fn-28` 58, .*function `fn-20` 50, and 20 more\)/);
    });

    test("unknown at preview: an unknown reservation gives the engine's advisory; the known sum is still judged", async () => {
        const graph = [...reserving([950]), resource(T.lambdaFunction, "later", { reservedConcurrentExecutions: "3eeb2bf0-c639-47a8-9e75-3b44932eb421" })];
        const outcome = await analyzeStack(policy, graph);
        expect(outcome.violations).toHaveLength(1);
        expect(outcome.violations[0]).toMatch(/reserves 950/);
        expect(outcome.cantRunAtPreview).toMatch(/reservedConcurrentExecutions/);
    });

    test("malformed: odd reservations and scaling configs never throw", async () => {
        expect((await analyzeStack(policy, worker("lots", { nested: 1 }))).violations).toEqual([]);
        expect((await analyzeStack(policy, worker(10, "fifty"))).violations).toEqual([]);
        expect(await survivesMalformed(policy, [...worker(10, 50), ...reserving([300, 700])])).toBe(40);
    });

    test("waiver: a waived function is not reported", async () => {
        const outcome = await analyzeStack(policy, worker(10, 50), { waivers: [{ resource: "worker", reason: "throttled on purpose to protect the database" }] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toMatch(/protect the database/);
    });

    test("compliant: Managed Instances functions are left out of the account's sum (their quotas are separate)", async () => {
        const managed = (name: string, amount: number) =>
            resource(T.lambdaFunction, name, { reservedConcurrentExecutions: amount, capacityProviderConfig: { lambdaManagedInstancesCapacityProviderConfig: { capacityProviderArn: "arn:aws:lambda:us-east-1:123456789012:capacity-provider:fleet" } } });
        const { known, preview, planned } = await nowAndAtFirstPreview(policy, [...reserving([800]), managed("fleet-worker", 500)]);
        expect(known.violations).toEqual([]);
        expect(preview.violations).toEqual([]);
        expect(planned.violations).toEqual([]);
        expect((await analyzeStack(policy, [...reserving([800]), resource(T.lambdaFunction, "on-demand", { reservedConcurrentExecutions: 500 })])).violations).toHaveLength(1);
    });
});
