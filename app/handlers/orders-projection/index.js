// Reads the orders table's stream and keeps a per-status count; reports the first failed record so order is kept.
const { DynamoDBClient, UpdateItemCommand } = require("@aws-sdk/client-dynamodb");

const dynamodb = new DynamoDBClient({});

exports.handler = async (event) => {
    for (const record of event.Records) {
        try {
            const status = record.dynamodb.NewImage?.status?.S ?? "UNKNOWN";
            await dynamodb.send(new UpdateItemCommand({
                TableName: process.env.SUMMARY_TABLE,
                Key: { status: { S: status } },
                UpdateExpression: "ADD orders :one",
                ExpressionAttributeValues: { ":one": { N: "1" } },
            }));
        } catch (error) {
            return { batchItemFailures: [{ itemIdentifier: record.dynamodb.SequenceNumber }] };
        }
    }
    return { batchItemFailures: [] };
};
