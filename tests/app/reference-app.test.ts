/**
 * The reference application (the root Pulumi.yaml program) passes every policy of the pack, in a first preview
 * and in update mode, and is built from the components the issue names.
 */
import * as path from "path";
import { expectNoViolations, type AnalysisResult } from "../../testing";
import { sharedCheck } from "../helpers/run-cache";

const root = path.join(__dirname, "..", "..");

const componentTypes = ["ProtectedApi", "TransactionalOutbox", "EventRuleTarget", "AsyncFunction", "QueueWorker", "StreamWorker", "DurableFunction", "CostGuardrails"];

function typesOf(result: AnalysisResult) {
    return new Set(result.resources.map((r) => r.type));
}

describe("reference application", () => {
    test("update mode: zero violations, every policy judged", async () => {
        const result = await sharedCheck(root, { preview: false });
        expectNoViolations(result, { includeUnknownAtPreview: true });
        for (const component of componentTypes) expect(typesOf(result)).toContain(`serverless-guardrails:index:${component}`);
    });

    test("first preview: zero violations; only role documents built from unknown ARNs wait for the update", async () => {
        const result = await sharedCheck(root, { preview: true });
        expectNoViolations(result);
        const cantRun = [...new Set(result.violations.filter((v) => v.unknownAtPreview).map((v) => v.policy))].sort();
        expect(cantRun).toEqual(["durable-checkpoint-permissions", "lambda-role-least-privilege", "no-recursive-loops"]);
    });
});
