import { CostGuardrails } from "../../components/cost-guardrails";
import { TransactionalOutbox } from "../../components/transactional-outbox";
import { passesThePackInBothModes } from "../helpers/compliance";

describe("TransactionalOutbox passes the policy pack", () => {
    function program() {
        // A stack without a budget fails budget-alarm whatever the component: the guardrails sit beside it.
        new CostGuardrails("cost", { monthlyLimit: 100, emails: ["ops@example.com"] });
        new TransactionalOutbox("orders");
        new TransactionalOutbox("payments", { topicArn: "arn:aws:sns:us-east-1:123456789012:payments", relay: { failureDestination: "sqs" } });
    }

    passesThePackInBothModes(program);
});
