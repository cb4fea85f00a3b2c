/**
 * The anti-pattern gallery: the checker reports exactly the expected (policy, resource) pairs, no more, no fewer.
 */
import * as path from "path";
import type { AnalysisResult } from "../../testing";
import { sharedCheck } from "../helpers/run-cache";

const gallery = path.join(__dirname, "..", "..", "examples", "anti-patterns");

/** Each group's mistake and what it must produce. Loops need the role documents, known only once resources exist. */
const expectedAtUpdate = [
    ["dlq-alarm", "unwatched-dlq"], // 1. DLQ without alarm
    ["stream-failure-destination", "ledger-stream"], // 2. infinite retries, no destination
    ["stream-bounded-retries", "ledger-stream"],
    ["lambda-async-failure-destination", "report-builder"], // 3. async function without destination
    ["sqs-visibility-timeout", "invoices"], // 4. visibility shorter than the function
    ["no-recursive-loops", "retrier"], // 5. writes to its own trigger queue
    ["no-recursive-loops", "counter"], // 6. DynamoDB stream loop
    ["waf-protection", "public-api-prod"], // 7. unthrottled, untraced API without WAF
    ["api-throttling", "public-api-prod"],
    ["api-stage-tracing", "public-api-prod"],
    ["lambda-function-url-auth", "webhook-url"], // 8. function URL without auth
    ["lambda-memory-size", "thumbnailer"], // 9. memory and concurrency unset
    ["lambda-reserved-concurrency", "thumbnailer"],
    ["budget-alarm", "anti-patterns-dev"], // 10. no budget
    ["state-machine-observability", "order-workflow"], // 11. state machine without logs or traces
    ["log-group-retention", "audit-trail"], // 12. log group kept forever
    ["api-access-log-json", "reports-api-prod"], // 13. CLF access logs, execution logs kept forever
    ["log-group-retention", "reports-api-prod"],
    ["managed-instances-bounded-scale", "fleet-unbounded"], // 14. capacity provider without a vCPU cap
    ["managed-instances-multi-az", "fleet-one-zone"], // 15. capacity provider in one subnet
    ["managed-instances-vcpu-quota", "analytics-fleet"], // 16. caps above the EC2 vCPU quota
    ["managed-instances-function-settings", "image-resizer"], // 17. Managed Instances function at 1 GB, unpublished
    ["durable-execution-bounds", "renewals"], // 18. a year's execution timeout
    ["durable-qualified-invocation", "fulfilment"], // 19. no version, no alias
    ["durable-failure-path", "approvals"], // 20. no DLQ, no alarm
    ["durable-checkpoint-permissions", "refunds"], // 21. role may not checkpoint
];

function pairs(result: AnalysisResult): string[] {
    const names = new Map(result.resources.map((r) => [r.urn, r.name]));
    const found = result.violations.filter((v) => !v.unknownAtPreview).map((v) => `${v.policy} on ${names.get(v.urn ?? "") ?? "(stack)"}`);
    return [...new Set(found)].sort();
}

const asText = (list: string[][]) => list.map(([policy, resource]) => `${policy} on ${resource}`).sort();

describe("anti-pattern gallery", () => {
    test("update mode: exactly the expected violations", async () => {
        const result = await sharedCheck(gallery, { preview: false });
        expect(pairs(result)).toEqual(asText(expectedAtUpdate));
        expect(result.violations.filter((v) => v.unknownAtPreview)).toEqual([]);
    });

    test("first preview: the same, except the loops and the durable roles, whose role documents are not known yet (the engine's can't-run notice)", async () => {
        const result = await sharedCheck(gallery, { preview: true });
        const waitForRoles = ["no-recursive-loops", "durable-checkpoint-permissions"];
        expect(pairs(result)).toEqual(asText(expectedAtUpdate.filter(([policy]) => !waitForRoles.includes(policy))));
        const cantRun = result.violations.filter((v) => v.unknownAtPreview).map((v) => v.policy).sort();
        expect(cantRun).toEqual(["durable-checkpoint-permissions", "lambda-role-least-privilege", "no-recursive-loops"]);
    });
});
