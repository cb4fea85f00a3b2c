import { eventbridgeTargetDlq } from "../../../policies/failure-handling/eventbridge-target-dlq";
import { T } from "../../../policies/lib/types";
import { UNKNOWN, analyze } from "../../helpers/policy-harness";

const DLQ = "arn:aws:sqs:eu-west-1:123456789012:events-dlq";
const KINESIS = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders";
const DDB_STREAM = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000";

const check = (type: string, props: Record<string, unknown>, config?: Record<string, unknown>) =>
    analyze(eventbridgeTargetDlq, { type, name: "orders", props, config });
const target = (props: Record<string, unknown>, config?: Record<string, unknown>) =>
    check(T.eventTarget, { rule: "orders-rule", arn: "arn:aws:lambda:eu-west-1:123456789012:function:w", ...props }, config);
const schedule = (target: unknown) => check(T.schedulerSchedule, { scheduleExpression: "rate(5 minutes)", flexibleTimeWindow: { mode: "OFF" }, target });
const pipe = (props: Record<string, unknown>) => check(T.pipe, { target: "arn:aws:sqs:eu-west-1:1:t", roleArn: "arn:aws:iam::1:role/r", ...props });

describe("eventbridge-target-dlq", () => {
    test("compliant: each of the three resource types with its dead-letter queue", async () => {
        expect((await target({ deadLetterConfig: { arn: DLQ } })).violations).toEqual([]);
        expect((await schedule({ arn: "arn:aws:lambda:eu-west-1:1:function:w", roleArn: "r", deadLetterConfig: { arn: DLQ } })).violations).toEqual([]);
        expect((await pipe({ source: KINESIS, sourceParameters: { kinesisStreamParameters: { startingPosition: "LATEST", deadLetterConfig: { arn: DLQ } } } })).violations).toEqual([]);
        expect((await pipe({ source: DDB_STREAM, sourceParameters: { dynamodbStreamParameters: { startingPosition: "LATEST", deadLetterConfig: { arn: DLQ } } } })).violations).toEqual([]);
    });

    test("compliant: a pipe whose source is not a stream is not judged", async () => {
        expect((await pipe({ source: "arn:aws:sqs:eu-west-1:1:q", sourceParameters: { sqsQueueParameters: { batchSize: 10 } } })).violations).toEqual([]);
    });

    test("violating: EventTarget without deadLetterConfig.arn", async () => {
        const { violations } = await target({});
        expect(violations).toEqual([expect.stringMatching(/`deadLetterConfig.arn` is not set/)]);
    });

    test("violating: Schedule without target.deadLetterConfig.arn", async () => {
        expect((await schedule({ arn: "arn:aws:lambda:eu-west-1:1:function:w", roleArn: "r" })).violations[0]).toMatch(/`target.deadLetterConfig.arn` is not set/);
    });

    test("violating: stream Pipe without a dead-letter config, by source ARN or by parameters block", async () => {
        expect((await pipe({ source: KINESIS })).violations[0]).toMatch(/`sourceParameters.kinesisStreamParameters.deadLetterConfig.arn` is not set/);
        expect((await pipe({ source: DDB_STREAM })).violations[0]).toMatch(/dynamodbStreamParameters/);
        const unknownSource = await pipe({ source: UNKNOWN, sourceParameters: { kinesisStreamParameters: { startingPosition: "LATEST" } } });
        expect(unknownSource.violations).toHaveLength(1);
    });

    test("unknown at preview: an unknown DLQ ARN is set, so each type passes without an advisory", async () => {
        for (const outcome of [
            await target({ deadLetterConfig: { arn: UNKNOWN } }),
            await schedule({ arn: UNKNOWN, roleArn: UNKNOWN, deadLetterConfig: { arn: UNKNOWN } }),
            await pipe({ source: UNKNOWN, sourceParameters: { kinesisStreamParameters: { deadLetterConfig: { arn: UNKNOWN } } } }),
        ]) {
            expect(outcome.violations).toEqual([]);
            expect(outcome.cantRunAtPreview).toBeUndefined();
        }
    });

    test("malformed: odd blocks never throw", async () => {
        for (const deadLetterConfig of [null, "arn", [], { arn: null }, { arn: "" }]) {
            expect((await target({ deadLetterConfig })).violations).toHaveLength(1);
        }
        for (const scheduleTarget of [null, "x", [], { deadLetterConfig: [] }]) {
            expect((await schedule(scheduleTarget)).violations).toHaveLength(1);
        }
        expect((await pipe({ source: 12, sourceParameters: "kinesis" })).violations).toEqual([]);
        expect((await pipe({ source: KINESIS, sourceParameters: { kinesisStreamParameters: [] } })).violations).toHaveLength(1);
    });

    test("waiver", async () => {
        const outcome = await target({}, { waivers: [{ resource: "orders", reason: "events are replayed from the archive" }] });
        expect(outcome.notApplicable).toBe("waived: events are replayed from the archive");
    });
});
