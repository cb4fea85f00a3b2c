import type { Policies } from "@pulumi/policy";
// imports: resource policies
import { lambdaMemorySize } from "./lambda/memory-size";
import { lambdaTimeout } from "./lambda/timeout";
import { lambdaReservedConcurrency } from "./lambda/reserved-concurrency";
import { lambdaRecursiveLoopDetection } from "./lambda/recursive-loop-detection";
import { lambdaFunctionUrlAuth } from "./lambda/function-url-auth";
import { lambdaPermissionSourceScoped } from "./lambda/permission-source-scoped";
import { lambdaRuntimeSupported } from "./lambda/runtime-supported";
import { lambdaTracing } from "./lambda/tracing";
import { managedInstancesFunctionSettings } from "./managed-instances/function-settings";
import { managedInstancesBoundedScale } from "./managed-instances/bounded-scale";
import { managedInstancesMultiAz } from "./managed-instances/multi-az";
import { durableExecutionBounds } from "./durable-functions/execution-bounds";
import { asyncInvokeFailureDestination } from "./failure-handling/async-invoke-failure-destination";
import { streamFailureDestination } from "./event-sources/stream-failure-destination";
import { streamBoundedRetries } from "./event-sources/stream-bounded-retries";
import { batchItemFailures } from "./event-sources/batch-item-failures";
import { sqsEventSourceMaxConcurrency } from "./event-sources/sqs-event-source-max-concurrency";
import { snsSubscriptionDlq } from "./failure-handling/sns-subscription-dlq";
import { eventbridgeTargetDlq } from "./failure-handling/eventbridge-target-dlq";
import { apiAccessLogging } from "./api-protection/access-logging";
import { apiAccessLogJson } from "./api-protection/access-log-format";
import { apiStageTracing } from "./api-protection/stage-tracing";
// imports: stack policies
import { sqsQueueDlq } from "./failure-handling/sqs-queue-dlq";
import { dlqAlarm } from "./failure-handling/dlq-alarm";
import { dlqRetention } from "./failure-handling/dlq-retention";
import { lambdaAsyncFailureDestination } from "./failure-handling/lambda-async-failure-destination";
import { sqsVisibilityTimeout } from "./scaling/sqs-visibility-timeout";
import { lambdaConcurrencyQuota } from "./scaling/lambda-concurrency-quota";
import { managedInstancesVcpuQuota } from "./managed-instances/vcpu-quota";
import { durableQualifiedInvocation } from "./durable-functions/qualified-invocation";
import { durableFailurePath } from "./durable-functions/failure-path";
import { durableCheckpointPermissions } from "./durable-functions/checkpoint-permissions";
import { budgetAlarm } from "./cost/budget-alarm";
import { wafProtection } from "./api-protection/waf-protection";
import { apiThrottling } from "./api-protection/api-throttling";
import { noRecursiveLoops } from "./loops/no-recursive-loops";
import { lambdaLogRetention } from "./observability/lambda-log-retention";
import { logGroupRetention } from "./observability/log-group-retention";
import { stateMachineObservability } from "./observability/state-machine-observability";
import { lambdaRoleLeastPrivilege } from "./security/lambda-role-least-privilege";

/** Every policy of the pack, in the order reports list them. */
export const allPolicies: Policies = [
    // resource policies
    lambdaMemorySize,
    lambdaTimeout,
    lambdaReservedConcurrency,
    lambdaRecursiveLoopDetection,
    lambdaFunctionUrlAuth,
    lambdaPermissionSourceScoped,
    lambdaRuntimeSupported,
    lambdaTracing,
    managedInstancesFunctionSettings,
    managedInstancesBoundedScale,
    managedInstancesMultiAz,
    durableExecutionBounds,
    asyncInvokeFailureDestination,
    streamFailureDestination,
    streamBoundedRetries,
    batchItemFailures,
    sqsEventSourceMaxConcurrency,
    snsSubscriptionDlq,
    eventbridgeTargetDlq,
    apiAccessLogging,
    apiAccessLogJson,
    apiStageTracing,
    // end of resource policies
    // stack policies
    sqsQueueDlq,
    dlqAlarm,
    dlqRetention,
    lambdaAsyncFailureDestination,
    sqsVisibilityTimeout,
    lambdaConcurrencyQuota,
    managedInstancesVcpuQuota,
    durableQualifiedInvocation,
    durableFailurePath,
    durableCheckpointPermissions,
    budgetAlarm,
    wafProtection,
    apiThrottling,
    noRecursiveLoops,
    lambdaLogRetention,
    logGroupRetention,
    stateMachineObservability,
    lambdaRoleLeastPrivilege,
    // end of stack policies
];
