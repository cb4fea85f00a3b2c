import { logGroupRetention } from "../../../policies/observability/log-group-retention";
import { T } from "../../../policies/lib/types";
import { atFirstPreview, nowAndAtFirstPreview, resource, survivesMalformed } from "../../helpers/graph-fixtures";
import { UNKNOWN, analyzeStack, type StackResourceInput } from "../../helpers/policy-harness";

const ARN = "arn:aws:logs:us-east-1:123456789012:log-group:";
const logGroup = (name: string, props: Record<string, unknown> = {}, deps?: Record<string, string[]>) =>
    resource(T.logGroup, name, { name, arn: `${ARN}${name}`, ...props }, deps);
const run = (graph: StackResourceInput[], config?: Record<string, unknown>) => analyzeStack(logGroupRetention, graph, config);

/** A REST API stage writing access logs to a group, and method settings that may turn execution logs on. */
function restApi(options: { loggingLevel?: string; executionGroup?: boolean; accessRetention?: number } = {}): StackResourceInput[] {
    const graph: StackResourceInput[] = [
        resource(T.restApi, "api", { id: "a1b2c3", name: "orders-api" }),
        logGroup("api-access", options.accessRetention === undefined ? { retentionInDays: 30 } : { retentionInDays: options.accessRetention }),
    ];
    graph.push(
        resource(
            T.restApiStage,
            "prod",
            { restApi: "a1b2c3", stageName: "prod", deployment: "dep", accessLogSettings: { destinationArn: `${ARN}api-access`, format: "{}" } },
            { restApi: ["api"], accessLogSettings: ["api-access"] },
        ),
        resource(
            T.restApiMethodSettings,
            "prod-settings",
            { restApi: "a1b2c3", stageName: "prod", methodPath: "*/*", settings: { metricsEnabled: true, ...(options.loggingLevel ? { loggingLevel: options.loggingLevel } : {}) } },
            { restApi: ["api"], stageName: ["prod"] },
        ),
    );
    if (options.executionGroup) {
        graph.push(logGroup("API-Gateway-Execution-Logs_a1b2c3/prod", { retentionInDays: 14 }, { name: ["api", "prod"] }));
    }
    return graph;
}

/** A function whose log group (given through `loggingConfig`) has no retention: lambda-log-retention's finding. */
function functionWithGroup(): StackResourceInput[] {
    const group = logGroup("worker-logs");
    const fn = resource(T.lambdaFunction, "worker", { runtime: "nodejs24.x", loggingConfig: { logFormat: "JSON", logGroup: "worker-logs" } }, { loggingConfig: ["worker-logs"] });
    return [group, fn];
}

describe("log-group-retention", () => {
    test("compliant: access-log and execution-log groups with retention, now, at the checker's preview and in the planned state", async () => {
        for (const graph of [restApi(), restApi({ loggingLevel: "INFO", executionGroup: true }), restApi({ loggingLevel: "OFF" })]) {
            const { known, preview, planned } = await nowAndAtFirstPreview(logGroupRetention, graph);
            for (const outcome of [known, preview, planned]) {
                expect(outcome.violations).toEqual([]);
                expect(outcome.cantRunAtPreview).toBeUndefined();
            }
        }
    });

    test("compliant: a function's own group is left to lambda-log-retention, a DELIVERY-class group to the provider", async () => {
        const { known, preview, planned } = await nowAndAtFirstPreview(logGroupRetention, [...functionWithGroup(), logGroup("vended", { logGroupClass: "DELIVERY" })]);
        for (const outcome of [known, preview, planned]) expect(outcome.violations).toEqual([]);
    });

    test("violating: a group with no retention, or the provider's 0, reported on the group, now, at the checker's preview and in the planned state", async () => {
        const { known, preview, planned } = await nowAndAtFirstPreview(logGroupRetention, [logGroup("audit"), logGroup("state-machine-logs", { retentionInDays: 0 })]);
        for (const outcome of [known, preview, planned]) {
            expect(outcome.violations).toEqual([
                expect.stringMatching(/^Log group `audit` has no `retentionInDays`, so its logs are kept, and billed, forever/),
                expect.stringMatching(/^Log group `state-machine-logs` has no `retentionInDays`/),
            ]);
            expect(outcome.urns).toEqual(["urn:pulumi:test::test::aws:cloudwatch/logGroup:LogGroup::audit", "urn:pulumi:test::test::aws:cloudwatch/logGroup:LogGroup::state-machine-logs"]);
        }
        expect((await run(restApi({ accessRetention: 0 }))).violations).toEqual([expect.stringMatching(/Log group `api-access`/)]);
    });

    test("violating: execution logs turned on with no group of the stack, reported once on the stage", async () => {
        const graph = restApi({ loggingLevel: "INFO" });
        graph.push(resource(T.restApiMethodSettings, "prod-orders", { restApi: "a1b2c3", stageName: "prod", methodPath: "orders/POST", settings: { loggingLevel: "ERROR" } }, { restApi: ["api"], stageName: ["prod"] }));
        const { known, preview, planned } = await nowAndAtFirstPreview(logGroupRetention, graph);
        expect(known.violations).toEqual([expect.stringMatching(/^Method settings `prod-settings` turn on execution logs \(`loggingLevel` INFO\), so API Gateway creates `API-Gateway-Execution-Logs_a1b2c3\/prod`/)]);
        expect(known.urns).toEqual(["urn:pulumi:test::test::aws:apigateway/stage:Stage::prod"]);
        for (const outcome of [preview, planned]) {
            expect(outcome.violations).toEqual([expect.stringMatching(/creates `API-Gateway-Execution-Logs_<rest api id>\/prod` with logs kept forever/)]);
            expect(outcome.urns).toEqual(known.urns);
        }
    });

    test("violating: an access-log group named from the API is not taken for the execution-log group", async () => {
        const graph = restApi({ loggingLevel: "ERROR" });
        graph[1] = logGroup("api-access", { name: "/aws/apigateway/a1b2c3/access", retentionInDays: 30 }, { name: ["api"] });
        const { known, preview, planned } = await nowAndAtFirstPreview(logGroupRetention, graph);
        for (const outcome of [known, preview, planned]) expect(outcome.violations).toEqual([expect.stringMatching(/turn on execution logs/)]);
    });

    test("compliant: execution logs of a REST API of another stack, matched by the known group name", async () => {
        const graph = [
            resource(T.restApiMethodSettings, "shared-settings", { restApi: "zz9", stageName: "live", methodPath: "*/*", settings: { loggingLevel: "INFO" } }),
            logGroup("API-Gateway-Execution-Logs_zz9/live", { retentionInDays: 7 }),
        ];
        expect((await run(graph)).violations).toEqual([]);
        expect((await run(graph.slice(0, 1))).violations).toEqual([expect.stringMatching(/API-Gateway-Execution-Logs_zz9\/live/)]);
    });

    test("unknown at preview: a retention from another resource's output gets the can't-run advisory, the rest is still judged", async () => {
        const graph = [resource(T.restApi, "config"), logGroup("computed", { retentionInDays: UNKNOWN }, { retentionInDays: ["config"] }), logGroup("forever")];
        const outcome = await run(graph);
        expect(outcome.violations).toEqual([expect.stringMatching(/Log group `forever`/)]);
        expect(outcome.cantRunAtPreview).toMatch(/retentionInDays/);
    });

    test("unknown at preview: the planned state's unknowns that no resource produced read as unset", async () => {
        // At a first preview every Optional+Computed attribute the program did not set is unknown (MethodSettings
        // `settings.loggingLevel`), with no propertyDependencies entry.
        const graph = atFirstPreview(restApi());
        const settings = graph.find((r) => r.name === "prod-settings")!;
        settings.props.settings = { metricsEnabled: true, loggingLevel: UNKNOWN, dataTraceEnabled: UNKNOWN };
        const unsetRetention = logGroup("planned", { retentionInDays: UNKNOWN });
        const outcome = await run([...graph, unsetRetention]);
        expect(outcome.violations).toEqual([expect.stringMatching(/Log group `planned`/)]);
        expect(outcome.cantRunAtPreview).toBeUndefined();
    });

    test("unknown at preview: a logging level from another resource's output gets the can't-run advisory", async () => {
        const graph = restApi();
        const settings = graph.find((r) => r.name === "prod-settings")!;
        settings.props.settings = { loggingLevel: UNKNOWN };
        settings.propertyDependencies = { ...settings.propertyDependencies, settings: ["api"] };
        const outcome = await run(graph);
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toMatch(/loggingLevel/);
    });

    test("malformed: odd props never make it throw", async () => {
        expect(await survivesMalformed(logGroupRetention, [...restApi({ loggingLevel: "INFO", executionGroup: true }), ...functionWithGroup()])).toBe(40);
        const odd = [logGroup("a", { retentionInDays: "forever" }), logGroup("b", { retentionInDays: -7 }), logGroup("c", { retentionInDays: [30] })];
        expect((await run(odd)).violations).toHaveLength(3);
        const oddSettings = restApi();
        oddSettings[3].props.settings = "INFO";
        expect((await run(oddSettings)).violations).toEqual([]);
    });

    test("waiver: a waived group is not applicable, with the reason", async () => {
        const outcome = await run([logGroup("audit")], { waivers: [{ resource: "audit", reason: "kept seven years by law, archived by the platform" }] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toBe("waived: audit: kept seven years by law, archived by the platform");
    });
});
