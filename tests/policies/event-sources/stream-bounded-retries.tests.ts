import { streamBoundedRetries } from "../../../policies/event-sources/stream-bounded-retries";
import { T } from "../../../policies/lib/types";
import { UNKNOWN, analyze, remediate } from "../../helpers/policy-harness";

const KINESIS = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders";
const bounded = { maximumRetryAttempts: 10, maximumRecordAgeInSeconds: 3600, bisectBatchOnFunctionError: true };

const mapping = (props: Record<string, unknown>, config?: Record<string, unknown>) =>
    analyze(streamBoundedRetries, {
        type: T.lambdaEventSourceMapping,
        name: "orders-stream",
        props: { functionName: "worker", eventSourceArn: KINESIS, startingPosition: "LATEST", ...props },
        config,
    });

const fix = (props: Record<string, unknown>, config?: Record<string, unknown>) =>
    remediate(streamBoundedRetries, { type: T.lambdaEventSourceMapping, props: { eventSourceArn: KINESIS, startingPosition: "LATEST", ...props }, config });

describe("stream-bounded-retries", () => {
    test("compliant: retries, record age and bisect set", async () => {
        expect((await mapping(bounded)).violations).toEqual([]);
    });

    test("compliant: an SQS source is not judged", async () => {
        const outcome = await analyze(streamBoundedRetries, { type: T.lambdaEventSourceMapping, props: { eventSourceArn: "arn:aws:sqs:eu-west-1:123456789012:jobs" } });
        expect(outcome.violations).toEqual([]);
    });

    test("violating: nothing set gives one message per property", async () => {
        const { violations } = await mapping({});
        expect(violations).toHaveLength(3);
        expect(violations[0]).toMatch(/`maximumRetryAttempts` is not set \(or -1\)/);
        expect(violations[1]).toMatch(/`maximumRecordAgeInSeconds` is not set \(or -1\)/);
        expect(violations[2]).toMatch(/`bisectBatchOnFunctionError` is not true/);
    });

    test("violating: -1 means unbounded", async () => {
        expect((await mapping({ ...bounded, maximumRetryAttempts: -1 })).violations).toEqual([expect.stringMatching(/maximumRetryAttempts/)]);
        expect((await mapping({ ...bounded, maximumRecordAgeInSeconds: -1 })).violations).toEqual([expect.stringMatching(/maximumRecordAgeInSeconds/)]);
        expect((await mapping({ ...bounded, bisectBatchOnFunctionError: false })).violations).toEqual([expect.stringMatching(/bisect/)]);
    });

    test("unknown at preview: known violations are still reported", async () => {
        const outcome = await mapping({ maximumRetryAttempts: UNKNOWN });
        expect(outcome.violations).toHaveLength(2);
        expect(outcome.cantRunAtPreview).toBeUndefined();
    });

    test("unknown at preview: when an unknown value decides, the engine's can't-run advisory", async () => {
        const outcome = await mapping({ ...bounded, maximumRecordAgeInSeconds: UNKNOWN });
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toMatch(/maximumRecordAgeInSeconds/);
        expect((await mapping({ ...bounded, eventSourceArn: UNKNOWN })).violations).toEqual([]);
    });

    test("malformed: wrong types give messages, never a throw", async () => {
        const { violations } = await mapping({ maximumRetryAttempts: "ten", maximumRecordAgeInSeconds: { s: 1 }, bisectBatchOnFunctionError: "yes" });
        expect(violations).toHaveLength(3);
        expect(violations[0]).toMatch(/not a number/);
        expect((await mapping({ ...bounded, maximumRetryAttempts: null })).violations).toHaveLength(1);
    });

    test("waiver", async () => {
        const outcome = await mapping({}, { waivers: [{ resource: "orders-stream", reason: "idempotent replays wanted" }] });
        expect(outcome.notApplicable).toBe("waived: idempotent replays wanted");
    });

    test("remediation bounds retries and record age and turns bisect on; the result passes", async () => {
        const fixed = await fix({});
        expect(fixed).toMatchObject({ maximumRetryAttempts: 10, maximumRecordAgeInSeconds: 3600, bisectBatchOnFunctionError: true });
        expect((await mapping(fixed!)).violations).toEqual([]);
        const configured = await fix({ maximumRetryAttempts: -1, bisectBatchOnFunctionError: true, maximumRecordAgeInSeconds: 600 }, { remediateRetries: 3, remediateMaxRecordAgeSeconds: 120 });
        expect(configured).toMatchObject({ maximumRetryAttempts: 3, maximumRecordAgeInSeconds: 600 });
    });

    test("remediation never overwrites an unknown, and leaves compliant or non-stream mappings alone", async () => {
        const fixed = (await remediate(streamBoundedRetries, {
            type: T.lambdaEventSourceMapping,
            props: { eventSourceArn: KINESIS, startingPosition: "LATEST", maximumRetryAttempts: UNKNOWN },
        }))!;
        expect(fixed.maximumRetryAttempts).toBe(UNKNOWN);
        expect(fixed.maximumRecordAgeInSeconds).toBe(3600);
        expect(await fix(bounded)).toBeUndefined();
        expect(await remediate(streamBoundedRetries, { type: T.lambdaEventSourceMapping, props: { eventSourceArn: "arn:aws:sqs:eu-west-1:1:q" } })).toBeUndefined();
    });
});
