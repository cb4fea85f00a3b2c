import { apiThrottling } from "../../../policies/api-protection/api-throttling";
import { T } from "../../../policies/lib/types";
import { nowAndAtFirstPreview, ref, resource, survivesMalformed } from "../../helpers/graph-fixtures";
import { UNKNOWN, analyzeStack, type StackResourceInput } from "../../helpers/policy-harness";

const restStage = (): StackResourceInput[] => [
    resource(T.restApi, "api", { endpointConfiguration: { types: "REGIONAL" } }),
    resource(T.restApiStage, "prod", { restApi: "api-id", stageName: "prod", deployment: "dep" }, { restApi: ["api"] }),
];

function withMethodSettings(settings: Record<string, unknown>, methodPath = "*/*", byDependency = true): StackResourceInput[] {
    const graph = restStage();
    graph.push(
        resource(
            T.restApiMethodSettings,
            "prod-settings",
            { restApi: ref(graph, "api", "id"), stageName: "prod", methodPath, settings },
            byDependency ? { restApi: ["api"], stageName: ["prod"] } : { restApi: ["api"] },
        ),
    );
    return graph;
}

function withUsagePlan(throttleSettings: Record<string, unknown>): StackResourceInput[] {
    const graph = restStage();
    graph.push(resource(T.restApiUsagePlan, "plan", { apiStages: [{ apiId: ref(graph, "api", "id"), stage: "prod" }], throttleSettings }, { apiStages: ["api", "prod"] }));
    return graph;
}

const httpStage = (settings?: Record<string, unknown>): StackResourceInput[] => [
    resource(T.httpApi, "http", { protocolType: "HTTP" }),
    resource(T.httpApiStage, "default", { apiId: "http-id", name: "$default", autoDeploy: true, ...(settings ? { defaultRouteSettings: settings } : {}) }, { apiId: ["http"] }),
];

const run = (graph: StackResourceInput[], config?: Record<string, unknown>) => analyzeStack(apiThrottling, graph, config);

describe("api-throttling", () => {
    test("compliant: REST stage with */* method settings or a usage plan, HTTP stage with default route limits, now and at a first preview", async () => {
        const graphs = [
            withMethodSettings({ throttlingBurstLimit: 100, throttlingRateLimit: 50 }),
            withMethodSettings({ throttlingBurstLimit: 100, throttlingRateLimit: 50 }, "*/*", false),
            withUsagePlan({ burstLimit: 20, rateLimit: 10 }),
            httpStage({ throttlingBurstLimit: 100, throttlingRateLimit: 50 }),
        ];
        for (const graph of graphs) {
            const { known, preview, planned } = await nowAndAtFirstPreview(apiThrottling, graph);
            expect(known.violations).toEqual([]);
            expect(preview.violations).toEqual([]);
            expect(planned.violations).toEqual([]);
        }
    });

    test("violating: REST stage without throttling, reported on the stage, now and at a first preview", async () => {
        const graphs = [
            restStage(),
            withMethodSettings({ throttlingBurstLimit: -1, throttlingRateLimit: -1 }),
            withMethodSettings({ throttlingBurstLimit: 100 }),
            withMethodSettings({ throttlingBurstLimit: 100, throttlingRateLimit: 50 }, "orders/GET"),
            withUsagePlan({ burstLimit: 0, rateLimit: 10 }),
        ];
        for (const graph of graphs) {
            const { known, preview, planned } = await nowAndAtFirstPreview(apiThrottling, graph);
            for (const outcome of [known, preview, planned]) {
                expect(outcome.violations).toEqual([expect.stringMatching(/REST API stage `prod` is not throttled: add an `aws.apigateway.MethodSettings`.*`\*\/\*`/)]);
                expect(outcome.urns[0]).toBe("urn:pulumi:test::test::aws:apigateway/stage:Stage::prod");
            }
        }
    });

    test("violating: HTTP stage without both default route limits", async () => {
        for (const graph of [httpStage(), httpStage({ throttlingBurstLimit: 10 }), httpStage({ throttlingBurstLimit: 0, throttlingRateLimit: 5 })]) {
            const { known, preview, planned } = await nowAndAtFirstPreview(apiThrottling, graph);
            for (const outcome of [known, preview, planned]) expect(outcome.violations).toEqual([expect.stringMatching(/HTTP API stage `default` is not throttled.*defaultRouteSettings\.throttlingBurstLimit/)]);
        }
    });

    test("violating: method settings of another stage do not count", async () => {
        const graph = withMethodSettings({ throttlingBurstLimit: 100, throttlingRateLimit: 50 }, "*/*", false);
        graph[2].props.stageName = "staging";
        expect((await run(graph)).violations).toHaveLength(1);
    });

    test("unknown at preview: unknown limits get the engine's can't-run advisory, other stages are judged", async () => {
        const graph = [...withMethodSettings({ throttlingBurstLimit: UNKNOWN, throttlingRateLimit: 50 }), ...httpStage()];
        const outcome = await run(graph);
        expect(outcome.violations).toEqual([expect.stringMatching(/HTTP API stage `default`/)]);
        expect(outcome.cantRunAtPreview).toMatch(/settings\.throttlingBurstLimit/);
    });

    test("malformed: odd props never make it throw", async () => {
        expect(await survivesMalformed(apiThrottling, [...withMethodSettings({ throttlingBurstLimit: 1, throttlingRateLimit: 1 }), ...httpStage({ throttlingBurstLimit: 1, throttlingRateLimit: 1 })])).toBe(40);
        expect((await run(httpStage({ throttlingBurstLimit: "lots", throttlingRateLimit: [] }))).violations).toHaveLength(1);
    });

    test("waiver: a waived stage is not applicable, with the reason", async () => {
        const outcome = await run(restStage(), { waivers: [{ resource: "prod", reason: "throttled by the upstream proxy" }] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toBe("waived: prod: throttled by the upstream proxy");
    });
});
