import { eventSourceKind } from "../lib/event-sources";
import { resourcePolicy } from "../lib/policy";
import { UNKNOWN, asBoolean, asNumber, known, peek } from "../lib/props";
import { T } from "../lib/types";

interface Config {
    remediateRetries: number;
    remediateMaxRecordAgeSeconds: number;
}

const UNBOUNDED = -1;

/** "bounded", "unbounded", "malformed", or UNKNOWN for a limit property of the mapping. */
function limitState(raw: unknown, property: string) {
    const value = peek(raw, property);
    if (value === UNKNOWN) return UNKNOWN;
    if (value === undefined || value === null || value === "") return "unbounded";
    const limit = asNumber(value);
    if (limit === undefined) return "malformed";
    return limit === UNBOUNDED ? "unbounded" : "bounded";
}

function bisectState(raw: unknown) {
    const value = peek(raw, "bisectBatchOnFunctionError");
    return value === UNKNOWN ? UNKNOWN : asBoolean(value) === true;
}

export const streamBoundedRetries = resourcePolicy<Config>({
    name: "stream-bounded-retries",
    displayName: "Stream event source bounds its retries",
    description:
        "By default Lambda retries a failing stream batch until its records expire (up to a week for Kinesis): one " +
        "poison record blocks its whole shard, processing falls days behind and the iterator age alarm fires too late.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["event-sources", "streams", "reliability"],
    remediationSteps:
        "On the event source mapping set `maximumRetryAttempts` (for example 10), `maximumRecordAgeInSeconds` " +
        "(for example 3600) and `bisectBatchOnFunctionError: true`, with an on-failure destination for what is dropped.",
    config: {
        remediateRetries: { type: "integer", minimum: 0, maximum: 10000, default: 10, description: "maximumRetryAttempts set by the remediation" },
        remediateMaxRecordAgeSeconds: {
            type: "integer",
            minimum: 60,
            maximum: 604800,
            default: 3600,
            description: "maximumRecordAgeInSeconds set by the remediation",
        },
    },
    resourceTypes: [T.lambdaEventSourceMapping],
    check({ raw }) {
        if (eventSourceKind(raw) !== "stream") return undefined;
        const messages: string[] = [];
        const retries = limitState(raw, "maximumRetryAttempts");
        if (retries === "unbounded") messages.push("`maximumRetryAttempts` is not set (or -1), so a failing batch is retried until its records expire: set it, for example to 10.");
        if (retries === "malformed") messages.push("`maximumRetryAttempts` is not a number: set it to a whole number of retries, for example 10.");
        const age = limitState(raw, "maximumRecordAgeInSeconds");
        if (age === "unbounded") messages.push("`maximumRecordAgeInSeconds` is not set (or -1), so records are retried until they expire: set it, for example to 3600.");
        if (age === "malformed") messages.push("`maximumRecordAgeInSeconds` is not a number: set it to a whole number of seconds, for example 3600.");
        const bisect = bisectState(raw);
        if (bisect === false) messages.push("`bisectBatchOnFunctionError` is not true, so one bad record fails its whole batch on every retry: set `bisectBatchOnFunctionError: true`.");
        if (messages.length > 0) return messages;
        // Nothing wrong among the known values: an unknown one decides, so the engine reports it as unknown.
        if (retries === UNKNOWN) known(raw, "maximumRetryAttempts");
        if (age === UNKNOWN) known(raw, "maximumRecordAgeInSeconds");
        if (bisect === UNKNOWN) known(raw, "bisectBatchOnFunctionError");
        return undefined;
    },
    remediate({ raw }, config) {
        if (eventSourceKind(raw) !== "stream") return undefined;
        const changes: Record<string, unknown> = {};
        const retries = limitState(raw, "maximumRetryAttempts");
        if (retries === "unbounded" || retries === "malformed") changes.maximumRetryAttempts = config.remediateRetries;
        const age = limitState(raw, "maximumRecordAgeInSeconds");
        if (age === "unbounded" || age === "malformed") changes.maximumRecordAgeInSeconds = config.remediateMaxRecordAgeSeconds;
        if (bisectState(raw) === false) changes.bisectBatchOnFunctionError = true;
        return changes;
    },
});
