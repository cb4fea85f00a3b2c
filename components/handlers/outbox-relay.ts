/**
 * Outbox relay: a Lambda handler for a DynamoDB stream on an outbox table. It publishes every new outbox
 * item (INSERT with NEW_IMAGE) to an EventBridge bus or an SNS topic and answers with a partial batch
 * response. Self-contained (AWS SDK v3 only) because the component ships this file alone to Lambda.
 *
 * Outbox item contract: the table's key attributes identify the event; `type` (optional) becomes the
 * EventBridge detail-type / SNS subject; `payload` (optional, object or JSON string) is the event data,
 * else the whole item is. `groupId` (optional) orders messages on a FIFO topic (default: the event id).
 *
 * Environment: OUTBOX_EVENT_BUS_NAME or OUTBOX_TOPIC_ARN (exactly one), OUTBOX_EVENT_SOURCE,
 * OUTBOX_MAX_ATTEMPTS (default 4), OUTBOX_BASE_DELAY_MS (default 100).
 */
import { createHash } from "node:crypto";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { PublishBatchCommand, SNSClient } from "@aws-sdk/client-sns";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { AttributeValue as StreamAttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";

/** What an outbox item becomes, whatever the destination. */
export interface OutboxEvent {
    /** Derived from the item key only, so a re-delivered item carries the same id. */
    id: string;
    type: string;
    key: Record<string, unknown>;
    payload: unknown;
    groupId: string;
}

/** Publishes up to 10 events; returns, per event, undefined when published or the failure. */
export type PublishBatch = (events: OutboxEvent[]) => Promise<(EntryFailure | undefined)[]>;

export interface EntryFailure {
    code: string;
    message?: string;
    /** Retrying cannot help (malformed entry, missing permission). */
    permanent: boolean;
}

export interface RelayOptions {
    publish: PublishBatch;
    /** Attempts per entry, first one included. */
    maxAttempts?: number;
    baseDelayMs?: number;
    sleep?: (ms: number) => Promise<void>;
    log?: (message: string, details: Record<string, unknown>) => void;
}

export const MAX_ENTRIES_PER_CALL = 10;
/** PutEvents and PublishBatch both reject a request over 256 KB. */
export const MAX_BYTES_PER_CALL = 256 * 1024;
/** Room for the fields each publisher adds around the event (source, bus name, attributes). */
const ENTRY_OVERHEAD_BYTES = 512;
export const DEFAULT_MAX_ATTEMPTS = 4;
export const DEFAULT_BASE_DELAY_MS = 100;
const DEFAULT_EVENT_TYPE = "OutboxEvent";

/** JSON that keeps numbers beyond 2^53 (unmarshalled as BigInt) exact, as strings. */
export function toJson(value: unknown): string {
    return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v));
}

/** The same key always gives the same id: sha-256 of the key attributes in name order. */
export function eventIdOf(key: Record<string, unknown>): string {
    const canonical = toJson(Object.keys(key).sort().map((name) => [name, key[name]]));
    return createHash("sha256").update(canonical).digest("hex");
}

function plain(image: { [name: string]: StreamAttributeValue } | undefined): Record<string, unknown> | undefined {
    if (!image || typeof image !== "object") return undefined;
    return unmarshall(image as never, { wrapNumbers: false }) as Record<string, unknown>;
}

function parsePayload(value: unknown): unknown {
    if (typeof value !== "string") return value;
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

type Decoded = { skip: true } | { skip: false; event: OutboxEvent } | { skip: false; error: string };

/** Only INSERTs are new outbox items; MODIFY and REMOVE (TTL expiry included) are not relayed. */
export function decodeRecord(record: DynamoDBRecord): Decoded {
    if (record?.eventName !== "INSERT") return { skip: true };
    try {
        return decodeInsert(record);
    } catch (error) {
        return { skip: false, error: `record cannot be read: ${(error as Error)?.message ?? String(error)}` };
    }
}

function decodeInsert(record: DynamoDBRecord): Decoded {
    const item = plain(record.dynamodb?.NewImage);
    if (!item) return { skip: false, error: "INSERT record without NewImage: set the stream view type to NEW_IMAGE" };
    const key = plain(record.dynamodb?.Keys) ?? {};
    if (Object.keys(key).length === 0) return { skip: false, error: "record without Keys" };
    const id = eventIdOf(key);
    const type = typeof item.type === "string" && item.type !== "" ? item.type : DEFAULT_EVENT_TYPE;
    const payload = "payload" in item ? parsePayload(item.payload) : item;
    const groupId = typeof item.groupId === "string" && item.groupId !== "" ? item.groupId : id;
    return { skip: false, event: { id, type, key, payload, groupId } };
}

/** An upper estimate of the bytes an event takes in a publish request. */
export function entryBytes(event: OutboxEvent): number {
    return Buffer.byteLength(toJson({ eventId: event.id, type: event.type, key: event.key, payload: event.payload })) + ENTRY_OVERHEAD_BYTES;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Exponential backoff with full jitter. */
function backoff(attempt: number, baseDelayMs: number) {
    return Math.random() * baseDelayMs * 2 ** (attempt - 1);
}

/**
 * Publishes one call's worth of events, retrying only the entries that failed, up to `maxAttempts`.
 * A thrown call (throttling, network) counts as a failure of every entry still pending.
 * Returns the index (into `events`) of the first event that could not be published, or -1.
 */
async function publishWithRetry(events: OutboxEvent[], options: Required<RelayOptions>): Promise<number> {
    let pending = events.map((_, index) => index);
    let failures = new Map<number, EntryFailure>();
    for (let attempt = 1; attempt <= options.maxAttempts && pending.length > 0; attempt++) {
        if (attempt > 1) await options.sleep(backoff(attempt - 1, options.baseDelayMs));
        let results: (EntryFailure | undefined)[];
        try {
            results = await options.publish(pending.map((index) => events[index]));
        } catch (error) {
            const code = (error as Error)?.name ?? "Error";
            const failure = { code, message: (error as Error)?.message, permanent: PERMANENT_CALL_ERRORS.has(code) };
            results = pending.map(() => failure);
        }
        failures = new Map();
        pending.forEach((index, position) => {
            const failure = results[position];
            if (failure) failures.set(index, failure);
        });
        pending = [...failures.keys()];
        if ([...failures.values()].every((failure) => failure.permanent)) break;
    }
    if (failures.size === 0) return -1;
    for (const [index, failure] of failures) {
        options.log("outbox event not published", { eventId: events[index].id, ...failure });
    }
    return Math.min(...failures.keys());
}

/**
 * Builds the stream handler. A batch comes from one shard, and its records are handled in stream order; when one cannot be published, it and
 * every later record of the batch are reported in `batchItemFailures`, so Lambda retries from it and
 * the events reach the bus in order (re-sent ones keep their id).
 */
export function createRelay(relayOptions: RelayOptions) {
    const options: Required<RelayOptions> = {
        maxAttempts: DEFAULT_MAX_ATTEMPTS,
        baseDelayMs: DEFAULT_BASE_DELAY_MS,
        sleep: delay,
        log: (message, details) => console.error(JSON.stringify({ message, ...details })),
        ...relayOptions,
    };
    return async (streamEvent: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
        const records = Array.isArray(streamEvent?.Records) ? streamEvent.Records : [];
        const failFrom = (position: number): DynamoDBBatchResponse => ({
            batchItemFailures: records.slice(position).map((record) => ({ itemIdentifier: record.dynamodb?.SequenceNumber ?? "" })),
        });
        let chunk: { event: OutboxEvent; position: number }[] = [];
        let chunkBytes = 0;
        const flush = async () => {
            if (chunk.length === 0) return -1;
            const failed = await publishWithRetry(chunk.map((entry) => entry.event), options);
            const position = failed === -1 ? -1 : chunk[failed].position;
            chunk = [];
            chunkBytes = 0;
            return position;
        };
        for (let position = 0; position < records.length; position++) {
            let decoded = decodeRecord(records[position]);
            if (decoded.skip) continue;
            const bytes = "event" in decoded ? entryBytes(decoded.event) : 0;
            if ("event" in decoded && bytes > MAX_BYTES_PER_CALL) {
                decoded = { skip: false, error: `outbox item of about ${bytes} bytes is over the ${MAX_BYTES_PER_CALL}-byte publish limit: put a reference in the outbox, not the document` };
            }
            if ("error" in decoded) {
                const failed = await flush();
                options.log("outbox record not relayable", { sequenceNumber: records[position].dynamodb?.SequenceNumber, error: decoded.error });
                return failFrom(failed === -1 ? position : failed);
            }
            if (chunkBytes + bytes > MAX_BYTES_PER_CALL) {
                const failed = await flush();
                if (failed !== -1) return failFrom(failed);
            }
            chunk.push({ event: decoded.event, position });
            chunkBytes += bytes;
            if (chunk.length === MAX_ENTRIES_PER_CALL) {
                const failed = await flush();
                if (failed !== -1) return failFrom(failed);
            }
        }
        const failed = await flush();
        return failed === -1 ? { batchItemFailures: [] } : failFrom(failed);
    };
}

/** Whole-call errors that the same request meets again however often it is retried. */
const PERMANENT_CALL_ERRORS = new Set(["AccessDeniedException", "AuthorizationError", "ValidationException", "ResourceNotFoundException", "NotFoundException", "InvalidParameterException"]);

const PERMANENT_EVENTBRIDGE_ERRORS = new Set([
    "AccessDeniedException",
    "InvalidArgument",
    "MalformedDetail",
    "NotAuthorizedForDetailTypeException",
    "NotAuthorizedForSourceException",
    "ValidationException",
]);

/** EventBridge `PutEvents`: the event id travels in `Detail.eventId` (EventBridge assigns its own entry ids). */
export function eventBridgePublisher(client: EventBridgeClient, eventBusName: string, source: string): PublishBatch {
    return async (events) => {
        const response = await client.send(
            new PutEventsCommand({
                Entries: events.map((event) => ({
                    EventBusName: eventBusName,
                    Source: source,
                    DetailType: event.type,
                    Detail: toJson({ eventId: event.id, key: event.key, payload: event.payload }),
                })),
            }),
        );
        const entries = response.Entries ?? [];
        return events.map((_, index) => {
            const entry = entries[index];
            if (!entry) return { code: "MissingResult", permanent: false };
            if (!entry.ErrorCode) return undefined;
            return { code: entry.ErrorCode, message: entry.ErrorMessage, permanent: PERMANENT_EVENTBRIDGE_ERRORS.has(entry.ErrorCode) };
        });
    };
}

/** SNS `PublishBatch`: the event id is the batch entry id, a message attribute and, on a FIFO topic, the deduplication id. */
export function snsPublisher(client: SNSClient, topicArn: string): PublishBatch {
    const fifo = topicArn.endsWith(".fifo");
    return async (events) => {
        const response = await client.send(
            new PublishBatchCommand({
                TopicArn: topicArn,
                PublishBatchRequestEntries: events.map((event, index) => ({
                    Id: String(index),
                    Message: toJson({ eventId: event.id, type: event.type, key: event.key, payload: event.payload }),
                    MessageAttributes: {
                        eventId: { DataType: "String", StringValue: event.id },
                        eventType: { DataType: "String", StringValue: event.type },
                    },
                    ...(fifo ? { MessageDeduplicationId: event.id, MessageGroupId: event.groupId } : {}),
                })),
            }),
        );
        const succeeded = new Set((response.Successful ?? []).map((entry) => entry.Id));
        const failed = new Map((response.Failed ?? []).map((entry) => [entry.Id, entry]));
        return events.map((_, index) => {
            const failure = failed.get(String(index));
            if (failure) return { code: failure.Code ?? "Failed", message: failure.Message, permanent: failure.SenderFault === true };
            return succeeded.has(String(index)) ? undefined : { code: "MissingResult", permanent: false };
        });
    };
}

function positiveInteger(value: string | undefined, fallback: number) {
    const parsed = Number(value);
    return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

/** Builds the relay from the function's environment (see the file header). */
export function relayFromEnvironment(env: NodeJS.ProcessEnv = process.env) {
    const busName = env.OUTBOX_EVENT_BUS_NAME;
    const topicArn = env.OUTBOX_TOPIC_ARN;
    if (!busName === !topicArn) throw new Error("outbox relay: set exactly one of OUTBOX_EVENT_BUS_NAME and OUTBOX_TOPIC_ARN");
    const publish = busName
        ? eventBridgePublisher(new EventBridgeClient({}), busName, env.OUTBOX_EVENT_SOURCE || "outbox")
        : snsPublisher(new SNSClient({}), topicArn!);
    return createRelay({
        publish,
        maxAttempts: positiveInteger(env.OUTBOX_MAX_ATTEMPTS, DEFAULT_MAX_ATTEMPTS),
        baseDelayMs: positiveInteger(env.OUTBOX_BASE_DELAY_MS, DEFAULT_BASE_DELAY_MS),
    });
}

let relay: ReturnType<typeof createRelay> | undefined;

/** The Lambda entry point (`index.handler`). */
export const handler = (event: DynamoDBStreamEvent) => (relay ??= relayFromEnvironment())(event);
