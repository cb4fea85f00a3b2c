import { UnknownValueError } from "@pulumi/policy";
import {
    alarmsOn,
    anyHolds,
    asyncInvokersOf,
    dimensionSources,
    failureStoreRefs,
    failureStores,
    isFailureStore,
    mayBeFailureStore,
    findingOn,
    judgeEach,
    keepsAsyncFailures,
    mappingsFrom,
    mappingsInto,
    metricsOf,
    redriveOf,
    redrivesInto,
    refAt,
    sourceMappings,
    storeRole,
} from "../../policies/lib/graph/index";
import { UNKNOWN as UNKNOWN_SYMBOL } from "../../policies/lib/props";
import { T } from "../../policies/lib/types";
import { atFirstPreview, atPlannedState, graphFrom, ref, resource } from "../helpers/graph-fixtures";
import { UNKNOWN, type StackResourceInput } from "../helpers/policy-harness";

const names = (nodes: ({ name: string } | undefined)[]) => nodes.map((n) => n?.name);
const bothWays = (graph: StackResourceInput[]) => [graph, atFirstPreview(graph)];

function stack(): StackResourceInput[] {
    const g = [
        resource(T.sqsQueue, "jobs-dlq"), resource(T.sqsQueue, "done"), resource(T.sqsQueue, "failed"), resource(T.kinesisStream, "clicks"),
        resource(T.dynamodbTable, "orders"), resource(T.snsTopic, "oncall"), resource(T.iamRole, "role"),
    ];
    g.push(resource(T.sqsQueue, "jobs", { redrivePolicy: JSON.stringify({ deadLetterTargetArn: ref(g, "jobs-dlq"), maxReceiveCount: 4 }) }, { redrivePolicy: ["jobs-dlq"] }));
    g.push(resource(T.sqsQueue, "audit"));
    g.push(resource(T.sqsRedrivePolicy, "audit-redrive", { queueUrl: ref(g, "audit", "url"), redrivePolicy: JSON.stringify({ deadLetterTargetArn: ref(g, "jobs-dlq"), maxReceiveCount: 9 }) }, { queueUrl: ["audit"], redrivePolicy: ["jobs-dlq"] }));
    g.push(resource(T.lambdaFunction, "worker"));
    g.push(resource(T.lambdaEventSourceMapping, "jobs-mapping", { eventSourceArn: ref(g, "jobs"), functionName: ref(g, "worker", "name") }, { eventSourceArn: ["jobs"], functionName: ["worker"] }));
    g.push(resource(T.lambdaEventSourceMapping, "clicks-mapping", { eventSourceArn: ref(g, "clicks"), functionName: ref(g, "worker", "name"), startingPosition: "LATEST" }, { eventSourceArn: ["clicks"], functionName: ["worker"] }));
    g.push(resource(T.lambdaEventSourceMapping, "orders-mapping", { eventSourceArn: ref(g, "orders", "streamArn"), functionName: ref(g, "worker", "name"), startingPosition: "LATEST" }, { eventSourceArn: ["orders"], functionName: ["worker"] }));
    g.push(resource(T.lambdaEventInvokeConfig, "worker-invoke", { functionName: ref(g, "worker", "name"), destinationConfig: { onSuccess: { destination: ref(g, "done") }, onFailure: { destination: ref(g, "failed") } } }, { functionName: ["worker"], destinationConfig: ["done", "failed"] }));
    g.push(resource(T.eventRule, "nightly"));
    g.push(resource(T.eventTarget, "nightly-worker", { rule: ref(g, "nightly", "name"), arn: ref(g, "worker") }, { rule: ["nightly"], arn: ["worker"] }));
    g.push(resource(T.metricAlarm, "jobs-dlq-alarm", { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: ref(g, "jobs-dlq", "name") }, threshold: 1, comparisonOperator: "GreaterThanOrEqualToThreshold", alarmActions: [ref(g, "oncall")] }, { dimensions: ["jobs-dlq"], alarmActions: ["oncall"] }));
    g.push(resource(T.metricAlarm, "math", { threshold: 0, comparisonOperator: "GreaterThanThreshold", metricQueries: [{ id: "e", expression: "m1+m2" }, { id: "m1", metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: ref(g, "failed", "name") } } }, { id: "m2", metric: { namespace: "AWS/SQS", metricName: "ApproximateAgeOfOldestMessage", dimensions: { QueueName: ref(g, "done", "name") } } }] }, { metricQueries: ["failed", "done"] }));
    return g;
}

describe("graph helpers", () => {
    test("mappings: source and function, kind from the source's type even when the ARN is unknown", async () => {
        for (const input of bothWays(stack())) {
            const graph = await graphFrom(input);
            const links = sourceMappings(graph);
            expect(links.map((l) => [l.mapping.name, l.source?.name, l.fn?.name, l.kind])).toEqual([
                ["jobs-mapping", "jobs", "worker", "sqs"],
                ["clicks-mapping", "clicks", "worker", "stream"],
                ["orders-mapping", "orders", "worker", "stream"],
            ]);
            const worker = graph.ofType(T.lambdaFunction)[0];
            expect(names(mappingsInto(graph, worker).map((l) => l.mapping))).toEqual(["jobs-mapping", "clicks-mapping", "orders-mapping"]);
            expect(names(mappingsFrom(graph, links[0].source!).map((l) => l.mapping))).toEqual(["jobs-mapping"]);
        }
    });

    test("queue redrives: on the queue or by an aws.sqs.RedrivePolicy; document unknown at preview", async () => {
        const [known, preview] = await Promise.all(bothWays(stack()).map(graphFrom));
        for (const graph of [known, preview]) {
            const byName = (name: string) => graph.ofType(T.sqsQueue).find((n) => n.name === name)!;
            expect(redriveOf(graph, byName("jobs"))?.dlq?.name).toBe("jobs-dlq");
            expect(redriveOf(graph, byName("audit"))?.declaredBy.name).toBe("audit-redrive");
            expect(redriveOf(graph, byName("done"))).toBeUndefined();
            expect(names(redrivesInto(graph, byName("jobs-dlq")).map((r) => r.queue))).toEqual(["jobs", "audit"]);
        }
        const jobs = known.ofType(T.sqsQueue).find((n) => n.name === "jobs")!;
        expect(redriveOf(known, jobs)?.document).toEqual({ deadLetterTargetArn: expect.any(String), maxReceiveCount: 4 });
        expect(redriveOf(preview, preview.ofType(T.sqsQueue).find((n) => n.name === "jobs")!)?.document).toBe(UNKNOWN_SYMBOL);
    });

    test("failure stores: a known literal tells on-failure from on-success; at preview two unknown queues stay only possible stores", async () => {
        const graph = await graphFrom(stack());
        expect([...failureStores(graph).keys()].map((n) => n.name).sort()).toEqual(["failed", "jobs-dlq"]);
        expect(failureStoreRefs(graph, graph.ofType(T.sqsQueue).find((n) => n.name === "jobs-dlq")!).map((r) => [r.owner.name, r.kind])).toEqual([
            ["jobs", "queue-redrive"],
            ["audit", "queue-redrive"],
        ]);
        const preview = await graphFrom(atFirstPreview(stack()));
        const config = preview.ofType(T.lambdaEventInvokeConfig)[0];
        const ref = refAt(preview, config, "destinationConfig.onFailure.destination", [T.sqsQueue], ["destinationConfig.onSuccess.destination"]);
        expect(ref).toMatchObject({ set: true, ambiguous: true });
        expect(names(ref.nodes).sort()).toEqual(["done", "failed"]);
        expect([...failureStores(preview).keys()].map((n) => n.name)).toEqual(["jobs-dlq"]);
        const queue = (name: string) => preview.ofType(T.sqsQueue).find((n) => n.name === name)!;
        expect([mayBeFailureStore(preview, queue("done")), mayBeFailureStore(preview, queue("failed")), mayBeFailureStore(preview, queue("jobs"))]).toEqual([true, true, false]);
    });

    test("failure stores: a queue whose redrive allow policy admits sources is one (certain when known, possible while the document is unknown)", async () => {
        const g = [resource(T.sqsQueue, "own", { redriveAllowPolicy: JSON.stringify({ redrivePermission: "allowAll" }) }), resource(T.sqsQueue, "by-resource"), resource(T.sqsQueue, "later"), resource(T.sqsQueue, "closed", { redriveAllowPolicy: '{"redrivePermission":"denyAll"}' })];
        g.push(resource(T.sqsRedriveAllowPolicy, "by-resource-allow", { queueUrl: ref(g, "by-resource", "url"), redriveAllowPolicy: '{"redrivePermission":"byQueue","sourceQueueArns":["arn:aws:sqs:us-east-1:123456789012:x"]}' }, { queueUrl: ["by-resource"] }));
        g.push(resource(T.sqsRedriveAllowPolicy, "later-allow", { queueUrl: ref(g, "later", "url"), redriveAllowPolicy: UNKNOWN }, { queueUrl: ["later"], redriveAllowPolicy: ["own"] }));
        const graph = await graphFrom(g);
        const queue = (name: string) => graph.ofType(T.sqsQueue).find((n) => n.name === name)!;
        expect([...failureStores(graph).keys()].map((n) => n.name).sort()).toEqual(["by-resource", "own"]);
        expect(failureStoreRefs(graph, queue("own")).map((r) => [r.owner.name, r.kind])).toEqual([["own", "redrive-allow"]]);
        expect(storeRole(failureStoreRefs(graph, queue("own"))[0])).toBe("declared a dead-letter queue by its `redriveAllowPolicy`");
        expect(storeRole(failureStoreRefs(graph, queue("by-resource"))[0])).toMatch(/declared a dead-letter queue by .*`by-resource-allow`/);
        expect([mayBeFailureStore(graph, queue("later")), isFailureStore(graph, queue("later")), mayBeFailureStore(graph, queue("closed"))]).toEqual([true, false, false]);
        // In the planned state a queue's own redriveAllowPolicy is unknown when the program set none: not a store.
        const planned = await graphFrom(atPlannedState([resource(T.sqsQueue, "plain")]));
        expect(mayBeFailureStore(planned, planned.ofType(T.sqsQueue)[0])).toBe(false);
    });

    test("failure stores at preview: the other reference accounted for by a function, or a work queue, leaves the store certain", async () => {
        const g = [resource(T.sqsQueue, "failed"), resource(T.sqsQueue, "jobs"), resource(T.lambdaFunction, "next"), resource(T.lambdaFunction, "worker"), resource(T.iamRole, "role")];
        g.push(resource(T.lambdaEventInvokeConfig, "worker-invoke", { functionName: ref(g, "worker", "name"), destinationConfig: { onSuccess: { destination: ref(g, "next") }, onFailure: { destination: ref(g, "failed") } } }, { functionName: ["worker"], destinationConfig: ["next", "failed"] }));
        g.push(resource(T.lambdaEventSourceMapping, "jobs-mapping", { eventSourceArn: ref(g, "jobs"), functionName: ref(g, "worker", "name") }, { eventSourceArn: ["jobs"], functionName: ["worker"] }));
        g.push(resource(T.schedulerSchedule, "hourly", { target: { arn: ref(g, "jobs"), roleArn: ref(g, "role"), deadLetterConfig: { arn: ref(g, "failed") } } }, { target: ["jobs", "role", "failed"] }));
        for (const input of bothWays(g)) {
            const graph = await graphFrom(input);
            const failed = graph.ofType(T.sqsQueue)[0];
            expect(failureStoreRefs(graph, failed).map((r) => [r.owner.name, r.certain])).toEqual([["worker-invoke", true], ["hourly", true]]);
            expect(isFailureStore(graph, graph.ofType(T.sqsQueue)[1])).toBe(false);
        }
    });

    test("refAt: unset, outside the stack, and a literal that names a resource", async () => {
        const g = [resource(T.sqsQueue, "failed")];
        g.push(resource(T.lambdaFunction, "a", { deadLetterConfig: { targetArn: ref(g, "failed") } }));
        g.push(resource(T.lambdaFunction, "b", { deadLetterConfig: { targetArn: "arn:aws:sqs:us-east-1:999999999999:elsewhere" } }));
        g.push(resource(T.lambdaFunction, "c"));
        const graph = await graphFrom(g);
        const [a, b, c] = graph.ofType(T.lambdaFunction);
        expect(names(refAt(graph, a, "deadLetterConfig.targetArn", [T.sqsQueue]).nodes)).toEqual(["failed"]);
        expect(refAt(graph, b, "deadLetterConfig.targetArn", [T.sqsQueue])).toEqual({ nodes: [], set: true, ambiguous: false });
        expect(refAt(graph, c, "deadLetterConfig.targetArn", [T.sqsQueue])).toEqual({ nodes: [], set: false, ambiguous: false });
    });

    test("alarms: own metric and metric-math queries, with the resources their dimensions come from", async () => {
        for (const input of bothWays(stack())) {
            const graph = await graphFrom(input);
            const [plain, math] = graph.ofType(T.metricAlarm);
            expect(metricsOf(plain).map((m) => m.metricName)).toEqual(["ApproximateNumberOfMessagesVisible"]);
            expect(metricsOf(math).map((m) => [m.path, m.metricName])).toEqual([
                ["metricQueries.1.metric", "ApproximateNumberOfMessagesVisible"],
                ["metricQueries.2.metric", "ApproximateAgeOfOldestMessage"],
            ]);
            expect(names(dimensionSources(graph, math)).sort()).toEqual(["done", "failed"]);
            const dlq = graph.ofType(T.sqsQueue).find((n) => n.name === "jobs-dlq")!;
            expect(names(alarmsOn(graph, dlq))).toEqual(["jobs-dlq-alarm"]);
        }
    });

    test("async invokers and kept failures", async () => {
        for (const input of bothWays(stack())) {
            const graph = await graphFrom(input);
            const worker = graph.ofType(T.lambdaFunction)[0];
            expect(asyncInvokersOf(graph, worker).map((i) => [i.invoker.name, i.property])).toEqual([["nightly-worker", "arn"]]);
            expect(keepsAsyncFailures(graph, worker)).toBe(true);
        }
    });

    test("judgeEach: verdicts for every item, then the first unknown; anyHolds: unknown alternatives skipped", () => {
        const node = { urn: "u", name: "n" } as any;
        const unknown = new UnknownValueError("04da6b54-80e4-46f7-96ec-b56ff0331ba9", ["x"]);
        const seen: string[] = [];
        const run = () => {
            for (const f of judgeEach([1, 2, 3], (i) => {
                if (i === 1) throw unknown;
                return findingOn(node, `item ${i}`);
            })) seen.push(f.message);
        };
        expect(run).toThrow(UnknownValueError);
        expect(seen).toEqual(["item 2", "item 3"]);
        expect(() => [...judgeEach([1], () => { throw new Error("bug"); })]).toThrow("bug");
        expect(anyHolds([1, 2], (i) => { if (i === 1) throw unknown; return true; })).toBe(2);
        expect(() => anyHolds([1, 2], (i) => { if (i === 1) throw unknown; return false; })).toThrow(UnknownValueError);
        expect(anyHolds([], () => true)).toBeUndefined();
    });
});
