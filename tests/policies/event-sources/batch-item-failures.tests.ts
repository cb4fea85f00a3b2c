import { batchItemFailures } from "../../../policies/event-sources/batch-item-failures";
import { T } from "../../../policies/lib/types";
import { UNKNOWN, analyze, remediate } from "../../helpers/policy-harness";

const QUEUE = "arn:aws:sqs:eu-west-1:123456789012:jobs";

const mapping = (props: Record<string, unknown>, config?: Record<string, unknown>) =>
    analyze(batchItemFailures, { type: T.lambdaEventSourceMapping, name: "jobs", props: { functionName: "worker", eventSourceArn: QUEUE, ...props }, config });

describe("batch-item-failures", () => {
    test("compliant: ReportBatchItemFailures on an SQS or stream source", async () => {
        expect((await mapping({ functionResponseTypes: ["ReportBatchItemFailures"] })).violations).toEqual([]);
        expect((await mapping({ startingPosition: "LATEST", functionResponseTypes: ["ReportBatchItemFailures"] })).violations).toEqual([]);
    });

    test("compliant: batchSize 1, or a source that has no batch item failures (MQ)", async () => {
        expect((await mapping({ batchSize: 1 })).violations).toEqual([]);
        expect((await mapping({ eventSourceArn: "arn:aws:mq:eu-west-1:123456789012:broker:b:b-1", queues: ["q"] })).violations).toEqual([]);
    });

    test("violating: the type is missing", async () => {
        const { violations } = await mapping({ batchSize: 10 });
        expect(violations).toEqual([expect.stringMatching(/`functionResponseTypes` lacks `ReportBatchItemFailures`/)]);
        expect((await mapping({ functionResponseTypes: [] })).violations).toHaveLength(1);
        expect((await mapping({ startingPosition: "LATEST" })).violations).toHaveLength(1);
    });

    test("unknown at preview: the type listed next to an unknown entry still passes", async () => {
        const outcome = await mapping({ eventSourceArn: UNKNOWN, functionResponseTypes: [UNKNOWN, "ReportBatchItemFailures"] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toBeUndefined();
    });

    test("unknown at preview: an unknown list or batch size that decides gives the can't-run advisory", async () => {
        expect((await mapping({ functionResponseTypes: UNKNOWN })).cantRunAtPreview).toMatch(/functionResponseTypes/);
        const outcome = await mapping({ batchSize: UNKNOWN });
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toMatch(/batchSize/);
    });

    test("malformed: odd values never throw", async () => {
        for (const functionResponseTypes of [null, "ReportBatchItemFailures", { 0: "ReportBatchItemFailures" }, [null, 3, {}]]) {
            expect((await mapping({ functionResponseTypes })).violations).toHaveLength(1);
        }
        expect((await mapping({ batchSize: "one" })).violations).toHaveLength(1);
    });

    test("waiver", async () => {
        const outcome = await mapping({}, { waivers: [{ resource: "jobs", reason: "handler is all-or-nothing by design" }] });
        expect(outcome.notApplicable).toBe("waived: handler is all-or-nothing by design");
    });

    test("remediation adds the type (keeping others) and the result passes", async () => {
        const fixed = await remediate(batchItemFailures, { type: T.lambdaEventSourceMapping, props: { eventSourceArn: QUEUE, functionResponseTypes: [] } });
        expect(fixed?.functionResponseTypes).toEqual(["ReportBatchItemFailures"]);
        expect((await mapping(fixed!)).violations).toEqual([]);
        const malformed = await remediate(batchItemFailures, { type: T.lambdaEventSourceMapping, props: { eventSourceArn: QUEUE, functionResponseTypes: "x" } });
        expect(malformed?.functionResponseTypes).toEqual(["ReportBatchItemFailures"]);
    });

    test("remediation leaves unknowns, compliant and single-record mappings alone", async () => {
        for (const props of [{ functionResponseTypes: UNKNOWN }, { functionResponseTypes: ["ReportBatchItemFailures"] }, { batchSize: 1 }, { batchSize: UNKNOWN }]) {
            expect(await remediate(batchItemFailures, { type: T.lambdaEventSourceMapping, props: { eventSourceArn: QUEUE, ...props } })).toBeUndefined();
        }
    });
});
