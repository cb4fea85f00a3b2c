import { eventSourceKind } from "../lib/event-sources";
import { resourcePolicy } from "../lib/policy";
import { UNKNOWN, asNumber, known, peek } from "../lib/props";
import { T } from "../lib/types";

const REPORT_BATCH_ITEM_FAILURES = "ReportBatchItemFailures";

/** true / false when known, UNKNOWN when the list or one of its entries is unknown. */
function reportsItemFailures(raw: unknown) {
    const types = peek(raw, "functionResponseTypes");
    if (types === UNKNOWN) return UNKNOWN;
    if (!Array.isArray(types)) return false;
    if (types.includes(REPORT_BATCH_ITEM_FAILURES)) return true;
    return types.some((_, i) => peek(raw, ["functionResponseTypes", String(i)]) === UNKNOWN) ? UNKNOWN : false;
}

function isSingleRecordBatch(raw: unknown) {
    const size = peek(raw, "batchSize");
    return size === UNKNOWN ? UNKNOWN : asNumber(size) === 1;
}

export const batchItemFailures = resourcePolicy({
    name: "batch-item-failures",
    displayName: "Event source reports partial batch failures",
    description:
        "Without `ReportBatchItemFailures` one failed message fails its whole batch: the messages that succeeded are " +
        "processed again (duplicates), and a poison message drags its batch-mates into the dead-letter queue.",
    enforcementLevel: "advisory",
    severity: "medium",
    tags: ["event-sources", "sqs", "streams", "reliability"],
    remediationSteps:
        "Add `ReportBatchItemFailures` to `functionResponseTypes` on the event source mapping and return " +
        "`{ batchItemFailures: [{ itemIdentifier }] }` from the handler for the records that failed.",
    resourceTypes: [T.lambdaEventSourceMapping],
    check({ raw }) {
        if (eventSourceKind(raw) === "other") return undefined;
        const reports = reportsItemFailures(raw);
        if (reports === true) return undefined;
        if (reports === UNKNOWN) known(raw, "functionResponseTypes");
        const single = isSingleRecordBatch(raw);
        if (single === UNKNOWN) known(raw, "batchSize");
        if (single) return undefined;
        return "`functionResponseTypes` lacks `ReportBatchItemFailures`, so one failed record fails and retries its whole batch: add `functionResponseTypes: [\"ReportBatchItemFailures\"]` and report failed items from the handler.";
    },
    remediate({ raw }) {
        if (eventSourceKind(raw) === "other") return undefined;
        if (reportsItemFailures(raw) !== false || isSingleRecordBatch(raw) !== false) return undefined;
        const current = peek(raw, "functionResponseTypes");
        const kept = Array.isArray(current) ? current.filter((t) => typeof t === "string") : [];
        return { functionResponseTypes: [...kept, REPORT_BATCH_ITEM_FAILURES] };
    },
});
