import { streamFailureDestination } from "../../../policies/event-sources/stream-failure-destination";
import { T } from "../../../policies/lib/types";
import { UNKNOWN, analyze } from "../../helpers/policy-harness";

const KINESIS = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders";
const DLQ = "arn:aws:sqs:eu-west-1:123456789012:orders-dlq";

const mapping = (props: Record<string, unknown>, config?: Record<string, unknown>) =>
    analyze(streamFailureDestination, { type: T.lambdaEventSourceMapping, name: "orders-stream", props: { functionName: "worker", ...props }, config });

const onFailure = (destinationArn: unknown) => ({ destinationConfig: { onFailure: { destinationArn } } });

describe("stream-failure-destination", () => {
    test("compliant: stream source with an SQS, SNS or S3 destination", async () => {
        expect((await mapping({ eventSourceArn: KINESIS, startingPosition: "LATEST", ...onFailure(DLQ) })).violations).toEqual([]);
        expect((await mapping({ startingPosition: "TRIM_HORIZON", ...onFailure("arn:aws:sns:eu-west-1:123456789012:failures") })).violations).toEqual([]);
        expect((await mapping({ startingPosition: "LATEST", ...onFailure("arn:aws:s3:::failed-records") })).violations).toEqual([]);
    });

    test("compliant: not a stream source (SQS, MQ)", async () => {
        expect((await mapping({ eventSourceArn: "arn:aws:sqs:eu-west-1:123456789012:jobs" })).violations).toEqual([]);
        expect((await mapping({ eventSourceArn: "arn:aws:mq:eu-west-1:123456789012:broker:b:b-1", queues: ["q"] })).violations).toEqual([]);
    });

    test("violating: stream source with no destination", async () => {
        const { violations } = await mapping({ eventSourceArn: KINESIS, startingPosition: "LATEST" });
        expect(violations).toEqual([expect.stringMatching(/`destinationConfig.onFailure.destinationArn` is not set/)]);
        const dynamo = await mapping({ eventSourceArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000" });
        expect(dynamo.violations).toHaveLength(1);
    });

    test("violating: destination of a service not allowed", async () => {
        const { violations } = await mapping({ startingPosition: "LATEST", ...onFailure("arn:aws:lambda:eu-west-1:123456789012:function:x") });
        expect(violations[0]).toMatch(/is a lambda ARN, not one of the allowed destinations \(sqs, sns, s3\)/);
        expect((await mapping({ startingPosition: "LATEST", ...onFailure(DLQ) }, { allowedDestinations: ["sns"] })).violations).toHaveLength(1);
    });

    test("unknown at preview: an unknown destination ARN is set, so the mapping passes", async () => {
        const outcome = await mapping({ eventSourceArn: UNKNOWN, startingPosition: "LATEST", ...onFailure(UNKNOWN) });
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toBeUndefined();
    });

    test("unknown at preview: a stream source whose destination is missing is still judged", async () => {
        const outcome = await mapping({ eventSourceArn: UNKNOWN, startingPosition: "LATEST", destinationConfig: UNKNOWN });
        expect(outcome.cantRunAtPreview).toBeUndefined();
        expect(outcome.violations).toEqual([]);
        expect((await mapping({ eventSourceArn: UNKNOWN, startingPosition: "LATEST" })).violations).toHaveLength(1);
    });

    test("malformed: odd blocks never throw", async () => {
        for (const destinationConfig of [null, "sqs", [], { onFailure: [] }, { onFailure: { destinationArn: 5 } }, { onFailure: { destinationArn: "not-an-arn" } }]) {
            const outcome = await mapping({ startingPosition: "LATEST", destinationConfig });
            expect(outcome.violations).toHaveLength(1);
        }
    });

    test("waiver", async () => {
        const outcome = await mapping({ startingPosition: "LATEST" }, { waivers: [{ resource: "orders-*", reason: "replayable from the source" }] });
        expect(outcome.notApplicable).toBe("waived: replayable from the source");
    });
});
