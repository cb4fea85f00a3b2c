import { CostGuardrails } from "../../components/cost-guardrails";
import { checkProgram, expectNoViolations } from "../../testing";

describe("CostGuardrails passes the policy pack", () => {
    function program() {
        new CostGuardrails("cost", { monthlyLimit: 100, emails: ["ops@example.com"] });
        new CostGuardrails("billing", { monthlyLimit: 500, snsTopicArn: "arn:aws:sns:us-east-1:123456789012:finance", billingAlarm: true });
    }

    test("zero violations in preview (unknown values)", async () => {
        const result = await checkProgram(program, { preview: true });
        expectNoViolations(result, { includeUnknownAtPreview: true });
    });

    test("zero violations in update mode", async () => {
        const result = await checkProgram(program, { preview: false });
        expectNoViolations(result, { includeUnknownAtPreview: true });
    });
});
