import { CostGuardrails } from "../../components/cost-guardrails";
import { checkProgram, expectNoViolations } from "../../testing";

describe("CostGuardrails passes the policy pack", () => {
    function program() {
        new CostGuardrails("cost", { monthlyLimit: 100, emails: ["ops@example.com"] });
        new CostGuardrails("billing", { monthlyLimit: 500, snsTopicArn: "arn:aws:sns:us-east-1:123456789012:finance", billingAlarm: true });
    }

    test("zero violations in preview (unknown values)", async () => {
        const result = await checkProgram(program, { preview: true });
        // Role policy documents name ARNs created in the same preview, so they are unknown and the policies that
        // read them say "can't run during preview" (a real preview says so too); the update-mode test judges them.
        expectNoViolations(result);
    });

    test("zero violations in update mode", async () => {
        const result = await checkProgram(program, { preview: false });
        expectNoViolations(result, { includeUnknownAtPreview: true });
    });
});
