import { sqsQueueDlq } from "../../../policies/failure-handling/sqs-queue-dlq";
import { T } from "../../../policies/lib/types";
import { atPlannedState, nowAndAtFirstPreview, ref, resource, survivesMalformed } from "../../helpers/graph-fixtures";
import { UNKNOWN, analyzeStack, urnOf } from "../../helpers/policy-harness";

const dlq = () => resource(T.sqsQueue, "orders-dlq", { messageRetentionSeconds: 1209600 });

function queueWithRedrive(maxReceiveCount: unknown = 5) {
    const graph = [dlq()];
    graph.push(resource(T.sqsQueue, "orders", { redrivePolicy: JSON.stringify({ deadLetterTargetArn: ref(graph, "orders-dlq"), maxReceiveCount }) }, { redrivePolicy: ["orders-dlq"] }));
    return graph;
}

function queueWithRedrivePolicyResource(maxReceiveCount = 5) {
    const graph = [dlq(), resource(T.sqsQueue, "orders")];
    graph.push(
        resource(
            T.sqsRedrivePolicy,
            "orders-redrive",
            { queueUrl: ref(graph, "orders", "url"), redrivePolicy: JSON.stringify({ deadLetterTargetArn: ref(graph, "orders-dlq"), maxReceiveCount }) },
            { queueUrl: ["orders"], redrivePolicy: ["orders-dlq"] },
        ),
    );
    return graph;
}

describe("sqs-queue-dlq", () => {
    test("compliant: redrive on the queue; the DLQ itself needs none", async () => {
        const { known, preview, planned } = await nowAndAtFirstPreview(sqsQueueDlq, queueWithRedrive());
        expect(known.violations).toEqual([]);
        expect(known.cantRunAtPreview).toBeUndefined();
        expect(preview.violations).toEqual([]);
        expect(planned.violations).toEqual([]);
    });

    test("compliant: redrive declared by an aws.sqs.RedrivePolicy", async () => {
        const { known, preview, planned } = await nowAndAtFirstPreview(sqsQueueDlq, queueWithRedrivePolicyResource());
        expect(known.violations).toEqual([]);
        expect(preview.violations).toEqual([]);
        expect(planned.violations).toEqual([]);
    });

    test("compliant: a queue that is an on-failure destination is a failure store, not a work queue", async () => {
        const graph = [resource(T.sqsQueue, "failures"), resource(T.lambdaFunction, "worker")];
        graph.push(
            resource(
                T.lambdaEventInvokeConfig,
                "worker-invoke",
                { functionName: ref(graph, "worker", "name"), destinationConfig: { onFailure: { destination: ref(graph, "failures") } } },
                { functionName: ["worker"], destinationConfig: ["failures"] },
            ),
        );
        const { known, preview, planned } = await nowAndAtFirstPreview(sqsQueueDlq, graph);
        expect(known.violations).toEqual([]);
        expect(preview.violations).toEqual([]);
        expect(planned.violations).toEqual([]);
    });

    test("violating: a queue without a redrive policy, reported on the queue", async () => {
        const { known, preview, planned } = await nowAndAtFirstPreview(sqsQueueDlq, [resource(T.sqsQueue, "orders")]);
        expect(known.violations).toHaveLength(1);
        expect(known.violations[0]).toMatch(/queue `orders` has no redrive policy/);
        expect(known.urns).toEqual([urnOf(T.sqsQueue, "orders")]);
        expect(preview.violations).toEqual(known.violations);
        expect(planned.violations).toEqual(known.violations);
        expect(preview.urns).toEqual(known.urns);
        expect(planned.urns).toEqual(known.urns);
    });

    test("first preview: `new aws.sqs.Queue(\"jobs\", {})` alone is reported in the planned state, where its redrivePolicy is unknown", async () => {
        const planned = atPlannedState([resource(T.sqsQueue, "jobs")]);
        expect(planned[0].props.redrivePolicy).toBe(UNKNOWN);
        const outcome = await analyzeStack(sqsQueueDlq, planned, {}, { asIs: true });
        expect(outcome.violations).toEqual([expect.stringMatching(/queue `jobs` has no redrive policy/)]);
        expect(outcome.cantRunAtPreview).toBeUndefined();
    });

    test("compliant: a queue declared a dead-letter queue (its redrive allow policy admits sources) needs no DLQ of its own", async () => {
        const allowAll = [resource(T.sqsQueue, "failed", { redriveAllowPolicy: JSON.stringify({ redrivePermission: "allowAll" }) })];
        const byResource = [resource(T.sqsQueue, "failed")];
        byResource.push(
            resource(T.sqsRedriveAllowPolicy, "failed-allow", { queueUrl: ref(byResource, "failed", "url"), redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: ["arn:aws:sqs:us-east-1:999999999999:jobs"] }) }, { queueUrl: ["failed"] }),
        );
        for (const graph of [allowAll, byResource]) {
            const { known, preview, planned } = await nowAndAtFirstPreview(sqsQueueDlq, graph);
            for (const outcome of [known, preview, planned]) expect(outcome.violations).toEqual([]);
        }
    });

    test("violating: a redrive allow policy that denies every source does not make a dead-letter queue", async () => {
        const { known, preview, planned } = await nowAndAtFirstPreview(sqsQueueDlq, [resource(T.sqsQueue, "closed", { redriveAllowPolicy: JSON.stringify({ redrivePermission: "denyAll" }) })]);
        for (const outcome of [known, preview, planned]) expect(outcome.violations).toEqual([expect.stringMatching(/queue `closed` has no redrive policy/)]);
    });

    test("violating: maxReceiveCount below minimumMaxReceiveCount names the DLQ", async () => {
        const outcome = await analyzeStack(sqsQueueDlq, queueWithRedrive(2));
        expect(outcome.violations).toHaveLength(1);
        expect(outcome.violations[0]).toMatch(/`orders` moves messages to queue `orders-dlq` after 2 receive/);
        expect((await analyzeStack(sqsQueueDlq, queueWithRedrivePolicyResource(3))).violations[0]).toMatch(/after 3 receive/);
        expect((await analyzeStack(sqsQueueDlq, queueWithRedrive(2), { minimumMaxReceiveCount: 2 })).violations).toEqual([]);
    });

    test("unknown at preview: the redrive document built from the DLQ's ARN is unknown; presence still judged, the count only once known", async () => {
        const { known, preview, planned } = await nowAndAtFirstPreview(sqsQueueDlq, [...queueWithRedrive(2), resource(T.sqsQueue, "audit")]);
        expect(preview.violations).toHaveLength(1);
        expect(planned.violations).toHaveLength(1);
        expect(preview.violations[0]).toMatch(/`audit` has no redrive policy/);
        expect(planned.violations[0]).toMatch(/`audit` has no redrive policy/);
        expect(preview.cantRunAtPreview).toBeUndefined();
        expect(planned.cantRunAtPreview).toBeUndefined();
        expect(known.violations).toHaveLength(2);
    });

    test("malformed: odd redrive documents give a message, odd graphs never throw", async () => {
        const graph = [resource(T.sqsQueue, "orders", { redrivePolicy: "{not json" })];
        expect((await analyzeStack(sqsQueueDlq, graph)).violations[0]).toMatch(/without a numeric `maxReceiveCount`/);
        expect((await analyzeStack(sqsQueueDlq, queueWithRedrive("many"))).violations[0]).toMatch(/without a numeric/);
        expect(await survivesMalformed(sqsQueueDlq, [...queueWithRedrive(), ...queueWithRedrivePolicyResource()])).toBe(40);
    });

    test("waiver: a waived queue is not reported, and the reason stays visible", async () => {
        const outcome = await analyzeStack(sqsQueueDlq, [resource(T.sqsQueue, "orders")], { waivers: [{ resource: "ord*", reason: "replayed from S3" }] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toBe("waived: orders: replayed from S3");
    });
});
