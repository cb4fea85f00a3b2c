import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as dynamodb from "@pulumi/aws/dynamodb";
import { ArgumentErrors } from "./lib/argument-errors";
import { arnService, plainString } from "./lib/arns";
import { withDefaults } from "./lib/defaults";
import type { FunctionSettings } from "./lib/function";
import { handlerArchive } from "./lib/handler-code";
import { StreamWorker, validateStreamWorkerArgs } from "./stream-worker";

/** The relay function's settings; its code and handler ship with the component. */
export interface OutboxRelayFunctionArgs extends FunctionSettings {}

/** How the relay reads the outbox stream; each setting is the `StreamWorker` one, with its default and limits. */
export interface OutboxRelayArgs {
    /** The relay function's settings (memory, timeout, ...); its `runtime` must be a Node.js one (`nodejs<N>.x`). Default: the function defaults. */
    function?: OutboxRelayFunctionArgs;
    /** Stream records per batch, a whole number from 1 to 10000. Default 100. */
    batchSize?: number;
    /** Seconds to gather a batch, a whole number from 0 to 300. Default 1. */
    maximumBatchingWindowInSeconds?: number;
    /** Retries of a failing batch before its records go to the failure destination, a whole number from 0 to 10000. Default 3. */
    maximumRetryAttempts?: number;
    /** Records older than this many seconds go to the failure destination, a whole number from 60 to 604800. Default 3600. */
    maximumRecordAgeInSeconds?: number;
    /** Concurrent batches per shard, a whole number from 1 to 10 (order is kept per partition key). Default 1. */
    parallelizationFactor?: number;
    /** `s3` (default) or `sqs`: where records the relay gives up on are kept. Not with `failureDestinationArn`. */
    failureDestination?: string;
    /**
     * An existing SQS queue, SNS topic or S3 bucket for the records the relay gives up on, by ARN; not FIFO, and not
     * with `failureDestination` or `failureRetentionDays`. Default: the store the relay creates.
     */
    failureDestinationArn?: pulumi.Input<string>;
    /** Days the created failure bucket keeps records, a whole number from 1 to 36500. Default 90. */
    failureRetentionDays?: number;
    /** The iterator-age alarm fires when the newest batch is older than this many seconds, a whole number from 1 to 604800. Default 300. */
    iteratorAgeAlarmSeconds?: number;
    /** SNS topic the relay's alarms notify (when known, an SNS ARN). Default: a new topic (`relayAlarmTopicArn`). */
    alarmTopicArn?: pulumi.Input<string>;
}

/** The arguments of a `TransactionalOutbox`; every one is optional. */
export interface TransactionalOutboxArgs {
    /**
     * The EventBridge bus the relay publishes to: an event bus ARN (`arn:aws:events:...:event-bus/<name>`). Not with
     * `topicArn`. Default: a new bus (`eventBusArn` output).
     */
    eventBusArn?: pulumi.Input<string>;
    /**
     * Publish to this SNS topic instead of a bus (a FIFO topic gets ordered, deduplicated messages): its ARN (when
     * known, an SNS ARN). Not with `eventBusArn`. Default: none (a bus).
     */
    topicArn?: pulumi.Input<string>;
    /**
     * The EventBridge `source` of relayed events: non-empty, not starting with `aws.`. Bus only (not with
     * `topicArn`). Default `outbox`.
     */
    eventSource?: string;
    /** The table's name: 3-255 letters, digits, `_`, `.` or `-`. Default: generated from the resource name. */
    tableName?: string;
    /** Partition key attribute (of type string): 1-255 letters, digits, `_`, `.` or `-`. Default `id`. */
    hashKey?: string;
    /** Sort key attribute, e.g. a sequence number per aggregate: 1-255 letters, digits, `_`, `.` or `-`, not `hashKey`. Default: none. */
    rangeKey?: string;
    /** The sort key's type: `S` (default) or `N`. Only with `rangeKey`. */
    rangeKeyType?: string;
    /**
     * Attribute holding the epoch second after which DynamoDB deletes a relayed item (the table's TTL attribute):
     * 1-255 letters, digits, `_`, `.` or `-`, not a key attribute. Default `expiresAt`.
     */
    ttlAttribute?: string;
    /**
     * Publish attempts per event inside one invocation (with backoff) before the record is reported failed, a whole
     * number from 1 to 10. Default 4.
     */
    maxPublishAttempts?: number;
    /** How the relay reads the table's stream (batching, retries, failure store, alarms). Default: the `StreamWorker` defaults. */
    relay?: OutboxRelayArgs;
}

/** The defaults a `TransactionalOutbox` applies (`eventSource` to a bus destination only). */
export const transactionalOutboxDefaults = {
    eventSource: "outbox",
    hashKey: "id",
    rangeKeyType: "S",
    ttlAttribute: "expiresAt",
    maxPublishAttempts: 4,
} as const;

/** Only new items are relayed: updates and TTL deletions never reach the function. */
export const INSERTS_ONLY = JSON.stringify({ eventName: ["INSERT"] });

const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,255}$/;

function validate(name: string, args: TransactionalOutboxArgs | undefined) {
    const errors = new ArgumentErrors("TransactionalOutbox", name);
    const a = args ?? {};
    if (a.eventBusArn !== undefined && a.topicArn !== undefined) errors.add("eventBusArn", "and topicArn are both set: give one destination (or neither, for a new bus)");
    const bus = plainString(a.eventBusArn);
    if (bus !== undefined && (arnService(bus) !== "events" || !bus.includes(":event-bus/"))) {
        errors.add("eventBusArn", `must be an EventBridge event bus ARN (got ${JSON.stringify(bus)})`);
    }
    const topic = plainString(a.topicArn);
    if (topic !== undefined && arnService(topic) !== "sns") errors.add("topicArn", `must be an SNS topic ARN (got ${JSON.stringify(topic)})`);
    if (a.topicArn !== undefined && a.eventSource !== undefined) errors.add("eventSource", "applies to an EventBridge bus only");
    for (const field of ["hashKey", "rangeKey", "ttlAttribute"] as const) {
        const value = a[field];
        if (value !== undefined && (typeof value !== "string" || !ATTRIBUTE_NAME.test(value))) errors.add(field, "must be a DynamoDB attribute name (letters, digits, _ . -)");
    }
    if (a.rangeKey !== undefined && a.rangeKey === (a.hashKey ?? transactionalOutboxDefaults.hashKey)) errors.add("rangeKey", "must differ from hashKey");
    if (a.ttlAttribute !== undefined && [a.hashKey ?? transactionalOutboxDefaults.hashKey, a.rangeKey].includes(a.ttlAttribute)) {
        errors.add("ttlAttribute", "must not be a key attribute");
    }
    errors.oneOf("rangeKeyType", a.rangeKeyType, ["S", "N"]);
    if (a.rangeKeyType !== undefined && a.rangeKey === undefined) errors.add("rangeKeyType", "applies only with rangeKey");
    if (a.eventSource !== undefined && (typeof a.eventSource !== "string" || a.eventSource === "" || a.eventSource.startsWith("aws."))) {
        errors.add("eventSource", "must be a non-empty source name that does not start with `aws.`");
    }
    if (a.tableName !== undefined && (typeof a.tableName !== "string" || !/^[A-Za-z0-9_.-]{3,255}$/.test(a.tableName))) {
        errors.add("tableName", "must be 3-255 letters, digits, _ . or -");
    }
    errors.integerInRange("maxPublishAttempts", a.maxPublishAttempts, 1, 10);
    const relay = a.relay ?? {};
    validateStreamWorkerArgs(errors, "relay", relay, { streamArnRequired: false, codeRequired: false });
    const runtime = relay.function?.runtime;
    if (typeof runtime === "string" && !runtime.startsWith("nodejs")) errors.add("relay.function.runtime", `must be a Node.js runtime: the relay is JavaScript (got ${JSON.stringify(runtime)})`);
    errors.throwIfAny();
}

/**
 * The transactional outbox: write the event into this table in the same transaction as the state change,
 * and the relay publishes each new item to an EventBridge bus (or SNS topic) at least once, in order, with
 * an id derived from the item key so consumers can drop duplicates. The table has a NEW_IMAGE stream,
 * point-in-time recovery and TTL; the relay is a StreamWorker whose role may publish to that destination only.
 */
export class TransactionalOutbox extends pulumi.ComponentResource {
    /** The outbox table: write each event here, in the same transaction as the state change. */
    public readonly table: dynamodb.Table;
    /** The table's name. */
    public readonly tableName: pulumi.Output<string>;
    /** The table's ARN, to let the writers put items. */
    public readonly tableArn: pulumi.Output<string>;
    /** The bus events go to (undefined when publishing to a topic). */
    public readonly eventBusArn?: pulumi.Output<string>;
    /** The topic events go to (undefined when publishing to a bus). */
    public readonly topicArn?: pulumi.Output<string>;
    /** The relay function's name. */
    public readonly relayFunctionName: pulumi.Output<string>;
    /** The relay function's ARN. */
    public readonly relayFunctionArn: pulumi.Output<string>;
    /** Where records the relay gives up on are kept (an S3 bucket by default). */
    public readonly relayFailureDestinationArn: pulumi.Output<string>;
    /** The topic the relay's alarms (iterator age, failure store) notify. */
    public readonly relayAlarmTopicArn: pulumi.Output<string>;

    constructor(name: string, args: TransactionalOutboxArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        validate(name, args);
        super("serverless-guardrails:index:TransactionalOutbox", name, {}, opts);
        const settings = withDefaults(transactionalOutboxDefaults, args);
        const parent = { parent: this };

        const attributes = [{ name: settings.hashKey, type: "S" }];
        if (settings.rangeKey !== undefined) attributes.push({ name: settings.rangeKey, type: settings.rangeKeyType });
        this.table = new dynamodb.Table(
            `${name}-table`,
            {
                name: settings.tableName,
                billingMode: "PAY_PER_REQUEST",
                hashKey: settings.hashKey,
                rangeKey: settings.rangeKey,
                attributes,
                streamEnabled: true,
                streamViewType: "NEW_IMAGE",
                pointInTimeRecovery: { enabled: true },
                ttl: { attributeName: settings.ttlAttribute, enabled: true },
            },
            parent,
        );

        let environment: { [key: string]: pulumi.Input<string> };
        let publish: { actions: string[]; resources: pulumi.Input<string>[] };
        if (settings.topicArn !== undefined) {
            this.topicArn = pulumi.output(settings.topicArn);
            environment = { OUTBOX_TOPIC_ARN: this.topicArn };
            publish = { actions: ["sns:Publish"], resources: [this.topicArn] };
        } else {
            this.eventBusArn = settings.eventBusArn !== undefined ? pulumi.output(settings.eventBusArn) : new cloudwatch.EventBus(`${name}-bus`, {}, parent).arn;
            // PutEvents takes the bus ARN as its name; the ARN also scopes the permission.
            environment = { OUTBOX_EVENT_BUS_NAME: this.eventBusArn, OUTBOX_EVENT_SOURCE: settings.eventSource };
            publish = { actions: ["events:PutEvents"], resources: [this.eventBusArn] };
        }
        environment.OUTBOX_MAX_ATTEMPTS = String(settings.maxPublishAttempts);

        const relay = settings.relay ?? {};
        // Kept out of the fields: a component-typed field cannot be served through a component provider.
        const relayWorker = new StreamWorker(
            `${name}-relay`,
            {
                ...relay,
                streamArn: this.table.streamArn,
                function: {
                    ...(relay.function ?? {}),
                    code: handlerArchive("outbox-relay"),
                    handler: "index.handler",
                    environment,
                    description: "Relays new outbox items to their destination",
                    policyStatements: [publish],
                },
                filterPatterns: [INSERTS_ONLY],
            },
            parent,
        );

        this.relayFunctionName = relayWorker.function.name;
        this.relayFunctionArn = relayWorker.function.arn;
        this.relayFailureDestinationArn = relayWorker.failureDestinationArn;
        this.relayAlarmTopicArn = relayWorker.alarmTopicArn;
        this.tableName = this.table.name;
        this.tableArn = this.table.arn;
        this.registerOutputs({
            tableName: this.tableName,
            tableArn: this.tableArn,
            eventBusArn: this.eventBusArn,
            topicArn: this.topicArn,
            relayFunctionName: this.relayFunctionName,
            relayFunctionArn: this.relayFunctionArn,
            relayFailureDestinationArn: this.relayFailureDestinationArn,
            relayAlarmTopicArn: this.relayAlarmTopicArn,
        });
    }
}
