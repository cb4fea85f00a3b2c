import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vm from "node:vm";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { PublishBatchCommand, SNSClient } from "@aws-sdk/client-sns";
import { marshall } from "@aws-sdk/util-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import {
    createRelay,
    eventBridgePublisher,
    eventIdOf,
    relayFromEnvironment,
    snsPublisher,
} from "../../components/handlers/outbox-relay";
import { handlerJavaScript } from "../../components/lib/handler-code";

const eventBridge = mockClient(EventBridgeClient);
const sns = mockClient(SNSClient);

function insert(id: string, item: Record<string, unknown> = {}, sequence = id): DynamoDBRecord {
    return {
        eventName: "INSERT",
        dynamodb: {
            SequenceNumber: sequence,
            Keys: marshall({ pk: id }) as never,
            NewImage: marshall({ pk: id, ...item }) as never,
        },
    };
}

function streamOf(...records: DynamoDBRecord[]): DynamoDBStreamEvent {
    return { Records: records };
}

const noSleep = async () => {};
const quiet = () => {};

function relayToBus(maxAttempts = 3) {
    const sleeps: number[] = [];
    const relay = createRelay({
        publish: eventBridgePublisher(new EventBridgeClient({ region: "eu-west-1" }), "orders", "shop.orders"),
        maxAttempts,
        sleep: async (ms) => {
            sleeps.push(ms);
        },
        log: quiet,
    });
    return { relay, sleeps };
}

function putEventsCalls() {
    return eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries ?? []);
}

const ok = (count: number) => ({ FailedEntryCount: 0, Entries: Array.from({ length: count }, (_, i) => ({ EventId: `e${i}` })) });

describe("outbox relay", () => {
    beforeEach(() => {
        eventBridge.reset();
        sns.reset();
    });

    test("publishes each INSERT to the bus with the item's type, payload and a key-derived event id", async () => {
        eventBridge.on(PutEventsCommand).resolves(ok(2));
        const { relay } = relayToBus();
        const result = await relay(
            streamOf(insert("a", { type: "OrderPlaced", payload: { total: 5 } }), insert("b", { payload: JSON.stringify({ total: 7 }) })),
        );
        expect(result).toEqual({ batchItemFailures: [] });
        const [entries] = putEventsCalls();
        expect(entries).toHaveLength(2);
        expect(entries[0]).toMatchObject({ EventBusName: "orders", Source: "shop.orders", DetailType: "OrderPlaced" });
        expect(JSON.parse(entries[0].Detail!)).toEqual({ eventId: eventIdOf({ pk: "a" }), key: { pk: "a" }, payload: { total: 5 } });
        expect(entries[1].DetailType).toBe("OutboxEvent");
        expect(JSON.parse(entries[1].Detail!).payload).toEqual({ total: 7 });
    });

    test("the event id depends on the item key only, so a re-delivered item is recognisable", async () => {
        expect(eventIdOf({ pk: "a", sk: 1 })).toBe(eventIdOf({ sk: 1, pk: "a" }));
        expect(eventIdOf({ pk: "a" })).not.toBe(eventIdOf({ pk: "b" }));
        eventBridge.on(PutEventsCommand).resolves(ok(1));
        const { relay } = relayToBus();
        await relay(streamOf(insert("a", { payload: 1 }, "1")));
        await relay(streamOf(insert("a", { payload: 1 }, "1")));
        const [first, second] = putEventsCalls().map((entries) => JSON.parse(entries[0].Detail!).eventId);
        expect(first).toBe(second);
    });

    test("an item without payload is published whole", async () => {
        eventBridge.on(PutEventsCommand).resolves(ok(1));
        const { relay } = relayToBus();
        await relay(streamOf(insert("a", { amount: 3 })));
        expect(JSON.parse(putEventsCalls()[0][0].Detail!).payload).toEqual({ pk: "a", amount: 3 });
    });

    test("skips MODIFY and REMOVE records (TTL expiry included) and an empty batch", async () => {
        const { relay } = relayToBus();
        const modify: DynamoDBRecord = { ...insert("a"), eventName: "MODIFY" };
        const remove: DynamoDBRecord = { eventName: "REMOVE", dynamodb: { SequenceNumber: "9", Keys: marshall({ pk: "x" }) as never } };
        expect(await relay(streamOf(modify, remove))).toEqual({ batchItemFailures: [] });
        expect(await relay(streamOf())).toEqual({ batchItemFailures: [] });
        expect(await relay({} as DynamoDBStreamEvent)).toEqual({ batchItemFailures: [] });
        expect(putEventsCalls()).toHaveLength(0);
    });

    test("sends at most 10 entries per PutEvents call, in stream order", async () => {
        eventBridge.on(PutEventsCommand).callsFake((input) => ok(input.Entries.length));
        const { relay } = relayToBus();
        const records = Array.from({ length: 23 }, (_, i) => insert(`k${i}`, {}, String(100 + i)));
        expect(await relay(streamOf(...records))).toEqual({ batchItemFailures: [] });
        const calls = putEventsCalls();
        expect(calls.map((entries) => entries.length)).toEqual([10, 10, 3]);
        const keys = calls.flat().map((entry) => JSON.parse(entry.Detail!).key.pk);
        expect(keys).toEqual(records.map((_, i) => `k${i}`));
    });

    test("keeps each PutEvents call under 256 KB", async () => {
        eventBridge.on(PutEventsCommand).callsFake((input) => ok(input.Entries.length));
        const { relay } = relayToBus();
        const big = "x".repeat(100 * 1024);
        const records = Array.from({ length: 5 }, (_, i) => insert(`k${i}`, { payload: big }, String(i)));
        expect(await relay(streamOf(...records))).toEqual({ batchItemFailures: [] });
        const calls = putEventsCalls();
        expect(calls.map((entries) => entries.length)).toEqual([2, 2, 1]);
        for (const entries of calls) expect(entries.reduce((sum, entry) => sum + Buffer.byteLength(entry.Detail!), 0)).toBeLessThan(256 * 1024);
    });

    test("malformed: an item over the publish limit is reported (it goes to the failure store), earlier ones are published", async () => {
        eventBridge.on(PutEventsCommand).callsFake((input) => ok(input.Entries.length));
        const { relay } = relayToBus();
        const result = await relay(streamOf(insert("a", {}, "1"), insert("huge", { payload: "x".repeat(300 * 1024) }, "2"), insert("c", {}, "3")));
        expect(result.batchItemFailures).toEqual([{ itemIdentifier: "2" }, { itemIdentifier: "3" }]);
        expect(putEventsCalls().flat().map((entry) => JSON.parse(entry.Detail!).key.pk)).toEqual(["a"]);
    });

    test("a call rejected for a reason retries cannot fix (access denied) is not retried", async () => {
        eventBridge.on(PutEventsCommand).rejects(Object.assign(new Error("not allowed"), { name: "AccessDeniedException" }));
        const { relay, sleeps } = relayToBus(4);
        const result = await relay(streamOf(insert("a", {}, "1")));
        expect(result.batchItemFailures).toEqual([{ itemIdentifier: "1" }]);
        expect(putEventsCalls()).toHaveLength(1);
        expect(sleeps).toHaveLength(0);
    });

    test("retries only the failed entries, with growing backoff, and succeeds", async () => {
        eventBridge
            .on(PutEventsCommand)
            .resolvesOnce({ FailedEntryCount: 1, Entries: [{ EventId: "1" }, { ErrorCode: "InternalFailure", ErrorMessage: "try again" }, { EventId: "3" }] })
            .resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: "ThrottlingException" }] })
            .resolves(ok(1));
        const { relay, sleeps } = relayToBus(3);
        const result = await relay(streamOf(insert("a"), insert("b"), insert("c")));
        expect(result).toEqual({ batchItemFailures: [] });
        const calls = putEventsCalls();
        expect(calls.map((entries) => entries.map((entry) => JSON.parse(entry.Detail!).key.pk))).toEqual([["a", "b", "c"], ["b"], ["b"]]);
        expect(sleeps).toHaveLength(2);
        expect(sleeps[0]).toBeLessThanOrEqual(100);
        expect(sleeps[1]).toBeLessThanOrEqual(200);
    });

    test("after bounded retries, reports the failed record and every later one by sequence number", async () => {
        eventBridge.on(PutEventsCommand).callsFake((input) => ({
            FailedEntryCount: 1,
            Entries: input.Entries.map((entry: { Detail: string }) =>
                JSON.parse(entry.Detail).key.pk === "b" ? { ErrorCode: "InternalFailure" } : { EventId: "x" },
            ),
        }));
        const { relay } = relayToBus(3);
        const records = [insert("a", {}, "1"), insert("b", {}, "2"), insert("c", {}, "3")];
        const more = Array.from({ length: 10 }, (_, i) => insert(`z${i}`, {}, String(10 + i)));
        const result = await relay(streamOf(...records, ...more));
        expect(result.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(["2", "3", ...more.map((r) => r.dynamodb!.SequenceNumber)]);
        // three attempts for the first chunk, and the later chunk is not sent, so order is kept
        expect(putEventsCalls()).toHaveLength(3);
    });

    test("a permanent entry error is not retried", async () => {
        eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: "MalformedDetail" }] });
        const { relay } = relayToBus(5);
        const result = await relay(streamOf(insert("a", {}, "7")));
        expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: "7" }] });
        expect(putEventsCalls()).toHaveLength(1);
    });

    test("a thrown PutEvents call is retried, then the whole chunk is reported", async () => {
        eventBridge.on(PutEventsCommand).rejects(Object.assign(new Error("rate exceeded"), { name: "ThrottlingException" }));
        const { relay, sleeps } = relayToBus(2);
        const result = await relay(streamOf(insert("a", {}, "1"), insert("b", {}, "2")));
        expect(result.batchItemFailures).toEqual([{ itemIdentifier: "1" }, { itemIdentifier: "2" }]);
        expect(putEventsCalls()).toHaveLength(2);
        expect(sleeps).toHaveLength(1);
    });

    test("malformed: an INSERT without NewImage is reported with every later record, after earlier ones are published", async () => {
        eventBridge.on(PutEventsCommand).resolves(ok(1));
        const { relay } = relayToBus();
        const keysOnly: DynamoDBRecord = { eventName: "INSERT", dynamodb: { SequenceNumber: "2", Keys: marshall({ pk: "b" }) as never } };
        const result = await relay(streamOf(insert("a", {}, "1"), keysOnly, insert("c", {}, "3")));
        expect(result.batchItemFailures).toEqual([{ itemIdentifier: "2" }, { itemIdentifier: "3" }]);
        expect(putEventsCalls().flat().map((entry) => JSON.parse(entry.Detail!).key.pk)).toEqual(["a"]);
    });

    test("malformed: an image the SDK cannot unmarshall is reported, not thrown", async () => {
        const { relay } = relayToBus();
        const broken: DynamoDBRecord = {
            eventName: "INSERT",
            dynamodb: { SequenceNumber: "5", Keys: marshall({ pk: "b" }) as never, NewImage: { pk: { S: "b" }, odd: { ZZ: "x" } } as never },
        };
        expect(await relay(streamOf(broken))).toEqual({ batchItemFailures: [{ itemIdentifier: "5" }] });
        expect(putEventsCalls()).toHaveLength(0);
    });

    test("a number beyond 2^53 is published exactly, as a string", async () => {
        eventBridge.on(PutEventsCommand).callsFake((input) => ok(input.Entries.length));
        const { relay } = relayToBus();
        const huge: DynamoDBRecord = {
            eventName: "INSERT",
            dynamodb: { SequenceNumber: "2", Keys: marshall({ pk: "b" }) as never, NewImage: { pk: { S: "b" }, amount: { N: "123456789012345678901234567890" } } },
        };
        const result = await relay(streamOf(insert("a", {}, "1"), huge));
        expect(result.batchItemFailures).toEqual([]);
        expect(JSON.parse(putEventsCalls()[0][1].Detail!).payload.amount).toBe("123456789012345678901234567890");
    });

    test("publishes to an SNS topic in batches; a FIFO topic gets the event id as deduplication id", async () => {
        sns.on(PublishBatchCommand).callsFake((input) => ({ Successful: input.PublishBatchRequestEntries.map((e: { Id: string }) => ({ Id: e.Id })), Failed: [] }));
        const client = new SNSClient({ region: "eu-west-1" });
        const standard = createRelay({ publish: snsPublisher(client, "arn:aws:sns:eu-west-1:1:orders"), sleep: noSleep, log: quiet });
        const fifo = createRelay({ publish: snsPublisher(client, "arn:aws:sns:eu-west-1:1:orders.fifo"), sleep: noSleep, log: quiet });
        expect(await standard(streamOf(insert("a", { type: "OrderPlaced" })))).toEqual({ batchItemFailures: [] });
        expect(await fifo(streamOf(insert("b", { groupId: "customer-1" })))).toEqual({ batchItemFailures: [] });
        const [first, second] = sns.commandCalls(PublishBatchCommand).map((call) => call.args[0].input.PublishBatchRequestEntries![0]);
        expect(first.MessageDeduplicationId).toBeUndefined();
        expect(first.MessageAttributes?.eventId.StringValue).toBe(eventIdOf({ pk: "a" }));
        expect(JSON.parse(first.Message!)).toMatchObject({ type: "OrderPlaced", key: { pk: "a" } });
        expect(second).toMatchObject({ MessageDeduplicationId: eventIdOf({ pk: "b" }), MessageGroupId: "customer-1" });
    });

    test("SNS: a sender fault is permanent, a server fault is retried", async () => {
        sns.on(PublishBatchCommand)
            .resolvesOnce({ Successful: [], Failed: [{ Id: "0", Code: "InternalError", SenderFault: false }, { Id: "1", Code: "InvalidParameter", SenderFault: true }] })
            .resolves({ Successful: [{ Id: "0" }], Failed: [{ Id: "1", Code: "InvalidParameter", SenderFault: true }] });
        const relay = createRelay({ publish: snsPublisher(new SNSClient({ region: "eu-west-1" }), "arn:aws:sns:eu-west-1:1:t"), sleep: noSleep, log: quiet });
        const result = await relay(streamOf(insert("a", {}, "1"), insert("b", {}, "2")));
        expect(result.batchItemFailures).toEqual([{ itemIdentifier: "2" }]);
        expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(2);
    });

    test("the environment names exactly one destination", () => {
        expect(() => relayFromEnvironment({})).toThrow(/exactly one of OUTBOX_EVENT_BUS_NAME and OUTBOX_TOPIC_ARN/);
        expect(() => relayFromEnvironment({ OUTBOX_EVENT_BUS_NAME: "b", OUTBOX_TOPIC_ARN: "t" })).toThrow(/exactly one/);
        expect(typeof relayFromEnvironment({ OUTBOX_EVENT_BUS_NAME: "b", AWS_REGION: "eu-west-1" })).toBe("function");
    });
});

describe("outbox relay shipping", () => {
    test("the code shipped to Lambda is plain CommonJS exporting `handler`, with only the AWS SDK and Node built-ins as imports", async () => {
        const code = handlerJavaScript("outbox-relay");
        const required: string[] = [];
        const module = { exports: {} as Record<string, unknown> };
        const sandboxRequire = (id: string) => {
            required.push(id);
            return require(id);
        };
        vm.runInNewContext(code, { module, exports: module.exports, require: sandboxRequire, process, console, setTimeout });
        expect(typeof module.exports.handler).toBe("function");
        expect(required.every((id) => id.startsWith("@aws-sdk/") || id.startsWith("node:"))).toBe(true);
        expect(required).toEqual(expect.arrayContaining(["@aws-sdk/client-eventbridge", "@aws-sdk/util-dynamodb"]));
    });

    test("from a build laid out like dist/, the component finds and ships the compiled handler", () => {
        const ts: typeof import("typescript") = require("typescript");
        const root = path.join(__dirname, "..", "..");
        const dist = fs.mkdtempSync(path.join(os.tmpdir(), "dist-"));
        fs.symlinkSync(path.join(root, "node_modules"), path.join(dist, "node_modules"), "dir");
        for (const file of ["components/lib/handler-code.ts", "components/handlers/outbox-relay.ts"]) {
            const output = ts.transpileModule(fs.readFileSync(path.join(root, file), "utf8"), {
                compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
            });
            fs.mkdirSync(path.dirname(path.join(dist, file)), { recursive: true });
            fs.writeFileSync(path.join(dist, file.replace(/\.ts$/, ".js")), output.outputText);
        }
        const compiled = fs.readFileSync(path.join(dist, "components/handlers/outbox-relay.js"), "utf8");
        const built = require(path.join(dist, "components/lib/handler-code.js"));
        expect(built.handlerJavaScript("outbox-relay")).toBe(compiled);
    });

    test("the compiled JavaScript beside the component wins over the source, without its source-map comment", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "handlers-"));
        fs.writeFileSync(path.join(dir, "outbox-relay.js"), "exports.handler = async () => ({ batchItemFailures: [] });\n//# sourceMappingURL=outbox-relay.js.map\n");
        fs.writeFileSync(path.join(dir, "outbox-relay.ts"), "this source must not be read");
        expect(handlerJavaScript("outbox-relay", dir)).toBe("exports.handler = async () => ({ batchItemFailures: [] });\n");
        expect(() => handlerJavaScript("missing", dir)).toThrow(/handler "missing" not found/);
    });

    test("a handler's source is transpiled again once it changes (each instance reuses the last transpile until then)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "handlers-"));
        const source = path.join(dir, "relay.ts");
        fs.writeFileSync(source, "export const version: number = 1;\n");
        expect(handlerJavaScript("relay", dir)).toContain("exports.version = 1;");
        expect(handlerJavaScript("relay", dir)).toContain("exports.version = 1;");
        fs.writeFileSync(source, "export const version: number = 22;\n");
        fs.utimesSync(source, new Date(), new Date(Date.now() + 60_000));
        expect(handlerJavaScript("relay", dir)).toContain("exports.version = 22;");
    });
});
