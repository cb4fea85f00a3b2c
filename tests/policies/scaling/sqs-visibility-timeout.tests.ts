import { sqsVisibilityTimeout } from "../../../policies/scaling/sqs-visibility-timeout";
import { T } from "../../../policies/lib/types";
import { nowAndAtFirstPreview, ref, resource, survivesMalformed } from "../../helpers/graph-fixtures";
import type { StackResourceInput } from "../../helpers/policy-harness";
import { analyzeStack, urnOf } from "../../helpers/policy-harness";

const policy = sqsVisibilityTimeout;

function worker(queue: Record<string, unknown>, fn: Record<string, unknown>, mapping: Record<string, unknown> = {}): StackResourceInput[] {
    const graph = [resource(T.sqsQueue, "jobs", queue), resource(T.lambdaFunction, "worker", fn)];
    graph.push(resource(T.lambdaEventSourceMapping, "jobs-mapping", { eventSourceArn: ref(graph, "jobs"), functionName: ref(graph, "worker", "name"), ...mapping }, { eventSourceArn: ["jobs"], functionName: ["worker"] }));
    return graph;
}

describe("sqs-visibility-timeout", () => {
    test("compliant: visibility ≥ 6 × timeout + batching window", async () => {
        for (const graph of [
            worker({ visibilityTimeoutSeconds: 180 }, { timeout: 30 }),
            worker({ visibilityTimeoutSeconds: 190 }, { timeout: 30 }, { maximumBatchingWindowInSeconds: 10 }),
            worker({}, {}, { maximumBatchingWindowInSeconds: 12 }),
        ]) {
            const { known, preview, planned } = await nowAndAtFirstPreview(policy, graph);
            expect(known.violations).toEqual([]);
            expect(preview.violations).toEqual([]);
            expect(planned.violations).toEqual([]);
            expect(preview.cantRunAtPreview).toBeUndefined();
            expect(planned.cantRunAtPreview).toBeUndefined();
        }
    });

    test("compliant: mappings from streams and queues outside the stack are not judged", async () => {
        const graph = [resource(T.kinesisStream, "clicks"), resource(T.lambdaFunction, "worker", { timeout: 900 })];
        graph.push(resource(T.lambdaEventSourceMapping, "clicks-mapping", { eventSourceArn: ref(graph, "clicks"), functionName: ref(graph, "worker", "name"), startingPosition: "LATEST" }, { eventSourceArn: ["clicks"], functionName: ["worker"] }));
        graph.push(resource(T.lambdaEventSourceMapping, "foreign", { eventSourceArn: "arn:aws:sqs:us-east-1:999999999999:elsewhere", functionName: ref(graph, "worker", "name") }, { functionName: ["worker"] }));
        expect((await nowAndAtFirstPreview(policy, graph)).known.violations).toEqual([]);
    });

    test("violating: default 30 s visibility with a 30 s function, reported on the queue naming function and mapping", async () => {
        const { known, preview, planned } = await nowAndAtFirstPreview(policy, worker({}, { timeout: 30 }, { maximumBatchingWindowInSeconds: 5 }));
        expect(known.violations).toHaveLength(1);
        expect(known.violations[0]).toMatch(/queue `jobs` has `visibilityTimeoutSeconds` 30, below 185 \(6 × the 30 s `timeout` of function `worker` \+ the 5 s batching window of event source mapping `jobs-mapping`\)/);
        expect(known.urns).toEqual([urnOf(T.sqsQueue, "jobs")]);
        expect(preview.violations).toEqual(known.violations);
        expect(planned.violations).toEqual(known.violations);
        expect(preview.urns).toEqual(known.urns);
        expect(planned.urns).toEqual(known.urns);
    });

    test("violating: the function's default 3 s timeout still needs 18 s", async () => {
        expect((await analyzeStack(policy, worker({ visibilityTimeoutSeconds: 10 }, {}))).violations[0]).toMatch(/below 18/);
    });

    test("violating: the function joined by a literal name (literal fallback) is still judged", async () => {
        const graph = worker({}, { timeout: 60 });
        graph[2] = { ...graph[2], propertyDependencies: { eventSourceArn: ["jobs"] } };
        expect((await analyzeStack(policy, graph)).violations).toHaveLength(1);
    });

    test("unknown at preview: an unknown timeout gives the engine's advisory, other mappings still judged", async () => {
        const graph = worker({}, { timeout: "3eeb2bf0-c639-47a8-9e75-3b44932eb421" });
        const other = worker({}, { timeout: 60 }).map((r) => ({ ...r, name: `b-${r.name}`, propertyDependencies: r.propertyDependencies && Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.map((n) => `b-${n}`)])) }));
        const outcome = await analyzeStack(policy, [...graph, ...other]);
        expect(outcome.violations).toHaveLength(1);
        expect(outcome.violations[0]).toMatch(/`b-jobs`/);
        expect(outcome.cantRunAtPreview).toMatch(/timeout/);
    });

    test("malformed: odd numbers and graphs never throw", async () => {
        expect((await analyzeStack(policy, worker({ visibilityTimeoutSeconds: "soon" }, { timeout: null }))).violations).toEqual([]);
        expect(await survivesMalformed(policy, worker({ visibilityTimeoutSeconds: 10 }, { timeout: 30 }, { maximumBatchingWindowInSeconds: 2 }))).toBe(40);
    });

    test("waiver: a waived queue is not reported", async () => {
        const outcome = await analyzeStack(policy, worker({}, { timeout: 30 }), { waivers: [{ resource: "jobs", reason: "handler is idempotent" }] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toMatch(/idempotent/);
    });
});
