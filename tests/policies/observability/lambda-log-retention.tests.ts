import { lambdaLogRetention } from "../../../policies/observability/lambda-log-retention";
import { T } from "../../../policies/lib/types";
import { nowAndAtFirstPreview, ref, resource, survivesMalformed } from "../../helpers/graph-fixtures";
import { UNKNOWN, analyzeStack, type StackResourceInput } from "../../helpers/policy-harness";

const fn = (name = "worker", props: Record<string, unknown> = {}, deps?: Record<string, string[]>) =>
    resource(T.lambdaFunction, name, { runtime: "nodejs22.x", role: "arn:aws:iam::123456789012:role/r", ...props }, deps);

/** A function and the group `/aws/lambda/<its name>`, its name interpolated from the function's `name` output. */
function withGroup(retention?: number): StackResourceInput[] {
    const graph = [fn()];
    graph.push(resource(T.logGroup, "worker-logs", { name: `/aws/lambda/${ref(graph, "worker", "name")}`, ...(retention !== undefined ? { retentionInDays: retention } : {}) }, { name: ["worker"] }));
    return graph;
}

const run = (graph: StackResourceInput[], config?: Record<string, unknown>) => analyzeStack(lambdaLogRetention, graph, config);

describe("lambda-log-retention", () => {
    test("compliant: a `/aws/lambda/<name>` group with retention, now and at a first preview", async () => {
        const { known, preview, planned } = await nowAndAtFirstPreview(lambdaLogRetention, withGroup(30));
        expect(known.violations).toEqual([]);
        expect(preview.violations).toEqual([]);
        expect(planned.violations).toEqual([]);
        expect(preview.cantRunAtPreview).toBeUndefined();
        expect(planned.cantRunAtPreview).toBeUndefined();
    });

    test("compliant: `loggingConfig.logGroup` from a group with retention, and a group in another stack", async () => {
        const graph: StackResourceInput[] = [resource(T.logGroup, "shared", { name: "/app/shared", retentionInDays: 14 })];
        graph.push(fn("worker", { loggingConfig: { logFormat: "JSON", logGroup: "/app/shared" } }, { loggingConfig: ["shared"] }));
        const { known, preview, planned } = await nowAndAtFirstPreview(lambdaLogRetention, graph);
        expect(known.violations).toEqual([]);
        expect(preview.violations).toEqual([]);
        expect(planned.violations).toEqual([]);
        expect((await run([fn("worker", { loggingConfig: { logFormat: "JSON", logGroup: "/platform/logs" } })])).violations).toEqual([]);
    });

    test("violating: no log group, reported on the function, now and at a first preview", async () => {
        const { known, preview, planned } = await nowAndAtFirstPreview(lambdaLogRetention, [fn()]);
        for (const outcome of [known, preview, planned]) {
            expect(outcome.violations).toHaveLength(1);
            expect(outcome.violations[0]).toMatch(/Function `worker` has no log group.*retentionInDays/);
            expect(outcome.urns[0]).toBe("urn:pulumi:test::test::aws:lambda/function:Function::worker");
        }
    });

    test("violating: the group keeps logs forever (unset, or the provider's 0), reported on the group", async () => {
        const { known, preview, planned } = await nowAndAtFirstPreview(lambdaLogRetention, withGroup());
        for (const outcome of [known, preview, planned]) {
            expect(outcome.violations).toHaveLength(1);
            expect(outcome.violations[0]).toMatch(/Log group `worker-logs` of function `worker` has no `retentionInDays`/);
            expect(outcome.urns[0]).toBe("urn:pulumi:test::test::aws:cloudwatch/logGroup:LogGroup::worker-logs");
        }
        expect((await run(withGroup(0))).violations).toHaveLength(1);
    });

    test("violating: a literal function name matched to a literal group name", async () => {
        const graph = [fn("named", { name: "orders-api" }), resource(T.logGroup, "named-logs", { name: "/aws/lambda/orders-api" })];
        expect((await run(graph)).violations[0]).toMatch(/Log group `named-logs`/);
        graph[1].props.retentionInDays = 7;
        expect((await run(graph)).violations).toEqual([]);
    });

    test("unknown at preview: a retention set from an unknown output gets the engine's can't-run advisory, other functions are still judged", async () => {
        const graph = [...withGroup(), fn("other"), resource("aws:ssm/parameter:Parameter", "settings")];
        graph[1].props.retentionInDays = UNKNOWN;
        graph[1].propertyDependencies = { ...graph[1].propertyDependencies, retentionInDays: ["settings"] };
        const outcome = await run(graph);
        expect(outcome.violations).toHaveLength(1);
        expect(outcome.violations[0]).toMatch(/Function `other`/);
        expect(outcome.cantRunAtPreview).toMatch(/retentionInDays/);
    });

    test("malformed: odd props never make it throw", async () => {
        expect(await survivesMalformed(lambdaLogRetention, [...withGroup(30), fn("x", { loggingConfig: { logGroup: 5 } })])).toBe(40);
        expect((await run([...withGroup(), fn("y", { loggingConfig: "nope" })].map((r) => (r.name === "worker-logs" ? { ...r, props: { ...r.props, retentionInDays: "forever" } } : r)))).violations).toHaveLength(2);
    });

    test("waiver: a waived function or group is not applicable, with the reason", async () => {
        const outcome = await run(withGroup(), { waivers: [{ resource: "worker-logs", reason: "audit logs kept forever" }] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toBe("waived: worker-logs: audit logs kept forever");
    });
});
