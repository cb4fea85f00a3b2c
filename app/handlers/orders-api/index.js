// POST /orders: stores the order and its OrderPlaced event in one DynamoDB transaction (the transactional outbox).
const { DynamoDBClient, TransactWriteItemsCommand } = require("@aws-sdk/client-dynamodb");
const { randomUUID } = require("node:crypto");

const dynamodb = new DynamoDBClient({});
const DAY = 24 * 60 * 60;

exports.handler = async (event) => {
    let order;
    try {
        order = JSON.parse(event.body ?? "");
    } catch {
        return { statusCode: 400, body: JSON.stringify({ message: "the body must be a JSON order" }) };
    }
    const id = randomUUID();
    const now = Math.floor(Date.now() / 1000);
    await dynamodb.send(new TransactWriteItemsCommand({
        TransactItems: [
            { Put: { TableName: process.env.ORDERS_TABLE, Item: { id: { S: id }, status: { S: "PLACED" }, order: { S: JSON.stringify(order) } } } },
            { Put: { TableName: process.env.OUTBOX_TABLE, Item: {
                id: { S: `${id}#placed` }, type: { S: "OrderPlaced" },
                payload: { M: { orderId: { S: id }, order: { S: JSON.stringify(order) } } },
                expiresAt: { N: String(now + 7 * DAY) },
            } } },
        ],
    }));
    return { statusCode: 201, body: JSON.stringify({ id }) };
};
