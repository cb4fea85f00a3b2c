/**
 * What the mocks answer: the state a provider would return for each resource type, and plausible
 * answers to the data sources programs commonly call. Preview mode gives the provider's planned state
 * (engine-model.ts: every computed attribute the program did not set, unknown); update mode gives what
 * AWS returns after a create: realistic identities, AWS's own values where a policy may read them, and
 * the empty value of its kind for every other computed attribute. Data sources: data-sources.ts.
 */
import { createHash } from "crypto";
import { tableOf } from "./aws-tables";
import { UNKNOWN_SENTINEL, checkResource, emptyValueOf, plannedState, stateOfInputs, tagsAllOf } from "./engine-model";

export { UNKNOWN_SENTINEL } from "./engine-model";

/** The account, region and partition the mocks build ARNs and ids with. */
export interface MockEnvironment {
    /** The 12-digit account id. Default `123456789012`. */
    accountId: string;
    /** The region, e.g. `eu-west-1`. Default: config `aws:region`, else `us-east-1`. */
    region: string;
    /** The partition: `aws`, `aws-cn` or `aws-us-gov`. Default `aws`. */
    partition: string;
}

export const defaultEnvironment: MockEnvironment = { accountId: "123456789012", region: "us-east-1", partition: "aws" };

/** A short stable suffix, so that two captures of the same program give the same identities. */
function suffix(seed: string, length = 7): string {
    return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

function str(value: unknown): string | undefined {
    return typeof value === "string" && value !== "" && value !== UNKNOWN_SENTINEL ? value : undefined;
}

/** `aws:sqs/queue:Queue` -> { service: "sqs", kind: "queue" }. */
function tokenParts(type: string) {
    const [pkg = "", module = "", kind = ""] = type.split(":");
    return { pkg, service: module.split("/")[0], kind: kind.charAt(0).toLowerCase() + kind.slice(1) };
}

type Outputs = Record<string, unknown>;

/**
 * The computed outputs of a resource after it is created (update mode). `id` included. Generated names carry a
 * suffix derived from `uniqueKey` (the URN when known), as Pulumi's auto-naming does, so that two children with the
 * same name under different parents get different physical names and ARNs.
 */
export function computedOutputs(type: string, name: string, inputs: Record<string, unknown>, env: MockEnvironment, uniqueKey = type + name): Outputs {
    const { accountId: account, region, partition } = env;
    const { pkg, service, kind } = tokenParts(type);
    const arnPrefix = `arn:${partition}:${service}:${region}:${account}`;
    const physical = str(inputs.name) ?? `${name}-${suffix(uniqueKey)}`;
    const named = str(inputs.name) ? {} : { name: physical };
    switch (type) {
        case "aws:sqs/queue:Queue": {
            const queueName = str(inputs.name) ?? (inputs.fifoQueue === true ? `${physical}.fifo` : physical);
            const url = `https://sqs.${region}.amazonaws.com/${account}/${queueName}`;
            return { id: url, url, arn: `${arnPrefix}:${queueName}`, name: queueName };
        }
        case "aws:sns/topic:Topic": {
            const arn = `${arnPrefix}:${physical}`;
            return { id: arn, arn, ...named, owner: account };
        }
        case "aws:lambda/function:Function": {
            const arn = `${arnPrefix}:function:${physical}`;
            // A published function's version is a number (the first publish gives "1").
            const version = inputs.publish === true ? "1" : "$LATEST";
            return {
                id: physical,
                ...named,
                arn,
                qualifiedArn: `${arn}:${version}`,
                invokeArn: `arn:${partition}:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
                qualifiedInvokeArn: `arn:${partition}:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}:${version}/invocations`,
                version,
                lastModified: "2026-01-01T00:00:00.000+0000",
                sourceCodeHash: suffix(physical, 44),
            };
        }
        case "aws:lambda/capacityProvider:CapacityProvider": {
            const arn = `${arnPrefix}:capacity-provider:${physical}`;
            return { id: physical, ...named, arn };
        }
        case "aws:lambda/alias:Alias": {
            // An alias ARN is its function's ARN qualified with the alias name.
            const fnArn = functionArnOf(inputs.functionName, env) ?? `${arnPrefix}:function:${name}`;
            const arn = `${fnArn}:${str(inputs.name) ?? name}`;
            return { id: arn, arn, invokeArn: `arn:${partition}:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations` };
        }
        case "aws:lambda/eventSourceMapping:EventSourceMapping": {
            const uuid = uuidOf(name);
            return { id: uuid, uuid, arn: `${arnPrefix}:event-source-mapping:${uuid}`, functionArn: functionArnOf(inputs.functionName, env), state: "Enabled" };
        }
        case "aws:dynamodb/table:Table": {
            const arn = `${arnPrefix}:table/${physical}`;
            const stream = inputs.streamEnabled === true
                ? { streamArn: `${arn}/stream/2026-01-01T00:00:00.000`, streamLabel: "2026-01-01T00:00:00.000" }
                : {};
            return { id: physical, ...named, arn, ...stream };
        }
        case "aws:kinesis/stream:Stream":
            return { id: `${arnPrefix}:stream/${physical}`, ...named, arn: `${arnPrefix}:stream/${physical}` };
        case "aws:iam/role:Role":
        case "aws:iam/policy:Policy":
        case "aws:iam/user:User": {
            const arn = `arn:${partition}:iam::${account}:${kind}/${physical}`;
            return { id: type === "aws:iam/policy:Policy" ? arn : physical, ...named, arn, uniqueId: `AROA${suffix(physical, 17).toUpperCase()}` };
        }
        case "aws:s3/bucket:Bucket":
        case "aws:s3/bucketV2:BucketV2": {
            const bucket = str(inputs.bucket) ?? `${name}-${suffix(type + name)}`;
            return { id: bucket, bucket, arn: `arn:${partition}:s3:::${bucket}`, bucketDomainName: `${bucket}.s3.amazonaws.com`, bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`, region };
        }
        case "aws:cloudwatch/logGroup:LogGroup":
            return { id: physical, ...named, arn: `arn:${partition}:logs:${region}:${account}:log-group:${physical}` };
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return { id: physical, ...named, arn: `arn:${partition}:cloudwatch:${region}:${account}:alarm:${physical}` };
        case "aws:cloudwatch/eventRule:EventRule": {
            const bus = str(inputs.eventBusName);
            const path = bus && bus !== "default" ? `${bus}/${physical}` : physical;
            return { id: bus ? `${bus}|${physical}` : physical, ...named, arn: `arn:${partition}:events:${region}:${account}:rule/${path}` };
        }
        case "aws:cloudwatch/eventBus:EventBus":
            return { id: physical, ...named, arn: `arn:${partition}:events:${region}:${account}:event-bus/${physical}` };
        case "aws:cloudwatch/eventTarget:EventTarget":
            return { id: `${str(inputs.rule) ?? "rule"}-${str(inputs.targetId) ?? suffix(name)}`, targetId: str(inputs.targetId) ?? suffix(name, 20) };
        case "aws:sfn/stateMachine:StateMachine": {
            const arn = `arn:${partition}:states:${region}:${account}:stateMachine:${physical}`;
            return { id: arn, ...named, arn };
        }
        case "aws:apigatewayv2/api:Api": {
            const id = suffix(name, 10);
            return {
                id,
                arn: `arn:${partition}:apigateway:${region}::/apis/${id}`,
                apiEndpoint: `https://${id}.execute-api.${region}.amazonaws.com`,
                executionArn: `arn:${partition}:execute-api:${region}:${account}:${id}`,
            };
        }
        case "aws:apigateway/restApi:RestApi": {
            const id = suffix(name, 10);
            return {
                id,
                arn: `arn:${partition}:apigateway:${region}::/restapis/${id}`,
                executionArn: `arn:${partition}:execute-api:${region}:${account}:${id}`,
                rootResourceId: suffix(`${name}/root`, 10),
                createdDate: "2026-01-01T00:00:00Z",
            };
        }
        case "aws:apigateway/stage:Stage":
        case "aws:apigatewayv2/stage:Stage": {
            const api = str(inputs.restApi) ?? str(inputs.apiId) ?? suffix(name, 10);
            const stage = str(inputs.stageName) ?? str(inputs.name) ?? name;
            return {
                id: `ags-${api}-${stage}`,
                arn: `arn:${partition}:apigateway:${region}::/restapis/${api}/stages/${stage}`,
                invokeUrl: `https://${api}.execute-api.${region}.amazonaws.com/${stage}`,
                executionArn: `arn:${partition}:execute-api:${region}:${account}:${api}/${stage}`,
            };
        }
        case "aws:wafv2/webAcl:WebAcl": {
            const id = uuidOf(name);
            const scope = inputs.scope === "CLOUDFRONT" ? "global" : "regional";
            return { id, ...named, arn: `arn:${partition}:wafv2:${region}:${account}:${scope}/webacl/${physical}/${id}`, capacity: 0, lockToken: uuidOf(`${name}/lock`) };
        }
        case "aws:budgets/budget:Budget":
            return { id: `${account}:${physical}`, ...named, accountId: account, arn: `arn:${partition}:budgets::${account}:budget/${physical}` };
        case "aws:secretsmanager/secret:Secret": {
            const arn = `${arnPrefix}:secret:${physical}-${suffix(physical, 6)}`;
            return { id: arn, ...named, arn };
        }
        case "aws:kms/key:Key": {
            const keyId = uuidOf(name);
            return { id: keyId, keyId, arn: `${arnPrefix}:key/${keyId}` };
        }
    }
    if (pkg === "aws") {
        return { id: `${name}-${suffix(type + name, 8)}`, arn: `${arnPrefix}:${kind}/${physical}` };
    }
    return { id: `${name}-${suffix(type + name, 8)}` };
}

function uuidOf(seed: string): string {
    const h = suffix(seed, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function functionArnOf(functionName: unknown, env: MockEnvironment): string | undefined {
    const value = str(functionName);
    if (!value) return undefined;
    if (value.startsWith("arn:")) return value;
    return `arn:${env.partition}:lambda:${env.region}:${env.accountId}:function:${value}`;
}

/** A stream event source (Kinesis or DynamoDB) by its ARN. */
function isStreamArn(value: unknown): boolean {
    const arn = str(value) ?? "";
    return arn.includes(":kinesis:") || (arn.includes(":dynamodb:") && arn.includes("/stream/"));
}

/**
 * What AWS returns after a create for computed attributes the program did not set, where a policy may read
 * them (the rest read as the empty value of their kind). From the AWS APIs' documented defaults.
 */
function awsReturned(type: string, checked: Record<string, unknown>, env: MockEnvironment): Outputs {
    switch (type) {
        case "aws:lambda/function:Function":
            return {
                architectures: ["x86_64"],
                ephemeralStorage: { size: 512 },
                tracingConfig: { mode: "PassThrough" },
                // Lambda's own log group when the function names none (GetFunctionConfiguration LoggingConfig).
                loggingConfig: { logFormat: "Text", logGroup: `/aws/lambda/${str(checked.name) ?? ""}`, applicationLogLevel: "", systemLogLevel: "" },
            };
        case "aws:lambda/eventSourceMapping:EventSourceMapping": {
            // Streams retry until the record expires (-1) one batch at a time; SQS mappings have neither setting.
            const stream = isStreamArn(checked.eventSourceArn);
            return { maximumRetryAttempts: stream ? -1 : 0, maximumRecordAgeInSeconds: stream ? -1 : 0, parallelizationFactor: stream ? 1 : 0, state: "Enabled" };
        }
        case "aws:sqs/queue:Queue":
            // SSE-SQS is on by default for new queues since 2022.
            return {
                sqsManagedSseEnabled: checked.kmsMasterKeyId === undefined,
                kmsDataKeyReusePeriodSeconds: 300,
                ...(checked.fifoQueue === true ? { deduplicationScope: "queue", fifoThroughputLimit: "perQueue" } : {}),
            };
        case "aws:cloudwatch/logGroup:LogGroup":
            return { logGroupClass: "STANDARD" };
        case "aws:sns/topic:Topic":
            return { signatureVersion: 1, tracingConfig: "PassThrough", owner: env.accountId };
        case "aws:apigateway/restApi:RestApi":
            return { endpointConfiguration: { types: ["EDGE"], ipAddressType: "ipv4" }, apiKeySource: "HEADER", disableExecuteApiEndpoint: false };
        case "aws:scheduler/schedule:Schedule":
            return { groupName: "default", actionAfterCompletion: "NONE" };
    }
    return {};
}

/**
 * The state the engine records for a custom resource, as the mock monitor answers it: its inputs after the
 * provider's Check plus the computed outputs (planned at a preview, as created at an update). `id` is
 * undefined in a preview. `inputs` are the program's; pass `checked` when Check already ran.
 */
export function resourceState(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    preview: boolean,
    env: MockEnvironment,
    urn?: string,
    checked?: Record<string, unknown>,
): { id: string | undefined; state: Record<string, unknown> } {
    const resourceUrn = urn ?? `urn:pulumi:stack::project::${type}::${name}`;
    const afterCheck = checked ?? checkResource(type, resourceUrn, inputs);
    const table = tableOf(type);
    const identities = computedOutputs(type, name, stateOfInputs(afterCheck), env, resourceUrn);
    if (preview) {
        const { id: _id, ...state } = plannedState(type, afterCheck, env.region);
        // Without a table (a type the tables do not cover), the identities the mocks know stand for its computed attributes.
        if (!table) {
            for (const [key, value] of Object.entries(identities)) {
                if (key !== "id" && state[key] === undefined && value !== undefined) state[key] = UNKNOWN_SENTINEL;
            }
        }
        return { id: undefined, state };
    }
    const state = stateOfInputs(afterCheck) as Record<string, unknown>;
    const returned = awsReturned(type, state, env);
    for (const [attribute, kind] of Object.entries(table?.computed ?? {})) {
        if (state[attribute] !== undefined) continue;
        const value =
            attribute === "region" ? env.region : attribute === "tagsAll" ? tagsAllOf(afterCheck) : identities[attribute] ?? returned[attribute] ?? emptyValueOf(kind);
        if (value !== undefined) state[attribute] = value;
    }
    if (!table) {
        for (const [key, value] of Object.entries(identities)) {
            if (key !== "id" && state[key] === undefined && value !== undefined) state[key] = value;
        }
    }
    return { id: String(identities.id), state };
}

export { dataSourceAnswer, renderPolicyDocument } from "./data-sources";
