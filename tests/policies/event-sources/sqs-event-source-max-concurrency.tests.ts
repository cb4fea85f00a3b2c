import { sqsEventSourceMaxConcurrency } from "../../../policies/event-sources/sqs-event-source-max-concurrency";
import { T } from "../../../policies/lib/types";
import { UNKNOWN, analyze } from "../../helpers/policy-harness";

const QUEUE = "arn:aws:sqs:eu-west-1:123456789012:jobs";

const mapping = (props: Record<string, unknown>, config?: Record<string, unknown>) =>
    analyze(sqsEventSourceMaxConcurrency, { type: T.lambdaEventSourceMapping, name: "jobs", props: { functionName: "worker", eventSourceArn: QUEUE, ...props }, config });

describe("sqs-event-source-max-concurrency", () => {
    test("compliant: maximumConcurrency set", async () => {
        expect((await mapping({ scalingConfig: { maximumConcurrency: 5 } })).violations).toEqual([]);
    });

    test("compliant: stream and MQ sources are not judged", async () => {
        expect((await mapping({ startingPosition: "LATEST", eventSourceArn: "arn:aws:kinesis:eu-west-1:1:stream/s" })).violations).toEqual([]);
        expect((await mapping({ eventSourceArn: "arn:aws:mq:eu-west-1:1:broker:b:b-1", queues: ["q"] })).violations).toEqual([]);
    });

    test("violating: no scalingConfig", async () => {
        const { violations } = await mapping({});
        expect(violations).toEqual([expect.stringMatching(/`scalingConfig.maximumConcurrency` is not set/)]);
        expect((await mapping({ scalingConfig: {} })).violations).toHaveLength(1);
    });

    test("unknown at preview: an unknown source ARN and concurrency still give a verdict", async () => {
        const set = await mapping({ eventSourceArn: UNKNOWN, scalingConfig: { maximumConcurrency: UNKNOWN } });
        expect(set.violations).toEqual([]);
        expect(set.cantRunAtPreview).toBeUndefined();
        const unset = await mapping({ eventSourceArn: UNKNOWN });
        expect(unset.violations).toHaveLength(1);
        expect(unset.cantRunAtPreview).toBeUndefined();
    });

    test("malformed: odd blocks never throw", async () => {
        for (const scalingConfig of [null, 5, "5", [], [{ maximumConcurrency: 5 }]]) {
            expect((await mapping({ scalingConfig })).violations).toHaveLength(1);
        }
    });

    test("waiver", async () => {
        const outcome = await mapping({}, { waivers: [{ resource: "jobs", reason: "reserved concurrency caps it" }] });
        expect(outcome.notApplicable).toBe("waived: reserved concurrency caps it");
    });
});
