import { stateMachineObservability } from "../../../policies/observability/state-machine-observability";
import { T } from "../../../policies/lib/types";
import { nowAndAtFirstPreview, resource, survivesMalformed } from "../../helpers/graph-fixtures";
import { UNKNOWN, analyzeStack, type StackResourceInput } from "../../helpers/policy-harness";

const GROUP_ARN = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/states/orders";
const ROLE = "arn:aws:iam::123456789012:role/orders-flow";

const run = (graph: StackResourceInput[], config?: Record<string, unknown>) => analyzeStack(stateMachineObservability, graph, config);

/** A state machine logging to a log group of the stack (`${group.arn}:*`), traced. */
function machine(props: Record<string, unknown> = {}, deps: Record<string, string[]> = { loggingConfiguration: ["orders-flow-logs"] }): StackResourceInput[] {
    return [
        resource(T.logGroup, "orders-flow-logs", { name: "/aws/states/orders", arn: GROUP_ARN, retentionInDays: 30 }),
        resource(
            T.sfnStateMachine,
            "orders-flow",
            {
                roleArn: ROLE,
                definition: '{"StartAt":"Done","States":{"Done":{"Type":"Succeed"}}}',
                loggingConfiguration: { level: "ERROR", includeExecutionData: true, logDestination: `${GROUP_ARN}:*` },
                tracingConfiguration: { enabled: true },
                ...props,
            },
            deps,
        ),
    ];
}

const URN = "urn:pulumi:test::test::aws:sfn/stateMachine:StateMachine::orders-flow";

describe("state-machine-observability", () => {
    test("compliant: logs at ERROR to a log group of the stack, traced; now, at the checker's preview and in the planned state", async () => {
        const { known, preview, planned } = await nowAndAtFirstPreview(stateMachineObservability, machine());
        for (const outcome of [known, preview, planned]) {
            expect(outcome.violations).toEqual([]);
            expect(outcome.cantRunAtPreview).toBeUndefined();
        }
    });

    test("compliant: ALL, and a known log-group ARN of another stack", async () => {
        const other = machine({ loggingConfiguration: { level: "ALL", logDestination: "arn:aws:logs:us-east-1:123456789012:log-group:/platform/flows:*" } }, {});
        expect((await run(other)).violations).toEqual([]);
        expect((await run(machine({}, {}))).violations).toEqual([]); // the stack's group matched by its known ARN
    });

    test("violating: no logging and no tracing, two findings on the state machine, now, at the checker's preview and in the planned state", async () => {
        const graph = machine({ loggingConfiguration: undefined, tracingConfiguration: undefined }, {});
        const { known, preview, planned } = await nowAndAtFirstPreview(stateMachineObservability, graph);
        for (const outcome of [known, preview, planned]) {
            expect(outcome.violations).toEqual([
                expect.stringMatching(/^State machine `orders-flow` has no `loggingConfiguration`: failed executions leave no searchable record/),
                expect.stringMatching(/^State machine `orders-flow` does not trace with X-Ray.*`tracingConfiguration: \{ enabled: true \}`/),
            ]);
            expect(outcome.urns).toEqual([URN, URN]);
        }
    });

    test("violating: an Express workflow says it keeps no history", async () => {
        const outcome = await run(machine({ type: "EXPRESS", loggingConfiguration: undefined }, {}));
        expect(outcome.violations).toEqual([expect.stringMatching(/an Express workflow keeps no execution history/)]);
    });

    test.each([
        ["OFF", { level: "OFF", logDestination: `${GROUP_ARN}:*` }, /`loggingConfiguration.level` is `OFF`, below `ERROR`/],
        ["FATAL", { level: "FATAL", logDestination: `${GROUP_ARN}:*` }, /is `FATAL`, below `ERROR`/],
        ["no level", { logDestination: `${GROUP_ARN}:*` }, /`loggingConfiguration.level` is not set/],
        ["no destination", { level: "ALL" }, /`loggingConfiguration.logDestination` is not set/],
        ["a destination that is not a log group", { level: "ALL", logDestination: "arn:aws:s3:::logs-bucket" }, /is not a CloudWatch Logs log group ARN/],
    ])("violating: %s", async (_case, loggingConfiguration, message) => {
        const outcome = await run(machine({ loggingConfiguration }, {}));
        expect(outcome.violations).toEqual([expect.stringMatching(message)]);
        expect(outcome.violations[0]).toMatch(/^State machine `orders-flow` logs too little/);
    });

    test("violating: tracing off; config raises the level and can drop the tracing requirement", async () => {
        expect((await run(machine({ tracingConfiguration: { enabled: false } }))).violations).toEqual([expect.stringMatching(/does not trace/)]);
        expect((await run(machine(), { minimumLogLevel: "ALL" })).violations).toEqual([expect.stringMatching(/is `ERROR`, below `ALL`/)]);
        expect((await run(machine({ tracingConfiguration: undefined }), { requireTracing: false })).violations).toEqual([]);
        expect((await run(machine({ loggingConfiguration: { level: "FATAL", logDestination: `${GROUP_ARN}:*` } }), { minimumLogLevel: "FATAL" })).violations).toEqual([]);
    });

    test("unknown at preview: the planned state's unknown blocks that no resource produced read as not set", async () => {
        // A first preview: the provider's planned state has both Optional+Computed blocks unknown when the program set neither.
        const graph = machine({ loggingConfiguration: UNKNOWN, tracingConfiguration: UNKNOWN }, {});
        const outcome = await run(graph);
        expect(outcome.violations).toHaveLength(2);
        expect(outcome.cantRunAtPreview).toBeUndefined();
    });

    test("unknown at preview: a destination from the stack's log group passes through the graph; a level from another resource's output gets the can't-run advisory", async () => {
        const graph = machine({ loggingConfiguration: { level: "ERROR", logDestination: UNKNOWN } });
        const throughGraph = await run(graph);
        expect(throughGraph.violations).toEqual([]);
        expect(throughGraph.cantRunAtPreview).toBeUndefined();
        const fromOutput = machine({ loggingConfiguration: { level: UNKNOWN, logDestination: UNKNOWN } });
        const outcome = await run(fromOutput);
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toMatch(/level/);
        // Tracing is still judged when logging cannot be.
        const both = machine({ loggingConfiguration: { level: UNKNOWN, logDestination: UNKNOWN }, tracingConfiguration: { enabled: false } });
        const mixed = await run(both);
        expect(mixed.violations).toEqual([expect.stringMatching(/does not trace/)]);
        expect(mixed.cantRunAtPreview).toMatch(/level/);
    });

    test("unknown at preview: an unknown destination from a resource that is not a log group gets the can't-run advisory", async () => {
        const graph = [resource(T.s3Bucket, "archive"), ...machine({ loggingConfiguration: { level: "ERROR", logDestination: UNKNOWN } }, { loggingConfiguration: ["archive"] })];
        const outcome = await run(graph);
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toMatch(/logDestination/);
    });

    test("malformed: odd props never make it throw", async () => {
        expect(await survivesMalformed(stateMachineObservability, machine())).toBe(40);
        for (const loggingConfiguration of ["ALL", [], [{ level: "ALL" }], { level: 3, logDestination: 5 }, { level: "EVERYTHING", logDestination: `${GROUP_ARN}:*` }]) {
            expect((await run(machine({ loggingConfiguration }, {}))).violations).toHaveLength(1);
        }
        for (const tracingConfiguration of ["on", { enabled: "yes" }, [true]]) {
            expect((await run(machine({ tracingConfiguration }))).violations).toHaveLength(1);
        }
    });

    test("waiver", async () => {
        const outcome = await run(machine({ tracingConfiguration: undefined }), { waivers: [{ resource: "orders-flow", reason: "traced by OpenTelemetry" }] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toBe("waived: orders-flow: traced by OpenTelemetry");
    });
});
