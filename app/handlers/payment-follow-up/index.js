// A durable execution per OrderPlaced event: remind the customer after a day, cancel an order still unpaid after
// three. Lambda checkpoints each step and suspends the waits at no compute cost; a failed or timed-out execution is
// alarmed and its event kept in the function's dead-letter queue.
// The AWS Durable Execution SDK is bundled with the handler: run `npm install` in this folder before deploying.
const { withDurableExecution } = require("@aws/durable-execution-sdk-js");

const DAY = 24 * 60 * 60;

exports.handler = withDurableExecution(async (event, context) => {
    const { orderId } = event.detail.payload;
    await context.wait({ seconds: DAY });
    await context.step("send-reminder", async () => console.log(JSON.stringify({ message: "payment reminder sent", orderId })));
    await context.wait({ seconds: 2 * DAY });
    return context.step("cancel-if-unpaid", async () => {
        console.log(JSON.stringify({ message: "unpaid order cancelled", orderId }));
        return { orderId, cancelled: true };
    });
});
