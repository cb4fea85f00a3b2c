import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { ResourceGraph, graphOf } from "../../policies/lib/graph";
import { T } from "../../policies/lib/types";
import { atFirstPreview, graphFrom, ref, resource } from "../helpers/graph-fixtures";
import type { StackResourceInput } from "../helpers/policy-harness";
import { UNKNOWN, analyzeStack } from "../helpers/policy-harness";

function worker(): StackResourceInput[] {
    const graph = [resource(T.sqsQueue, "jobs-dlq"), resource(T.iamRole, "worker-role")];
    graph.push(resource(T.sqsQueue, "jobs", { redrivePolicy: JSON.stringify({ deadLetterTargetArn: ref(graph, "jobs-dlq"), maxReceiveCount: 5 }) }, { redrivePolicy: ["jobs-dlq"] }));
    graph.push(resource(T.lambdaFunction, "worker", { role: ref(graph, "worker-role") }, { role: ["worker-role"] }));
    graph.push(resource(T.lambdaEventSourceMapping, "jobs-mapping", { eventSourceArn: ref(graph, "jobs"), functionName: ref(graph, "worker", "name") }, { eventSourceArn: ["jobs"], functionName: ["worker"] }, "worker"));
    return graph;
}

const names = (nodes: { name: string }[]) => nodes.map((n) => n.name);

describe("resource graph", () => {
    test("edges from property dependencies, with reverse lookups by property and type", async () => {
        for (const input of [worker(), atFirstPreview(worker())]) {
            const graph = await graphFrom(input);
            const mapping = graph.ofType(T.lambdaEventSourceMapping)[0];
            const jobs = graph.ofType(T.sqsQueue).find((n) => n.name === "jobs")!;
            const fn = graph.ofType(T.lambdaFunction)[0];
            expect(names(graph.targets(mapping, "eventSourceArn"))).toEqual(["jobs"]);
            expect(names(graph.targets(mapping, "functionName", T.lambdaFunction))).toEqual(["worker"]);
            expect(graph.targets(mapping, "functionName", T.sqsQueue)).toEqual([]);
            expect(names(graph.referrers(jobs, "eventSourceArn", T.lambdaEventSourceMapping))).toEqual(["jobs-mapping"]);
            expect(names(graph.referrers(jobs))).toEqual(["jobs-mapping"]);
            expect(names(graph.targets(jobs, "redrivePolicy", T.sqsQueue))).toEqual(["jobs-dlq"]);
            expect(names(graph.children(fn))).toEqual(["jobs-mapping"]);
            expect(mapping.parent).toBe(fn);
            expect(graph.edgesFrom(mapping).every((e) => e.via === "dependency")).toBe(true);
        }
    });

    test("nodes by type and URN, in stack order", async () => {
        const graph = await graphFrom(worker());
        expect(names(graph.ofType(T.sqsQueue))).toEqual(["jobs-dlq", "jobs"]);
        expect(names(graph.ofType(T.sqsQueue, T.iamRole))).toEqual(["jobs-dlq", "jobs", "worker-role"]);
        expect(graph.ofType("aws:nothing/here:Here")).toEqual([]);
        const fn = graph.ofType(T.lambdaFunction)[0];
        expect(graph.node(fn.urn)).toBe(fn);
    });

    test("literal fallback: known ARNs, names and URLs, and ARNs inside JSON documents, join without property dependencies", async () => {
        const input: StackResourceInput[] = worker().map((r) => ({ ...r, propertyDependencies: undefined, dependencies: undefined }));
        input.push(resource(T.sqsRedrivePolicy, "jobs-redrive", { queueUrl: ref(input, "jobs", "url"), redrivePolicy: JSON.stringify({ deadLetterTargetArn: ref(input, "jobs-dlq") }) }));
        const graph = await graphFrom(input);
        const mapping = graph.ofType(T.lambdaEventSourceMapping)[0];
        expect(names(graph.targets(mapping, "eventSourceArn"))).toEqual(["jobs"]);
        expect(names(graph.targets(mapping, "functionName"))).toEqual(["worker"]);
        expect(graph.edgesFrom(mapping).every((e) => e.via === "literal")).toBe(true);
        const redrive = graph.ofType(T.sqsRedrivePolicy)[0];
        expect(names(graph.targets(redrive, "queueUrl"))).toEqual(["jobs"]);
        expect(names(graph.targets(redrive, "redrivePolicy"))).toEqual(["jobs-dlq"]);
        expect(graph.byLiteral(ref(input, "worker"))?.name).toBe("worker");
        expect(graph.byLiteral(UNKNOWN)).toBeUndefined();
        expect(graph.byLiteral("arn:aws:sqs:us-east-1:999999999999:elsewhere")).toBeUndefined();
    });

    test("unknown at preview: no literal edges from unknowns; property-dependency edges remain", async () => {
        const input = atFirstPreview(worker());
        const graph = await graphFrom(input);
        const all = graph.nodes.flatMap((n) => graph.edgesFrom(n));
        expect(all.length).toBeGreaterThan(0);
        expect(all.every((e) => e.via === "dependency")).toBe(true);
        const withoutDeps = await graphFrom(input.map((r) => ({ ...r, propertyDependencies: undefined })));
        expect(withoutDeps.nodes.flatMap((n) => withoutDeps.edgesFrom(n))).toEqual([]);
    });

    test("malformed: odd props, self-references and missing dependencies never throw", async () => {
        const input: StackResourceInput[] = [
            { type: T.sqsQueue, name: "a", props: { arn: 5, name: null, url: ["x"], redrivePolicy: { deep: { deeper: [null, "arn:aws:sqs:us-east-1:1:a"] } } } },
            { type: T.sqsQueue, name: "b", props: { arn: "arn:aws:sqs:us-east-1:1:b", policy: "arn:aws:sqs:us-east-1:1:b" }, propertyDependencies: { policy: ["b"] } },
        ];
        const graph = await graphFrom(input);
        expect(graph.nodes).toHaveLength(2);
        expect(graph.edgesFrom(graph.nodes[1])).toEqual([]);
    });

    test("built once per AnalyzeStack and shared: the same resources give the same graph within a turn", async () => {
        const input = worker();
        const seen: ResourceGraph[] = [];
        const probe = { name: "probe", description: "", enforcementLevel: "advisory", validateStack: (args: any) => void seen.push(graphOf(args), graphOf({ resources: [...args.resources] })) } as unknown as StackValidationPolicy;
        await analyzeStack(probe, input);
        expect(seen[0]).toBe(seen[1]);
        await analyzeStack(probe, input);
        expect(seen[2]).not.toBe(seen[0]);
    });

    test("unknown at preview: a preview and an update of the same stack analyzed side by side get their own graphs", async () => {
        const [known, preview] = await Promise.all([graphFrom(worker()), graphFrom(atFirstPreview(worker()))]);
        expect(known).not.toBe(preview);
        expect(preview.ofType(T.sqsQueue)[0].raw.arn).toBe(UNKNOWN);
        expect(known.ofType(T.sqsQueue)[0].raw.arn).toMatch(/^arn:aws:sqs:/);
    });

    test("linear build: resource reads grow in proportion to the stack (counted, not timed)", () => {
        const reads = (count: number) => {
            let n = 0;
            const counted = <O extends object>(target: O): O => new Proxy(target, { get: (t, k, r) => (n++, Reflect.get(t, k, r)) });
            const resources: PolicyResource[] = [];
            for (let i = 0; i < count; i++) {
                const queue = { type: T.sqsQueue, name: `q${i}`, urn: `urn:q${i}`, props: counted({ arn: `arn:aws:sqs:us-east-1:1:q${i}`, name: `q${i}` }), propertyDependencies: {} } as any;
                const fn = { type: T.lambdaFunction, name: `f${i}`, urn: `urn:f${i}`, props: counted({ arn: `arn:aws:lambda:us-east-1:1:function:f${i}`, name: `f${i}` }), propertyDependencies: {} } as any;
                const mapping = {
                    type: T.lambdaEventSourceMapping, name: `m${i}`, urn: `urn:m${i}`, parent: fn,
                    props: counted({ eventSourceArn: `arn:aws:sqs:us-east-1:1:q${i}`, functionName: `f${i}` }),
                    propertyDependencies: { eventSourceArn: [queue], functionName: [fn] },
                } as any;
                resources.push(counted(queue), counted(fn), counted(mapping));
            }
            const graph = new ResourceGraph(resources);
            for (const node of graph.ofType(T.sqsQueue)) graph.referrers(node, "eventSourceArn");
            return { reads: n, edges: graph.nodes.reduce((sum, node) => sum + graph.edgesFrom(node).length, 0) };
        };
        const small = reads(1000);
        const large = reads(10000);
        expect(small.edges).toBe(2 * 1000);
        expect(large.edges).toBe(2 * 10000);
        expect(large.reads / small.reads).toBeGreaterThan(9.5);
        expect(large.reads / small.reads).toBeLessThan(10.5);
    });
});
