import { dlqRetention } from "../../../policies/failure-handling/dlq-retention";
import { T } from "../../../policies/lib/types";
import { nowAndAtFirstPreview, ref, resource, survivesMalformed } from "../../helpers/graph-fixtures";
import type { StackResourceInput } from "../../helpers/policy-harness";
import { analyzeStack, urnOf } from "../../helpers/policy-harness";

function queueWithDlq(source: Record<string, unknown>, dlq: Record<string, unknown>): StackResourceInput[] {
    const graph = [resource(T.sqsQueue, "orders-dlq", dlq)];
    graph.push(resource(T.sqsQueue, "orders", { ...source, redrivePolicy: JSON.stringify({ deadLetterTargetArn: ref(graph, "orders-dlq"), maxReceiveCount: 5 }) }, { redrivePolicy: ["orders-dlq"] }));
    return graph;
}

describe("dlq-retention", () => {
    test("compliant: DLQ keeps 14 days, longer than its source queue (default 4 days)", async () => {
        const { known, preview, planned } = await nowAndAtFirstPreview(dlqRetention, queueWithDlq({}, { messageRetentionSeconds: 1209600 }));
        expect(known.violations).toEqual([]);
        expect(preview.violations).toEqual([]);
        expect(planned.violations).toEqual([]);
        expect(preview.cantRunAtPreview).toBeUndefined();
        expect(planned.cantRunAtPreview).toBeUndefined();
    });

    test("compliant: a FIFO source resets the age on the move, so equal retention is fine", async () => {
        const graph = queueWithDlq({ fifoQueue: true, messageRetentionSeconds: 1209600 }, { fifoQueue: true, messageRetentionSeconds: 1209600 });
        expect((await nowAndAtFirstPreview(dlqRetention, graph)).preview.violations).toEqual([]);
    });

    test("violating: DLQ at the provider default (4 days) is below minimumSeconds and no longer than its source", async () => {
        const { known, preview, planned } = await nowAndAtFirstPreview(dlqRetention, queueWithDlq({}, {}));
        expect(known.violations).toHaveLength(2);
        expect(known.violations[0]).toMatch(/queue `orders-dlq` keeps messages 345600 s, no longer than its source queue `orders` \(345600 s\)/);
        expect(known.violations[1]).toMatch(/dead-letter queue of queue `orders` but keeps messages only 345600 s.*at least 1209600/);
        expect(known.urns).toEqual([urnOf(T.sqsQueue, "orders-dlq"), urnOf(T.sqsQueue, "orders-dlq")]);
        expect(preview.violations).toEqual(known.violations);
        expect(planned.violations).toEqual(known.violations);
    });

    test("violating: standard source keeping as long as its DLQ; other failure stores below minimumSeconds", async () => {
        const graph = queueWithDlq({ messageRetentionSeconds: 1209600 }, { messageRetentionSeconds: 1209600 });
        graph.push(resource(T.sqsQueue, "fn-dlq", { messageRetentionSeconds: 86400 }));
        graph.push(resource(T.lambdaFunction, "worker", { deadLetterConfig: { targetArn: ref(graph, "fn-dlq") } }, { deadLetterConfig: ["fn-dlq"] }));
        const { known, preview, planned } = await nowAndAtFirstPreview(dlqRetention, graph);
        expect(known.violations).toHaveLength(2);
        expect(known.violations[0]).toMatch(/`orders-dlq` keeps messages 1209600 s, no longer than its source/);
        expect(known.violations[1]).toMatch(/queue `fn-dlq` is the dead-letter target of function `worker` but keeps messages only 86400 s/);
        expect(preview.violations).toEqual(known.violations);
        expect(planned.violations).toEqual(known.violations);
        expect((await analyzeStack(dlqRetention, graph, { minimumSeconds: 86400 })).violations).toHaveLength(1);
    });

    test("unknown at preview: an unknown retention gives the engine's advisory; other queues still judged", async () => {
        const graph = queueWithDlq({}, { messageRetentionSeconds: "3eeb2bf0-c639-47a8-9e75-3b44932eb421" });
        graph.push(resource(T.sqsQueue, "fn-dlq", { messageRetentionSeconds: 60 }));
        graph.push(resource(T.lambdaFunction, "worker", { deadLetterConfig: { targetArn: ref(graph, "fn-dlq") } }, { deadLetterConfig: ["fn-dlq"] }));
        const outcome = await analyzeStack(dlqRetention, graph);
        expect(outcome.violations).toHaveLength(1);
        expect(outcome.violations[0]).toMatch(/`fn-dlq`/);
        expect(outcome.cantRunAtPreview).toMatch(/messageRetentionSeconds/);
    });

    test("malformed: odd retention values and graphs never throw", async () => {
        expect((await analyzeStack(dlqRetention, queueWithDlq({ messageRetentionSeconds: "long" }, { messageRetentionSeconds: [1] }))).violations.length).toBeGreaterThan(0);
        expect(await survivesMalformed(dlqRetention, queueWithDlq({ messageRetentionSeconds: 60 }, { messageRetentionSeconds: 120 }))).toBe(40);
    });

    test("waiver: a waived DLQ is not reported", async () => {
        const outcome = await analyzeStack(dlqRetention, queueWithDlq({}, {}), { waivers: [{ resource: "orders-dlq", reason: "short-lived test stack" }] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toMatch(/short-lived test stack/);
    });
});
