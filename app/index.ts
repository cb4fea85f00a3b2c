/**
 * The reference application: an order service built from the serverless-guardrails components.
 *
 *   POST /orders (REST API, WAF, throttling, access logs)
 *     -> orders-api writes the order and an OrderPlaced event in one transaction (TransactionalOutbox)
 *     -> the outbox relay publishes the event to the orders bus
 *        -> rule "order-placed" -> send-confirmation (AsyncFunction, invoked asynchronously)
 *                               -> fulfilment queue (QueueWorker)
 *                               -> payment-follow-up (DurableFunction, through its alias): reminds after a day,
 *                                  cancels an order still unpaid after three
 *   orders table stream -> orders-projection (StreamWorker) keeps per-status counts
 *   a monthly budget watches the bill (CostGuardrails)
 *
 * `npm run check` runs this program on mocks and reports zero violations, in preview and in update mode.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AsyncFunction, CostGuardrails, DurableFunction, EventRuleTarget, QueueWorker, StreamWorker, TransactionalOutbox } from "../components";
import { OrdersApi } from "./orders-api";

const config = new pulumi.Config();
const alertEmail = config.get("alertEmail") ?? "oncall@example.com";
const handler = (name: string) => new pulumi.asset.FileArchive(`${__dirname}/handlers/${name}`);

const orders = new aws.dynamodb.Table("orders", {
    hashKey: "id",
    attributes: [{ name: "id", type: "S" }],
    billingMode: "PAY_PER_REQUEST",
    streamEnabled: true,
    streamViewType: "NEW_IMAGE",
    pointInTimeRecovery: { enabled: true },
});
const orderSummaries = new aws.dynamodb.Table("order-summaries", {
    hashKey: "status",
    attributes: [{ name: "status", type: "S" }],
    billingMode: "PAY_PER_REQUEST",
});

const outbox = new TransactionalOutbox("orders-outbox", { eventSource: "shop.orders" });

const api = new OrdersApi("shop", {
    ordersTableName: orders.name,
    ordersTableArn: orders.arn,
    outboxTableName: outbox.tableName,
    outboxTableArn: outbox.tableArn,
});

const orderPlaced = new aws.cloudwatch.EventRule("order-placed", {
    eventBusName: outbox.eventBusArn!,
    eventPattern: JSON.stringify({ source: ["shop.orders"], "detail-type": ["OrderPlaced"] }),
});

const confirmation = new AsyncFunction("send-confirmation", {
    function: { code: handler("send-confirmation"), timeout: 15 },
    deadLetterQueue: { alarmEmails: [alertEmail] },
});
new EventRuleTarget("confirm-on-order", {
    rule: orderPlaced.name,
    ruleArn: orderPlaced.arn,
    eventBusName: outbox.eventBusArn!,
    functionArn: confirmation.functionArn,
    functionFailureDestination: false,
});

const fulfilment = new QueueWorker("fulfilment", {
    function: { code: handler("fulfilment"), timeout: 60 },
    batchSize: 20,
    maximumBatchingWindowInSeconds: 5,
});
new EventRuleTarget("fulfil-on-order", {
    rule: orderPlaced.name,
    ruleArn: orderPlaced.arn,
    eventBusName: outbox.eventBusArn!,
    targetArn: fulfilment.queueArn,
    targetQueueUrl: fulfilment.queueUrl,
});

// Days-long waits in one execution: a durable function, invoked through its alias as AWS requires, with its failed
// executions alarmed and kept.
const paymentFollowUp = new DurableFunction("payment-follow-up", {
    function: { code: handler("payment-follow-up"), timeout: 30 },
    executionTimeout: 4 * 86400,
    deadLetterQueue: { alarmEmails: [alertEmail] },
});
paymentFollowUp.grantInvoke("order-placed", { service: "events", sourceArn: orderPlaced.arn });
new EventRuleTarget("follow-up-on-order", {
    rule: orderPlaced.name,
    ruleArn: orderPlaced.arn,
    eventBusName: outbox.eventBusArn!,
    targetArn: paymentFollowUp.aliasArn,
});

new StreamWorker("orders-projection", {
    streamArn: orders.streamArn,
    function: {
        code: handler("orders-projection"),
        environment: { SUMMARY_TABLE: orderSummaries.name },
        policyStatements: [{ actions: ["dynamodb:UpdateItem"], resources: [orderSummaries.arn] }],
    },
});

new CostGuardrails("monthly-cost", { monthlyLimit: 100, emails: [alertEmail] });

export const ordersUrl = api.url;
export const outboxTable = outbox.tableName;
export const fulfilmentQueueUrl = fulfilment.queueUrl;
