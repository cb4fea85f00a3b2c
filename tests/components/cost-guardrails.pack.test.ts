import { CostGuardrails } from "../../components/cost-guardrails";
import { passesThePackInBothModes } from "../helpers/compliance";

describe("CostGuardrails passes the policy pack", () => {
    function program() {
        new CostGuardrails("cost", { monthlyLimit: 100, emails: ["ops@example.com"] });
        new CostGuardrails("billing", { monthlyLimit: 500, snsTopicArn: "arn:aws:sns:us-east-1:123456789012:finance", billingAlarm: true });
    }

    passesThePackInBothModes(program);
});
