/**
 * Values the Terraform-bridged AWS provider fills in during Check, before the policy pack sees a
 * resource's inputs. The engine hands policies these inputs, so the checker and the tests do too.
 * A policy must treat each of these as "not set".
 */
export const providerDefaults: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
    "aws:lambda/function:Function": {
        memorySize: 128,
        timeout: 3,
        reservedConcurrentExecutions: -1,
        packageType: "Zip",
        publish: false,
        skipDestroy: false,
    },
    "aws:lambda/eventSourceMapping:EventSourceMapping": {
        enabled: true,
    },
    "aws:sqs/queue:Queue": {
        visibilityTimeoutSeconds: 30,
        messageRetentionSeconds: 345600,
        delaySeconds: 0,
        maxMessageSize: 262144,
        receiveWaitTimeSeconds: 0,
        fifoQueue: false,
        contentBasedDeduplication: false,
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        actionsEnabled: true,
        treatMissingData: "missing",
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        retentionInDays: 0,
        skipDestroy: false,
    },
    "aws:apigateway/stage:Stage": {
        cacheClusterEnabled: false,
        xrayTracingEnabled: false,
    },
};

/** A resource's inputs as the provider's Check returns them: the inputs over the provider's defaults. */
export function withProviderDefaults(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const defaults = providerDefaults[type];
    return defaults ? { ...defaults, ...inputs } : { ...inputs };
}
