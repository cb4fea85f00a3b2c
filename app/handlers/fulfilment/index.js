// Works the fulfilment queue; reports only the messages that failed, so the rest of the batch is not retried.
exports.handler = async (event) => {
    const batchItemFailures = [];
    for (const record of event.Records) {
        try {
            const { detail } = JSON.parse(record.body);
            console.log(JSON.stringify({ message: "fulfilling", orderId: detail.payload.orderId }));
        } catch (error) {
            batchItemFailures.push({ itemIdentifier: record.messageId });
        }
    }
    return { batchItemFailures };
};
