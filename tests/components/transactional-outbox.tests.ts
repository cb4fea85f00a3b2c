import * as pulumi from "@pulumi/pulumi";
import { INSERTS_ONLY, TransactionalOutbox, transactionalOutboxDefaults } from "../../components/transactional-outbox";
import { argumentError, byType, one, recordResources, settle, valueOf, type Registered } from "../helpers/component-recorder";

let registered: Registered[];

const TABLE = "aws:dynamodb/table:Table";
const FUNCTION = "aws:lambda/function:Function";
const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";

function statementsOf(policy: string) {
    return JSON.parse(policy).Statement as { Action: string[]; Resource: string[] }[];
}

/** The JavaScript the function ships: the `index.js` of its code archive. */
async function shippedCode(fn: Registered): Promise<string> {
    const archive = fn.inputs.code as pulumi.asset.AssetArchive;
    const assets = (await archive.assets) as Record<string, pulumi.asset.StringAsset>;
    return (await assets["index.js"].text) as string;
}

describe("TransactionalOutbox", () => {
    beforeEach(() => {
        registered = recordResources();
    });

    test("defaults: a table with a NEW_IMAGE stream, PITR and TTL; a relay on its stream to a new bus", async () => {
        const outbox = new TransactionalOutbox("orders");
        await settle();
        const table = one(registered, TABLE);
        expect(table.name).toBe("orders-table");
        expect(table.inputs).toMatchObject({
            billingMode: "PAY_PER_REQUEST",
            hashKey: "id",
            attributes: [{ name: "id", type: "S" }],
            streamEnabled: true,
            streamViewType: "NEW_IMAGE",
            pointInTimeRecovery: { enabled: true },
            ttl: { attributeName: "expiresAt", enabled: true },
        });
        const bus = one(registered, "aws:cloudwatch/eventBus:EventBus");
        expect(bus.name).toBe("orders-bus");
        expect(await valueOf(outbox.eventBusArn)).toBe(bus.state.arn);

        const mapping = one(registered, MAPPING);
        expect(mapping.name).toBe("orders-relay-mapping");
        expect(mapping.inputs.eventSourceArn).toBe(table.state.streamArn);
        expect(mapping.inputs.filterCriteria).toEqual({ filters: [{ pattern: INSERTS_ONLY }] });
        expect(mapping.inputs.functionResponseTypes).toEqual(["ReportBatchItemFailures"]);

        const fn = one(registered, FUNCTION);
        expect(fn.name).toBe("orders-relay-function");
        expect(fn.inputs).toMatchObject({ handler: "index.handler", runtime: "nodejs24.x", memorySize: 1024, timeout: 30, reservedConcurrentExecutions: 10 });
        expect(fn.inputs.environment.variables).toEqual({ OUTBOX_EVENT_BUS_NAME: bus.state.arn, OUTBOX_EVENT_SOURCE: "outbox", OUTBOX_MAX_ATTEMPTS: "4" });
        expect(await shippedCode(fn)).toContain("batchItemFailures");
        expect(transactionalOutboxDefaults.hashKey).toBe("id");
    });

    test("the relay role may publish to that bus only, and read that table's stream only", async () => {
        new TransactionalOutbox("orders");
        await settle();
        const bus = one(registered, "aws:cloudwatch/eventBus:EventBus");
        const table = one(registered, TABLE);
        const statements = statementsOf(one(registered, "aws:iam/rolePolicy:RolePolicy").inputs.policy);
        const publishing = statements.filter((s) => s.Action.some((a) => a.startsWith("events:") || a.startsWith("sns:")));
        expect(publishing).toEqual([expect.objectContaining({ Action: ["events:PutEvents"], Resource: [bus.state.arn] })]);
        const read = statements.find((s) => s.Action.includes("dynamodb:GetRecords"))!;
        expect(read.Resource[0]).toBe(table.state.streamArn);
        expect(statements.some((s) => s.Action.some((a) => a.startsWith("dynamodb:PutItem") || a === "*" || a.endsWith(":*")))).toBe(false);
    });

    test("an existing bus, keys, TTL attribute, source and relay settings are overridable", async () => {
        const busArn = "arn:aws:events:us-east-1:123456789012:event-bus/shop";
        new TransactionalOutbox("orders", {
            eventBusArn: busArn,
            eventSource: "shop.orders",
            tableName: "orders-outbox",
            hashKey: "aggregateId",
            rangeKey: "sequence",
            rangeKeyType: "N",
            ttlAttribute: "ttl",
            maxPublishAttempts: 2,
            relay: { function: { memorySize: 256, timeout: 60, architectures: ["arm64"] }, batchSize: 50, maximumRetryAttempts: 5, failureDestination: "sqs" },
        });
        await settle();
        expect(one(registered, TABLE).inputs).toMatchObject({
            name: "orders-outbox",
            hashKey: "aggregateId",
            rangeKey: "sequence",
            attributes: [
                { name: "aggregateId", type: "S" },
                { name: "sequence", type: "N" },
            ],
            ttl: { attributeName: "ttl", enabled: true },
        });
        expect(byType(registered, "aws:cloudwatch/eventBus:EventBus")).toHaveLength(0);
        const fn = one(registered, FUNCTION);
        expect(fn.inputs).toMatchObject({ memorySize: 256, timeout: 60, architectures: ["arm64"] });
        expect(fn.inputs.environment.variables).toEqual({ OUTBOX_EVENT_BUS_NAME: busArn, OUTBOX_EVENT_SOURCE: "shop.orders", OUTBOX_MAX_ATTEMPTS: "2" });
        expect(one(registered, MAPPING).inputs).toMatchObject({ batchSize: 50, maximumRetryAttempts: 5 });
        expect(one(registered, "aws:sqs/queue:Queue").name).toBe("orders-relay-failures-queue");
        const statements = statementsOf(one(registered, "aws:iam/rolePolicy:RolePolicy").inputs.policy);
        expect(statements.find((s) => s.Action.includes("events:PutEvents"))!.Resource).toEqual([busArn]);
    });

    test("an SNS topic instead of a bus: the role may publish to that topic only", async () => {
        const topicArn = "arn:aws:sns:us-east-1:123456789012:orders.fifo";
        const outbox = new TransactionalOutbox("orders", { topicArn });
        await settle();
        expect(byType(registered, "aws:cloudwatch/eventBus:EventBus")).toHaveLength(0);
        expect(outbox.eventBusArn).toBeUndefined();
        expect(one(registered, FUNCTION).inputs.environment.variables).toEqual({ OUTBOX_TOPIC_ARN: topicArn, OUTBOX_MAX_ATTEMPTS: "4" });
        const statements = statementsOf(one(registered, "aws:iam/rolePolicy:RolePolicy").inputs.policy);
        expect(statements.filter((s) => s.Action.some((a) => a.startsWith("events:") || a.startsWith("sns:")))).toEqual([
            expect.objectContaining({ Action: ["sns:Publish"], Resource: [topicArn] }),
        ]);
    });

    test("argument errors: every bad argument named in one error, before any resource", async () => {
        const error = await argumentError(registered, () =>
            new TransactionalOutbox("bad", {
                eventBusArn: "arn:aws:sqs:us-east-1:1:q",
                topicArn: "not-an-arn",
                eventSource: "aws.orders",
                hashKey: "id",
                rangeKey: "id",
                rangeKeyType: "B",
                ttlAttribute: "id",
                maxPublishAttempts: 0,
                relay: { function: { memorySize: 64, runtime: "python3.13" }, batchSize: 0, failureDestination: "kinesis" },
            }),
        );
        for (const argument of [
            "eventBusArn: and topicArn are both set",
            "eventBusArn: must be an EventBridge event bus ARN",
            "topicArn: must be an SNS topic ARN",
            "eventSource:",
            "rangeKey: must differ from hashKey",
            "rangeKeyType:",
            "ttlAttribute: must not be a key attribute",
            "maxPublishAttempts:",
            "relay.function.memorySize:",
            "relay.function.runtime: must be a Node.js runtime",
            "relay.batchSize:",
            "relay.failureDestination:",
        ]) {
            expect(error.message).toContain(argument);
        }
    });
});
