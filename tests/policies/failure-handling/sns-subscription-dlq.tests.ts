import { snsSubscriptionDlq } from "../../../policies/failure-handling/sns-subscription-dlq";
import { T } from "../../../policies/lib/types";
import { UNKNOWN, analyze } from "../../helpers/policy-harness";

const DLQ = "arn:aws:sqs:eu-west-1:123456789012:orders-dlq";

const subscription = (props: Record<string, unknown>, config?: Record<string, unknown>) =>
    analyze(snsSubscriptionDlq, {
        type: T.snsTopicSubscription,
        name: "orders-to-worker",
        props: { topic: "arn:aws:sns:eu-west-1:123456789012:orders", protocol: "lambda", endpoint: "arn:aws:lambda:eu-west-1:123456789012:function:w", ...props },
        config,
    });

describe("sns-subscription-dlq", () => {
    test("compliant: redrive policy with a dead-letter target", async () => {
        expect((await subscription({ redrivePolicy: JSON.stringify({ deadLetterTargetArn: DLQ }) })).violations).toEqual([]);
    });

    test("violating: no redrive policy", async () => {
        const { violations } = await subscription({});
        expect(violations).toEqual([expect.stringMatching(/`redrivePolicy` is not set/)]);
    });

    test("violating: a redrive policy with no deadLetterTargetArn", async () => {
        expect((await subscription({ redrivePolicy: JSON.stringify({ maxReceiveCount: 3 }) })).violations[0]).toMatch(/has no `deadLetterTargetArn`/);
        expect((await subscription({ redrivePolicy: "{}" })).violations).toHaveLength(1);
    });

    test("unknown at preview: an unknown redrive policy is set, so it passes without an advisory", async () => {
        const outcome = await subscription({ redrivePolicy: UNKNOWN });
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toBeUndefined();
        expect((await subscription({ redrivePolicy: { deadLetterTargetArn: UNKNOWN } })).violations).toEqual([]);
    });

    test("malformed: invalid JSON and odd types give a message, never a throw", async () => {
        for (const redrivePolicy of ["{not json", "null", "[]", 42, ["x"], { deadLetterTargetArn: "" }]) {
            expect((await subscription({ redrivePolicy })).violations).toHaveLength(1);
        }
        expect((await subscription({ redrivePolicy: { deadLetterTargetArn: DLQ } })).violations).toEqual([]);
    });

    test("waiver", async () => {
        const outcome = await subscription({}, { waivers: [{ resource: "orders-to-worker", reason: "SQS subscriber with its own DLQ" }] });
        expect(outcome.notApplicable).toBe("waived: SQS subscriber with its own DLQ");
    });
});
