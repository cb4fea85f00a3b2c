// Invoked asynchronously by EventBridge for each OrderPlaced event; a failure ends in the function's DLQ.
exports.handler = async (event) => {
    const { payload } = event.detail;
    console.log(JSON.stringify({ message: "confirmation sent", orderId: payload.orderId }));
};
