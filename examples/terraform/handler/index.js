// The handler every example function runs: it reports no failed batch items.
exports.handler = async () => ({ batchItemFailures: [] });
